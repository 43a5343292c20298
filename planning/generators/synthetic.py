"""An England-scale synthetic data set for benchmarks and load tests (`manage.py generate_synthetic`).

Built on the real reference data (regions, ICSs, NHS trusts, colleges, apprenticeship standards,
occupations and the starter pathways, imported from data/ when the database lacks them; data
already there is left as it is), it adds generated figures:
monthly vacancies per trust and occupation and per ICS for social care, course offers at every
college, and, where the real occupations are fewer than the scale asks for, occupations named
"Synthetic occupation NN" with an entry route each, so that every offer leads somewhere.

Everything generated is marked: vacancy rows carry `synthetic=True`, course codes start "SYN-",
titles end "(synthetic)", occupations and routes say so in their names and notes, and each run
records a DataLoad(kind="synthetic"), which makes the pages show the demonstration-data banner.

A run replaces the previous synthetic set (every vacancy row flagged synthetic, including those
of load_demo_data, and every "SYN-" offer) inside one transaction; synthetic occupations and
routes are kept and reused. The same scale, seed and end month give the same data.

Rows are written in batches without history entries: this is generated data, not a change
anyone made, so the audit trail would only slow it down and fill the history tables. The
vacancy and offer rows (hundreds of thousands at England scale) go in as plain value tuples
(COPY on PostgreSQL, one prepared INSERT on SQLite) rather than through bulk_create, whose
per-object cost dominated the run (profiled: about 80% of the time in model __init__ and SQL
compilation). England scale then takes about 25 s on PostgreSQL and 18 s on SQLite.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from colleges.models import College, CourseOffer
from core.models import DataLoad
from pathways.models import ApprenticeshipStandard, EntryRoute, Occupation, OccupationSector
from pathways.vocabulary import QualificationType, add_months
from trusts.models import IntegratedCareSystem, Sector, Trust, TrustKind, Vacancy

SYNTHETIC_COURSE_PREFIX = "SYN-"
SYNTHETIC_OCCUPATION_PREFIX = "synthetic-occupation-"
SYNTHETIC_ROUTE_NOTE = "Synthetic route made by generate_synthetic: not a real pathway."
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Scale:
    """How much to generate. `region` limits the geography to one NHS England region (None: all)."""

    name: str
    occupations: int
    months: int
    offers: int
    region: str | None = None
    ics_limit: int | None = None
    trusts_per_ics: int | None = None
    colleges_limit: int | None = None


SCALES = {
    "england": Scale(name="england", occupations=60, months=60, offers=50_000),
    "region": Scale(name="region", occupations=60, months=60, offers=8_000, region="Y62"),
    "small": Scale(
        name="small", occupations=36, months=12, offers=200, region="Y62", ics_limit=2, trusts_per_ics=3,
        colleges_limit=4,
    ),
}


@dataclass
class SyntheticDataResult:
    """What a run made, and how long it took."""

    scale: str
    seed: int
    first_period: dt.date
    last_period: dt.date
    occupations: int = 0
    synthetic_occupations_added: int = 0
    synthetic_routes_added: int = 0
    integrated_care_systems: int = 0
    trusts: int = 0
    colleges: int = 0
    vacancies: int = 0
    course_offers: int = 0
    replaced_vacancies: int = 0
    replaced_course_offers: int = 0
    seconds: float = 0.0
    reference: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["first_period"] = self.first_period.isoformat()
        data["last_period"] = self.last_period.isoformat()
        return data

    def lines(self) -> list[str]:
        return [
            f"Synthetic data set ({self.scale}, seed {self.seed}): GENERATED FIGURES, NOT REAL DATA.",
            f"  geography: {self.integrated_care_systems} ICSs, {self.trusts} NHS trusts, {self.colleges} colleges "
            "(real reference data)",
            f"  occupations: {self.occupations} ({self.synthetic_occupations_added} synthetic added; "
            f"{self.synthetic_routes_added} synthetic entry routes added)",
            f"  vacancies: {self.vacancies:,} rows, {self.first_period:%B %Y} to {self.last_period:%B %Y} "
            f"(replaced {self.replaced_vacancies:,} earlier synthetic rows)",
            f"  course offers: {self.course_offers:,} with codes {SYNTHETIC_COURSE_PREFIX}... "
            f"(replaced {self.replaced_course_offers:,} earlier ones)",
            f"  took {self.seconds:.1f} s",
        ]


# --------------------------------------------------------------------------------------
# What a trust of each kind employs (staff in post, FTE, for a mid-sized trust). Indicative
# shapes for generating plausible figures, not statistics.
# --------------------------------------------------------------------------------------

KINDS = (TrustKind.ACUTE, TrustKind.MENTAL_HEALTH, TrustKind.COMMUNITY, TrustKind.AMBULANCE, TrustKind.SPECIALIST,
         TrustKind.OTHER)
NHS_STAFF = {  # acute, mental health, community, ambulance, specialist, other
    "health-services-managers": (120, 60, 50, 40, 60, 40),
    "health-care-practice-managers": (0, 0, 10, 0, 0, 0),
    "general-practitioners": (0, 0, 12, 0, 0, 0),
    "specialist-medical-practitioners": (750, 120, 40, 0, 350, 50),
    "physiotherapists": (120, 5, 60, 0, 60, 10),
    "occupational-therapists": (70, 60, 50, 0, 30, 10),
    "speech-and-language-therapists": (25, 10, 30, 0, 10, 5),
    "psychotherapists": (5, 60, 10, 0, 5, 5),
    "clinical-psychologists": (10, 80, 10, 0, 10, 5),
    "other-therapy-professionals": (20, 20, 20, 0, 10, 5),
    "midwives": (220, 0, 10, 0, 40, 0),
    "community-nurses": (20, 40, 250, 0, 0, 20),
    "specialist-nurses": (150, 30, 40, 0, 80, 10),
    "nurse-practitioners": (40, 10, 30, 0, 20, 5),
    "mental-health-nurses": (30, 600, 40, 0, 10, 20),
    "childrens-nurses": (120, 10, 40, 0, 150, 5),
    "registered-nurses": (1700, 60, 300, 0, 700, 80),
    "pharmacists": (60, 10, 10, 0, 40, 5),
    "radiographers": (120, 0, 5, 0, 60, 5),
    "paramedics": (0, 0, 0, 1200, 0, 0),
    "podiatrists": (10, 0, 30, 0, 0, 5),
    "other-health-professionals": (150, 20, 30, 0, 100, 20),
    "pharmacy-technicians": (50, 10, 10, 0, 30, 5),
    "medical-and-dental-technicians": (120, 5, 10, 0, 80, 10),
    "health-associate-professionals": (120, 40, 60, 200, 50, 10),
    "healthcare-support-workers": (1100, 450, 300, 0, 400, 60),
    "ambulance-support-workers": (0, 0, 0, 1400, 0, 0),
    "dental-nurses": (20, 0, 15, 0, 20, 0),
}
NHS_STAFF_OTHER = (40, 0, 0, 0, 0, 0)  # occupations not listed above (synthetic ones): acute trusts only

SOCIAL_CARE_STAFF = {  # per ICS of average size
    "care-workers": 14000,
    "senior-care-workers": 2600,
    "registered-nurses": 900,
    "care-service-managers": 1100,
    "social-services-managers": 150,
    "social-workers": 600,
    "occupational-therapists": 120,
}
SOCIAL_CARE_STAFF_OTHER = 100

# Course templates: qualification type, level, standard reference, title, duration (months),
# planned places (low, high), weight. Synthetic routes add one template each.
COURSES = [
    (QualificationType.T_LEVEL, 3, None, "T Level in Health", 24, (12, 30), 8),
    (QualificationType.T_LEVEL, 3, None, "T Level in Healthcare Science", 24, (8, 20), 3),
    (QualificationType.DIPLOMA, 2, None, "Diploma in Health and Social Care (level 2)", 12, (12, 30), 10),
    (QualificationType.DIPLOMA, 3, None, "Extended Diploma in Health and Social Care", 24, (12, 30), 10),
    (QualificationType.ACCESS_TO_HE, 3, None, "Access to HE Diploma (Health Professions)", 12, (15, 30), 8),
    (QualificationType.ACCESS_TO_HE, 3, None, "Access to HE Diploma (Nursing and Midwifery)", 12, (15, 30), 6),
    (QualificationType.FOUNDATION_DEGREE, 5, None, "FdSc Health and Social Care", 24, (10, 25), 3),
    (QualificationType.HNC_HND, 4, None, "HNC Healthcare Practice", 12, (10, 20), 2),
    (QualificationType.APPRENTICESHIP, None, "ST0216", "Healthcare support worker apprenticeship", 12, (6, 20), 8),
    (QualificationType.APPRENTICESHIP, None, "ST0217", "Senior healthcare support worker apprenticeship", 18,
     (6, 20), 8),
    (QualificationType.APPRENTICESHIP, None, "ST0005", "Adult care worker apprenticeship", 12, (6, 20), 7),
    (QualificationType.APPRENTICESHIP, None, "ST0006", "Lead adult care worker apprenticeship", 18, (6, 16), 6),
    (QualificationType.APPRENTICESHIP, None, "ST0007", "Lead practitioner in adult care apprenticeship", 18,
     (4, 12), 2),
    (QualificationType.APPRENTICESHIP, None, "ST0008", "Leader in adult care apprenticeship", 24, (4, 12), 2),
    (QualificationType.APPRENTICESHIP, None, "ST0827", "Nursing associate apprenticeship", 24, (6, 20), 4),
    (QualificationType.APPRENTICESHIP, None, "ST0215", "Assistant practitioner apprenticeship", 18, (4, 12), 2),
    (QualificationType.APPRENTICESHIP, None, "ST0781", "Registered nurse degree apprenticeship", 48, (4, 12), 1),
    (QualificationType.APPRENTICESHIP, None, "ST0627", "Ambulance support worker apprenticeship", 12, (6, 16), 1),
    (QualificationType.APPRENTICESHIP, None, "ST0287", "Associate ambulance practitioner apprenticeship", 18,
     (4, 12), 1),
    (QualificationType.APPRENTICESHIP, None, "ST1431", "Dental nurse apprenticeship", 18, (4, 12), 2),
    (QualificationType.APPRENTICESHIP, None, "ST0300", "Pharmacy technician apprenticeship", 24, (4, 12), 2),
    (QualificationType.APPRENTICESHIP, None, "ST0218", "Healthcare science assistant apprenticeship", 12, (4, 10), 1),
    (QualificationType.APPRENTICESHIP, None, "ST0220", "Healthcare science associate apprenticeship", 24, (4, 10), 1),
]
SYNTHETIC_ROUTE_SHAPES = [  # qualification type and level of each synthetic occupation's route, in turn
    (QualificationType.SHORT_COURSE, 1), (QualificationType.SHORT_COURSE, 2), (QualificationType.SHORT_COURSE, 3),
    (QualificationType.OTHER, 2), (QualificationType.OTHER, 3), (QualificationType.OTHER, 4),
    (QualificationType.HNC_HND, 5), (QualificationType.DIPLOMA, 1), (QualificationType.OTHER, 5),
]
SYNTHETIC_SECTORS = [OccupationSector.NHS, OccupationSector.BOTH, OccupationSector.SOCIAL_CARE]


def _rows_insert(model, names: tuple[str, ...], rows: list[tuple]) -> int:
    """Write plain value tuples into the model's table (no signals, no history): COPY on PostgreSQL,
    executemany (a C loop over one prepared INSERT) on SQLite."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # CSV format: None is written as an empty unquoted field, which COPY reads as NULL (no text
            # column here is ever empty); booleans as t/f.
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerows(tuple("t" if v is True else "f" if v is False else v for v in row) for row in rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)


