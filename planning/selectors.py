"""Reads of planning: the gap dashboards and drill-downs, the gap reports for the API and the admin,
and the public pathway pages' offers near you. Every gap rule comes from pathways.rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from colleges.models import College, CourseOffer
from core.roles import is_staff
from hubs.models import Activity
from hubs.selectors import partnership_list
from pathways import rules
from pathways.models import EntryRoute, Occupation, Progression
from trusts.models import BoardSuccession, CouncilArea, IntegratedCareSystem, Region, Trust, TrustBoard, Vacancy

from .models import (
    LEVEL_ORDER,
    GapReport,
    GapReportRow,
    GapReportSupply,
    Scenario,
    ScenarioAdjustment,
    ScenarioOffer,
)

# --------------------------------------------------------------------------------------
# Gap dashboards: what an ICS people board, a region's hub and England read from a report.
# Every selector here runs a fixed number of queries whatever the size of the data; sums
# and the choice of each series' latest month happen in the database.
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Geography:
    """Where a dashboard looks: England, an NHS England region or an ICS. `code` is the one its report
    rows carry (England's is rules.NATIONAL_CODE); `url_code` the one in URLs (`england` for England)."""

    level: str
    code: str
    name: str
    parent: Geography | None = None
    boards: tuple[int, ...] = ()  # the ids of the ICSs inside it (none for England: no filter)
    board_codes: tuple[str, ...] = ()  # and their codes, as the stored supply names them

    @property
    def is_national(self) -> bool:
        return self.level == GapReportRow.Level.NATIONAL

    @property
    def url_code(self) -> str:
        return rules.NATIONAL_URL_CODE if self.is_national else self.code


ENGLAND = Geography(GapReportRow.Level.NATIONAL, rules.NATIONAL_CODE, rules.NATIONAL_NAME)


def dashboard_geography(*, level: str, code: str) -> Geography | None:
    """The geography a dashboard URL names, or None when there is no such place (two queries at most).

    It carries the ids of its ICSs, so that the drill-down's filters on vacancies and offers are plain
    lists of ids, which the database answers from its indexes.
    """
    if level == GapReportRow.Level.NATIONAL:
        return ENGLAND if rules.is_national_code(code) else None
    if level == GapReportRow.Level.REGION:
        region = Region.objects.filter(code=code).only("code", "name").first()
        if region is None:
            return None
        boards = list(IntegratedCareSystem.objects.filter(region=region).values_list("id", "code"))
        return Geography(
            level, region.code, region.name, ENGLAND, tuple(pk for pk, _ in boards), tuple(code for _, code in boards)
        )
    if level == GapReportRow.Level.ICS:
        ics = IntegratedCareSystem.objects.select_related("region").filter(code=code).first()
        if ics is None:
            return None
        region = Geography(GapReportRow.Level.REGION, ics.region.code, ics.region.name, ENGLAND)
        return Geography(level, ics.code, ics.name, region, (ics.pk,), (ics.code,))
    return None


def dashboard_reports() -> tuple[GapReport | None, GapReport | None]:
    """(the newest succeeded report, the newest report when it is newer and not succeeded).

    The second is a run still pending or running (the page shows its progress) or one that
    failed (the page says so); the figures shown always come from the first.
    """
    reports = gap_report_list().filter(scenario__isnull=True)  # the baseline's: scenarios have their own
    newest = reports.first()
    if newest is None or newest.status == GapReport.Status.SUCCEEDED:
        return newest, None
    return reports.filter(status=GapReport.Status.SUCCEEDED).first(), newest


def horizon_bounds(report: GapReport) -> list[dt.date]:
    """[as_of, as_of + 1 year, ..., as_of + N years]: year y of the horizon is (bounds[y-1], bounds[y]]."""
    return rules.horizon_bounds(report.as_of, report.horizon_years)


def _coverage(supply: Decimal | None, demand: Decimal | None) -> Decimal | None:
    return (supply or Decimal(0)) / demand if demand else None


def _report_rows(report: GapReport, geography: Geography):
    rows = GapReportRow.objects.filter(report=report, level=geography.level)
    return rows if geography.is_national else rows.filter(code=geography.code)


# The figures of a report row with their ranges (DESIGN.md 6.2): the low and high ones are null on the rows
# of reports computed before ranges, and the pages then show the central figure alone.
RANGE_FIELDS = (
    "demand_fte", "demand_low_fte", "demand_high_fte", "supply_fte", "supply_low_fte", "supply_high_fte",
    "gap_fte", "gap_low_fte", "gap_high_fte",
)


@dataclass
class DashboardSummary:
    """A geography's figures in one report: the chosen year by occupation, totals and coverage by year."""

    years: list[int]
    year: int
    by_occupation: list[dict]  # the chosen year, one dict per occupation, largest gap first
    totals: list[dict]  # one dict per year: demand_fte, supply_fte, gap_fte, coverage
    coverage_by_year: list[dict]  # one dict per occupation: code, name, coverage (list, by year)

    @property
    def total(self) -> dict | None:
        return next((row for row in self.totals if row["year"] == self.year), None)


def dashboard_summary(*, report: GapReport, geography: Geography, year: int) -> DashboardSummary:
    """Demand, supply, gap and coverage by occupation in `geography` for each year of the report (2 queries)."""
    years = list(range(1, report.horizon_years + 1))
    rows = list(
        _report_rows(report, geography)
        .order_by("occupation__name", "year")
        .values(
            "year", "coverage", *RANGE_FIELDS, "occupation_id",
            occupation_code=F("occupation__code"), occupation_name=F("occupation__name"),
        )
    )
    totals = [
        {**row, "coverage": _coverage(row["supply_fte"], row["demand_fte"])}
        for row in _report_rows(report, geography)
        .order_by("year")
        .values("year")
        .annotate(**{name: Sum(name) for name in RANGE_FIELDS})
    ]
    by_occupation = sorted(
        (row for row in rows if row["year"] == year), key=lambda row: (-row["gap_fte"], row["occupation_name"])
    )
    coverage_by_year: dict[str, dict] = {}
    for row in rows:
        entry = coverage_by_year.setdefault(
            row["occupation_code"],
            {"code": row["occupation_code"], "name": row["occupation_name"], "coverage": [None] * len(years)},
        )
        if 1 <= row["year"] <= len(years):
            entry["coverage"][row["year"] - 1] = row["coverage"]
    return DashboardSummary(
        years=years, year=year, by_occupation=by_occupation, totals=totals,
        coverage_by_year=list(coverage_by_year.values()),
    )


def dashboard_area_totals(
    *, report: GapReport, level: str, year: int, region_code: str | None = None, occupation: Occupation | None = None,
) -> list[dict]:
    """For the chosen year, each region's (or each ICS's) totals, with the count of occupations
    left with a gap; ICSs carry their region. `region_code` keeps the ICSs of one region, and
    `occupation` one occupation's figures (2 queries)."""
    rows = GapReportRow.objects.filter(report=report, level=level, year=year)
    if occupation is not None:
        rows = rows.filter(occupation=occupation)
    regions: dict[str, tuple[str, str]] = {}
    if level == GapReportRow.Level.ICS:
        boards = IntegratedCareSystem.objects.order_by()
        if region_code:
            boards = boards.filter(region__code=region_code)
            rows = rows.filter(code__in=boards.values("code"))
        regions = {
            board["code"]: (board["region__code"], board["region__name"])
            for board in boards.values("code", "region__code", "region__name")
        }
    totals = []
    for row in (
        rows.order_by()
        .values("code", "name")
        # The counts come first: after the sums, gap_fte would name the sum, not the row's figure.
        .annotate(occupations=Count("id"), occupations_with_gap=Count("id", filter=Q(gap_fte__gt=0)))
        .annotate(**{name: Sum(name) for name in RANGE_FIELDS})
    ):
        region = regions.get(row["code"], ("", ""))
        totals.append({
            **row, "region_code": region[0], "region_name": region[1],
            "coverage": _coverage(row["supply_fte"], row["demand_fte"]),
        })
    return sorted(totals, key=lambda row: (row["region_name"], row["name"]))


def dashboard_occupation_years(*, report: GapReport, geography: Geography, occupation: Occupation) -> list[dict]:
    """The report's rows for one occupation in `geography`, year by year (1 query)."""
    return list(
        _report_rows(report, geography)
        .filter(occupation=occupation)
        .order_by("year")
        .values("year", "coverage", "backfill_fte", *RANGE_FIELDS)
    )


def _vacancies_in(geography: Geography) -> Q:
    """Rows naming one of the geography's ICSs (today's boards): partnerships as a whole ICS."""
    return Q() if geography.is_national else Q(ics_id__in=geography.boards)


# -- where the drill-down's figures lie on the report's as-of date (DESIGN.md 6.1) ---------------


@dataclass(frozen=True)
class Placement:
    """Where figures lie on a report's as-of date, by the report's own rules (pathways.rules): `shares`
    from each board placed on the day to the open boards counting its figures (rules.board_shares),
    and each trust's and college's board that day (their memberships)."""

    shares: dict
    everywhere: bool  # every board is placed on the day: England then counts every figure whole
    trust_boards: dict  # trust id -> its board on the day (trusts with none left out)
    college_boards: dict  # college id -> its board on the day, else its ICS (every college)

    def into(self, geography: Geography) -> dict:
        """{board id: share of its figures counted in `geography`}, boards with no share left out."""
        result = {}
        for board, parts in self.shares.items():
            share = sum((part for ics, part in parts.items() if geography.is_national or ics in geography.boards),
                        Decimal(0))
            if share:
                result[board] = share
        return result


def report_placement(report: GapReport) -> Placement:
    """The placement on `report`'s as-of date (2 small queries, 3 when a board has closed by then; once per
    report instance)."""
    cached = getattr(report, "_placement", None)
    if cached is not None:
        return cached
    from colleges.models import CollegeBoard
    from trusts.models import BoardSuccession, TrustBoard

    day = report.as_of
    boards = {pk: (opened, closed) for pk, opened, closed in
              IntegratedCareSystem.objects.order_by().values_list("id", "opened_on", "closed_on")}
    successions: dict = {}
    if any(closed is not None and closed < day for _, closed in boards.values()):  # else no succession counts
        for predecessor, successor, share in BoardSuccession.objects.order_by().values_list(
            "predecessor_id", "successor_id", "share"
        ):
            successions.setdefault(predecessor, []).append((successor, share))
    # Both kinds of membership valid on the day, and each college's ICS, in one query.
    memberships = TrustBoard.objects.filter(rules.membership_on_q(day)).order_by().values_list(
        Value("trust"), "trust_id", "ics_id"
    ).union(
        CollegeBoard.objects.filter(rules.membership_on_q(day)).order_by().values_list(
            Value("college"), "college_id", "ics_id"
        ),
        College.objects.order_by().values_list(Value("college_ics"), "id", "ics_id"),
        all=True,
    )
    members: dict = {"trust": {}, "college": {}, "college_ics": {}}
    for kind, member, board in memberships:
        members[kind][member] = board
    placement = Placement(
        shares=(shares := rules.board_shares(boards, successions, day)),
        everywhere=set(shares) == set(boards),
        trust_boards=members["trust"],
        college_boards={
            college: members["college"].get(college, ics) for college, ics in members["college_ics"].items()
        },
    )
    report._placement = placement
    return placement


def _by_share(parts: list[tuple[Q, Decimal]]):
    """A factor expression: each condition's share (conditions exclusive), 1 elsewhere; None when all are 1."""
    whens = [When(condition, then=Value(share)) for condition, share in parts if share != 1]
    return Case(*whens, default=Value(Decimal(1)), output_field=rules.FTE) if whens else None


def _vacancy_rows_in(geography: Geography, placement: Placement) -> tuple[Q, object]:
    """(condition, share factor or None): vacancy rows lying in `geography` on the day, as the report
    places them: in the trust's board that day, else (no trust, or no board that day) in the row's ICS."""
    if geography.is_national and placement.everywhere:
        return Q(), None  # each board's shares sum to 1: England counts every row whole
    into = placement.into(geography)
    by_share: dict = {}
    for trust, board in placement.trust_boards.items():
        if board in into:
            by_share.setdefault(into[board], ([], []))[0].append(trust)
    for board, share in into.items():
        by_share.setdefault(share, ([], []))[1].append(board)
    # rows whose trust has no board on the day (or that name no trust) lie in their own ICS
    unplaced = Q(trust__isnull=True) | ~Q(trust_id__in=list(placement.trust_boards)) if placement.trust_boards else Q()
    parts = []
    for share, (trusts, boards) in by_share.items():
        part = Q(pk__in=[])
        if trusts:
            part |= Q(trust_id__in=trusts)
        if boards:
            part |= Q(ics_id__in=boards) & unplaced
        parts.append((part, share))
    condition = Q(pk__in=[])
    for part, _ in parts:
        condition |= part
    return condition, _by_share(parts)


def dashboard_trusts(*, report: GapReport, geography: Geography, occupation: Occupation) -> list[dict]:
    """Who carries the occupation's vacancies in `geography`: each trust, and each ICS's social-care
    estimate, summed over the latest month on or before the report's as-of date of each series
    (sector + trust-or-ICS + occupation), largest first (2 queries).

    First the latest month of every series, grouped in the database; then the rows of those months,
    asked for by month (series mostly share their latest month, so the condition stays short).
    """
    where, factor = _vacancy_rows_in(geography, report_placement(report))
    rows = Vacancy.objects.filter(where, occupation=occupation, period__lte=report.as_of)
    latest = (
        rows.order_by()
        .values("sector", "trust_id", area=Case(When(trust__isnull=True, then=F("ics_id"))))
        .annotate(latest=Max("period"))
    )
    by_month: dict[tuple[str, dt.date], tuple[list[int], list[int]]] = {}
    for series in latest:
        trusts, areas = by_month.setdefault((series["sector"], series["latest"]), ([], []))
        (trusts if series["trust_id"] is not None else areas).append(series["trust_id"] or series["area"])
    if not by_month:
        return []
    wanted = Q()
    for (sector, period), (trusts, areas) in by_month.items():
        if trusts:
            wanted |= Q(sector=sector, period=period, trust_id__in=trusts)
        if areas:
            wanted |= Q(sector=sector, period=period, trust__isnull=True, ics_id__in=areas)
    return list(
        rows.filter(wanted)
        .values(
            "sector",
            trust_code=F("trust__ods_code"), trust_name=F("trust__name"),
            ics_code=F("ics__code"), ics_name=F("ics__name"),
        )
        .annotate(
            vacancies_fte=Sum(_times("vacancies_fte", factor)),
            staff_in_post_fte=Sum(_times("staff_in_post_fte", factor)),
            period=Max("period"),
        )
        .order_by("-vacancies_fte", "trust_name", "ics_name")
    )


def _times(column: str, factor):
    return F(column) if factor is None else ExpressionWrapper(F(column) * factor, output_field=rules.FTE)


def _offers_in(geography: Geography, placement: Placement) -> tuple[Q, object]:
    """(condition, share factor or None): offers lying in `geography` on the day, as the report places them
    (rules.offer_board: the delivery ICS when placed that day, else the college's board that day, else its
    ICS); no query of its own."""
    if geography.is_national and placement.everywhere:
        return Q(), None  # each board's shares sum to 1: England counts every offer whole
    into = placement.into(geography)
    placed = list(placement.shares)
    college_board = placement.college_boards
    own_board = Q(delivery_ics_id__isnull=True) | ~Q(delivery_ics_id__in=placed)
    by_share: dict = {}
    for board, share in into.items():
        by_share.setdefault(share, ([], []))[0].append(board)
    for college, board in college_board.items():
        if board in into:
            by_share.setdefault(into[board], ([], []))[1].append(college)
    parts = []
    for share, (boards, colleges) in by_share.items():
        part = Q(pk__in=[])
        if boards:
            part |= Q(delivery_ics_id__in=boards)
        if colleges:
            part |= own_board & Q(college_id__in=colleges)
        parts.append((part, share))
    condition = Q(pk__in=[])
    for part, _ in parts:
        condition |= part
    return condition, _by_share(parts)


@dataclass
class OfferSupply:
    """Course offers supplying an occupation in a geography within a report's horizon.

    The offers (and their counts and places by college) are today's, matched by the rules; the
    entrants by college are the report's own stored supply (GapReportSupply), so that they add up to
    the report's rows. A report computed before supply was stored falls back to today's offers."""

    report: GapReport
    geography: Geography
    occupation: Occupation
    routes: list[EntryRoute]
    bounds: list[dt.date]
    offers: QuerySet  # CourseOffer, annotated with completed_on, completers and entrants (within the horizon)
    _colleges: list[dict] | None = None

    @property
    def count(self) -> int:
        """How many offers supply the occupation (from the sums by college: no query of its own)."""
        return sum(row["offers"] for row in self.colleges())

    @property
    def from_stored_supply(self) -> bool:
        return self.report.stores_supply

    def colleges(self) -> list[dict]:
        """Entrants by college, most first, with each college's offers and places (3 queries the first
        time: the stored supply by college, the offers summed by college, the colleges' names)."""
        if self._colleges is None:
            self._colleges = self._colleges_summed()
        return self._colleges

    def _colleges_summed(self) -> list[dict]:
        live = {}
        if self.routes:
            live = {
                row["college_id"]: row
                for row in self.offers.order_by()
                .values("college_id")
                .annotate(offers=Count("id"), places=Sum("planned_places"), entrants=Sum("entrants"))
            }
        if self.from_stored_supply:
            stored = GapReportSupply.objects.filter(report=self.report, occupation=self.occupation)
            if not self.geography.is_national:
                stored = stored.filter(ics_code__in=self.geography.board_codes)
            entrants = {
                row["college_id"]: row["entrants"]
                for row in stored.order_by().values("college_id").annotate(entrants=Sum("supply_fte"))
            }
        else:
            entrants = {college: row["entrants"] for college, row in live.items()}
        if not live and not entrants:
            return []
        colleges = College.objects.filter(id__in=set(live) | set(entrants)).values(
            "id", college_ukprn=F("ukprn"), college_name=F("name"), college_ics_name=F("ics__name"),
        )
        rows = []
        for college in colleges:
            offers = live.get(college["id"], {})
            rows.append({
                **college, "offers": offers.get("offers", 0), "places": offers.get("places") or 0,
                "entrants": entrants.get(college["id"]) or Decimal(0),
            })
        return sorted(rows, key=lambda row: (-row["entrants"], row["college_name"]))

    def arrival_years(self, offer) -> list[int]:
        """The years of the horizon in which the offer's entrants arrive (one per matching route)."""
        years = set()
        for route in self.routes:
            if rules.route_matches(route, offer):
                year = rules.window_of(rules.arrival_date(offer.completed_on, route.lag_months), self.bounds)
                if year is not None:
                    years.add(year)
        return sorted(years)


def dashboard_offers(*, report: GapReport, geography: Geography, occupation: Occupation) -> OfferSupply:
    """Offers taught in `geography` whose completers enter `occupation` through one of its entry routes
    within the report's horizon, most entrants first (1 query: the routes; the offers queryset is lazy).

    entrants = completers x conversion rate, summed over the matching routes whose arrival
    (completion + lag) falls in the horizon: the rules of the report's supply (pathways.rules).
    """
    routes = list(
        EntryRoute.objects.filter(occupation=occupation).select_related("apprenticeship_standard").order_by("id")
    )
    bounds = horizon_bounds(report)
    if not routes:
        return OfferSupply(report, geography, occupation, routes, bounds, CourseOffer.objects.none())

    def in_horizon(route: EntryRoute) -> Q:
        return rules.route_matches_q(route) & rules.arrives_in_horizon_q(bounds, route.lag_months)

    def conversion(kind: list[EntryRoute]):
        if not kind:
            return Value(Decimal(0), output_field=rules.FTE)
        whens = [When(in_horizon(route), then=Value(route.conversion_rate)) for route in kind]
        return Case(*whens, default=Value(Decimal(0)), output_field=rules.FTE)

    # Routes are unique per occupation and standard, and per occupation, type and level (without a
    # standard): an offer matches at most one of each kind, so two flat CASEs give its conversion.
    conversion_rate = conversion([r for r in routes if r.apprenticeship_standard_id]) + conversion(
        [r for r in routes if not r.apprenticeship_standard_id]
    )
    supplying = Q()
    for route in routes:
        supplying |= in_horizon(route)
    where, factor = _offers_in(geography, report_placement(report))
    offers = (
        CourseOffer.objects.filter(where, planned_places__gt=0)
        .select_related("college", "college__ics", "delivery_ics", "apprenticeship_standard")
        .annotate(completed_on=rules.completion_date_expr())
        .filter(supplying)
        .annotate(completers=rules.completers_expr())
        .annotate(entrants=ExpressionWrapper(
            F("completers") * conversion_rate * (factor if factor is not None else Value(Decimal(1))),
            output_field=rules.FTE,
        ))
        .order_by("-entrants", "college__name", "start_date", "course_code")
    )
    return OfferSupply(report, geography, occupation, routes, bounds, offers)


@dataclass
class Backfill:
    """How much of an occupation's demand in a geography is backfill (DESIGN.md 6.3), and from which routes."""

    years: list[dict]  # one per year of the report: year, backfill_fte, demand_fte (the report's rows)
    routes: list[dict]  # one per route taking people from the occupation: route, occupation_code,
    # occupation_name, entrants (over the horizon, by the report's rules, from today's offers), most first

    @property
    def total(self) -> Decimal | None:
        """The backfill through the horizon's last year (null for a report computed before backfill)."""
        return self.years[-1]["backfill_fte"] if self.years else None


def dashboard_backfill(*, report: GapReport, geography: Geography, occupation: Occupation,
                       years: list[dict] | None = None) -> Backfill:
    """The backfill in the occupation's demand in `geography`, year by year, from the report's rows, and the
    routes whose entrants leave it, with their entrants over the horizon where the report places offers
    (3 queries: rows, routes, one aggregate of the entrants by route; the placement is the report's).
    `years`: the report's rows read already (dashboard_occupation_years), saving the first query."""
    if years is None:
        years = list(
            _report_rows(report, geography).filter(occupation=occupation).order_by("year").values(
                "year", "backfill_fte", "demand_fte"
            )
        )
    routes = list(
        EntryRoute.objects.filter(from_occupation=occupation).select_related("occupation", "apprenticeship_standard")
        .order_by("occupation__name", "id")
    )
    if not routes:
        return Backfill(years, [])
    bounds = horizon_bounds(report)
    where, factor = _offers_in(geography, report_placement(report))
    share = factor if factor is not None else Value(Decimal(1))
    offers = (
        CourseOffer.objects.filter(where, planned_places__gt=0)
        .annotate(completed_on=rules.completion_date_expr())
        .annotate(completers=rules.completers_expr())
    )
    sums = offers.aggregate(**{
        f"route_{route.pk}": Sum(Case(
            When(rules.route_matches_q(route) & rules.arrives_in_horizon_q(bounds, route.lag_months),
                 then=ExpressionWrapper(F("completers") * Value(route.conversion_rate) * share,
                                        output_field=rules.FTE)),
            default=Value(Decimal(0)), output_field=rules.FTE,
        ))
        for route in routes
    })
    rows = [
        {"route": route, "occupation_code": route.occupation.code, "occupation_name": route.occupation.name,
         "entrants": sums[f"route_{route.pk}"] or Decimal(0)}
        for route in routes
    ]
    return Backfill(years, sorted(rows, key=lambda row: (-row["entrants"], row["occupation_name"])))


def _partnerships_in(geography: Geography, prefix: str = "") -> Q:
    """Partnerships lying in the geography: their ICS (the trust's, or the one partnered as a whole),
    or their trust's board today, is one of its ICSs."""
    if geography.is_national:
        return Q()
    return Q(**{f"{prefix}ics_id__in": geography.boards}) | Q(**{f"{prefix}trust__ics_id__in": geography.boards})


def dashboard_role_partnerships(*, geography: Geography, occupation: Occupation) -> list:
    """The partnerships that say they work on the occupation, in the geography (2 queries: partnerships,
    agendas)."""
    return list(
        partnership_list(with_occupations=False)
        .filter(_partnerships_in(geography), occupation_links__occupation=occupation)
        .order_by("college__name", "trust__name", "ics__name")
    )


ROLE_OUTCOMES = ("placements_offered", "placements_filled", "interviews_guaranteed", "hires")


def dashboard_role_outcomes(*, geography: Geography, occupation: Occupation) -> dict:
    """What the activities of the partnerships working on the occupation in the geography add up to:
    {"activities", "learners", "placements_offered", "placements_filled", "interviews_guaranteed", "hires"},
    zeros when there are none (1 aggregate query; a partnership names a role once, so no activity counts twice)."""
    totals = Activity.objects.filter(
        _partnerships_in(geography, "partnership__"), partnership__occupation_links__occupation=occupation
    ).aggregate(
        activities=Count("id", distinct=True), learners=Sum("learners"),
        **{name: Sum(name) for name in ROLE_OUTCOMES},
    )
    return {name: value or 0 for name, value in totals.items()}


def dashboard_partnerships(*, report: GapReport, geography: Geography, occupation: Occupation, supply: OfferSupply,
                           exclude: list | tuple = ()):
    """Partnerships already in place between the colleges supplying the occupation here (`supply`) and
    the trusts carrying its vacancies here (placed as the report places them on its as-of date), or the ICS
    as a whole (2 queries: partnerships, agendas,
    besides the sums by college that `supply` may already hold). `exclude`: partnerships listed already
    (those working on the role)."""
    if not supply.routes:
        return []
    colleges = [row["id"] for row in supply.colleges()]
    rows_here, _ = _vacancy_rows_in(geography, report_placement(report))  # the trusts' boards on as_of
    trusts = Vacancy.objects.filter(
        rows_here, occupation=occupation, period__lte=report.as_of, trust__isnull=False
    ).values("trust_id")
    whole_ics = Q(trust__isnull=True) & _vacancies_in(geography)
    return list(
        partnership_list(with_occupations=False)
        .filter(college_id__in=colleges)
        .filter(Q(trust_id__in=trusts) | whole_ics)
        .exclude(pk__in=[partnership.pk for partnership in exclude])
        .order_by("college__name", "trust__name", "ics__name")
    )


# --------------------------------------------------------------------------------------
# What a dashboard knows (issue 11.3): every occupation with a status that says why a figure is
# missing, the share of trusts that sent vacancy returns, vacancy trends and areas side by side.
# Vacancy rows lie where DESIGN.md 6.1 puts them on the day asked about (pathways.rules): a row with a
# trust in the trust's board that day, else in the row's ICS; a closed board's share in its successors.
# --------------------------------------------------------------------------------------


class OccupationStatus:
    """Why an occupation's line reads as it does: the text always carries the meaning, the tag helps."""

    NO_DATA = ("no_data", "No vacancy data recorded", "grey")
    NO_DEMAND = ("no_demand", "No demand", "white")
    NO_SUPPLY = ("no_supply", "No supply planned", "red")
    GAP = ("gap", "Gap remains", "orange")
    COVERED = ("covered", "Covered", "green")


def occupation_status(*, demand, supply, gap, has_vacancy_data: bool) -> tuple[str, str, str]:
    """(code, words, tag colour) of an occupation in a geography and year.

    Demand above zero: "No supply planned" (no entrants), "Gap remains" or "Covered". No demand: "No vacancy
    data recorded" when no vacancy series of the occupation lies in the geography on or before the report's
    date, else "No demand" (series exist, their figures are zero). Those two say "; no supply planned" too
    when no entrants are expected either."""
    demand, supply, gap = demand or Decimal(0), supply or Decimal(0), gap or Decimal(0)
    if demand > 0:
        if supply <= 0:
            return OccupationStatus.NO_SUPPLY
        return OccupationStatus.GAP if gap > 0 else OccupationStatus.COVERED
    code, words, colour = OccupationStatus.NO_DEMAND if has_vacancy_data else OccupationStatus.NO_DATA
    if supply <= 0:
        words += "; no supply planned"
    return code, words, colour


def _located_sql(day: dt.date, vendor: str) -> tuple[str, str, list]:
    """(join clause, board column, params): joined to `v` (trusts_vacancy), places each row in a board open
    on `day` with its share: `sh.ics_id` and `sh.share` (rows lying in no open board drop out)."""
    members, members_params = rules.membership_on_sql(TrustBoard._meta.db_table, "trust_id", day, vendor)
    shares, shares_params = rules.board_shares_sql(
        IntegratedCareSystem._meta.db_table, BoardSuccession._meta.db_table, day, vendor
    )
    join = (
        f" LEFT JOIN ({members}) m ON m.member_id = v.trust_id"
        f" JOIN ({shares}) sh ON sh.from_ics_id = {rules.vacancy_board_sql('v', 'm')}"
    )
    return join, "sh.ics_id", [*members_params, *shares_params]


def _in_boards_sql(column: str, geography: Geography) -> tuple[str, list]:
    if geography.is_national:
        return "", []
    if not geography.boards:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(geography.boards))})", list(geography.boards)


