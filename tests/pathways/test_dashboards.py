"""The gap dashboards (issue 5, part 4): what ICS people boards, hubs and England read from a report."""

import datetime as dt
from decimal import Decimal

import pytest

from colleges.models import QualificationType
from pathways import selectors
from pathways.models import GapReport
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
from tests.pathways.factories import GapReportFactory, GapReportRowFactory
from trusts.models import Sector

pytestmark = pytest.mark.django_db


def _geography(ics):
    return selectors.dashboard_geography(level="ics", code=ics.code)


# --------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------


def test_no_report_means_nothing_to_show():
    # given no report at all
    # when / then
    assert selectors.dashboard_reports() == (None, None)


def test_the_newest_succeeded_report_is_shown_with_a_newer_run_beside_it():
    # given an older succeeded report, and a newer one still running
    done = GapReportFactory()
    running = GapReportFactory(status=GapReport.Status.RUNNING, progress=40, finished_at=None)
    # when
    shown, newer = selectors.dashboard_reports()
    # then
    assert (shown, newer) == (done, running)


def test_a_newer_succeeded_report_replaces_the_older_one():
    # given two succeeded reports
    GapReportFactory()
    newest = GapReportFactory()
    # when / then
    assert selectors.dashboard_reports() == (newest, None)


def test_geography_is_found_by_level_and_code_and_unknown_places_are_none():
    # given an ICS in a region
    IntegratedCareSystemFactory(code="QE1", name="NHS Lancashire", region=RegionFactory(code="Y62", name="NW"))
    # when
    geography = selectors.dashboard_geography(level="ics", code="QE1")
    # then
    assert (geography.name, geography.parent.code, geography.parent.parent.name) == ("NHS Lancashire", "Y62", "England")
    assert selectors.dashboard_geography(level="region", code="Y62").name == "NW"
    assert selectors.dashboard_geography(level="national", code="england").is_national
    assert selectors.dashboard_geography(level="ics", code="QZZ") is None
    assert selectors.dashboard_geography(level="region", code="Y99") is None
    assert selectors.dashboard_geography(level="national", code="wales") is None
    assert selectors.dashboard_geography(level="planet", code="QE1") is None


def test_summary_lists_the_chosen_year_by_largest_gap_and_totals_every_year():
    # given an ICS with two occupations over a two-year horizon
    report = GapReportFactory(horizon_years=2)
    ics = IntegratedCareSystemFactory()
    nurses, carers = OccupationFactory(name="Nurses"), OccupationFactory(name="Carers")
    for occupation, year, demand, supply in [
        (nurses, 1, "100", "20"), (nurses, 2, "120", "60"), (carers, 1, "50", "45"), (carers, 2, "60", "70"),
    ]:
        GapReportRowFactory(
            report=report, code=ics.code, name=ics.name, occupation=occupation, year=year,
            demand_fte=Decimal(demand), supply_fte=Decimal(supply),
        )
    # and another ICS's row, which must not count
    GapReportRowFactory(report=report, code="QZZ", occupation=nurses, year=1)
    # when
    summary = selectors.dashboard_summary(report=report, geography=_geography(ics), year=2)
    # then
    assert [row["occupation_name"] for row in summary.by_occupation] == ["Nurses", "Carers"]
    assert [row["gap_fte"] for row in summary.by_occupation] == [Decimal(60), Decimal(-10)]
    assert [(row["year"], row["demand_fte"], row["supply_fte"]) for row in summary.totals] == [
        (1, Decimal(150), Decimal(65)), (2, Decimal(180), Decimal(130)),
    ]
    assert summary.total["coverage"] == Decimal(130) / Decimal(180)
    assert {row["name"]: row["coverage"] for row in summary.coverage_by_year} == {
        "Carers": [Decimal("0.9"), Decimal("1.166667")], "Nurses": [Decimal("0.2"), Decimal("0.5")],
    }


def test_national_summary_reads_the_national_rows_only():
    # given national and ICS rows
    report = GapReportFactory()
    GapReportRowFactory(report=report, level="national", code="E92000001", name="England", demand_fte=Decimal(500))
    GapReportRowFactory(report=report, level="ics", demand_fte=Decimal(7))
    # when
    summary = selectors.dashboard_summary(report=report, geography=selectors.ENGLAND, year=1)
    # then
    assert [row["demand_fte"] for row in summary.by_occupation] == [Decimal(500)]