def _now_for_db():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _reference_data_import() -> list[str]:
    """The real reference data (only into a database that lacks some of it, so that corrections made
    in the portal, such as a college's ICS, are kept) and the starter pathways (adds only what is missing)."""
    from colleges.services import colleges_import
    from core.importing import DATA_DIR
    from pathways.services import (
        STANDARDS_FILE,
        STANDARDS_HISTORY_FILE,
        apprenticeship_standards_history_import,
        apprenticeship_standards_import,
        occupations_import,
        pathways_starter_set_import,
    )
    from trusts.models import Region
    from trusts.services import integrated_care_systems_import, regions_import, trusts_import

    models = (Region, IntegratedCareSystem, Trust, College, ApprenticeshipStandard, Occupation)
    results = []
    if all(model.objects.exists() for model in models):
        results.append("reference data already loaded: left as it is")
    else:
        results += [
            regions_import(path=DATA_DIR / "nhs_england_regions.csv"),
            integrated_care_systems_import(path=DATA_DIR / "integrated_care_boards.csv"),
            trusts_import(path=DATA_DIR / "nhs_trusts_ods.csv"),
            colleges_import(path=DATA_DIR / "fe_college_locations.csv"),
            apprenticeship_standards_import(path=DATA_DIR / STANDARDS_FILE),
            apprenticeship_standards_history_import(path=DATA_DIR / STANDARDS_HISTORY_FILE),
            occupations_import(path=DATA_DIR / "occupations.csv", soc_path=DATA_DIR / "soc2020_unit_groups.csv"),
        ]
    results.append(pathways_starter_set_import())
    return [str(result) for result in results]