def _rows(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def dashboard_source_boards(*, geography: Geography, day: dt.date) -> tuple[int, ...] | None:
    """The boards whose figures lie, wholly or in part, in `geography` on `day`: its open boards and the
    closed ones that passed to them (1 query; None for England: every board)."""
    if geography.is_national:
        return None
    vendor = connection.vendor
    shares, params = rules.board_shares_sql(
        IntegratedCareSystem._meta.db_table, BoardSuccession._meta.db_table, day, vendor
    )
    where, where_params = _in_boards_sql("sh.ics_id", geography)
    found = _rows(f"SELECT DISTINCT sh.from_ics_id AS id FROM ({shares}) sh WHERE 1 = 1{where}", params + where_params)
    return tuple(sorted({row["id"] for row in found} | set(geography.boards)))


def occupations_with_vacancy_data(*, boards: tuple[int, ...] | None, day: dt.date) -> set[int]:
    """The occupations with any vacancy row on or before `day` lying in `boards` on `day` (None: anywhere),
    1 query: a walk up the occupation index, one probe per occupation, not a scan of every vacancy row.

    A row lies where the report puts it (DESIGN.md 6.1, `rules.vacancy_board_sql`): in its trust's board on
    `day`, else (no trust, or a trust with no board that day) in the row's `ics`."""
    vendor = connection.vendor
    vacancy = Vacancy._meta.db_table
    in_boards, params = "", []
    if boards is not None:
        if not boards:
            return set()
        members, members_params = rules.membership_on_sql(TrustBoard._meta.db_table, "trust_id", day, vendor)
        listed = ", ".join(["%s"] * len(boards))
        in_boards = (
            f" AND (trust_id IN (SELECT member_id FROM ({members}) tm WHERE tm.ics_id IN ({listed}))"
            f" OR (ics_id IN ({listed}) AND (trust_id IS NULL"
            f" OR trust_id NOT IN (SELECT member_id FROM ({members}) tn))))"
        )
        params = [*members_params, *boards, *boards, *members_params]
    d = rules.date_param(day, vendor)
    probe = f"FROM {vacancy} WHERE period <= %s{in_boards}"
    sql = f"""
        WITH RECURSIVE found (occupation_id) AS (
            SELECT * FROM (SELECT occupation_id {probe} ORDER BY occupation_id LIMIT 1) AS first_one
            UNION ALL
            SELECT (SELECT occupation_id {probe} AND occupation_id > found.occupation_id
                    ORDER BY occupation_id LIMIT 1)
            FROM found WHERE found.occupation_id IS NOT NULL
        )
        SELECT occupation_id FROM found WHERE occupation_id IS NOT NULL
    """
    return {row["occupation_id"] for row in _rows(sql, [d, *params, d, *params])}


def dashboard_occupations(*, report: GapReport, geography: Geography, summary: DashboardSummary) -> list[dict]:
    """Every occupation a dashboard lists for the chosen year: those with report rows here, and those with
    entry routes or vacancy data but no rows, each with its status (occupation_status), largest gap first,
    then the rest by name (2 queries: the boards behind the geography, the occupations)."""
    boards = dashboard_source_boards(geography=geography, day=report.as_of)
    with_data = occupations_with_vacancy_data(boards=boards, day=report.as_of)
    rows = {row["occupation_id"]: row for row in summary.by_occupation}
    occupations = (
        Occupation.objects.annotate(has_routes=Exists(EntryRoute.objects.filter(occupation=OuterRef("pk"))))
        .filter(Q(has_routes=True) | Q(pk__in=sorted(with_data | set(rows))))
        .values("id", "code", "name")
    )
    listed = []
    for occupation in occupations:
        occupation["has_vacancy_data"] = occupation["id"] in with_data
        row = rows.get(occupation["id"])
        figures = {name: row[name] if row else None for name in RANGE_FIELDS}
        figures["coverage"] = row["coverage"] if row else None
        status, words, colour = occupation_status(
            demand=figures["demand_fte"], supply=figures["supply_fte"], gap=figures["gap_fte"],
            has_vacancy_data=occupation["has_vacancy_data"],
        )
        listed.append({
            **figures, "occupation_id": occupation["id"], "occupation_code": occupation["code"],
            "occupation_name": occupation["name"], "has_vacancy_data": occupation["has_vacancy_data"],
            "has_row": row is not None, "status": status, "status_text": words, "status_colour": colour,
        })
    return sorted(listed, key=lambda r: (not r["has_row"], -(r["gap_fte"] or 0), r["occupation_name"]))


@dataclass
class DataCoverage:
    """How many of the trusts in a geography's boards sent vacancy returns for each board's latest month."""

    trusts: int
    reporting: int
    first_month: dt.date | None
    last_month: dt.date | None

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.reporting) / Decimal(self.trusts) if self.trusts else None