def test_area_totals_sum_each_ics_and_carry_its_region():
    # given two ICSs in two regions with rows for year 1 and 2
    report = GapReportFactory()
    north, south = RegionFactory(code="Y62", name="North"), RegionFactory(code="Y58", name="South")
    ics_north = IntegratedCareSystemFactory(region=north)
    ics_south = IntegratedCareSystemFactory(region=south)
    for ics in (ics_north, ics_south):
        for year in (1, 2):
            GapReportRowFactory(report=report, code=ics.code, name=ics.name, year=year)
            GapReportRowFactory(report=report, code=ics.code, name=ics.name, year=year, supply_fte=Decimal(150))
    # when
    everywhere = selectors.dashboard_area_totals(report=report, level="ics", year=1)
    in_north = selectors.dashboard_area_totals(report=report, level="ics", year=1, region_code="Y62")
    # then
    assert [(row["code"], row["region_name"]) for row in everywhere] == [
        (ics_north.code, "North"), (ics_south.code, "South"),
    ]
    assert [row["code"] for row in in_north] == [ics_north.code]
    assert (in_north[0]["demand_fte"], in_north[0]["supply_fte"], in_north[0]["gap_fte"]) == (200, 190, 10)
    assert (in_north[0]["occupations"], in_north[0]["occupations_with_gap"]) == (2, 1)


def test_trusts_carry_the_latest_month_on_or_before_as_of_of_each_series():
    # given a trust reporting three months, the last after the report's as-of date
    report = GapReportFactory(as_of=dt.date(2026, 8, 15))
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    trust = TrustFactory(ics=ics, name="Alpha Trust")
    for month, fte in [(6, "10"), (8, "12"), (9, "99")]:
        VacancyFactory(trust=trust, occupation=nurses, period=dt.date(2026, month, 1), vacancies_fte=Decimal(fte))
    # and a second trust whose series stopped earlier
    other = TrustFactory(ics=ics, name="Beta Trust")
    VacancyFactory(trust=other, occupation=nurses, period=dt.date(2026, 3, 1), vacancies_fte=Decimal("4"))
    # and the ICS's social-care estimate
    VacancyFactory(
        sector=Sector.SOCIAL_CARE, trust=None, ics=ics, occupation=nurses, period=dt.date(2026, 7, 1),
        vacancies_fte=Decimal("30"), staff_in_post_fte=None,
    )
    # and vacancies elsewhere or for another occupation, which must not count
    VacancyFactory(occupation=nurses)
    VacancyFactory(trust=trust, period=dt.date(2026, 8, 1))
    # when
    rows = selectors.dashboard_trusts(report=report, geography=_geography(ics), occupation=nurses)
    # then
    assert [(row["trust_name"], row["sector"], row["vacancies_fte"], row["period"]) for row in rows] == [
        (None, "social_care", Decimal(30), dt.date(2026, 7, 1)),
        ("Alpha Trust", "nhs", Decimal(12), dt.date(2026, 8, 1)),
        ("Beta Trust", "nhs", Decimal(4), dt.date(2026, 3, 1)),
    ]


def test_region_trusts_span_its_icss():
    # given two ICSs in a region and one outside it
    region = RegionFactory(code="Y60")
    nurses = OccupationFactory()
    for ics in (IntegratedCareSystemFactory(region=region), IntegratedCareSystemFactory(region=region)):
        VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses)
    VacancyFactory(occupation=nurses)
    report = GapReportFactory()
    geography = selectors.dashboard_geography(level="region", code="Y60")
    # when
    rows = selectors.dashboard_trusts(report=report, geography=geography, occupation=nurses)
    national = selectors.dashboard_trusts(report=report, geography=selectors.ENGLAND, occupation=nurses)
    # then
    assert (len(rows), len(national)) == (2, 3)


def test_offers_supply_through_entry_routes_within_the_horizon():
    # given a report as of 1 Nov 2026 with a two-year horizon (to 1 Nov 2028)
    report = GapReportFactory(as_of=dt.date(2026, 11, 1), horizon_years=2)
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    standard = ApprenticeshipStandardFactory()
    EntryRouteFactory(occupation=nurses, qualification_type=QualificationType.T_LEVEL, level=3,
                      conversion_rate=Decimal("0.5"))
    EntryRouteFactory(occupation=nurses, qualification_type=QualificationType.APPRENTICESHIP, level=5,
                      apprenticeship_standard=standard, conversion_rate=Decimal("1"), lag_months=3)
    college = CollegeFactory(ics=ics, name="Home College")
    # a T Level completing 1 Sep 2028 (year 2): 20 places x 0.80 default completion x 0.5 = 8 entrants
    t_level = CourseOfferFactory(college=college, start_date=dt.date(2026, 9, 1), duration_months=24)
    # an apprenticeship taught here by a college from elsewhere: 10 x 0.6 x 1, completing 1 Aug 2027 and
    # arriving 3 months later on 1 Nov 2027, the last day of year 1
    apprenticeship = CourseOfferFactory(
        college=CollegeFactory(name="Visiting College"), delivery_ics=ics, qualification_type="apprenticeship",
        level=5, apprenticeship_standard=standard, planned_places=10, expected_completion_rate=Decimal("0.6"),
        start_date=dt.date(2026, 8, 1), duration_months=12,
    )
    # a T Level completing after the horizon, one already completed, one of another level,
    # and one this college teaches in another ICS: none supply here within the horizon
    CourseOfferFactory(college=college, academic_year="2027/28", start_date=dt.date(2027, 11, 2), duration_months=12)
    CourseOfferFactory(college=college, academic_year="2024/25", start_date=dt.date(2024, 9, 1), duration_months=24)
    CourseOfferFactory(college=college, level=2)
    CourseOfferFactory(college=college, delivery_ics=IntegratedCareSystemFactory())
    # when
    supply = selectors.dashboard_offers(report=report, geography=_geography(ics), occupation=nurses)
    offers = list(supply.offers)
    # then
    assert [(offer.pk, offer.entrants) for offer in offers] == [
        (t_level.pk, Decimal(8)), (apprenticeship.pk, Decimal(6)),
    ]
    assert [supply.arrival_years(offer) for offer in offers] == [[2], [1]]
    assert [(row["college_name"], row["offers"], row["entrants"]) for row in supply.colleges()] == [
        ("Home College", 1, Decimal(8)), ("Visiting College", 1, Decimal(6)),
    ]