def _synthetic_occupations_ensure(target: int) -> tuple[int, int]:
    """Top the occupations up to `target` with clearly named synthetic ones, each with one entry route.

    Answers (occupations added, routes added).
    """
    real = Occupation.objects.exclude(code__startswith=SYNTHETIC_OCCUPATION_PREFIX).count()
    wanted = [
        (number, f"{SYNTHETIC_OCCUPATION_PREFIX}{number:02d}")
        for number in range(real + 1, target + 1)
    ]
    existing = set(Occupation.objects.filter(code__in=[code for _, code in wanted]).values_list("code", flat=True))
    new = [
        Occupation(
            code=code,
            name=f"Synthetic occupation {number:02d}",
            soc_code="6131",
            staff_group="Synthetic (generated)",
            sector=SYNTHETIC_SECTORS[number % len(SYNTHETIC_SECTORS)],
            annual_leaver_rate=Decimal("0.10"), annual_leaver_rate_low=Decimal("0.10"),
            annual_leaver_rate_high=Decimal("0.10"),
            description="Generated by generate_synthetic for benchmarks and load tests: not a real occupation.",
        )
        for number, code in wanted
        if code not in existing
    ]
    Occupation.objects.bulk_create(new)
    synthetic = Occupation.objects.filter(code__startswith=SYNTHETIC_OCCUPATION_PREFIX).annotate(
        routes=Count("entry_routes")
    )
    routes = []
    for occupation in synthetic.filter(routes=0).order_by("code"):
        number = int(occupation.code.removeprefix(SYNTHETIC_OCCUPATION_PREFIX))
        qualification_type, level = SYNTHETIC_ROUTE_SHAPES[number % len(SYNTHETIC_ROUTE_SHAPES)]
        rate = Decimal(5 + number % 20) / 100
        routes.append(EntryRoute(
            occupation=occupation, qualification_type=qualification_type, level=level,
            conversion_rate=rate, conversion_rate_low=rate, conversion_rate_high=rate,
            lag_months=(number % 4) * 6, notes=SYNTHETIC_ROUTE_NOTE,
        ))
    EntryRoute.objects.bulk_create(routes)  # generated: no history entries
    return len(new), len(routes)


