"""The gap report's rules (DESIGN.md section 6), one per test, on small data sets worked out by hand.

Every test computes through the service. Unless a test says otherwise the report is as of
15 June 2026 with a 3-year horizon, so the year windows are:
  year 1: (15 Jun 2026, 15 Jun 2027]   year 2: (.., 15 Jun 2028]   year 3: (.., 15 Jun 2029]
"""

import datetime as dt
from decimal import Decimal

import pytest

from pathways.vocabulary import QualificationType
from planning import services
from planning.models import GapReport, GapReportRow
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    VacancyFactory,
)
from trusts.models import Sector

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 15)


# -- helpers shared by the other gap report test modules -----------------------------------


def compute(*, as_of=AS_OF, horizon_years=3) -> GapReport:
    """Create a report and compute it in process, through the same services the task calls."""
    report = services.gap_report_create(as_of=as_of, horizon_years=horizon_years, user=None)
    return services.gap_report_compute(report_id=report.pk)


def by_year(report, code, occupation, field="demand_fte", level="ics") -> list:
    """One figure of one geography and occupation, year 1 first."""
    rows = report.rows.filter(level=level, code=code, occupation=occupation).order_by("year")
    return [getattr(row, field) for row in rows]


def row_keys(report, level="ics") -> set:
    return set(report.rows.filter(level=level).values_list("code", "occupation__code", "year"))


def offer(college, *, places, rate=Decimal("1"), start=dt.date(2026, 9, 1), months=12, **extra):
    """A T Level offer at level 3 by default, completing with `rate` (1 keeps the sums easy)."""
    return CourseOfferFactory(
        college=college, planned_places=places, expected_completion_rate=rate, start_date=start,
        duration_months=months, **extra,
    )


# -- demand ----------------------------------------------------------------------------------


def test_demand_takes_each_series_latest_period_on_or_before_as_of():
    # given: nurses leave at rate 0, so demand is vacancies alone, in ICS QAA
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=Decimal("0"))
    ics = IntegratedCareSystemFactory(code="QAA")
    trust, other_trust = TrustFactory(ics=ics), TrustFactory(ics=ics)
    # one trust's series: April 10, May 12 (latest on or before 15 June), July 99 (after as_of)
    for period, fte in [(dt.date(2026, 4, 1), 10), (dt.date(2026, 5, 1), 12), (dt.date(2026, 7, 1), 99)]:
        VacancyFactory(trust=trust, occupation=nurses, period=period, vacancies_fte=Decimal(fte))
    # another trust's series whose latest month is March: it still counts, with 5
    VacancyFactory(trust=other_trust, occupation=nurses, period=dt.date(2026, 3, 1), vacancies_fte=Decimal(5))
    # the ICS's social-care series: June, 7
    VacancyFactory(
        sector=Sector.SOCIAL_CARE, trust=None, ics=ics, occupation=nurses, period=dt.date(2026, 6, 1),
        vacancies_fte=Decimal(7),
    )

    # when
    report = compute()

    # then: 12 + 5 + 7 in every year, from 3 latest-period rows
    assert report.status == GapReport.Status.SUCCEEDED
    assert by_year(report, "QAA", nurses) == [Decimal(24)] * 3
    assert report.inputs["vacancy_rows"] == 3


def test_replacement_demand_adds_staff_in_post_times_leaver_rate_for_each_year():
    # given: 12 vacancies and 200 staff in post leaving at 10% a year -> 20 replacements a year;
    # a second trust's row with no staff-in-post figure adds its vacancies and no replacement
    carers = OccupationFactory(code="carers", annual_leaver_rate=Decimal("0.10"))
    ics = IntegratedCareSystemFactory(code="QAA")
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=carers, vacancies_fte=Decimal(12),
                   staff_in_post_fte=Decimal(200))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=carers, vacancies_fte=Decimal(3), staff_in_post_fte=None)

    # when
    report = compute()

    # then: cumulative demand = 15 + y x 20
    assert by_year(report, "QAA", carers) == [Decimal(35), Decimal(55), Decimal(75)]