def dashboard_trust_members(*, geography: Geography, day: dt.date) -> dict[int, int]:
    """{trust id: board id} of the trusts open on `day` in the geography's boards: each trust's membership of
    that day; a trust with no membership recorded at all (loaded before memberships existed) counts in its
    `ics`, the board today (1 query)."""
    vendor = connection.vendor
    members, params = rules.membership_on_sql(TrustBoard._meta.db_table, "trust_id", day, vendor)
    trust, board = Trust._meta.db_table, TrustBoard._meta.db_table
    d = rules.date_param(day, vendor)
    where, where_params = _in_boards_sql("m.ics_id", geography)
    open_on = "(t.opened_on IS NULL OR t.opened_on <= %s) AND (t.closed_on IS NULL OR t.closed_on >= %s)"
    sql = f"""
        SELECT m.member_id, m.ics_id FROM (
            SELECT b.member_id, b.ics_id FROM ({members}) b JOIN {trust} t ON t.id = b.member_id WHERE {open_on}
            UNION ALL
            SELECT t.id, t.ics_id FROM {trust} t
            WHERE NOT EXISTS (SELECT 1 FROM {board} tb WHERE tb.trust_id = t.id) AND {open_on}
        ) m WHERE 1 = 1{where}
    """
    return {row["member_id"]: row["ics_id"] for row in _rows(sql, [*params, d, d, d, d, *where_params])}


