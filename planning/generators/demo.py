"""Labelled demonstration data on top of the real reference data, and demo logins for each role.

Everything made here is generated, not published: hubs are named "(demo)", course codes start
"DEMO-" and titles end "(demo)", vacancy rows are flagged synthetic, and a DataLoad(kind="demo") row
makes every page show the demonstration-data banner. Running it again creates nothing new.

The figures are scaled to England's published totals (DEMO_SCALING says the same on the "about the
data" page):

- NHS staff in post: the FTE staff at the start of the year of each NHS England region and staff
  group in the shipped NHS Workforce Statistics leavers file (`nhs_leavers_by_staff_group_region_2024_25.csv`,
  England 1,364,784 FTE, October 2024). Senior managers count with managers; central functions and
  hotel, property and estates (about 186,000 FTE) have no occupation in the portal and are left out,
  so the demo holds about 1.18 million FTE. Each staff group is split among the occupations that take
  its leaver rate (`occupations.csv`, `nhs_leaver_staff_group`) by the demo's own shares
  (OCCUPATION_SHARE_OF_STAFF_GROUP), then among the region's open trusts by the kinds of trust that
  employ the occupation (KIND_WEIGHT, OCCUPATION_KIND_WEIGHT) times a generated size per trust.
- NHS vacancies: about 100,000 FTE over all staff groups (NHS England, NHS Vacancy Statistics; the
  NHS Confederation's "Creating the workforce of the future", 2020, gives "over 90,000" and the
  developers' guide "about 90,000"). Every series takes the national rate (100,000 over the 1.36
  million staff in post) times 0.7 to 1.3, so the staff groups the portal covers hold about 87,000.
- Social care: 122,000 vacancies and 1.13 million FTE staff (the NHS Confederation report, 2020, from
  Skills for Care; Skills for Care's estimates run from 122,000 to 131,000 vacancies, and about 1.6
  million filled posts, which count posts, not FTE). Split by role by the demo's own shares
  (SOCIAL_CARE_SHARES, mostly care workers), and over the boards open today by the staff of their
  acute, community and mental health trusts (a stand-in for population: no population file ships).
- NHS series name their trust's board today (its membership valid today, else its `ics`); a month
  gets a row only when the board was open, and the trust in it, on its first day. Social-care rows
  likewise start in the month a board opened.
- Course offers: each college's real 2024/25 apprenticeship starts by standard (DfE,
  `college_health_care_apprenticeships_2024_25.csv`, about 5,400 starts at 110 colleges) as planned
  places in 2024/25 and every year after to the one starting before the end of the default horizon;
  plus invented T Level, diploma and Access to HE offers (8 to 40 places) at every college in a board
  open today, and at a college of the region for a board where no college sits (`delivery_ics`).

Measured on the reference data (42 boards, December 2026): 57,180 vacancy rows and 7,188 offers;
`load_demo_data` takes about 8 seconds on SQLite or PostgreSQL (23 seconds on two busy shared cores),
and the first gap report 1.2 to 5 seconds (0.4 to 0.6 of them computing). England's year-1 demand is
about 586,000 FTE (213,000 vacancies and a year of leavers) and supply about 5,800 FTE, 21,000 FTE by
year 3. On the 36 boards of April 2026 the same data gives 51,692 rows and figures for every board.
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
from django.db.models import Q
from django.utils import timezone

from colleges.models import College, CollegeBoard, CourseOffer
from core.errors import ApplicationError
from core.importing import DATA_DIR
from core.models import DataLoad
from core.roles import Role
from core.users import user_scope_find, users_create
from hubs.models import Hub
from hubs.services import hubs_demo_data_create
from pathways.models import ApprenticeshipStandard, Occupation
from pathways.vocabulary import QualificationType, add_months
from planning.models import DEFAULT_HORIZON_YEARS
from trusts.models import IntegratedCareSystem, Region, Sector, Trust, TrustBoard, TrustKind, Vacancy

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
# Boards today: the boards open today, and each trust's and college's board today (its membership
# valid today; a trust or college with no membership then is in its `ics`, when that board is open)
# --------------------------------------------------------------------------------------


def _membership_today(model, member_field: str, today: dt.date) -> dict[int, tuple[int, dt.date | None]]:
    """member id -> (board id, first day of that membership) for memberships valid today."""
    valid = model.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today), Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    return {member: (ics, since) for member, ics, since in valid.values_list(member_field, "ics_id", "valid_from")}


def _board_today(member, memberships: dict, open_boards: dict) -> tuple[IntegratedCareSystem | None, dt.date | None]:
    """(board today, first day in it) of a trust or college, or (None, None) when it is in no open board."""
    board_id, since = memberships.get(member.pk, (member.ics_id, None))
    return open_boards.get(board_id), since


def _months_in_board(periods, board, since: dt.date | None, opened: dt.date | None) -> list[dt.date]:
    """The periods on whose first day the board is open, the member is in it and (for a trust) open itself:
    a month before a board opened, or before a trust joined it, gets no row."""
    starts = [day for day in (board.opened_on, since, opened) if day is not None]
    return [period for period in periods if all(day <= period for day in starts)]


# --------------------------------------------------------------------------------------
# Course offers: each college's real 2024/25 apprenticeship starts by standard (DfE), carried forward
# as planned places to the end of the default horizon, plus modest T Level, diploma and Access offers
# --------------------------------------------------------------------------------------

FIRST_DEMO_YEAR = 2024  # 2024/25: the year the DfE starts describe; its learners complete inside the horizon
# course code suffix, title, qualification type, level, duration in months
CLASSROOM_COURSES = [
    ("TLH", "T Level in Health (demo)", QualificationType.T_LEVEL, 3, 24),
    ("TLS", "T Level in Healthcare Science (demo)", QualificationType.T_LEVEL, 3, 24),
    ("HSC2", "Health and Social Care Diploma Level 2 (demo)", QualificationType.DIPLOMA, 2, 12),
    ("HSC3", "Health and Social Care Extended Diploma Level 3 (demo)", QualificationType.DIPLOMA, 3, 24),
    ("AHE", "Access to HE Diploma (Nursing and Health Professions) (demo)", QualificationType.ACCESS_TO_HE, 3, 12),
]
CLASSROOM_PLACES = (8, 40)  # invented: planned places per college, course and year


def demo_academic_years(today: dt.date | None = None, horizon_years: int = DEFAULT_HORIZON_YEARS) -> list[str]:
    """2024/25 to the academic year that starts (1 September) before the end of the default horizon."""
    end = add_months(today or timezone.localdate(), 12 * horizon_years)
    last = end.year if end >= dt.date(end.year, 9, 1) else end.year - 1
    return [f"{first}/{(first + 1) % 100:02d}" for first in range(FIRST_DEMO_YEAR, last + 1)]


def _delivered_standards() -> dict[str, list[tuple[ApprenticeshipStandard, int]]]:
    """UKPRN -> [(standard, 2024/25 starts)] from the DfE file, where the name matches a standard's title.

    A standard the college taught in 2024/25 with enrolments but no new starts keeps one place a year."""
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


def demo_course_offers_create(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    years = demo_academic_years(today)
    delivered = _delivered_standards()
    open_boards = {board.pk: board for board in IntegratedCareSystem.objects.open_on(today).select_related("region")}
    memberships = _membership_today(CollegeBoard, "college_id", today)
    colleges = {}
    for college in College.objects.order_by("ukprn"):
        board, _since = _board_today(college, memberships, open_boards)
        if board is not None:
            colleges[college.ukprn] = (college, board)
    existing = set(
        CourseOffer.objects.filter(course_code__startswith=DEMO_PREFIX).values_list(
            "college_id", "course_code", "academic_year"
        )
    )
    offers = []

    def add(college, code, year, **values):
        if (college.pk, code, year) not in existing:
            offers.append(CourseOffer(
                college=college, course_code=code, academic_year=year, start_date=dt.date(int(year[:4]), 9, 1),
                **values,
            ))

    def classroom(college, year, suffix, title, kind, level, months, *, code=None, delivery_ics=None):
        add(
            college, code or f"{DEMO_PREFIX}{suffix}", year, title=title, qualification_type=kind, level=level,
            duration_months=months, planned_places=_number(college.ukprn, suffix, year, low=CLASSROOM_PLACES[0],
                                                           high=CLASSROOM_PLACES[1]),
            delivery_ics=delivery_ics,
        )

    for ukprn, (college, _board) in colleges.items():
        for year in years:
            for standard, starts in delivered.get(ukprn, []):
                add(
                    college, f"{DEMO_PREFIX}APP-{standard.reference}", year,
                    title=f"{standard.title} apprenticeship (demo)",
                    qualification_type=QualificationType.APPRENTICESHIP, level=standard.level,
                    apprenticeship_standard=standard, duration_months=standard.duration_months or 18,
                    planned_places=starts,
                )
            for suffix, title, kind, level, months in CLASSROOM_COURSES:
                # Every college offers the Level 3 health T Level and diploma; the others at some colleges.
                if suffix not in ("TLH", "HSC3") and _number(ukprn, suffix, low=0, high=2) == 0:
                    continue
                classroom(college, year, suffix, title, kind, level, months)
    # A board open today where no college sits gets the health T Level and diploma of its region's
    # largest apprenticeship college, delivered in the board, so every board has supply.
    served = {board.pk for _college, board in colleges.values()}
    for board in sorted(open_boards.values(), key=lambda board: board.code):
        if board.pk in served:
            continue
        nearby = [college for college, home in colleges.values() if home.region_id == board.region_id] or [
            college for college, _home in colleges.values()
        ]
        if not nearby:
            continue
        host = max(nearby, key=lambda college: (sum(starts for _s, starts in delivered.get(college.ukprn, [])),
                                                college.ukprn))
        for year in years:
            for suffix, title, kind, level, months in CLASSROOM_COURSES:
                if suffix in ("TLH", "HSC3"):
                    classroom(host, year, suffix, title, kind, level, months,
                              code=f"{DEMO_PREFIX}{suffix}-{board.code}", delivery_ics=board)
    CourseOffer.objects.bulk_create(offers, batch_size=1000)
    return {"course offers added": len(offers)}


# --------------------------------------------------------------------------------------
# Vacancies: NHS rows per open trust and social-care estimates per board, for the last 12 months,
# scaled to published national totals (see DEMO_SCALING and the module docstring)
# --------------------------------------------------------------------------------------

NHS_VACANCIES_ALL_STAFF = 100_000  # FTE, NHS England, NHS Vacancy Statistics (about 100,000)
SOCIAL_CARE_VACANCIES = 122_000  # Skills for Care, as quoted by the NHS Confederation (2020)
SOCIAL_CARE_STAFF_FTE = 1_130_000  # the same source: 1.13 million FTE social-care staff
LEAVERS_FILE = "nhs_leavers_by_staff_group_region_2024_25.csv"
# NHS staff groups of the leavers file with no occupation of their own, and where they go
STAFF_GROUP_FOLDED = {"Senior managers": "Managers"}
STAFF_GROUP_LEFT_OUT = ("Central functions", "Hotel, property & estates", "Unknown classification")

# The demo's own split of a staff group among its occupations (by occupations.csv's nhs_leaver_staff_group);
# an occupation not listed takes an equal part of what the listed ones leave.
OCCUPATION_SHARE_OF_STAFF_GROUP = {
    "registered-nurses": 0.62, "mental-health-nurses": 0.12, "community-nurses": 0.12, "childrens-nurses": 0.06,
    "specialist-nurses": 0.05, "nurse-practitioners": 0.03,
    "healthcare-support-workers": 0.85, "health-associate-professionals": 0.12, "dental-nurses": 0.03,
    "other-health-professionals": 0.18, "physiotherapists": 0.14, "pharmacists": 0.12, "occupational-therapists": 0.12,
    "radiographers": 0.12, "psychotherapists": 0.07, "clinical-psychologists": 0.07, "pharmacy-technicians": 0.06,
    "speech-and-language-therapists": 0.05, "other-therapy-professionals": 0.05, "podiatrists": 0.02,
}
# Which kinds of trust employ an occupation, relative to an acute trust (the demo's own weights)
KIND_WEIGHT = {
    TrustKind.ACUTE: 1.0, TrustKind.MENTAL_HEALTH: 0.35, TrustKind.COMMUNITY: 0.3, TrustKind.SPECIALIST: 0.4,
    TrustKind.AMBULANCE: 0.0, TrustKind.OTHER: 0.2,
}
OCCUPATION_KIND_WEIGHT = {
    "paramedics": {TrustKind.AMBULANCE: 1.0},
    "ambulance-support-workers": {TrustKind.AMBULANCE: 1.0},
    "mental-health-nurses": {TrustKind.MENTAL_HEALTH: 1.0, TrustKind.COMMUNITY: 0.15, TrustKind.ACUTE: 0.03},
    "clinical-psychologists": {TrustKind.MENTAL_HEALTH: 1.0, TrustKind.COMMUNITY: 0.15, TrustKind.ACUTE: 0.05},
    "psychotherapists": {TrustKind.MENTAL_HEALTH: 1.0, TrustKind.COMMUNITY: 0.15, TrustKind.ACUTE: 0.03},
    "midwives": {TrustKind.ACUTE: 1.0, TrustKind.SPECIALIST: 0.3},
    "childrens-nurses": {TrustKind.ACUTE: 1.0, TrustKind.SPECIALIST: 1.0, TrustKind.COMMUNITY: 0.3},
    "community-nurses": {TrustKind.COMMUNITY: 1.0, TrustKind.ACUTE: 0.25, TrustKind.MENTAL_HEALTH: 0.2},
    "health-services-managers": {**KIND_WEIGHT, TrustKind.AMBULANCE: 0.3},
}
# Social care: the demo's own split of staff in post by role (most posts are care workers)
SOCIAL_CARE_SHARES = {
    "care-workers": 0.74, "senior-care-workers": 0.12, "care-service-managers": 0.06, "social-workers": 0.03,
    "registered-nurses": 0.03, "social-services-managers": 0.015, "occupational-therapists": 0.005,
}
# Trusts whose staff stand in for a board's population when spreading social care
POPULATION_KINDS = (TrustKind.ACUTE, TrustKind.COMMUNITY, TrustKind.MENTAL_HEALTH)


# What the "about the data" page says of the demo's scale: what, the demo's figure, the published figure
# and its source, and how the demo spreads it (the module docstring says the same)
DEMO_SCALING = [
    {
        "what": "NHS staff in post",
        "figure": "about 1.18 million FTE",
        "published": "1.36 million FTE in all staff groups at the start of October 2024 (NHS England, NHS "
        "Workforce Statistics: the leavers file the portal ships)",
        "spread": "Each region's published staff of each staff group, split among the occupations of the group, "
        "then among the region's open trusts by kind of trust and a generated size. Central functions and hotel, "
        "property and estates staff have no occupation in the portal and are left out.",
    },
    {
        "what": "NHS vacancies",
        "figure": "about 87,000 FTE",
        "published": "about 100,000 FTE over all staff groups (NHS England, NHS Vacancy Statistics); the NHS "
        "Confederation's 2020 report on the NHS and colleges gives over 90,000",
        "spread": "The national rate (100,000 over 1.36 million staff in post) applied to each trust's staff in "
        "post of each occupation, varied between 0.7 and 1.3 times.",
    },
    {
        "what": "Social care staff in post",
        "figure": "1.13 million FTE",
        "published": "1.13 million FTE (Skills for Care, as quoted by the NHS Confederation, 2020); Skills for "
        "Care's later estimates count about 1.6 million filled posts, which are posts, not FTE",
        "spread": "Split by role (mostly care workers) by the demo's own shares, and among the boards open today "
        "by the staff of their acute, community and mental health trusts, standing in for population.",
    },
    {
        "what": "Social care vacancies",
        "figure": "about 122,000",
        "published": "122,000 to 131,000 (Skills for Care; 122,000 in the NHS Confederation's 2020 report)",
        "spread": "As for social care staff in post, at the national rate (122,000 over 1.13 million).",
    },
    {
        "what": "Apprenticeship places",
        "figure": "about 5,400 a year",
        "published": "Each college's starts by standard in 2024/25 (Department for Education, apprenticeships "
        "statistics)",
        "spread": "The same number of places every year from 2024/25 to the end of the gap report's default "
        "horizon, where the standard's name matches a current standard's title.",
    },
    {
        "what": "T Level, diploma and Access to HE places",
        "figure": "8 to 40 per course, college and year",
        "published": "None: no open file of colleges' planned places was found",
        "spread": "Every college offers the health T Level and the Level 3 diploma, about two in three the "
        "others; a board where no college sits gets a T Level and a diploma delivered in it by a college of "
        "its region.",
    },
]


def demo_periods(today: dt.date | None = None) -> list[dt.date]:
    """The first days of the 12 months before this one."""
    month = (today or timezone.localdate()).replace(day=1)
    periods = []
    for _ in range(12):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        periods.append(month)
    return sorted(periods)


def nhs_staff_by_region_and_group() -> tuple[dict[tuple[str, str], float], float]:
    """({(region code, staff group): FTE staff in post}, England's FTE over all staff groups), from the
    latest period of the shipped NHS leavers file (staff at the start of the year); senior managers are
    counted with managers, and the groups with no occupation are left out of the first."""
    with (DATA_DIR / LEAVERS_FILE).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    latest = max(row["period"] for row in rows)
    staff: dict[tuple[str, str], float] = {}
    england = 0.0
    for row in rows:
        if row["period"] != latest:
            continue
        fte = float(row["denominator_start_fte"] or 0)
        if row["nhse_region_code"] == "All NHSE regions":
            if row["main_staff_group"] == "All staff groups":
                england = fte
            continue
        group = STAFF_GROUP_FOLDED.get(row["staff_group"], row["staff_group"])
        if row["staff_group"] == "All staff groups" or group in STAFF_GROUP_LEFT_OUT:
            continue
        key = (row["nhse_region_code"], group)
        staff[key] = staff.get(key, 0.0) + fte
    return staff, england


def _occupation_staff_groups(occupations: dict) -> dict[str, list[tuple[str, float]]]:
    """NHS staff group -> [(occupation code, share of the group)], from occupations.csv's nhs_leaver_staff_group."""
    members: dict[str, list[str]] = {}
    with (DATA_DIR / "occupations.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("nhs_leaver_staff_group") and row["code"] in occupations:
                members.setdefault(row["nhs_leaver_staff_group"], []).append(row["code"])
    groups = {}
    for group, codes in members.items():
        listed = {code: OCCUPATION_SHARE_OF_STAFF_GROUP[code] for code in codes
                  if code in OCCUPATION_SHARE_OF_STAFF_GROUP}
        rest = [code for code in codes if code not in listed]
        left = max(0.0, 1.0 - sum(listed.values()))
        shares = {**listed, **{code: left / len(rest) for code in rest}} if rest else listed
        total = sum(shares.values()) or 1.0
        groups[group] = [(code, share / total) for code, share in shares.items()]
    return groups


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def demo_vacancies_create(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    periods = demo_periods(today)
    occupations = {occupation.code: occupation for occupation in Occupation.objects.all()}
    missing = set(SOCIAL_CARE_SHARES) - set(occupations)
    if missing:
        raise ApplicationError(f"Occupations {', '.join(sorted(missing))} are missing: run load_reference_data first.")
    open_boards = {board.pk: board for board in IntegratedCareSystem.objects.open_on(today).select_related("region")}
    memberships = _membership_today(TrustBoard, "trust_id", today)
    staff_by_region, england_staff = nhs_staff_by_region_and_group()
    nhs_rate = NHS_VACANCIES_ALL_STAFF / england_staff
    groups = _occupation_staff_groups(occupations)

    # Each open trust's board today, the months it has rows for, and a generated size (a big trust is big)
    trusts = []
    for trust in Trust.objects.open().order_by("ods_code"):
        board, since = _board_today(trust, memberships, open_boards)
        if board is None:
            continue
        months = _months_in_board(periods, board, since, trust.opened_on)
        if months:
            trusts.append((trust, board, months, _number(trust.ods_code, "size", low=60, high=140) / 100))

    # NHS series: the region's published staff of each staff group, split among its occupations, then among
    # the region's trusts by kind and size
    series = []  # (sector, trust, board, occupation, staff in post, vacancy rate, months)
    for group, members in groups.items():
        for code, share in members:
            kinds = OCCUPATION_KIND_WEIGHT.get(code, KIND_WEIGHT)
            for region_code in sorted({board.region.code for _t, board, _m, _s in trusts}):
                region_staff = staff_by_region.get((region_code, group), 0.0) * share
                in_region = [item for item in trusts if item[1].region.code == region_code]
                weights = [kinds.get(trust.kind, 0.0) * size for trust, _b, _m, size in in_region]
                if not any(weights):  # no trust of the kinds that employ it: the region's trusts alike
                    weights = [size for _t, _b, _m, size in in_region]
                total = sum(weights)
                for (trust, board, months, _size), weight in zip(in_region, weights, strict=True):
                    staff = region_staff * weight / total if total else 0.0
                    if staff >= 1:
                        series.append((Sector.NHS, trust, board, occupations[code], staff, nhs_rate, months))

    # Social care: England's totals by role, spread over the boards open today by the staff of their acute,
    # community and mental health trusts (a stand-in for population; a board without one weighs as the least)
    people = {board_id: 0.0 for board_id in open_boards}
    for _sector, trust, board, _occupation, staff, _rate, _months in series:
        if trust.kind in POPULATION_KINDS:
            people[board.pk] += staff
    least = min((weight for weight in people.values() if weight), default=1.0)
    people = {board_id: weight or least for board_id, weight in people.items()}
    everyone = sum(people.values())
    care_rate = SOCIAL_CARE_VACANCIES / SOCIAL_CARE_STAFF_FTE
    for board_id in sorted(open_boards, key=lambda board_id: open_boards[board_id].code):
        board = open_boards[board_id]
        months = _months_in_board(periods, board, None, None)
        for code, share in SOCIAL_CARE_SHARES.items():
            staff = SOCIAL_CARE_STAFF_FTE * share * people[board_id] / everyone
            series.append((Sector.SOCIAL_CARE, None, board, occupations[code], staff, care_rate, months))

    existing = set(
        Vacancy.objects.filter(period__in=periods).values_list(
            "sector", "trust_id", "ics_id", "occupation_id", "period"
        )
    )
    rows = []
    for sector, trust, board, occupation, staff, rate, months in series:
        key = (sector, trust.ods_code if trust else board.code, occupation.code)
        # each series keeps its own vacancy rate (0.7 to 1.3 times the national one); months vary a little
        series_rate = rate * _number(*key, "rate", low=70, high=130) / 100
        for period in months:
            if (sector, trust.pk if trust else None, board.pk, occupation.pk, period) in existing:
                continue
            staff_in_post = staff * (1000 + _number(*key, period, "staff", low=-15, high=15)) / 1000
            vacancies = staff_in_post * series_rate * _number(*key, period, "vacancies", low=92, high=108) / 100
            rows.append(Vacancy(
                sector=sector, trust=trust, ics=board, occupation=occupation, period=period,
                vacancies_fte=_decimal(vacancies), staff_in_post_fte=_decimal(staff_in_post), synthetic=True,
            ))
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
                kind=DataLoad.Kind.DEMO, summary=summary,
                description="Generated demonstration data, scaled to published national totals: not real figures.",
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
