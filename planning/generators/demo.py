"""Labelled demonstration data on top of the real reference data, and demo logins for each role.

Everything made here is generated, not published: hubs are named "(demo)", course codes start
"DEMO-", vacancy rows are flagged synthetic, and a DataLoad(kind="demo") row makes every page show
the demonstration-data banner. Running it again creates nothing new.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from colleges.models import College, CourseOffer
from core.errors import ApplicationError
from core.importing import DATA_DIR
from core.models import DataLoad
from core.roles import Role
from core.users import user_scope_find, users_create
from hubs.models import Hub
from hubs.services import hubs_demo_data_create
from pathways.models import ApprenticeshipStandard, Occupation
from pathways.vocabulary import QualificationType
from trusts.models import IntegratedCareSystem, Region, Sector, Trust, TrustKind, Vacancy

DEFAULT_DEMO_PASSWORD = "portal-demo-2026"
DEMO_PREFIX = "DEMO-"
HUGH_BAIRD_UKPRN = "10003193"  # Hugh Baird College, Bootle: the published partnership case
DEMO_LOGINS = [
    # username, role, scope
    ("admin", Role.STAFF, {}),
    ("coordinator", Role.COORDINATOR, {"hub_code": "Y62"}),
    ("analyst", Role.ICS, {"ics_code": "QYG"}),
    ("college", Role.COLLEGE, {"ukprn": HUGH_BAIRD_UKPRN}),
]


def _number(*parts, low: int, high: int) -> int:
    """A stable pseudo-random whole number in [low, high] for these parts (the same on every run)."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


# --------------------------------------------------------------------------------------
# Hubs: one per NHS England region, hosted by one of the region's colleges
# --------------------------------------------------------------------------------------


def demo_hubs_create() -> dict:
    created = 0
    placed = 0
    for region in Region.objects.all():
        colleges = College.objects.filter(ics__region=region)
        host = colleges.filter(ukprn=HUGH_BAIRD_UKPRN).first() or colleges.filter(
            provider_type__startswith="General FE"
        ).order_by("name").first()
        hub, was_created = Hub.objects.get_or_create(
            region=region,
            defaults={"name": f"{region.name} employer hub for health and care (demo)", "host_college": host},
        )
        created += was_created
        placed += colleges.filter(hub__isnull=True).update(hub=hub)
    return {"hubs added": created, "colleges placed in their region's hub": placed}


# --------------------------------------------------------------------------------------
# Logins: one per role
# --------------------------------------------------------------------------------------


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def demo_logins_create() -> dict:
    created = 0
    for username, role, scope_codes in DEMO_LOGINS:
        if get_user_model().objects.filter(username__iexact=username).exists():
            continue
        if role == Role.COLLEGE and not College.objects.filter(ukprn=HUGH_BAIRD_UKPRN).exists():
            fallback = College.objects.filter(ics__region__code="Y62").order_by("name").first()
            scope_codes = {"ukprn": fallback.ukprn if fallback else ""}
        try:
            scope = user_scope_find(role=role, **scope_codes)
            users_create(
                username=username, password=demo_password(), role=role, is_superuser=username == "admin",
                email=f"{username}@demo.invalid", **scope,
            )
        except ApplicationError as exc:
            raise ApplicationError(f"Could not create the demo login {username!r}: {exc.message}") from exc
        created += 1
    return {"logins added": created}


# --------------------------------------------------------------------------------------
# Course offers: the health and care apprenticeships each college taught in 2024/25 (DfE),
# matched to IfATE standards by exact title, plus T Level and diploma offers
# --------------------------------------------------------------------------------------

DEMO_YEARS = ["2025/26", "2026/27"]
# course code suffix, title, qualification type, level, duration in months
CLASSROOM_COURSES = [
    ("TLH", "T Level in Health (demo)", QualificationType.T_LEVEL, 3, 24),
    ("TLS", "T Level in Healthcare Science (demo)", QualificationType.T_LEVEL, 3, 24),
    ("HSC2", "Health and Social Care Diploma Level 2 (demo)", QualificationType.DIPLOMA, 2, 12),
    ("HSC3", "Health and Social Care Extended Diploma Level 3 (demo)", QualificationType.DIPLOMA, 3, 24),
    ("AHE", "Access to HE Diploma (Nursing and Health Professions) (demo)", QualificationType.ACCESS_TO_HE, 3, 12),
]