def test_rows_cover_only_places_and_occupations_with_some_demand_or_supply():
    # given: one occupation with demand in QAA; another whose only row is all zeros
    ics = IntegratedCareSystemFactory(code="QAA")
    wanted = OccupationFactory(code="wanted", annual_leaver_rate=Decimal("0"))
    idle = OccupationFactory(code="idle", annual_leaver_rate=Decimal("0.10"))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=wanted, vacancies_fte=Decimal(4))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=idle, vacancies_fte=Decimal(0), staff_in_post_fte=Decimal(0))

    # when
    report = compute(horizon_years=2)

    # then: one ICS row per year of the horizon, for `wanted` only
    assert row_keys(report) == {("QAA", "wanted", 1), ("QAA", "wanted", 2)}


# -- supply ----------------------------------------------------------------------------------


def test_completers_use_the_offers_own_rate_or_else_its_qualification_types_default():
    # given: T Level level 3 -> healthcare support workers, half of completers convert, no lag.
    # Both offers start 1 Sep 2026 and last 12 months: they complete on 1 Sep 2027, in year 2.
    hcsw = OccupationFactory(code="hcsw")
    EntryRouteFactory(occupation=hcsw, qualification_type=QualificationType.T_LEVEL, level=3,
                      conversion_rate=Decimal("0.5"))
    college = CollegeFactory(ics=IntegratedCareSystemFactory(code="QAA"))
    offer(college, places=20, rate=None)  # T Level default 0.80: 16 completers -> 8 entrants
    offer(college, places=10, rate=Decimal("0.6"))  # 6 completers -> 3 entrants

    # when
    report = compute()

    # then
    assert by_year(report, "QAA", hcsw, "supply_fte") == [Decimal(0), Decimal(11), Decimal(11)]


def test_a_route_naming_a_standard_matches_only_that_standard_and_one_without_matches_type_and_level():
    # given: an apprenticeship offer on ST0216 (level 3), 100 completers in year 2, and a T Level offer
    ics = IntegratedCareSystemFactory(code="QAA")
    college = CollegeFactory(ics=ics)
    st0216, other_standard = ApprenticeshipStandardFactory(reference="ST0216"), ApprenticeshipStandardFactory()
    offer(college, places=100, qualification_type=QualificationType.APPRENTICESHIP, level=3,
          apprenticeship_standard=st0216)
    offer(college, places=10)  # T Level, level 3, no standard
    by_standard, by_type, wrong_standard, wrong_level, by_t_level = (
        OccupationFactory(code=code)
        for code in ["by-standard", "by-type", "wrong-standard", "wrong-level", "by-t-level"]
    )
    apprenticeship = QualificationType.APPRENTICESHIP
    EntryRouteFactory(occupation=by_standard, qualification_type=apprenticeship, level=3,
                      apprenticeship_standard=st0216, conversion_rate=Decimal("0.5"))
    EntryRouteFactory(occupation=by_type, qualification_type=apprenticeship, level=3,
                      conversion_rate=Decimal("0.2"))
    EntryRouteFactory(occupation=wrong_standard, qualification_type=apprenticeship, level=3,
                      apprenticeship_standard=other_standard, conversion_rate=Decimal("0.9"))
    EntryRouteFactory(occupation=wrong_level, qualification_type=apprenticeship, level=4,
                      conversion_rate=Decimal("0.9"))
    EntryRouteFactory(occupation=by_t_level, qualification_type=QualificationType.T_LEVEL, level=3,
                      conversion_rate=Decimal("0.3"))

    # when
    report = compute()

    # then: 100 x 0.5 by the standard, 100 x 0.2 by type and level, 10 x 0.3 from the T Level;
    # the other standard and the other level match nothing, so have no rows
    assert by_year(report, "QAA", by_standard, "supply_fte") == [0, 50, 50]
    assert by_year(report, "QAA", by_type, "supply_fte") == [0, 20, 20]
    assert by_year(report, "QAA", by_t_level, "supply_fte") == [0, 3, 3]
    assert {occupation for _, occupation, _ in row_keys(report)} == {"by-standard", "by-type", "by-t-level"}
    assert report.inputs["entry_routes"] == 3
    assert report.inputs["course_offers"] == 2