def dashboard_data_coverage(*, geography: Geography, as_of: dt.date) -> DataCoverage:
    """The share of trusts that sent vacancy returns. For each board: its month is the latest month on or
    before as_of with any vacancy row of its trusts (their memberships on as_of); trusts reporting are those
    with a vacancy row in that month, out of the board's trusts. A region or England adds its boards up;
    its months run from `first_month` to `last_month`.

    3 queries, 4 when some board's trusts sent nothing in the newest month: the trusts, the newest month
    with any of their rows (the months' index read backwards), the trusts with a row in it, and for the
    boards left, each of their trusts' latest month."""
    members = dashboard_trust_members(geography=geography, day=as_of)
    if not members:
        return DataCoverage(0, 0, None, None)
    rows = Vacancy.objects.filter(period__lte=as_of, trust_id__in=list(members)).order_by()
    top = rows.aggregate(top=Max("period"))["top"]
    if top is None:
        return DataCoverage(len(members), 0, None, None)
    latest: dict[int, dt.date] = {}  # board -> its month
    reporting: set[int] = set()
    for trust in rows.filter(period=top).values_list("trust_id", flat=True).distinct():
        reporting.add(trust)
        latest[members[trust]] = top
    behind = [trust for trust, board in members.items() if board not in latest]
    if behind:
        months = dict(rows.filter(trust_id__in=behind).values("trust_id").annotate(month=Max("period"))
                      .values_list("trust_id", "month"))
        for trust, month in months.items():
            board = members[trust]
            if month > latest.get(board, dt.date.min):
                latest[board] = month
        reporting |= {trust for trust, month in months.items() if month == latest[members[trust]]}
    months = sorted(set(latest.values()))
    return DataCoverage(len(members), len(reporting), months[0], months[-1])