def _delivered_standards() -> dict[str, list[tuple[ApprenticeshipStandard, int]]]:
    """UKPRN -> [(standard, 2024/25 starts)] from the DfE file, where the name matches an IfATE title."""
    by_title = {standard.title.strip().lower(): standard for standard in ApprenticeshipStandard.objects.all()}
    delivered: dict[str, list] = {}
    with (DATA_DIR / "college_health_care_apprenticeships_2024_25.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            standard = by_title.get(row["standard_name"].strip().lower())
            if standard is None or standard.level is None:
                continue
            starts = int(row["starts"] or 0)
            enrolments = int(row["enrolments"] or 0)
            if starts or enrolments:
                delivered.setdefault(row["ukprn"], []).append((standard, max(starts, 1)))
    return delivered


def demo_course_offers_create() -> dict:
    delivered = _delivered_standards()
    colleges = {college.ukprn: college for college in College.objects.filter(ukprn__in=delivered)}
    existing = set(
        CourseOffer.objects.filter(course_code__startswith=DEMO_PREFIX).values_list(
            "college_id", "course_code", "academic_year"
        )
    )
    offers = []

    def add(college, code, **values):
        if (college.pk, code, values["academic_year"]) not in existing:
            offers.append(CourseOffer(college=college, course_code=code, **values))

    for ukprn, college in sorted(colleges.items()):
        for year in DEMO_YEARS:
            first = int(year[:4])
            for standard, starts in delivered[ukprn]:
                add(
                    college, f"{DEMO_PREFIX}APP-{standard.reference}", academic_year=year,
                    title=f"{standard.title} apprenticeship (demo)",
                    qualification_type=QualificationType.APPRENTICESHIP, level=standard.level,
                    apprenticeship_standard=standard, start_date=dt.date(first, 9, 1),
                    duration_months=standard.duration_months or 18,
                    planned_places=starts + _number(ukprn, standard.reference, year, low=0, high=3),
                )
            for suffix, title, kind, level, months in CLASSROOM_COURSES:
                # Every college offers the Level 3 health T Level and diploma; the others at some colleges.
                if suffix not in ("TLH", "HSC3") and _number(ukprn, suffix, low=0, high=2) == 0:
                    continue
                add(
                    college, f"{DEMO_PREFIX}{suffix}", academic_year=year, title=title, qualification_type=kind,
                    level=level, start_date=dt.date(first, 9, 1), duration_months=months,
                    planned_places=_number(ukprn, suffix, year, low=8, high=40),
                )
    CourseOffer.objects.bulk_create(offers, batch_size=500)
    return {"course offers added": len(offers)}


# --------------------------------------------------------------------------------------
# Vacancies: NHS rows per open trust, social-care estimates per ICS, for the last 12 months
# --------------------------------------------------------------------------------------

# occupation code -> (staff in post at an acute trust, usual vacancy rate in per cent x 10)
NHS_SERIES = {
    "registered-nurses": (1800, 90),
    "healthcare-support-workers": (900, 110),
}
# A third series for trusts that are not acute.
NHS_KIND_SERIES = {
    TrustKind.MENTAL_HEALTH: ("mental-health-nurses", 500, 120),
    TrustKind.AMBULANCE: ("paramedics", 1200, 80),
    TrustKind.COMMUNITY: ("community-nurses", 400, 100),
    TrustKind.SPECIALIST: ("specialist-nurses", 300, 70),
}
KIND_SIZE = {  # staff in post relative to an acute trust
    TrustKind.ACUTE: 1.0, TrustKind.MENTAL_HEALTH: 0.35, TrustKind.COMMUNITY: 0.3, TrustKind.AMBULANCE: 0.05,
    TrustKind.SPECIALIST: 0.4, TrustKind.OTHER: 0.2,
}
SOCIAL_CARE_SERIES = {
    "care-workers": (22000, 90),
    "senior-care-workers": (3500, 80),
    "registered-nurses": (900, 130),
}


def demo_periods(today: dt.date | None = None) -> list[dt.date]:
    """The first days of the 12 months before this one."""
    month = (today or dt.date.today()).replace(day=1)
    periods = []
    for _ in range(12):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        periods.append(month)
    return sorted(periods)


def _figures(key, staff: float, rate_tenths: int, period: dt.date) -> tuple[Decimal, Decimal]:
    staff_in_post = Decimal(str(round(staff * _number(key, low=70, high=130) / 100 + period.month % 3, 1)))
    rate = Decimal(rate_tenths + _number(key, period, low=-20, high=20)) / 1000
    vacancies = (staff_in_post * rate).quantize(Decimal("0.01"))
    return vacancies, staff_in_post.quantize(Decimal("0.01"))


def demo_vacancies_create(today: dt.date | None = None) -> dict:
    periods = demo_periods(today)
    occupations = {occupation.code: occupation for occupation in Occupation.objects.all()}
    missing = (set(NHS_SERIES) | set(SOCIAL_CARE_SERIES)) - set(occupations)
    if missing:
        raise ApplicationError(f"Occupations {', '.join(sorted(missing))} are missing: run load_reference_data first.")
    existing = set(
        Vacancy.objects.filter(period__in=periods).values_list(
            "sector", "trust_id", "ics_id", "occupation_id", "period"
        )
    )
    rows = []

    def add(sector, trust, ics, occupation, staff, rate_tenths):
        for period in periods:
            key = (sector, trust.pk if trust else None, ics.pk, occupation.pk, period)
            if key in existing:
                continue
            vacancies, staff_in_post = _figures(key[:4], staff, rate_tenths, period)
            rows.append(Vacancy(
                sector=sector, trust=trust, ics=ics, occupation=occupation, period=period,
                vacancies_fte=vacancies, staff_in_post_fte=staff_in_post, synthetic=True,
            ))

    for trust in Trust.objects.open().select_related("ics"):
        size = KIND_SIZE.get(trust.kind, 0.2)
        series = [(code, staff * size, rate) for code, (staff, rate) in NHS_SERIES.items()]
        if trust.kind in NHS_KIND_SERIES:
            code, staff, rate = NHS_KIND_SERIES[trust.kind]
            series.append((code, staff, rate))
        for code, staff, rate in series:
            if code in occupations:
                add(Sector.NHS, trust, trust.ics, occupations[code], staff, rate)
    for ics in IntegratedCareSystem.objects.current():
        for code, (staff, rate) in SOCIAL_CARE_SERIES.items():
            add(Sector.SOCIAL_CARE, None, ics, occupations[code], staff, rate)
    Vacancy.objects.bulk_create(rows, batch_size=1000)
    return {"vacancy rows added": len(rows)}


# --------------------------------------------------------------------------------------
# The steps, in order. Each returns {"what it did": how many} and creates nothing that is
# already there. Other apps add their demo builders here (partnerships and case studies from
# hubs, entry routes and progressions from pathways), after the rows they build on.
# --------------------------------------------------------------------------------------

DEMO_STEPS: list[tuple[str, Callable[[], dict]]] = [
    ("employer hubs", demo_hubs_create),
    ("demo logins", demo_logins_create),
    ("course offers", demo_course_offers_create),
    ("vacancies", demo_vacancies_create),
    ("partnerships, contacts, activities and case studies", hubs_demo_data_create),
]


def demo_data_load() -> dict:
    """Every demo step in one transaction, recorded as a demo load: {step: {what: count created}}.
    Refuses when no reference data is loaded yet."""
    if not Region.objects.exists() or not College.objects.exists():
        raise ApplicationError("No reference data yet: run `python manage.py load_reference_data` first.")
    summary = {}
    with transaction.atomic():
        for label, step in DEMO_STEPS:
            summary[label] = step()
        if any(count for created in summary.values() for count in created.values()):
            DataLoad.objects.create(
                kind=DataLoad.Kind.DEMO, description="Generated demonstration data: not real figures.", summary=summary
            )
        elif not DataLoad.objects.filter(kind=DataLoad.Kind.DEMO).exists():
            DataLoad.objects.create(kind=DataLoad.Kind.DEMO, description="Generated demonstration data.",
                                    summary=summary)
    return summary


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, organisation) of each demo login that exists."""
    users = get_user_model().objects.select_related("hub", "ics", "college")
    logins = []
    for username, _role, _scope in DEMO_LOGINS:
        user = users.filter(username=username).first()
        if user is not None:
            logins.append((username, Role(user.role).label, str(user.organisation or "")))
    return logins