def _geography(scale: Scale) -> tuple[list[IntegratedCareSystem], list[Trust], list[College]]:
    boards = IntegratedCareSystem.objects.current().select_related("region").order_by("code")
    if scale.region:
        boards = boards.filter(region__code=scale.region)
    boards = list(boards[: scale.ics_limit] if scale.ics_limit else boards)
    trusts: list[Trust] = []
    for ics in boards:
        ics_trusts = Trust.objects.open().filter(ics=ics).order_by("ods_code")
        trusts += list(ics_trusts[: scale.trusts_per_ics] if scale.trusts_per_ics else ics_trusts)
    colleges = College.objects.filter(ics__in=boards).select_related("ics").order_by("ukprn")
    colleges = list(colleges[: scale.colleges_limit] if scale.colleges_limit else colleges)
    return boards, trusts, colleges


def _series(rng: random.Random, *, staff: float, rate: float, periods: list[dt.date]) -> list[tuple[Decimal, Decimal]]:
    """Monthly (vacancies, staff in post) for one series: slow growth, a seasonal swing and noise."""
    phase = rng.uniform(0, 2 * math.pi)
    growth = rng.uniform(-0.005, 0.03)
    drift = rng.uniform(-0.3, 0.2)
    values = []
    for month, _period in enumerate(periods):
        years = month / 12
        in_post = staff * (1 + growth * years) * (1 + rng.gauss(0, 0.01))
        share = rate * (1 + drift * years / 5) * (1 + 0.15 * math.sin(2 * math.pi * month / 12 + phase))
        vacancies = max(0.0, in_post * share * (1 + rng.gauss(0, 0.05)))
        values.append((Decimal(f"{vacancies:.2f}"), Decimal(f"{in_post:.2f}")))
    return values