def vacancy_trend(*, geography: Geography, occupation: Occupation, day: dt.date) -> list[dict]:
    """Month by month, up to `day`, the occupation's vacancies and staff in post in `geography` as its
    boards stand on `day`, and the vacancy rate = vacancies / (staff in post + vacancies) over the rows
    that record staff in post (1 grouped query)."""
    vendor = connection.vendor
    join, board, params = _located_sql(day, vendor)
    where, where_params = _in_boards_sql(board, geography)
    sql = f"""
        SELECT v.period AS period, COUNT(*) AS series,
               SUM(v.vacancies_fte * sh.share) AS vacancies_fte,
               SUM(v.staff_in_post_fte * sh.share) AS staff_in_post_fte,
               SUM(CASE WHEN v.staff_in_post_fte IS NOT NULL THEN v.vacancies_fte * sh.share END) AS rated_fte
        FROM {Vacancy._meta.db_table} v{join}
        WHERE v.occupation_id = %s AND v.period <= %s{where}
        GROUP BY v.period
        ORDER BY v.period
    """
    rows = _rows(sql, [*params, occupation.pk, rules.date_param(day, vendor), *where_params])
    trend = []
    for row in rows:
        period = row["period"]
        vacancies, staff, rated = (_decimal(row[k]) for k in ("vacancies_fte", "staff_in_post_fte", "rated_fte"))
        rate = rated / (staff + rated) if staff is not None and rated is not None and staff + rated else None
        trend.append({
            "period": dt.date.fromisoformat(period) if isinstance(period, str) else period,
            "series": row["series"], "vacancies_fte": vacancies, "staff_in_post_fte": staff, "vacancy_rate": rate,
        })
    return trend