def test_a_routes_lag_carries_entrants_across_a_year_window():
    # given: an offer completing on 1 May 2027 (1 Sep 2026 + 8 months), in year 1; one route with
    # no lag, and one whose 2-month lag brings its entrants to 1 Jul 2027, in year 2
    college = CollegeFactory(ics=IntegratedCareSystemFactory(code="QAA"))
    offer(college, places=10, months=8)
    at_once, later = OccupationFactory(code="at-once"), OccupationFactory(code="later")
    EntryRouteFactory(occupation=at_once, conversion_rate=Decimal("1"), lag_months=0)
    EntryRouteFactory(occupation=later, conversion_rate=Decimal("1"), lag_months=2)

    # when
    report = compute()

    # then: cumulative supply
    assert by_year(report, "QAA", at_once, "supply_fte") == [10, 10, 10]
    assert by_year(report, "QAA", later, "supply_fte") == [0, 10, 10]


def test_a_year_window_holds_its_last_day_but_not_its_first():
    # given: arrivals on as_of itself (not in the horizon), on as_of + 1 year (the last day of
    # year 1), on as_of + 3 years (the last day of the horizon) and a day later (outside it)
    college = CollegeFactory(ics=IntegratedCareSystemFactory(code="QAA"))
    hcsw = OccupationFactory(code="hcsw")
    EntryRouteFactory(occupation=hcsw, conversion_rate=Decimal("1"))
    offer(college, places=1, start=dt.date(2025, 9, 15), months=9)  # 15 Jun 2026: as_of, left out
    offer(college, places=2, start=dt.date(2026, 9, 15), months=9)  # 15 Jun 2027: year 1
    offer(college, places=4, start=dt.date(2026, 9, 15), months=33)  # 15 Jun 2029: year 3
    offer(college, places=8, start=dt.date(2026, 9, 16), months=33)  # 16 Jun 2029: after the horizon

    # when
    report = compute()

    # then
    assert by_year(report, "QAA", hcsw, "supply_fte") == [2, 2, 6]


def test_completion_keeps_the_day_of_the_month_clipped_to_the_months_last_day():
    # given: as of 28 Feb 2026, year 1 ends on 28 Feb 2027. An offer starting 31 Aug 2026 and
    # lasting 6 months completes on 28 Feb 2027 (31 Feb does not exist), the last day of year 1.
    college = CollegeFactory(ics=IntegratedCareSystemFactory(code="QAA"))
    hcsw = OccupationFactory(code="hcsw")
    EntryRouteFactory(occupation=hcsw, conversion_rate=Decimal("1"))
    offer(college, places=5, start=dt.date(2026, 8, 31), months=6)

    # when
    report = compute(as_of=dt.date(2026, 2, 28), horizon_years=2)

    # then
    assert by_year(report, "QAA", hcsw, "supply_fte") == [5, 5]


def test_an_offer_supplies_its_delivery_ics_or_else_its_colleges():
    # given: a college in QAA with one offer taught at home and one delivered in QAB
    home, away = IntegratedCareSystemFactory(code="QAA"), IntegratedCareSystemFactory(code="QAB")
    college = CollegeFactory(ics=home)
    hcsw = OccupationFactory(code="hcsw")
    EntryRouteFactory(occupation=hcsw, conversion_rate=Decimal("1"))
    offer(college, places=3)
    offer(college, places=7, delivery_ics=away)

    # when
    report = compute()

    # then
    assert by_year(report, "QAA", hcsw, "supply_fte") == [0, 3, 3]
    assert by_year(report, "QAB", hcsw, "supply_fte") == [0, 7, 7]


# -- rows ------------------------------------------------------------------------------------