def test_arrival_dates_on_the_edge_of_the_horizon_follow_the_day_of_the_month():
    # given a report as of 15 Nov 2026 (horizon to 15 Nov 2027)
    report = GapReportFactory(as_of=dt.date(2026, 11, 15), horizon_years=1)
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    EntryRouteFactory(occupation=nurses, qualification_type="short_course", level=2, conversion_rate=Decimal(1))
    college = CollegeFactory(ics=ics)

    def offer(start, months):
        return CourseOfferFactory(college=college, qualification_type="short_course", level=2,
                                  academic_year="2025/26" if start < dt.date(2026, 8, 1) else "2026/27",
                                  start_date=start, duration_months=months, planned_places=10)

    on_as_of = offer(dt.date(2026, 10, 15), 1)  # arrives 15 Nov 2026: not after as_of
    day_after = offer(dt.date(2026, 10, 16), 1)  # 16 Nov 2026: year 1
    on_end = offer(dt.date(2026, 10, 15), 13)  # 15 Nov 2027: last day of year 1
    after_end = offer(dt.date(2026, 10, 16), 13)  # 16 Nov 2027: beyond the horizon
    # when
    supplying = {o.pk for o in selectors.dashboard_offers(
        report=report, geography=_geography(ics), occupation=nurses).offers}
    # then
    assert supplying == {day_after.pk, on_end.pk}
    assert on_as_of.pk not in supplying and after_end.pk not in supplying


def test_month_end_clipping_counts_an_offer_arriving_on_the_horizon_end():
    # given a report ending on 28 Feb 2027 (a month's last day)
    report = GapReportFactory(as_of=dt.date(2026, 2, 28), horizon_years=1)
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    EntryRouteFactory(occupation=nurses, qualification_type="short_course", level=2, conversion_rate=Decimal(1))
    # an offer starting 31 Jan 2026 for 13 months completes 28 Feb 2027 (clipped)
    offer = CourseOfferFactory(college=CollegeFactory(ics=ics), qualification_type="short_course", level=2,
                               academic_year="2025/26", start_date=dt.date(2026, 1, 31), duration_months=13)
    # when
    supply = selectors.dashboard_offers(report=report, geography=_geography(ics), occupation=nurses)
    # then
    assert [o.pk for o in supply.offers] == [offer.pk]


def test_an_occupation_without_entry_routes_has_no_supplying_offers():
    # given an offer but no route to the occupation
    report = GapReportFactory()
    ics = IntegratedCareSystemFactory()
    CourseOfferFactory(college=CollegeFactory(ics=ics))
    # when
    supply = selectors.dashboard_offers(report=report, geography=_geography(ics), occupation=OccupationFactory())
    # then
    assert list(supply.offers) == [] and supply.colleges() == []


def test_partnerships_join_the_supplying_colleges_to_the_trusts_carrying_the_vacancies():
    # given a college supplying nurses in an ICS and a trust there with nurse vacancies
    from tests.hubs.factories import PartnershipFactory

    report = GapReportFactory()
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    EntryRouteFactory(occupation=nurses)
    supplier = CollegeFactory(ics=ics, name="Supplier")
    CourseOfferFactory(college=supplier)
    trust = TrustFactory(ics=ics)
    VacancyFactory(trust=trust, occupation=nurses)
    with_trust = PartnershipFactory(college=supplier, trust=trust)
    with_whole_ics = PartnershipFactory(college=supplier, trust=None, ics=ics)
    # and partnerships that do not join them: another college, a trust without nurse vacancies
    PartnershipFactory(college=CollegeFactory(ics=ics), trust=trust)
    PartnershipFactory(college=supplier, trust=TrustFactory(ics=ics))
    geography = _geography(ics)
    supply = selectors.dashboard_offers(report=report, geography=geography, occupation=nurses)
    # when
    found = selectors.dashboard_partnerships(report=report, geography=geography, occupation=nurses, supply=supply)
    # then
    assert {p.pk for p in found} == {with_trust.pk, with_whole_ics.pk}