def _per_100(value, staff) -> Decimal | None:
    return None if value is None or not staff else Decimal(value) * 100 / Decimal(staff)


def dashboard_comparison(*, report: GapReport, geographies: list[Geography], year: int) -> dict:
    """Areas side by side in one year of a report: for each area and occupation (and all occupations
    together), the latest vacancies and staff in post of each series on or before the report's date, the
    vacancies per 100 staff in post, the report's gap with its range and the gap per 100 staff in post
    (2 queries: the vacancies by board and occupation, the report's rows of the areas).

    Rates per 100 count the vacancies of the rows that record staff in post, so that a social-care
    estimate without staff in post does not inflate them."""
    vendor = connection.vendor
    join, board, params = _located_sql(report.as_of, vendor)
    vacancy = Vacancy._meta.db_table
    wanted = set()
    for geography in geographies:
        wanted |= set(geography.boards) if not geography.is_national else set()
    national = any(g.is_national for g in geographies)
    where = ""
    if not national:
        where = f" WHERE {board} IN ({', '.join(['%s'] * len(wanted))})" if wanted else " WHERE 1 = 0"
    sql = f"""
        WITH trust_series AS (
            SELECT sector, trust_id, occupation_id, MAX(period) AS period
            FROM {vacancy} WHERE period <= %s AND trust_id IS NOT NULL
            GROUP BY sector, trust_id, occupation_id
        ),
        ics_series AS (
            SELECT sector, ics_id, occupation_id, MAX(period) AS period
            FROM {vacancy} WHERE period <= %s AND trust_id IS NULL
            GROUP BY sector, ics_id, occupation_id
        ),
        latest AS (
            SELECT v.* FROM trust_series s
            JOIN {vacancy} v ON v.trust_id = s.trust_id AND v.sector = s.sector
                            AND v.occupation_id = s.occupation_id AND v.period = s.period
            UNION ALL
            SELECT v.* FROM ics_series s
            JOIN {vacancy} v ON v.ics_id = s.ics_id AND v.sector = s.sector AND v.trust_id IS NULL
                            AND v.occupation_id = s.occupation_id AND v.period = s.period
        )
        SELECT {board} AS ics_id, v.occupation_id AS occupation_id,
               SUM(v.vacancies_fte * sh.share) AS vacancies_fte,
               SUM(v.staff_in_post_fte * sh.share) AS staff_in_post_fte,
               SUM(CASE WHEN v.staff_in_post_fte IS NOT NULL THEN v.vacancies_fte * sh.share END) AS rated_fte
        FROM latest v{join}{where}
        GROUP BY {board}, v.occupation_id
    """
    day = rules.date_param(report.as_of, vendor)
    by_board = _rows(sql, [day, day, *params, *sorted(wanted)] if not national else [day, day, *params])

    gap_rows = Q()
    for geography in geographies:
        gap_rows |= Q(level=geography.level) if geography.is_national else Q(level=geography.level,
                                                                            code=geography.code)
    report_rows = list(
        GapReportRow.objects.filter(gap_rows, report=report, year=year)
        .values("level", "code", "occupation_id", *RANGE_FIELDS,
                occupation_code=F("occupation__code"), occupation_name=F("occupation__name"))
    )
    names: dict[int, tuple[str, str]] = {
        row["occupation_id"]: (row["occupation_code"], row["occupation_name"]) for row in report_rows
    }
    missing = {row["occupation_id"] for row in by_board} - set(names)
    if missing:  # occupations with vacancies but no report row: named from the vacancy rows' occupations
        names.update({pk: (code, name) for pk, code, name in
                      Occupation.objects.filter(pk__in=missing).values_list("pk", "code", "name")})

    def key(geography: Geography) -> tuple[str, str]:
        return geography.level, geography.code

    areas = {key(g): {"geography": g, "occupations": {}} for g in geographies}
    blank = dict.fromkeys(("vacancies_fte", "staff_in_post_fte", "rated_fte"), Decimal(0))
    for row in by_board:
        for geography in geographies:
            if geography.is_national or row["ics_id"] in geography.boards:
                figures = areas[key(geography)]["occupations"].setdefault(row["occupation_id"], {**blank})
                for name in blank:
                    figures[name] += _decimal(row[name]) or Decimal(0)
    for row in report_rows:
        area = areas.get((row["level"], rules.NATIONAL_CODE if row["level"] == "national" else row["code"]))
        if area is None:
            continue
        figures = area["occupations"].setdefault(row["occupation_id"], {**blank})
        figures.update({name: row[name] for name in RANGE_FIELDS})
    result = []
    for area in areas.values():
        total = {**blank, **{name: None for name in RANGE_FIELDS}}
        for figures in area["occupations"].values():
            for name in blank:
                total[name] += figures[name]
            for name in RANGE_FIELDS:
                if figures.get(name) is not None:
                    total[name] = (total[name] or Decimal(0)) + figures[name]
        lines = []
        for pk, figures in area["occupations"].items():
            code, name = names.get(pk, ("", ""))
            lines.append(_comparison_line(code, name, figures))
        result.append({
            "geography": area["geography"], "total": _comparison_line("", "All occupations", total),
            "occupations": {line["occupation_code"]: line for line in lines},
        })
    occupations = sorted({(name, code) for code, name in names.values()})
    return {"areas": result, "occupations": [(code, name) for name, code in occupations]}


def _comparison_line(code: str, name: str, figures: dict) -> dict:
    line = {name_: figures.get(name_) for name_ in RANGE_FIELDS}
    staff = figures.get("staff_in_post_fte") or Decimal(0)
    line.update(
        occupation_code=code, occupation_name=name, vacancies_fte=figures.get("vacancies_fte") or Decimal(0),
        staff_in_post_fte=staff, vacancies_per_100=_per_100(figures.get("rated_fte"), staff),
        gap_per_100=_per_100(line["gap_fte"], staff), gap_low_per_100=_per_100(line["gap_low_fte"], staff),
        gap_high_per_100=_per_100(line["gap_high_fte"], staff),
        coverage=_coverage(line["supply_fte"], line["demand_fte"]),
    )
    return line


def dashboard_scenario(*, user, scenario_id: int) -> Scenario | None:
    """The scenario a dashboard URL names, if the user may read it (1 query)."""
    return Scenario.objects.visible_to(user).filter(pk=scenario_id).first()


def dashboard_scenario_reports(*, scenario: Scenario) -> tuple[GapReport | None, GapReport | None]:
    """As dashboard_reports, for the reports computed with a scenario (1 query)."""
    reports = list(gap_report_list().filter(scenario=scenario)[:20])
    newest = reports[0] if reports else None
    if newest is None or newest.status == GapReport.Status.SUCCEEDED:
        return newest, None
    done = next((r for r in reports if r.status == GapReport.Status.SUCCEEDED), None)
    return done, newest


# --------------------------------------------------------------------------------------
# Gap reports: the job rows and their result rows, for the API, the admin and the pages.
# --------------------------------------------------------------------------------------

_LEVEL_ORDER = LEVEL_ORDER  # the expression of the rows' index (planning.models)