def _vacancies_create(
    rng: random.Random, *, boards, trusts, occupations, periods, taken: set[tuple]
) -> int:
    """Write the vacancy rows in batches, one series at a time. `taken` holds the keys of
    non-synthetic rows already there (real figures are never overwritten)."""
    created = 0
    batch: list[tuple] = []
    names = ("sector", "trust", "ics", "occupation", "period", "vacancies_fte", "staff_in_post_fte", "synthetic",
             "updated_at")
    now = _now_for_db()

    def flush():
        nonlocal created, batch
        created += _rows_insert(Vacancy, names, batch)  # generated: no history entries
        batch = []

    nhs_occupations = [o for o in occupations if o.sector in (OccupationSector.NHS, OccupationSector.BOTH)]
    care_occupations = [o for o in occupations if o.sector in (OccupationSector.SOCIAL_CARE, OccupationSector.BOTH)]
    trusts_per_ics = {ics.pk: 0 for ics in boards}
    for trust in trusts:
        trusts_per_ics[trust.ics_id] += 1
    average_trusts = max(1.0, sum(trusts_per_ics.values()) / max(1, len(boards)))

    for trust in trusts:
        size = rng.uniform(0.5, 1.8)
        kind = KINDS.index(trust.kind) if trust.kind in KINDS else len(KINDS) - 1
        for occupation in nhs_occupations:
            base = NHS_STAFF.get(occupation.code, NHS_STAFF_OTHER)[kind]
            if not base:
                continue
            series = _series(rng, staff=base * size, rate=rng.uniform(0.03, 0.12), periods=periods)
            for period, (vacancies, in_post) in zip(periods, series, strict=True):
                if (Sector.NHS, "trust", trust.pk, occupation.pk, period) in taken:
                    continue
                batch.append(
                    (Sector.NHS.value, trust.pk, trust.ics_id, occupation.pk, period, vacancies, in_post, True, now)
                )
            if len(batch) >= BATCH_SIZE * 10:
                flush()
    for ics in boards:
        size = max(0.4, trusts_per_ics[ics.pk] / average_trusts) * rng.uniform(0.8, 1.2)
        for occupation in care_occupations:
            base = SOCIAL_CARE_STAFF.get(occupation.code, SOCIAL_CARE_STAFF_OTHER)
            series = _series(rng, staff=base * size, rate=rng.uniform(0.07, 0.12), periods=periods)
            for period, (vacancies, in_post) in zip(periods, series, strict=True):
                if (Sector.SOCIAL_CARE, "ics", ics.pk, occupation.pk, period) in taken:
                    continue
                batch.append(
                    (Sector.SOCIAL_CARE.value, None, ics.pk, occupation.pk, period, vacancies, in_post, True, now)
                )
        if len(batch) >= BATCH_SIZE * 5:
            flush()
    flush()
    return created


def _course_templates() -> list[tuple]:
    """The course templates whose standards exist, plus one per synthetic route."""
    standards = ApprenticeshipStandard.objects.in_bulk(
        [ref for _, _, ref, *_ in COURSES if ref], field_name="reference"
    )
    templates = []
    for qualification_type, level, reference, title, duration, places, weight in COURSES:
        standard = standards.get(reference) if reference else None
        if reference and (standard is None or standard.level is None):
            continue
        templates.append((qualification_type, level or standard.level, standard, title,
                          (standard.duration_months if standard and standard.duration_months else duration),
                          places, weight))
    shapes = EntryRoute.objects.filter(
        occupation__code__startswith=SYNTHETIC_OCCUPATION_PREFIX, apprenticeship_standard__isnull=True
    ).values_list("qualification_type", "level").distinct().order_by("qualification_type", "level")
    for qualification_type, level in shapes:
        label = QualificationType(qualification_type).label
        templates.append((qualification_type, level, None, f"Synthetic course: {label} level {level}", 6, (8, 20), 0.5))
    return templates