def test_region_and_national_rows_are_sums_of_their_ics_rows():
    # given: QAA and QAB in region Y56, QAC in Y58; nurses leave at rate 0; supply arrives in year 2
    north, south = RegionFactory(code="Y56", name="North"), RegionFactory(code="Y58", name="South")
    qaa = IntegratedCareSystemFactory(code="QAA", region=north)
    qab = IntegratedCareSystemFactory(code="QAB", region=north)
    qac = IntegratedCareSystemFactory(code="QAC", region=south)
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=Decimal("0"))
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("1"))
    for ics, vacancies, places in [(qaa, 10, 5), (qab, 30, 0), (qac, 60, 30)]:
        VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, vacancies_fte=Decimal(vacancies))
        if places:
            offer(CollegeFactory(ics=ics), places=places)

    # when
    report = compute()

    # then: Y56 = 40 demand, 5 supply; Y58 = 60, 30; England = 100, 35. Coverage comes from the
    # sums (5 / 40 = 0.125), not from averaging the ICS coverages ((0.5 + 0) / 2)
    def year_2(level, code):
        row = report.rows.get(level=level, code=code, occupation=nurses, year=2)
        return row.demand_fte, row.supply_fte, row.gap_fte, row.coverage

    assert year_2("region", "Y56") == (40, 5, 35, Decimal("0.125"))
    assert year_2("region", "Y58") == (60, 30, 30, Decimal("0.5"))
    assert year_2("national", "E92000001") == (100, 35, 65, Decimal("0.35"))
    assert report.rows.get(level="region", code="Y56", occupation=nurses, year=2).name == "North"
    assert report.rows.filter(level="national").count() == 3
    assert report.rows.count() == 3 * (3 + 2 + 1)


def test_coverage_is_null_where_there_is_no_demand():
    # given: supply of 8 healthcare support workers in year 2 and no vacancies for them
    college = CollegeFactory(ics=IntegratedCareSystemFactory(code="QAA"))
    hcsw = OccupationFactory(code="hcsw")
    EntryRouteFactory(occupation=hcsw, conversion_rate=Decimal("1"))
    offer(college, places=8)

    # when
    report = compute()

    # then
    row = report.rows.get(level=GapReportRow.Level.ICS, code="QAA", occupation=hcsw, year=2)
    assert (row.demand_fte, row.supply_fte, row.gap_fte, row.coverage) == (0, 8, -8, None)
    assert report.rows.get(level=GapReportRow.Level.NATIONAL, occupation=hcsw, year=2).coverage is None


def test_a_report_records_what_its_figures_rest_on():
    # given: two latest-period vacancy rows (and an older one), one offer matched by one route,
    # and one offer that no route matches
    ics = IntegratedCareSystemFactory(code="QAA")
    nurses = OccupationFactory(code="nurses")
    trust = TrustFactory(ics=ics)
    VacancyFactory(trust=trust, occupation=nurses, period=dt.date(2026, 5, 1))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, period=dt.date(2026, 6, 1))
    newest = VacancyFactory(trust=trust, occupation=nurses, period=dt.date(2026, 6, 1))
    college = CollegeFactory(ics=ics)
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("1"))
    offer(college, places=4)
    last_offer = offer(college, places=4, qualification_type=QualificationType.DIPLOMA)

    # when
    report = compute(horizon_years=2)

    # then
    inputs = report.inputs
    assert (inputs["as_of"], inputs["horizon_years"]) == ("2026-06-15", 2)
    assert (inputs["vacancy_rows"], inputs["course_offers"], inputs["entry_routes"]) == (2, 1, 1)
    assert inputs["rows"] == report.rows.count() == 2 * 3
    newest.refresh_from_db()
    last_offer.refresh_from_db()
    assert dt.datetime.fromisoformat(inputs["vacancies_changed_at"]) == newest.updated_at
    # the offer was the last thing written, so it is the latest change the report saw
    assert dt.datetime.fromisoformat(inputs["data_changed_at"]) == last_offer.updated_at