def gap_report_list() -> QuerySet[GapReport]:
    """Every report, newest first, with who asked for it (one query)."""
    return GapReport.objects.select_related("requested_by").order_by("-created_at", "-id")


def gap_report_list_visible_to(user) -> QuerySet[GapReport]:
    """The reports `user` may read: every baseline, and those of the scenarios they may see (6.4)."""
    reports = gap_report_list()
    if is_staff(user):
        return reports
    return reports.filter(Q(scenario__isnull=True) | Q(scenario__in=Scenario.objects.visible_to(user).values("pk")))


def gap_report_for_rows(user, pk) -> GapReport | None:
    """The report `pk` if `user` may read it, with only what the list of its rows needs (its state, finish
    and scenario): the rows' list reads it on every request, so it joins nothing and loads no JSON."""
    reports = gap_report_list_visible_to(user).select_related(None).order_by()
    return reports.only("id", "status", "finished_at", "scenario_id").filter(pk=pk).first()


def gap_report_latest(*, scenario=None) -> GapReport | None:
    """The newest succeeded baseline report (of `scenario`, when given): the one served while a newer
    run is pending, running or failed."""
    return gap_report_list().filter(status=GapReport.Status.SUCCEEDED, scenario=scenario).first()


def gap_report_rows(
    report: GapReport, *, level: str | None = None, code: str | None = None, occupation: str | None = None,
    year: int | None = None,
) -> QuerySet[GapReportRow]:
    """A report's rows: England first, then regions, then ICSs; by code, occupation name and year.
    `occupation` is an occupation code. One query whatever the number of rows."""
    rows = GapReportRow.objects.filter(report=report).select_related("occupation")
    if level:
        rows = rows.filter(level=level)
    if code:
        rows = rows.filter(code=code)
    if occupation:
        rows = rows.filter(occupation__code=occupation)
    if year:
        rows = rows.filter(year=year)
    return rows.annotate(level_order=_LEVEL_ORDER).order_by("level_order", "code", "occupation__name", "year")


# The columns of a row as the API answers them (occupation by code and name), read without model instances.
GAP_REPORT_ROW_VALUES = (
    "level", "code", "name", "year", "demand_fte", "supply_fte", "gap_fte", "coverage",
    "demand_low_fte", "demand_high_fte", "supply_low_fte", "supply_high_fte", "gap_low_fte", "gap_high_fte",
    "backfill_fte",
)


def gap_report_row_values(rows: QuerySet[GapReportRow]) -> QuerySet:
    """`rows` (from `gap_report_rows`, filtered) as dicts, in their order: the keys of GAP_REPORT_ROW_VALUES
    plus `occupation_code` and `occupation_name`, with no model instances."""
    return rows.values(
        *GAP_REPORT_ROW_VALUES, occupation_code=F("occupation__code"), occupation_name=F("occupation__name")
    )


def gap_report_rows_count_key(report: GapReport, filters: dict[str, list[str]]) -> str | None:
    """Where the count of a report's rows filtered by `filters` (query parameters on the rows' own
    columns only: level, code, year) may be kept: a succeeded report's rows are stored once and never
    change, so neither does their count (the key names the run by its finish). None for a report not
    succeeded. Filters on the occupation (its code, or `q` on its name) must not use it: occupations
    can be renamed."""
    if report.status != GapReport.Status.SUCCEEDED or report.finished_at is None:
        return None
    named = sorted((name, values) for name, values in filters.items() if name in ("level", "code", "year"))
    digest = hashlib.sha256(json.dumps(named).encode()).hexdigest()[:32]
    return f"gap-report-rows-count:{report.pk}:{report.finished_at.timestamp()}:{digest}"


# A token the pagination keeps with each kept page of report rows (core.api_pagination.version_token):
# planning.signals deletes it after every committed write of occupations, whose codes and names the rows show.
OCCUPATION_LABELS_VERSION_KEY = "occupation-labels-version"


def gap_report_rows_page_key(report: GapReport, params: dict[str, list[str]]) -> str | None:
    """Where a rendered page of a report's rows read with query parameters `params` may be kept (the
    pagination adds the page's size and number, and checks OCCUPATION_LABELS_VERSION_KEY's token): a
    succeeded report's rows never change. None for a report not succeeded."""
    if report.status != GapReport.Status.SUCCEEDED or report.finished_at is None:
        return None
    named = sorted((name, values) for name, values in params.items() if name not in ("page", "page_size"))
    digest = hashlib.sha256(json.dumps(named).encode()).hexdigest()[:32]
    return f"gap-report-rows-page:{report.pk}:{report.finished_at.timestamp()}:{digest}"


# --- Public pathway pages: how to become ... ------------------------------------------------------

SYNTHETIC_OCCUPATION_PREFIX = "synthetic-occupation-"


def pathway_occupation_list():
    """The occupations the public pathway pages describe (generated benchmark ones left out),
    with how many entry routes and onward steps each has."""
    return Occupation.objects.exclude(code__startswith=SYNTHETIC_OCCUPATION_PREFIX).annotate(
        route_count=Count("entry_routes", distinct=True),
        progression_count=Count("progressions_out", distinct=True),
    )


def pathway_occupation(*, code: str) -> Occupation | None:
    """One occupation with its career ladder (5 queries): its entry routes (`route_list`, each with the
    occupation it takes people from when it is a backfill route), its steps in and out (`steps_in`,
    `steps_out`), and the routes of other occupations that train people who work in it now
    (`routes_out`)."""
    return (
        Occupation.objects.filter(code=code)
        .prefetch_related(
            Prefetch(
                "entry_routes",
                queryset=EntryRoute.objects.select_related("apprenticeship_standard", "from_occupation").order_by(
                    "lag_months", "-conversion_rate", "qualification_type", "level"
                ),
                to_attr="route_list",
            ),
            Prefetch(
                "backfill_routes",
                queryset=EntryRoute.objects.select_related("apprenticeship_standard", "occupation").order_by(
                    "occupation__name", "lag_months", "qualification_type", "level"
                ),
                to_attr="routes_out",
            ),
            Prefetch(
                "progressions_in",
                queryset=Progression.objects.select_related("from_occupation").order_by("from_occupation__name"),
                to_attr="steps_in",
            ),
            Prefetch(
                "progressions_out",
                queryset=Progression.objects.select_related("to_occupation").order_by("to_occupation__name"),
                to_attr="steps_out",
            ),
        )
        .first()
    )


def council_area_list():
    """The council areas a visitor may choose on the pathway pages, with their board (1 query)."""
    return CouncilArea.objects.select_related("ics").order_by("name", "code")


@dataclass
class PathwayOffers:
    """Course offers that lead to an occupation: those taught in the chosen ICS, then the rest of its region."""

    ics: IntegratedCareSystem
    in_ics: list
    in_ics_count: int
    in_region: list
    in_region_count: int


def pathway_offers(*, routes: list[EntryRoute], ics: IntegratedCareSystem, since: dt.date, limit: int = 25):
    """Offers starting on or after `since` whose completers can enter the occupation through one of
    `routes`, taught in `ics` first, then elsewhere in its region (4 queries, whatever the numbers)."""
    if not routes:
        return PathwayOffers(ics, [], 0, [], 0)
    leads = Q()
    for route in routes:
        leads |= rules.route_matches_q(route)
    in_ics = rules.offers_in_q([ics.pk])
    in_region = rules.offers_in_q(IntegratedCareSystem.objects.filter(region_id=ics.region_id).values("id"))
    offers = (
        CourseOffer.objects.filter(leads, start_date__gte=since)
        .select_related("college", "college__ics", "apprenticeship_standard", "delivery_ics")
        .order_by("start_date", "college__name", "title")
    )
    here = offers.filter(in_ics)
    nearby = offers.filter(in_region).exclude(in_ics)
    return PathwayOffers(ics, list(here[:limit]), here.count(), list(nearby[:limit]), nearby.count())


