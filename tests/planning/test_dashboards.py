"""The gap dashboards (issue 5, part 4): what ICS people boards, hubs and England read from a report."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pathways.vocabulary import QualificationType
from planning import selectors
from planning.models import GapReport
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
from tests.planning.factories import GapReportFactory, GapReportRowFactory
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


def test_a_lag_counts_from_the_clipped_completion_date_as_the_gap_engine_does():
    # given a report ending on 29 March 2027 and a route with a one-month lag
    report = GapReportFactory(as_of=dt.date(2026, 3, 29), horizon_years=1)
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    EntryRouteFactory(occupation=nurses, qualification_type="short_course", level=2, conversion_rate=Decimal(1),
                      lag_months=1)
    college = CollegeFactory(ics=ics)
    # an offer from 31 August 2026 for 6 months completes on 28 February 2027 (clipped) and its
    # completers arrive a month later, on 28 March 2027: inside the horizon
    clipped = CourseOfferFactory(college=college, qualification_type="short_course", level=2,
                                 start_date=dt.date(2026, 8, 31), duration_months=6)
    # one completing on 1 March 2027 arrives on 1 April 2027: outside
    CourseOfferFactory(college=college, qualification_type="short_course", level=2,
                       start_date=dt.date(2026, 9, 1), duration_months=6)
    # when
    supply = selectors.dashboard_offers(report=report, geography=_geography(ics), occupation=nurses)
    # then
    assert [(o.pk, supply.arrival_years(o)) for o in supply.offers] == [(clipped.pk, [1])]


def test_a_horizon_ending_on_a_months_last_day_takes_every_completion_of_the_month_before():
    # given a report ending on 28 February 2027 (a month's last day) and a one-month lag
    report = GapReportFactory(as_of=dt.date(2026, 2, 28), horizon_years=1)
    ics = IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    EntryRouteFactory(occupation=nurses, qualification_type="short_course", level=2, conversion_rate=Decimal(1),
                      lag_months=1)
    college = CollegeFactory(ics=ics)
    # completing 31 January 2027 arrives 28 February 2027: the last day of the horizon
    last_in = CourseOfferFactory(college=college, qualification_type="short_course", level=2,
                                 start_date=dt.date(2026, 8, 31), duration_months=5)
    # completing 1 February 2027 arrives 1 March 2027: outside
    CourseOfferFactory(college=college, qualification_type="short_course", level=2,
                       start_date=dt.date(2026, 9, 1), duration_months=5)
    # when
    supply = selectors.dashboard_offers(report=report, geography=_geography(ics), occupation=nurses)
    # then
    assert [o.pk for o in supply.offers] == [last_in.pk]


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


def test_partnerships_follow_a_trust_into_the_board_it_belongs_to_on_the_reports_day():
    # given a trust whose nurse vacancies still name its old board, a member of this ICS since 1 April 2026
    from tests.hubs.factories import PartnershipFactory
    from trusts.models import TrustBoard

    report = GapReportFactory(as_of=dt.date(2026, 11, 15))
    ics, old = IntegratedCareSystemFactory(), IntegratedCareSystemFactory()
    nurses = OccupationFactory()
    EntryRouteFactory(occupation=nurses)
    supplier = CollegeFactory(ics=ics)
    CourseOfferFactory(college=supplier)
    trust = TrustFactory(ics=ics)
    TrustBoard.objects.create(trust=trust, ics=old, valid_to=dt.date(2026, 3, 31))
    TrustBoard.objects.create(trust=trust, ics=ics, valid_from=dt.date(2026, 4, 1))
    VacancyFactory(trust=trust, ics=old, occupation=nurses, period=dt.date(2026, 2, 1))
    partnership = PartnershipFactory(college=supplier, trust=trust)
    geography = _geography(ics)
    supply = selectors.dashboard_offers(report=report, geography=geography, occupation=nurses)
    # when
    found = selectors.dashboard_partnerships(report=report, geography=geography, occupation=nurses, supply=supply)
    # then
    assert [p.pk for p in found] == [partnership.pk]


# --------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------

DASHBOARD = "/dashboards/"


def _signed_in(client, user):
    client.force_login(user)
    return client


def _england_report(*, occupations=1, icss=1, horizon_years=3):
    """A succeeded report with rows at every level: `icss` ICSs in one region, `occupations` occupations."""
    report = GapReportFactory(horizon_years=horizon_years)
    region = RegionFactory(code="Y62", name="North West")
    areas = [IntegratedCareSystemFactory(region=region) for _ in range(icss)]
    jobs = [OccupationFactory() for _ in range(occupations)]
    for occupation in jobs:
        for year in range(1, horizon_years + 1):
            demand, supply = Decimal(1234.5 * year), Decimal(400 * year)
            for ics in areas:
                GapReportRowFactory(report=report, level="ics", code=ics.code, name=ics.name, occupation=occupation,
                                    year=year, demand_fte=demand, supply_fte=supply)
            GapReportRowFactory(report=report, level="region", code=region.code, name=region.name,
                                occupation=occupation, year=year, demand_fte=demand * icss, supply_fte=supply * icss)
            GapReportRowFactory(report=report, level="national", code="E92000001", name="England",
                                occupation=occupation, year=year, demand_fte=demand * icss, supply_fte=supply * icss)
    return report, region, areas, jobs


def _query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_dashboards_ask_anonymous_visitors_to_sign_in(client):
    # given an ICS and an occupation
    ics = IntegratedCareSystemFactory()
    occupation = OccupationFactory()
    # when / then
    for url in [DASHBOARD, f"/dashboards/region/{ics.region.code}/", f"/dashboards/ics/{ics.code}/",
                f"/dashboards/ics/{ics.code}/occupations/{occupation.code}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    response = client.post("/dashboards/request/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_methodology_is_public_and_states_the_caveats(client):
    # when
    response = client.get("/methodology/")
    # then
    assert response.status_code == 200
    text = response.content.decode()
    for phrase in ["bank or agency staff still count as vacancies", "estimates for a whole area",
                   "where most of its apprentices are taught", "the current list is Skills England's of August 2026",
                   "indicative assumptions", "merged in April 2026", "Open Government Licence"]:
        assert phrase in text, phrase
    assert text.count("<h1") == 1


def test_without_a_report_the_dashboard_explains_how_to_get_one(client, ics_user, coordinator_user):
    # when an ICS analyst and a coordinator open England's dashboard
    as_analyst = _signed_in(client, ics_user).get(DASHBOARD + "?view=england")
    as_coordinator = _signed_in(client, coordinator_user).get(DASHBOARD)
    # then both read why it is empty; only the analyst gets the button
    for response in (as_analyst, as_coordinator):
        assert response.status_code == 200
        assert "No gap report yet" in response.content.decode()
    assert "Request a new report" in as_analyst.content.decode()
    assert "Request a new report" not in as_coordinator.content.decode()
    assert "compute_gap_report" in as_coordinator.content.decode()


def test_an_ics_analyst_lands_on_their_own_ics_and_can_still_open_england(client, ics_user):
    # given
    _signed_in(client, ics_user)
    # when
    landing = client.get(DASHBOARD)
    england = client.get(DASHBOARD + "?view=england")
    # then
    assert landing.status_code == 302 and landing["Location"] == f"/dashboards/ics/{ics_user.ics.code}/"
    assert england.status_code == 200 and "<h1 class=\"nhsuk-heading-l\">England</h1>" in england.content.decode()


def test_england_dashboard_shows_national_figures_and_links_to_regions_and_icss(client, coordinator_user):
    # given a report with one region of two ICSs
    report, region, areas, jobs = _england_report(icss=2)
    # when
    response = _signed_in(client, coordinator_user).get(DASHBOARD)
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("<h1") == 1
    assert f'href="/dashboards/region/{region.code}/"' in text
    for ics in areas:
        assert f'href="/dashboards/ics/{ics.code}/"' in text
    assert f'href="/dashboards/national/england/occupations/{jobs[0].code}/"' in text
    # national demand in year 1: 1,234.50 x 2 ICSs, in whole FTE on the page
    assert "2,469" in text and "2,469.00" not in text
    assert f"Figures from report {report.pk}" in text


def test_ics_dashboard_tables_are_accessible_and_formatted(client, college_user):
    # given
    report, region, (ics,), (job,) = _england_report()
    # when
    response = _signed_in(client, college_user).get(f"/dashboards/ics/{ics.code}/")
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("<h1") == 1
    assert '<caption class="nhsuk-table__caption' in text
    assert 'scope="col"' in text and 'scope="row"' in text
    assert "nhsuk-table__cell--numeric" in text
    assert "1,235" in text and "835" in text  # demand and gap, year 1, rounded to whole FTE
    assert "32.4%" in text  # coverage 400 / 1234.5
    assert "Gap remains" in text  # the status is written, not only coloured
    assert 'role="img"' in text and 'aria-label="Bar chart of the gap' in text
    assert 'id="dashboard-chart-data"' in text
    assert f'href="/dashboards/ics/{ics.code}/occupations/{job.code}/"' in text
    assert "Request a new report" not in text  # a college user may not ask for reports


def test_year_parameter_chooses_the_year_and_a_wrong_one_shows_year_one(client, coordinator_user):
    # given
    report, region, (ics,), _ = _england_report()
    _signed_in(client, coordinator_user)
    # when
    year_two = client.get(f"/dashboards/ics/{ics.code}/?year=2").content.decode()
    wrong = client.get(f"/dashboards/ics/{ics.code}/?year=9")
    # then
    assert "2,469" in year_two and '<option value="2" selected>' in year_two
    assert wrong.status_code == 400
    assert '<option value="1" selected>' in wrong.content.decode()
    assert "Choose a year from 1 to 3" in wrong.content.decode()


def test_unknown_places_and_occupations_are_not_found(client, coordinator_user):
    # given
    _signed_in(client, coordinator_user)
    occupation = OccupationFactory()
    ics = IntegratedCareSystemFactory()
    # when / then (codes the factories never make: they make Q0A..Q9Z and Y11..Y50)
    assert client.get("/dashboards/ics/Q99/").status_code == 404
    assert client.get("/dashboards/region/Y05/").status_code == 404
    assert client.get(f"/dashboards/ics/Q99/occupations/{occupation.code}/").status_code == 404
    assert client.get(f"/dashboards/ics/{ics.code}/occupations/no-such-role/").status_code == 404
    assert client.get(f"/dashboards/wales/x/occupations/{occupation.code}/").status_code == 404


def test_region_dashboard_lists_its_icss(client, coordinator_user):
    # given
    report, region, areas, _ = _england_report(icss=3)
    # in another region, named (the factory's next region code could be Y62 itself)
    elsewhere = IntegratedCareSystemFactory(region=RegionFactory(code="Y58"))
    GapReportRowFactory(report=report, code=elsewhere.code, name=elsewhere.name)
    # when
    text = _signed_in(client, coordinator_user).get(f"/dashboards/region/{region.code}/").content.decode()
    # then
    assert all(f'href="/dashboards/ics/{ics.code}/"' in text for ics in areas)
    assert f'href="/dashboards/ics/{elsewhere.code}/"' not in text


def test_geography_pages_make_the_same_number_of_queries_whatever_the_data(client, coordinator_user):
    # given a small report, counted
    _signed_in(client, coordinator_user)
    report, region, (ics,), _ = _england_report(occupations=1, icss=1)
    urls = [DASHBOARD, f"/dashboards/region/{region.code}/", f"/dashboards/ics/{ics.code}/"]
    small = [_query_count(client, url) for url in urls]
    # when a newer report has many occupations and ICSs
    _england_report(occupations=12, icss=6)
    large = [_query_count(client, url) for url in urls]
    # then
    assert large == small
    assert max(large) <= 17  # with the check that the data changed after the report (issue 10.4)


def test_drill_down_makes_the_same_number_of_queries_whatever_the_data(client, coordinator_user):
    from tests.hubs.factories import ActivityFactory, PartnershipFactory

    # given an occupation with one trust, one offer, one partnership and one working on the role in an ICS
    _signed_in(client, coordinator_user)
    report, region, (ics,), (job,) = _england_report()
    EntryRouteFactory(occupation=job)

    def add(count):
        for _ in range(count):
            trust = TrustFactory(ics=ics)
            VacancyFactory(trust=trust, occupation=job, period=dt.date(2026, 6, 1))
            college = CollegeFactory(ics=ics)
            CourseOfferFactory(college=college)
            PartnershipFactory(college=college, trust=trust)
            ActivityFactory(partnership=PartnershipFactory(college=college, trust=None, ics=ics, occupations=[job]))
            EntryRouteFactory(occupation=job, qualification_type="apprenticeship",
                              apprenticeship_standard=ApprenticeshipStandardFactory())
            EntryRouteFactory(occupation=OccupationFactory(), from_occupation=job)  # backfill out of the role

    add(1)
    urls = [f"/dashboards/{level}/{code}/occupations/{job.code}/"
            for level, code in [("ics", ics.code), ("region", region.code), ("national", "england")]]
    small = [_query_count(client, url) for url in urls]
    # when there are many of each
    add(8)
    large = [_query_count(client, url) for url in urls]
    # then
    assert large == small
    # the coverage and status reads (11.3), the placing on as_of (6.1), the backfill routes and their entrants (6.3)
    assert max(large) <= 25


def test_drill_down_shows_trusts_colleges_offers_and_partnerships(client, coordinator_user):
    from tests.hubs.factories import PartnershipFactory

    # given
    report, region, (ics,), (job,) = _england_report()
    EntryRouteFactory(occupation=job, conversion_rate=Decimal("0.5"))
    trust = TrustFactory(ics=ics, name="Alpha Hospitals NHS Trust")
    VacancyFactory(trust=trust, occupation=job, period=dt.date(2026, 6, 1), vacancies_fte=Decimal("12.5"))
    college = CollegeFactory(ics=ics, name="Riverside College")
    CourseOfferFactory(college=college, title="T Level in Health")
    PartnershipFactory(college=college, trust=trust)
    # when
    response = _signed_in(client, coordinator_user).get(f"/dashboards/ics/{ics.code}/occupations/{job.code}/")
    # then
    text = response.content.decode()
    assert response.status_code == 200 and text.count("<h1") == 1
    assert "Alpha Hospitals NHS Trust" in text and ">13<" in text  # 12.5 FTE, whole on the page
    assert "Riverside College" in text and "T Level in Health" in text
    assert ">8<" in text  # 20 places x 0.80 x 0.5
    assert "Other partnerships between these colleges and employers" in text and "Active" in text


def test_region_and_england_drill_downs_lead_to_each_icss_drill_down(client, coordinator_user):
    # given a region of two ICSs
    report, region, areas, (job,) = _england_report(icss=2)
    _signed_in(client, coordinator_user)
    # when
    pages = [client.get(f"/dashboards/region/{region.code}/occupations/{job.code}/").content.decode(),
             client.get(f"/dashboards/national/england/occupations/{job.code}/").content.decode()]
    # then
    for text in pages:
        assert "In each integrated care system" in text and "Each course offer" not in text
        for ics in areas:
            assert f'href="/dashboards/ics/{ics.code}/occupations/{job.code}/"' in text


def test_the_drill_down_says_how_much_demand_is_backfill_and_from_which_routes(client, coordinator_user):
    # given healthcare support workers in an ICS, 300 FTE of demand in year 1, 60 of it backfill, and the
    # nursing associate apprenticeship that trains them (one offer of 10 starters completing within the horizon)
    report = GapReportFactory(as_of=dt.date(2026, 11, 15), horizon_years=1)
    ics = IntegratedCareSystemFactory()
    support = OccupationFactory(name="Healthcare support workers")
    associates = OccupationFactory(name="Nursing associates")
    GapReportRowFactory(report=report, level="ics", code=ics.code, name=ics.name, occupation=support, year=1,
                        demand_fte=Decimal(300), supply_fte=Decimal(100), backfill_fte=Decimal(60))
    standard = ApprenticeshipStandardFactory()
    EntryRouteFactory(occupation=associates, from_occupation=support, qualification_type="apprenticeship",
                      apprenticeship_standard=standard, conversion_rate=Decimal("0.5"), lag_months=0)
    CourseOfferFactory(college=CollegeFactory(ics=ics), qualification_type="apprenticeship",
                       apprenticeship_standard=standard, start_date=dt.date(2026, 9, 1), duration_months=6,
                       planned_places=10, expected_completion_rate=Decimal(1))
    _signed_in(client, coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/occupations/{support.code}/").content.decode()
    # then: the year's share of backfill, and the route with its entrants (10 completers x 0.5)
    assert "60 FTE (20%) of the demand for Healthcare support workers in year 1" in text
    assert "Training routes that take people from Healthcare support workers" in text
    assert f'href="/dashboards/ics/{ics.code}/occupations/{associates.code}/"' in text
    assert re.search(r"Nursing associates</a></th><td[^>]*>Apprenticeship standard [^<]+</td><td[^>]*>5</td>", text)


def test_csv_download_holds_exactly_the_rows_of_its_table(client, coordinator_user):
    import csv as csv_module

    # given
    report, region, (ics,), jobs = _england_report(occupations=3)
    # when
    response = _signed_in(client, coordinator_user).get(f"/dashboards/ics/{ics.code}/?year=2&format=csv")
    years = client.get(f"/dashboards/ics/{ics.code}/?format=csv&table=years")
    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv_module.reader(response.content.decode().splitlines()))
    assert rows[0] == [
        "Occupation", "Demand (FTE)", "Demand low (FTE)", "Demand high (FTE)", "Supply (FTE)", "Supply low (FTE)",
        "Supply high (FTE)", "Gap (FTE)", "Gap low (FTE)", "Gap high (FTE)", "Coverage (supply / demand)", "Status",
    ]
    assert sorted(row[0] for row in rows[1:]) == sorted(job.name for job in jobs)
    # decimals stay in downloads; the ranges are empty for a report without them
    assert rows[1][1:11] == ["2469.00", "", "", "800.00", "", "", "1669.00", "", "", "0.3240"]
    assert len(list(csv_module.reader(years.content.decode().splitlines()))) == 1 + 3
    assert client.get(f"/dashboards/ics/{ics.code}/?format=csv&table=nope").status_code == 404
    assert client.get(f"/dashboards/ics/{ics.code}/?format=pdf").status_code == 404


def test_excel_download_has_a_sheet_per_table(client, coordinator_user):
    import io

    from openpyxl import load_workbook

    # given
    report, region, (ics,), (job,) = _england_report()
    _signed_in(client, coordinator_user)
    # when
    page = client.get(f"/dashboards/ics/{ics.code}/?format=xlsx")
    drill = client.get(f"/dashboards/ics/{ics.code}/occupations/{job.code}/?format=xlsx")
    # then
    book = load_workbook(io.BytesIO(page.content))
    assert book.sheetnames == ["About", "By occupation", "Year by year", "Coverage over the years"]
    assert book["By occupation"]["A3"].value == job.name and book["By occupation"]["B3"].value == 1234.5
    assert load_workbook(io.BytesIO(drill.content)).sheetnames == [
        "About", "Year by year", "Backfill routes", "Vacancies by employer", "Colleges", "Course offers",
        "Partnerships on the role",
        "Role outcomes", "Partnerships",
    ]
    region_drill = client.get(f"/dashboards/region/{region.code}/occupations/{job.code}/?format=xlsx")
    assert load_workbook(io.BytesIO(region_drill.content)).sheetnames == [
        "About", "Year by year", "Backfill routes", "Vacancies by employer", "Colleges", "ICSs",
        "Partnerships on the role",
        "Role outcomes", "Partnerships",
    ]


def test_downloads_neutralise_text_a_spreadsheet_would_run(client, coordinator_user):
    # given an occupation whose name starts like a formula
    report, region, (ics,), _ = _england_report()
    job = OccupationFactory(name="=HYPERLINK(1)")
    GapReportRowFactory(report=report, code=ics.code, name=ics.name, occupation=job)
    # when
    text = _signed_in(client, coordinator_user).get(f"/dashboards/ics/{ics.code}/?format=csv").content.decode()
    # then
    assert "'=HYPERLINK(1)" in text


def test_no_download_without_a_report(client, coordinator_user):
    # when / then
    assert _signed_in(client, coordinator_user).get(DASHBOARD + "?format=csv").status_code == 404


def test_a_running_report_shows_its_progress_with_a_refresh_link(client, coordinator_user):
    # given a finished report and a newer one running
    _england_report()
    running = GapReportFactory(status=GapReport.Status.RUNNING, progress=40, finished_at=None)
    # when
    text = _signed_in(client, coordinator_user).get(DASHBOARD).content.decode()
    # then
    assert f'<label class="nhsuk-label" for="report-progress-bar">Progress of report {running.pk}</label>' in text
    assert 'max="100" value="40"' in text
    assert f'data-progress-url="/api/v1/gap-reports/{running.pk}/"' in text
    assert 'id="report-progress-refresh"' in text
    assert "Request a new report" not in text


def test_a_failed_newer_report_is_explained_and_the_older_figures_stay(client, coordinator_user):
    # given
    report, *_ = _england_report()
    GapReportFactory(status=GapReport.Status.FAILED, error="The database went away.", finished_at=None)
    # when
    text = _signed_in(client, coordinator_user).get(DASHBOARD).content.decode()
    # then
    assert "The latest report request failed" in text and "The database went away." in text
    assert f"Figures from report {report.pk}" in text


@pytest.mark.parametrize("role", ["ics_user", "staff_user"])
def test_ics_analysts_and_staff_may_request_a_report(client, role, request):
    # given
    user = request.getfixturevalue(role)
    # when
    response = _signed_in(client, user).post("/dashboards/request/", {"next": "/dashboards/?view=england"})
    # then
    assert response.status_code == 302 and response["Location"] == "/dashboards/?view=england"
    report = GapReport.objects.get()
    assert report.requested_by == user and report.horizon_years == 3


@pytest.mark.parametrize("role", ["coordinator_user", "college_user"])
def test_coordinators_and_college_users_may_not_request_a_report(client, role, request):
    # given
    user = request.getfixturevalue(role)
    # when
    response = _signed_in(client, user).post("/dashboards/request/")
    # then
    assert response.status_code == 403
    assert not GapReport.objects.exists()


def test_a_request_never_redirects_off_site(client, ics_user):
    # when
    response = _signed_in(client, ics_user).post("/dashboards/request/", {"next": "https://evil.example/"})
    # then
    assert response["Location"] == "/dashboards/"


def test_the_request_form_is_a_post_only_endpoint(client, ics_user):
    # when / then
    assert _signed_in(client, ics_user).get("/dashboards/request/").status_code == 405


# --------------------------------------------------------------------------------------
# The drill-down agrees with the report the gap engine computed
# --------------------------------------------------------------------------------------


def test_drill_down_trusts_and_offers_add_up_to_the_reports_demand_and_supply():
    from planning import services

    # given two regions, three ICSs, trusts with several months, a social-care estimate, offers
    # taught at home and elsewhere, and routes by standard and by type and level, with lags
    as_of = dt.date(2026, 6, 15)
    north, south = RegionFactory(code="Y62"), RegionFactory(code="Y58")
    icss = [IntegratedCareSystemFactory(region=north), IntegratedCareSystemFactory(region=north),
            IntegratedCareSystemFactory(region=south)]
    nurses = OccupationFactory(annual_leaver_rate=Decimal("0.09"))
    carers = OccupationFactory(annual_leaver_rate=Decimal("0.25"))
    standard = ApprenticeshipStandardFactory()
    EntryRouteFactory(occupation=nurses, qualification_type="t_level", level=3, conversion_rate=Decimal("0.3"),
                      lag_months=2)
    EntryRouteFactory(occupation=nurses, qualification_type="apprenticeship", level=5,
                      apprenticeship_standard=standard, conversion_rate=Decimal("0.9"))
    EntryRouteFactory(occupation=carers, qualification_type="t_level", level=3, conversion_rate=Decimal("0.2"))
    EntryRouteFactory(occupation=carers, qualification_type="diploma", level=2, conversion_rate=Decimal("0.6"),
                      lag_months=7)
    for n, ics in enumerate(icss, start=1):
        for occupation in (nurses, carers):
            trust = TrustFactory(ics=ics)
            for month, fte in [(3, 5 * n), (5, 7 * n), (7, 99)]:  # July is after as_of
                VacancyFactory(trust=trust, occupation=occupation, period=dt.date(2026, month, 1),
                               vacancies_fte=Decimal(fte), staff_in_post_fte=Decimal(100 * n + month))
        VacancyFactory(sector=Sector.SOCIAL_CARE, trust=None, ics=ics, occupation=carers,
                       period=dt.date(2026, 4, 1), vacancies_fte=Decimal("40.5"), staff_in_post_fte=Decimal(900))
        college = CollegeFactory(ics=ics)
        CourseOfferFactory(college=college, planned_places=20 + n, start_date=dt.date(2026, 9, 1),
                           duration_months=24)
        CourseOfferFactory(college=college, course_code=f"D{n}", qualification_type="diploma", level=2,
                           planned_places=15, start_date=dt.date(2026, 9, 14), duration_months=10 + n)
        CourseOfferFactory(college=college, course_code=f"A{n}", qualification_type="apprenticeship", level=5,
                           apprenticeship_standard=standard, planned_places=8, expected_completion_rate=Decimal("0.7"),
                           start_date=dt.date(2026, 10, 31), duration_months=18 * n,
                           delivery_ics=icss[(n) % len(icss)])
        CourseOfferFactory(college=college, course_code=f"L{n}", academic_year="2025/26",
                           start_date=dt.date(2025, 9, 1), duration_months=9)  # completes before as_of
    report = services.gap_report_compute(
        report_id=services.gap_report_create(as_of=as_of, horizon_years=3, user=None).pk
    )
    assert report.status == GapReport.Status.SUCCEEDED, report.error
    geographies = [selectors.ENGLAND, selectors.dashboard_geography(level="region", code="Y62"),
                   *[selectors.dashboard_geography(level="ics", code=ics.code) for ics in icss]]
    checked = 0
    for geography in geographies:
        for occupation in (nurses, carers):
            # when
            years = selectors.dashboard_occupation_years(report=report, geography=geography, occupation=occupation)
            trusts = selectors.dashboard_trusts(report=report, geography=geography, occupation=occupation)
            supply = selectors.dashboard_offers(report=report, geography=geography, occupation=occupation)
            if not years:
                continue
            last = years[-1]
            # then the vacancies and their replacement make the demand, and the offers the supply
            vacancies = sum(row["vacancies_fte"] for row in trusts)
            replacement = sum(row["staff_in_post_fte"] or 0 for row in trusts) * occupation.annual_leaver_rate
            assert last["demand_fte"].quantize(Decimal("0.01")) == (vacancies + 3 * replacement).quantize(
                Decimal("0.01")), (geography, occupation)
            entrants = sum((offer.entrants for offer in supply.offers), Decimal(0))
            assert last["supply_fte"].quantize(Decimal("0.01")) == entrants.quantize(Decimal("0.01")), (
                geography, occupation)
            assert sum(row["entrants"] for row in supply.colleges()).quantize(Decimal("0.01")) == entrants.quantize(
                Decimal("0.01"))
            checked += 1
    assert checked == len(geographies) * 2
    assert report.rows.filter(supply_fte__gt=0, year=3).count() > 5


def test_names_are_escaped_in_the_tables(client, coordinator_user):
    # given an occupation whose name holds markup
    report, region, (ics,), _ = _england_report()
    job = OccupationFactory(name="<script>alert(1)</script>")
    GapReportRowFactory(report=report, code=ics.code, name=ics.name, occupation=job)
    # when
    text = _signed_in(client, coordinator_user).get(f"/dashboards/ics/{ics.code}/").content.decode()
    # then
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --------------------------------------------------------------------------------------
# In a real browser: the charts are drawn, a run's progress follows the API, and axe-core
# finds no serious or critical accessibility problem
# --------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_analyst_reads_their_ics_dashboard_with_charts_and_drills_down(live_server, page):
    from tests.browser import assert_accessible, sign_in
    from tests.factories import UserFactory

    # given a report and an analyst of one of its ICSs
    report, region, (ics,), (job, *_) = _england_report(occupations=3)
    EntryRouteFactory(occupation=job)
    CourseOfferFactory(college=CollegeFactory(ics=ics))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=job, period=dt.date(2026, 6, 1))
    UserFactory(ics_analyst=True, ics=ics, username="peopleboard")
    sign_in(page, live_server, "peopleboard")
    # when they open the dashboards
    page.goto(f"{live_server.url}/dashboards/")
    # then they land on their ICS, and both charts are drawn beside their tables
    expect(page).to_have_url(re.compile(re.escape(f"/dashboards/ics/{ics.code}/") + "$"))
    for chart in ("gap", "coverage"):
        figure = page.locator(f'[data-chart="{chart}"]')
        figure.wait_for(state="visible")
        assert page.evaluate(f"() => !!Chart.getChart(document.getElementById('chart-{chart}'))")
    assert_accessible(page)
    # when they choose year 2 without JavaScript's help, then follow an occupation
    page.get_by_label("Year of the horizon").select_option("2")
    page.get_by_role("button", name="Show these figures").click()
    expect(page).to_have_url(re.compile(re.escape("?year=2")))
    page.get_by_role("link", name=job.name).first.click()
    # then the drill-down lists who carries the vacancies and who supplies the role
    expect(page.get_by_role("heading", level=1)).to_have_text(job.name)
    expect(page.get_by_role("table", name=f"Who carries the vacancies for {job.name}")).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_follows_a_running_report_until_it_is_ready(live_server, page):
    from tests.browser import assert_accessible, sign_in
    from tests.factories import UserFactory

    # given a coordinator and a report that is running
    UserFactory(coordinator=True, username="hubcoordinator")
    _england_report()
    running = GapReportFactory(status=GapReport.Status.RUNNING, progress=20, finished_at=None)
    sign_in(page, live_server, "hubcoordinator")
    page.goto(f"{live_server.url}/dashboards/")
    bar = page.locator("#report-progress-bar")
    assert bar.get_attribute("value") == "20"
    assert_accessible(page)
    # when the run moves on, then the bar follows without a reload
    GapReport.objects.filter(pk=running.pk).update(progress=70)
    page.wait_for_function("() => document.getElementById('report-progress-bar').value === 70", timeout=10_000)
    # when it succeeds, then the page says so and offers the new figures
    GapReport.objects.filter(pk=running.pk).update(status=GapReport.Status.SUCCEEDED, progress=100)
    page.wait_for_function(
        "() => document.getElementById('report-progress-status').textContent.includes('is ready')", timeout=10_000
    )
    expect(page.locator("#report-progress-refresh")).to_have_text("Show the new figures")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_methodology_page_is_accessible_to_anyone(live_server, page):
    from tests.browser import assert_accessible

    # when an anonymous visitor opens it
    page.goto(f"{live_server.url}/methodology/")
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("How the gap is worked out")
    assert_accessible(page)


def test_the_first_report_shows_its_progress_in_place_of_the_figures(client, ics_user):
    # given no finished report, and one pending
    pending = GapReportFactory(status=GapReport.Status.PENDING, progress=0, finished_at=None)
    # when
    text = _signed_in(client, ics_user).get(DASHBOARD + "?view=england").content.decode()
    # then
    assert f"Progress of report {pending.pk}" in text and "being worked out now" in text
    assert "Request a new report" not in text


def test_a_requested_report_runs_and_its_figures_replace_the_empty_state(
    client, ics_user, django_capture_on_commit_callbacks
):
    # given an ICS with a trust carrying vacancies, and no report yet
    VacancyFactory(trust=TrustFactory(ics=ics_user.ics), period=dt.date(2026, 6, 1))
    _signed_in(client, ics_user)
    # when the analyst asks for a report (the task runs in process once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboards/request/", {"next": f"/dashboards/ics/{ics_user.ics.code}/"})
    # then the dashboard shows the new report's figures
    report = GapReport.objects.get()
    assert report.status == GapReport.Status.SUCCEEDED, report.error
    text = client.get(response["Location"]).content.decode()
    assert f"Figures from report {report.pk}" in text and "No gap report yet" not in text
    assert ">20 " in text or ">20<" in text  # year 1: 10 vacancies + 100 staff in post x 0.10 leaving


def test_drill_down_links_each_trust_college_and_partnership_to_its_page(client, coordinator_user):
    from tests.hubs.factories import PartnershipFactory

    # given
    report, region, (ics,), (job,) = _england_report()
    EntryRouteFactory(occupation=job)
    trust = TrustFactory(ics=ics, ods_code="RXN")
    VacancyFactory(trust=trust, occupation=job, period=dt.date(2026, 6, 1))
    college = CollegeFactory(ics=ics, ukprn="10000473")
    CourseOfferFactory(college=college)
    partnership = PartnershipFactory(college=college, trust=trust)
    # when
    text = _signed_in(client, coordinator_user).get(f"/dashboards/ics/{ics.code}/occupations/{job.code}/")
    text = text.content.decode()
    # then
    assert 'href="/trusts/RXN/"' in text and 'href="/colleges/10000473/"' in text
    assert f'href="/partnerships/{partnership.pk}/"' in text