def _course_offers_create(rng: random.Random, *, colleges, boards, count: int, last_period: dt.date) -> int:
    if not colleges or not count:
        return 0
    templates = _course_templates()
    weights = [template[-1] for template in templates]
    first_year = last_period.year - 4 if last_period.month >= 8 else last_period.year - 5
    years = list(range(first_year, first_year + 6))
    boards_by_region: dict[int, list[IntegratedCareSystem]] = {}
    for ics in boards:
        boards_by_region.setdefault(ics.region_id, []).append(ics)
    order = list(colleges)
    rng.shuffle(order)
    batch: list[tuple] = []
    names = ("college", "course_code", "title", "qualification_type", "level", "apprenticeship_standard",
             "academic_year", "start_date", "duration_months", "planned_places", "expected_completion_rate",
             "delivery_ics", "created_at", "updated_at")
    created = 0
    now = _now_for_db()
    for number in range(count):
        college = order[number % len(order)]
        qualification_type, level, standard, title, duration, places, _ = rng.choices(templates, weights)[0]
        year = years[number % len(years)]
        if qualification_type == QualificationType.APPRENTICESHIP:
            start = add_months(dt.date(year, 8, 1), rng.randrange(12))
        else:
            start = dt.date(year, 9, 1)
        delivery_ics = None
        neighbours = [ics for ics in boards_by_region.get(college.ics.region_id, []) if ics.pk != college.ics_id]
        if neighbours and rng.random() < 0.1:
            delivery_ics = rng.choice(neighbours)
        rate = Decimal(f"{rng.uniform(0.5, 0.95):.4f}") if rng.random() < 0.2 else None
        batch.append((
            college.pk, f"{SYNTHETIC_COURSE_PREFIX}{number + 1:06d}", f"{title} (synthetic)", str(qualification_type),
            level, standard.pk if standard else None, f"{year}/{(year + 1) % 100:02d}", start, duration,
            rng.randint(*places), rate, delivery_ics.pk if delivery_ics else None, now, now,
        ))
        if len(batch) >= BATCH_SIZE * 10:
            created += _rows_insert(CourseOffer, names, batch)  # generated: no history entries
            batch = []
    return created + _rows_insert(CourseOffer, names, batch)


def generate(*, scale: str, seed: int, last_period: dt.date | None = None) -> SyntheticDataResult:
    """See planning.services.synthetic_data_generate."""
    started = time.monotonic()
    spec = SCALES[scale]
    last_period = (last_period or timezone.localdate()).replace(day=1)
    first_period = add_months(last_period, -(spec.months - 1))
    periods = [add_months(first_period, month) for month in range(spec.months)]
    rng = random.Random(f"{scale}:{seed}")
    result = SyntheticDataResult(scale=scale, seed=seed, first_period=first_period, last_period=last_period)

    with transaction.atomic():
        result.reference = _reference_data_import()
        result.synthetic_occupations_added, result.synthetic_routes_added = _synthetic_occupations_ensure(
            spec.occupations
        )
        # Replace the previous synthetic set. _raw_delete: one DELETE statement, no per-row signals
        # (which would load every row and write a history entry for each).
        old_vacancies = Vacancy.objects.filter(synthetic=True)
        result.replaced_vacancies = old_vacancies.count()
        old_vacancies._raw_delete(old_vacancies.db)
        old_offers = CourseOffer.objects.filter(course_code__startswith=SYNTHETIC_COURSE_PREFIX)
        result.replaced_course_offers = old_offers.count()
        old_offers._raw_delete(old_offers.db)

        boards, trusts, colleges = _geography(spec)
        synthetic_codes = [f"{SYNTHETIC_OCCUPATION_PREFIX}{n:02d}" for n in range(1, spec.occupations + 1)]
        occupations = list(
            Occupation.objects.filter(
                ~Q(code__startswith=SYNTHETIC_OCCUPATION_PREFIX) | Q(code__in=synthetic_codes)
            ).order_by("code")
        )
        taken = {
            (row.sector, "trust" if row.trust_id else "ics", row.trust_id or row.ics_id, row.occupation_id, row.period)
            for row in Vacancy.objects.filter(period__gte=first_period, period__lte=last_period).filter(
                Q(trust__in=trusts) | Q(trust__isnull=True, ics__in=boards)
            ).only("sector", "trust_id", "ics_id", "occupation_id", "period")
        }
        result.vacancies = _vacancies_create(
            rng, boards=boards, trusts=trusts, occupations=occupations, periods=periods, taken=taken
        )
        result.course_offers = _course_offers_create(
            rng, colleges=colleges, boards=boards, count=spec.offers, last_period=last_period
        )
        result.occupations = len(occupations)
        result.integrated_care_systems = len(boards)
        result.trusts = len(trusts)
        result.colleges = len(colleges)
        result.seconds = round(time.monotonic() - started, 1)
        if connection.vendor == "postgresql":  # fresh planner statistics for the benchmarks that follow
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Vacancy._meta.db_table}, {CourseOffer._meta.db_table}")
        DataLoad.objects.create(
            kind=DataLoad.Kind.SYNTHETIC,
            description=f"generate_synthetic --scale {scale} --seed {seed}: generated figures, not real data",
            summary=result.as_dict(),
        )
    result.seconds = round(time.monotonic() - started, 1)
    return result