# --- Scenarios (DESIGN.md 6.4) ----------------------------------------------------------------


def scenario_list(user) -> QuerySet[Scenario]:
    """The scenarios `user` may see (Scenario.objects.visible_to), with their ICS, creator, offers
    (college, standard, delivery ICS) and adjustments: 3 queries for a page of them, or a list."""
    return (
        Scenario.objects.visible_to(user)
        .select_related("ics", "ics__region", "created_by")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=ScenarioOffer.objects.select_related(
                    "college", "apprenticeship_standard", "delivery_ics"
                ).order_by("id"),
            ),
            Prefetch("adjustments", queryset=ScenarioAdjustment.objects.order_by("kind", "target")),
        )
        .order_by("-updated_at", "-id")
    )


def scenario_summaries(user) -> QuerySet[Scenario]:
    """The scenarios `user` may see, for the list page: counts of offers and adjustments (1 query)."""
    return (
        Scenario.objects.visible_to(user)
        .select_related("ics", "created_by")
        .annotate(
            offer_count=Count("offers", distinct=True), adjustment_count=Count("adjustments", distinct=True),
        )
        .order_by("-updated_at", "-id")
    )


SCENARIO_HISTORY_FIELDS = ("name", "description", "ics", "shared")
_HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def scenario_history(*, scenario_id: int) -> list[dict]:
    """The audit trail of a scenario (also after its deletion), newest first. Each entry: history_id,
    type, at, user, source (how the change came in), changes [{field, old, new}] of its own fields
    (the ICS by code), and `nested`: what changed in its offers and adjustments (2 queries)."""
    records = list(
        Scenario.history.filter(id=scenario_id).select_related("history_user").order_by("history_date", "history_id")
    )
    ics_ids = {record.ics_id for record in records} - {None}
    codes = dict(IntegratedCareSystem.objects.filter(pk__in=ics_ids).values_list("pk", "code")) if ics_ids else {}

    def shown(record, name):
        if record is None:
            return None
        if name == "ics":
            return codes.get(record.ics_id, record.ics_id) if record.ics_id else None
        value = getattr(record, name)
        return None if value in (None, "") else str(value)

    entries, previous = [], None
    for record in records:
        source, _, nested = (record.history_change_reason or "").partition("; ")
        changes = []
        if record.history_type != "-":
            for name in SCENARIO_HISTORY_FIELDS:
                old, new = shown(previous, name), shown(record, name)
                if old != new:
                    changes.append({"field": name, "old": old, "new": new})
        entries.append({
            "history_id": record.history_id,
            "type": _HISTORY_TYPES.get(record.history_type, record.history_type),
            "at": record.history_date,
            "user": record.history_user.username if record.history_user else None,
            "source": source,
            "changes": changes,
            "nested": nested,
        })
        previous = record
    entries.reverse()
    return entries


def scenario_reports(scenario: Scenario, limit: int = 10) -> list[GapReport]:
    """The scenario's newest reports, of any status (1 query)."""
    return list(gap_report_list().filter(scenario=scenario)[:limit])


def gap_report_baseline_for(report: GapReport) -> GapReport | None:
    """The newest succeeded baseline report of the same as_of and horizon as `report` (1 query)."""
    return (
        gap_report_list()
        .filter(
            scenario__isnull=True, status=GapReport.Status.SUCCEEDED, as_of=report.as_of,
            horizon_years=report.horizon_years,
        )
        .first()
    )


def gap_report_baseline_in_flight(report: GapReport) -> GapReport | None:
    """A baseline of `report`'s as_of and horizon being worked out now, if any (1 query)."""
    return (
        gap_report_list()
        .filter(scenario__isnull=True, status__in=GapReport.IN_FLIGHT, as_of=report.as_of,
                horizon_years=report.horizon_years)
        .first()
    )


@dataclass
class ScenarioComparison:
    """A scenario's report beside its baseline, for one geography: by occupation and year, each gap and
    the difference (scenario minus baseline: below zero, the scenario closes part of the gap)."""

    report: GapReport
    baseline: GapReport | None
    level: str
    code: str
    name: str
    rows: list[dict]  # occupation_code, occupation_name, year, baseline_*, scenario_*, difference
    totals: list[dict]  # by year: baseline_gap, scenario_gap, difference

    @property
    def years(self) -> list[int]:
        return list(range(1, self.report.horizon_years + 1))


def _comparison_rows(report: GapReport | None, level: str, code: str) -> dict:
    if report is None:
        return {}
    rows = GapReportRow.objects.filter(report=report, level=level)
    if level != GapReportRow.Level.NATIONAL:
        rows = rows.filter(code=code)
    return {
        (row["occupation_code"], row["year"]): row
        for row in rows.order_by().values(
            "year", "demand_fte", "supply_fte", "gap_fte", "name",
            occupation_code=F("occupation__code"), occupation_name=F("occupation__name"),
        )
    }


def scenario_comparison(*, report: GapReport, level: str, code: str) -> ScenarioComparison:
    """`report` (a scenario's) beside the baseline of the same as_of and horizon, in the geography of
    `level` and `code` (3 queries: the baseline, and the rows of each report there). An occupation and
    year present in one report only counts 0 in the other."""
    baseline = gap_report_baseline_for(report)
    mine, theirs = _comparison_rows(report, level, code), _comparison_rows(baseline, level, code)
    zero = Decimal(0)
    rows, totals = [], {}
    for key in set(mine) | set(theirs):
        scenario_row, baseline_row = mine.get(key, {}), theirs.get(key, {})
        known = scenario_row or baseline_row
        row = {
            "occupation_code": key[0], "occupation_name": known["occupation_name"], "year": key[1],
            **{f"baseline_{name}": baseline_row.get(f"{name}_fte", zero) for name in ("demand", "supply", "gap")},
            **{f"scenario_{name}": scenario_row.get(f"{name}_fte", zero) for name in ("demand", "supply", "gap")},
        }
        row["difference"] = row["scenario_gap"] - row["baseline_gap"]
        rows.append(row)
        total = totals.setdefault(key[1], {"year": key[1], "baseline_gap": zero, "scenario_gap": zero})
        total["baseline_gap"] += row["baseline_gap"]
        total["scenario_gap"] += row["scenario_gap"]
    for total in totals.values():
        total["difference"] = total["scenario_gap"] - total["baseline_gap"]
    rows.sort(key=lambda row: (row["occupation_name"], row["year"]))
    name = next((row["name"] for row in (*mine.values(), *theirs.values())), "")
    if level == GapReportRow.Level.NATIONAL:
        name = rules.NATIONAL_NAME
    return ScenarioComparison(
        report=report, baseline=baseline, level=level, code=code, name=name, rows=rows,
        totals=[totals[year] for year in sorted(totals)],
    )


def data_changed_since(report: GapReport) -> dt.datetime | None:
    """The latest change to vacancies or course offers after `report` was asked for, or None (1 query:
    the newest `updated_at` of each, as subqueries)."""
    from django.db.models import Subquery

    latest = (  # the newest row first is the MAX, read from the end of an index where there is one
        Vacancy.objects.order_by("-updated_at").values("updated_at")[:1],
        CourseOffer.objects.order_by("-updated_at").values("updated_at")[:1],
    )
    changed = GapReport.objects.filter(pk=report.pk).annotate(
        vacancies_at=Subquery(latest[0]), offers_at=Subquery(latest[1])
    ).values_list("vacancies_at", "offers_at").first()
    seen = [moment for moment in changed or () if moment is not None and moment > report.created_at]
    return max(seen) if seen else None