# --------------------------------------------------------------------------------------
# T Level industry placements (bench/placements.py): partnerships and their placement activities
# --------------------------------------------------------------------------------------

SYNTHETIC_PARTNERSHIP_SUMMARY = "Synthetic partnership made for benchmarks: not a real one."
SYNTHETIC_PLACEMENT_NOTE = "Synthetic industry placement made for benchmarks: not a real one."


def placement_activities_generate(*, seed: int = 7, years: list[int] | None = None) -> dict:
    """Partnerships of every college with up to two trusts of its ICS (one college in five also with its ICS
    as a whole), and industry placement activities on each over the academic years `years` (start years;
    default: the years of the synthetic course offers). Replaces the previous synthetic placements; the
    synthetic partnerships are kept and reused. Answers {"partnerships", "partnerships_added", "activities"}.
    """
    from hubs.models import Activity, ActivityKind, Partnership, PartnershipStatus

    rng = random.Random(f"placements:{seed}")
    with transaction.atomic():
        old = Activity.objects.filter(notes=SYNTHETIC_PLACEMENT_NOTE)
        old._raw_delete(old.db)
        if years is None:
            found = CourseOffer.objects.filter(course_code__startswith=SYNTHETIC_COURSE_PREFIX).values_list(
                "academic_year", flat=True
            ).distinct()
            years = sorted({int(year[:4]) for year in found})
        trusts_by_ics: dict[int, list[int]] = {}
        for pk, ics_id in Trust.objects.open().order_by("ods_code").values_list("pk", "ics_id"):
            trusts_by_ics.setdefault(ics_id, []).append(pk)
        existing = set(Partnership.objects.values_list("college_id", "trust_id", "ics_id"))
        taken_pairs = {(college, trust) for college, trust, _ in existing if trust}
        taken_whole = {(college, ics) for college, trust, ics in existing if not trust}
        new = []
        for college in College.objects.order_by("ukprn").only("pk", "ics_id"):
            trusts = trusts_by_ics.get(college.ics_id, [])
            for trust in rng.sample(trusts, min(2, len(trusts))):
                if (college.pk, trust) not in taken_pairs:
                    new.append(Partnership(college_id=college.pk, trust_id=trust, ics_id=college.ics_id,
                                           status=PartnershipStatus.ACTIVE, started_on=dt.date(2020, 9, 1),
                                           summary=SYNTHETIC_PARTNERSHIP_SUMMARY))
            if rng.random() < 0.2 and (college.pk, college.ics_id) not in taken_whole:
                new.append(Partnership(college_id=college.pk, ics_id=college.ics_id, status=PartnershipStatus.ACTIVE,
                                       started_on=dt.date(2020, 9, 1), summary=SYNTHETIC_PARTNERSHIP_SUMMARY))
        Partnership.objects.bulk_create(new, batch_size=BATCH_SIZE)  # generated: no history entries
        synthetic = Partnership.objects.filter(summary=SYNTHETIC_PARTNERSHIP_SUMMARY).order_by("pk")
        partnerships = list(synthetic.values_list("pk", flat=True))
        names = ("partnership", "kind", "happened_on", "learners", "placements_offered", "placements_filled",
                 "interviews_guaranteed", "hires", "notes", "created_at")
        now, rows = _now_for_db(), []
        for partnership in partnerships:
            for year in years:
                for _ in range(rng.randint(1, 3)):
                    offered = rng.randint(2, 15)
                    filled = rng.randint(0, offered)
                    day = dt.date(year, 8, 1) + dt.timedelta(days=rng.randrange(365))
                    rows.append((partnership, ActivityKind.INDUSTRY_PLACEMENT.value, day, offered, offered, filled, 0,
                                 rng.randint(0, filled), SYNTHETIC_PLACEMENT_NOTE, now))
        created = _rows_insert(Activity, names, rows)  # generated: no history entries
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Activity._meta.db_table}, {Partnership._meta.db_table}")
    return {"partnerships": len(partnerships), "partnerships_added": len(new), "activities": created}
