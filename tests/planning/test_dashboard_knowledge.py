"""Dashboards that say what they know (issue 11.3) and the ranges of 10.1: every occupation with a status,
the trusts' return coverage, vacancy trends, areas side by side, the answer-first sentence, ranges shown
and absent, and URL parameters that keep the year, the comparison and the scenario."""

import csv
import datetime as dt
from decimal import Decimal

import pytest

from planning import selectors
from planning.models import Scenario
from tests.factories import (
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    UserFactory,
    VacancyFactory,
)
from tests.hubs.factories import PartnershipFactory
from tests.planning.factories import GapReportFactory, GapReportRowFactory
from trusts.models import Sector, TrustBoard

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture
def place():
    """An ICS (ZA001) and a neighbour (ZA002) in one region (Y71), a far ICS (ZA003) in another (Y72)."""
    region = RegionFactory(code="Y71", name="North Test")
    ics = IntegratedCareSystemFactory(code="ZA001", name="NHS Alpha Integrated Care Board", region=region)
    neighbour = IntegratedCareSystemFactory(code="ZA002", name="NHS Beta Integrated Care Board", region=region)
    far = IntegratedCareSystemFactory(code="ZA003", name="NHS Gamma Integrated Care Board",
                                      region=RegionFactory(code="Y72", name="South Test"))
    return {"region": region, "ics": ics, "neighbour": neighbour, "far": far}


def _geography(level, code):
    return selectors.dashboard_geography(level=level, code=code)


def _row(report, ics, occupation, year=1, demand="100", supply="40", ranges=None, level="ics"):
    extra = {}
    if ranges:
        d_lo, d_hi, s_lo, s_hi = (Decimal(v) for v in ranges)
        extra = dict(demand_low_fte=d_lo, demand_high_fte=d_hi, supply_low_fte=s_lo, supply_high_fte=s_hi,
                     gap_low_fte=d_lo - s_hi, gap_high_fte=d_hi - s_lo)
    code, name = (ics.code, ics.name) if level == "ics" else (
        (ics.code, ics.name) if level == "region" else ("E92000001", "England"))
    return GapReportRowFactory(report=report, level=level, code=code, name=name, occupation=occupation, year=year,
                               demand_fte=Decimal(demand), supply_fte=Decimal(supply), **extra)


# --------------------------------------------------------------------------------------
# Statuses: no vacancy data recorded, no demand, no supply planned
# --------------------------------------------------------------------------------------


def test_status_says_no_vacancy_data_when_no_series_lies_in_the_geography():
    # when / then
    assert selectors.occupation_status(demand=None, supply=None, gap=None, has_vacancy_data=False)[1] == (
        "No vacancy data recorded; no supply planned")
    assert selectors.occupation_status(demand=Decimal(0), supply=Decimal(5), gap=Decimal(-5),
                                       has_vacancy_data=False)[1] == "No vacancy data recorded"


def test_status_says_no_demand_when_series_exist_with_zero_figures():
    assert selectors.occupation_status(demand=Decimal(0), supply=Decimal(0), gap=Decimal(0),
                                       has_vacancy_data=True)[:2] == ("no_demand", "No demand; no supply planned")


def test_status_says_no_supply_planned_when_there_is_demand_and_no_entrants():
    assert selectors.occupation_status(demand=Decimal(10), supply=Decimal(0), gap=Decimal(10),
                                       has_vacancy_data=True)[:2] == ("no_supply", "No supply planned")
    assert selectors.occupation_status(demand=Decimal(10), supply=Decimal(4), gap=Decimal(6),
                                       has_vacancy_data=True)[0] == "gap"
    assert selectors.occupation_status(demand=Decimal(10), supply=Decimal(12), gap=Decimal(-2),
                                       has_vacancy_data=True)[0] == "covered"


def test_every_occupation_with_routes_or_data_is_listed_with_its_status(place):
    # given a report as of 15 Nov 2026 with one row in the ICS: nurses, with a gap
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    nurses = OccupationFactory(name="Nurses")
    _row(report, ics, nurses)
    # nursing associates: entry routes but no vacancy recorded here (only in the neighbour), no row
    associates = OccupationFactory(name="Nursing associates")
    EntryRouteFactory(occupation=associates)
    VacancyFactory(trust=TrustFactory(ics=place["neighbour"]), occupation=associates)
    # porters: a vacancy series here whose figures are zero, no row
    porters = OccupationFactory(name="Porters")
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=porters, vacancies_fte=0, staff_in_post_fte=0)
    # cleaners: a series here, but only after the report's date; and an occupation with nothing at all
    cleaners = OccupationFactory(name="Cleaners")
    EntryRouteFactory(occupation=cleaners)
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=cleaners, period=dt.date(2026, 12, 1))
    OccupationFactory(name="Astronauts")
    geography = _geography("ics", ics.code)
    summary = selectors.dashboard_summary(report=report, geography=geography, year=1)
    # when
    listed = selectors.dashboard_occupations(report=report, geography=geography, summary=summary)
    # then
    assert [(row["occupation_name"], row["status_text"]) for row in listed] == [
        ("Nurses", "Gap remains"),
        ("Cleaners", "No vacancy data recorded; no supply planned"),
        ("Nursing associates", "No vacancy data recorded; no supply planned"),
        ("Porters", "No demand; no supply planned"),
    ]


def test_england_lists_occupations_with_data_anywhere(place):
    # given vacancies for porters in the far ICS only, and no report rows
    report = GapReportFactory(as_of=AS_OF)
    porters = OccupationFactory(name="Porters")
    VacancyFactory(trust=TrustFactory(ics=place["far"]), occupation=porters, vacancies_fte=0)
    # when
    england = selectors.dashboard_occupations(
        report=report, geography=selectors.ENGLAND,
        summary=selectors.dashboard_summary(report=report, geography=selectors.ENGLAND, year=1))
    here = selectors.dashboard_occupations(
        report=report, geography=_geography("ics", place["ics"].code),
        summary=selectors.dashboard_summary(report=report, geography=_geography("ics", place["ics"].code), year=1))
    # then
    assert [(row["occupation_name"], row["status"]) for row in england] == [("Porters", "no_demand")]
    assert here == []


def test_vacancy_data_counts_in_the_board_its_trust_belongs_to_on_the_reports_day(place):
    # given a trust whose rows still name ZA002 (its board when they were sent) that belongs to ZA001 from
    # 1 April 2026, and a report as of 15 November 2026
    ics, neighbour = place["ics"], place["neighbour"]
    report = GapReportFactory(as_of=AS_OF)
    porters = OccupationFactory(name="Porters")
    trust = TrustFactory(ics=neighbour)
    TrustBoard.objects.create(trust=trust, ics=neighbour, valid_to=dt.date(2026, 3, 31))
    TrustBoard.objects.create(trust=trust, ics=ics, valid_from=dt.date(2026, 4, 1))
    VacancyFactory(trust=trust, ics=neighbour, occupation=porters, vacancies_fte=0, period=dt.date(2026, 2, 1))

    def listed(board):
        geography = _geography("ics", board.code)
        summary = selectors.dashboard_summary(report=report, geography=geography, year=1)
        return [row["occupation_name"] for row in selectors.dashboard_occupations(
            report=report, geography=geography, summary=summary)]

    # when / then: the data is the new board's, not the old one's
    assert listed(ics) == ["Porters"]
    assert listed(neighbour) == []


def test_the_dashboard_page_shows_an_occupation_without_data_and_says_why(client, coordinator_user, place):
    # given an occupation with an entry route but no vacancies and no row
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    _row(report, ics, OccupationFactory(name="Nurses"))
    EntryRouteFactory(occupation=OccupationFactory(name="Nursing associates"))
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/").content.decode()
    # then
    assert "Nursing associates" in text and "No vacancy data recorded; no supply planned" in text


# --------------------------------------------------------------------------------------
# Data coverage: trusts that sent vacancy returns for the latest month
# --------------------------------------------------------------------------------------


def test_coverage_is_the_share_of_the_boards_trusts_with_a_row_in_its_latest_month(place):
    # given four trusts in the ICS: two report in November, one only in October, one never
    ics = place["ics"]
    first, second, third, fourth = (TrustFactory(ics=ics) for _ in range(4))
    for trust in (first, second):
        VacancyFactory(trust=trust, period=dt.date(2026, 11, 1))
    VacancyFactory(trust=third, period=dt.date(2026, 10, 1))
    # a December row after the report's date does not count; nor does a trust of another board
    VacancyFactory(trust=fourth, period=dt.date(2026, 12, 1))
    VacancyFactory(trust=TrustFactory(ics=place["neighbour"]), period=dt.date(2026, 11, 1))
    # when
    coverage = selectors.dashboard_data_coverage(geography=_geography("ics", ics.code), as_of=AS_OF)
    # then: 2 of 4 in November
    assert (coverage.trusts, coverage.reporting, coverage.last_month) == (4, 2, dt.date(2026, 11, 1))
    assert coverage.share == Decimal("0.5")


def test_coverage_follows_memberships_on_the_date_and_each_boards_own_latest_month(place):
    # given a trust whose membership moved from the neighbour to the ICS on 1 Oct 2026
    ics, neighbour = place["ics"], place["neighbour"]
    mover = TrustFactory(ics=ics)
    TrustBoard.objects.create(trust=mover, ics=neighbour, valid_to=dt.date(2026, 9, 30))
    TrustBoard.objects.create(trust=mover, ics=ics, valid_from=dt.date(2026, 10, 1))
    VacancyFactory(trust=mover, ics=ics, period=dt.date(2026, 10, 1))
    # and the neighbour's one trust, last reporting in September
    stayer = TrustFactory(ics=neighbour)
    VacancyFactory(trust=stayer, period=dt.date(2026, 9, 1))
    # when
    here = selectors.dashboard_data_coverage(geography=_geography("ics", ics.code), as_of=AS_OF)
    region = selectors.dashboard_data_coverage(geography=_geography("region", place["region"].code), as_of=AS_OF)
    # then: each board's latest month is its own (October here, September next door)
    assert (here.trusts, here.reporting, here.last_month) == (1, 1, dt.date(2026, 10, 1))
    assert (region.trusts, region.reporting) == (2, 2)
    assert (region.first_month, region.last_month) == (dt.date(2026, 9, 1), dt.date(2026, 10, 1))


def test_the_dashboard_shows_the_coverage_sentence(client, coordinator_user, place):
    # given
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    _row(report, ics, OccupationFactory())
    VacancyFactory(trust=TrustFactory(ics=ics), period=dt.date(2026, 11, 1))
    TrustFactory(ics=ics)
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/").content.decode()
    # then
    assert "1 of 2 NHS trusts (50.0%) sent vacancy returns for November 2026." in text


# --------------------------------------------------------------------------------------
# Vacancy trend
# --------------------------------------------------------------------------------------


def test_trend_sums_each_month_and_rates_vacancies_over_staff_in_post_plus_vacancies(place):
    # given nurses in two trusts of the ICS over two months, and a social-care estimate without staff in post
    ics = place["ics"]
    nurses = OccupationFactory()
    one, two = TrustFactory(ics=ics), TrustFactory(ics=ics)
    VacancyFactory(trust=one, occupation=nurses, period=dt.date(2026, 9, 1), vacancies_fte=10, staff_in_post_fte=90)
    VacancyFactory(trust=two, occupation=nurses, period=dt.date(2026, 9, 1), vacancies_fte=20, staff_in_post_fte=180)
    VacancyFactory(trust=one, occupation=nurses, period=dt.date(2026, 10, 1), vacancies_fte=5, staff_in_post_fte=95)
    VacancyFactory(sector=Sector.SOCIAL_CARE, trust=None, ics=ics, occupation=nurses, period=dt.date(2026, 10, 1),
                   vacancies_fte=7, staff_in_post_fte=None)
    # and rows that must not count: another ICS, another occupation, after the day
    VacancyFactory(trust=TrustFactory(ics=place["far"]), occupation=nurses, period=dt.date(2026, 9, 1))
    VacancyFactory(trust=one, period=dt.date(2026, 9, 1))
    VacancyFactory(trust=one, occupation=nurses, period=dt.date(2026, 12, 1))
    # when
    trend = selectors.vacancy_trend(geography=_geography("ics", ics.code), occupation=nurses, day=AS_OF)
    england = selectors.vacancy_trend(geography=selectors.ENGLAND, occupation=nurses, day=AS_OF)
    # then: September 30 / (270 + 30) = 10%; October 12 FTE, rated over the trust's row: 5 / (95 + 5) = 5%
    assert [(r["period"], r["series"], r["vacancies_fte"], r["staff_in_post_fte"], r["vacancy_rate"])
            for r in trend] == [
        (dt.date(2026, 9, 1), 2, Decimal(30), Decimal(270), Decimal("0.1")),
        (dt.date(2026, 10, 1), 2, Decimal(12), Decimal(95), Decimal("0.05")),
    ]
    assert [r["vacancies_fte"] for r in england] == [Decimal(40), Decimal(12)]


def test_trend_counts_a_closed_boards_rows_in_its_successors_by_share(place):
    # given a board closed on 31 Mar 2026, split 60/40 between two boards, with a row in March
    from trusts.models import BoardSuccession

    old = IntegratedCareSystemFactory(code="ZA009", region=place["region"], closed_on=dt.date(2026, 3, 31))
    BoardSuccession.objects.create(predecessor=old, successor=place["ics"], share=Decimal("0.6"))
    BoardSuccession.objects.create(predecessor=old, successor=place["neighbour"], share=Decimal("0.4"))
    nurses = OccupationFactory()
    VacancyFactory(sector=Sector.SOCIAL_CARE, trust=None, ics=old, occupation=nurses, period=dt.date(2026, 3, 1),
                   vacancies_fte=10, staff_in_post_fte=90)
    # when
    trend = selectors.vacancy_trend(geography=_geography("ics", place["ics"].code), occupation=nurses, day=AS_OF)
    # then
    assert [(r["vacancies_fte"], r["staff_in_post_fte"]) for r in trend] == [(Decimal(6), Decimal(54))]


def test_trend_page_shows_the_table_and_is_bounded(client, coordinator_user, place,
                                                   django_assert_max_num_queries):
    # given
    ics = place["ics"]
    GapReportFactory(as_of=AS_OF)
    nurses = OccupationFactory(name="Nurses")
    for month in range(1, 11):
        VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, period=dt.date(2026, month, 1))
    client.force_login(coordinator_user)
    # when
    with django_assert_max_num_queries(12):
        response = client.get(f"/dashboards/trend/?area=ics:{ics.code}&occupation={nurses.code}")
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "January 2026" in text and "October 2026" in text and 'data-chart="trend"' in text
    download = client.get(f"/dashboards/trend/?area=ics:{ics.code}&occupation={nurses.code}&format=csv")
    rows = list(csv.reader(download.content.decode().splitlines()))
    assert rows[0] == ["Month", "Vacancies (FTE)", "Staff in post (FTE)", "Vacancy rate", "Returns"]
    assert len(rows) == 11 and rows[1][1:4] == ["10.00", "100.00", "0.0909"]


def test_trend_page_answers_bad_parameters_with_messages(client, coordinator_user, place):
    # given
    client.force_login(coordinator_user)
    # when
    bad_area = client.get("/dashboards/trend/?area=ics:NOPE9&occupation=x")
    bad_kind = client.get("/dashboards/trend/?area=planet:QE1")
    # then
    assert bad_area.status_code == 400
    assert "There is no area" in bad_area.content.decode() and "There is no occupation" in bad_area.content.decode()
    assert bad_kind.status_code == 400 and "There is no area" in bad_kind.content.decode()


# --------------------------------------------------------------------------------------
# Areas side by side
# --------------------------------------------------------------------------------------


def _compare_data(place):
    """Nurses: the ICS has 10 vacancies on 90 staff, its neighbour 30 on 270, the far ICS 20 on 80 (and a
    social-care row of 5 without staff); report gaps in year 1: 27, 54, 81 for ICS, region and England."""
    report = GapReportFactory(as_of=AS_OF)
    nurses = OccupationFactory(name="Nurses")
    ics, neighbour, far = place["ics"], place["neighbour"], place["far"]
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, vacancies_fte=10, staff_in_post_fte=90)
    VacancyFactory(trust=TrustFactory(ics=neighbour), occupation=nurses, vacancies_fte=30, staff_in_post_fte=270)
    VacancyFactory(trust=TrustFactory(ics=far), occupation=nurses, vacancies_fte=20, staff_in_post_fte=80)
    VacancyFactory(sector=Sector.SOCIAL_CARE, trust=None, ics=far, occupation=nurses, vacancies_fte=5,
                   staff_in_post_fte=None)
    # an older month of the ICS's trust series does not count
    _row(report, ics, nurses, demand="37", supply="10", ranges=("30", "45", "5", "12"))
    _row(report, place["region"], nurses, demand="74", supply="20", level="region")
    _row(report, None, nurses, demand="111", supply="30", level="national")
    return report, nurses


def test_compare_gives_vacancies_and_gap_per_100_staff_in_post(place):
    # given
    report, nurses = _compare_data(place)
    areas = [_geography("ics", "ZA001"), _geography("region", "Y71"), selectors.ENGLAND]
    # when
    comparison = selectors.dashboard_comparison(report=report, geographies=areas, year=1)
    # then
    lines = [area["occupations"][nurses.code] for area in comparison["areas"]]
    assert [(line["vacancies_fte"], line["staff_in_post_fte"]) for line in lines] == [
        (Decimal(10), Decimal(90)), (Decimal(40), Decimal(360)), (Decimal(65), Decimal(440)),
    ]
    # vacancies per 100 staff: 10/90, 40/360, (60 with staff)/440; gap per 100: 27/90, 54/360, 81/440
    assert [round(line["vacancies_per_100"], 4) for line in lines] == [
        Decimal("11.1111"), Decimal("11.1111"), Decimal("13.6364")]
    assert [round(line["gap_per_100"], 4) for line in lines] == [Decimal(30), Decimal(15), Decimal("18.4091")]
    # the ICS's range: gap 18 to 40 -> 20 to 44.4 per 100
    assert (round(lines[0]["gap_low_per_100"], 2), round(lines[0]["gap_high_per_100"], 2)) == (
        Decimal("20.00"), Decimal("44.44"))
    assert lines[1]["gap_low_per_100"] is None
    assert comparison["areas"][0]["total"]["gap_fte"] == Decimal(27)


def test_compare_page_shows_both_tables_and_its_sentence(client, coordinator_user, place,
                                                         django_assert_max_num_queries):
    # given
    _compare_data(place)
    client.force_login(coordinator_user)
    url = "/dashboards/compare/?area=ics:ZA001&area=region:Y71&area=england&year=1"
    # when
    with django_assert_max_num_queries(16):
        response = client.get(url)
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "Alpha has a gap of 30.0 FTE per 100 staff in post, against 15.0 in North Test and 18.4 in England" in text
    assert "30.0 (20.0 to 44.4)" in text and "27 (18 to 40)" in text
    download = client.get(url + "&format=csv&table=areas")
    rows = list(csv.reader(download.content.decode().splitlines()))
    assert rows[0][4:10] == ["Gap (FTE)", "Gap low (FTE)", "Gap high (FTE)", "Gap per 100 staff in post",
                             "Gap per 100 staff in post low", "Gap per 100 staff in post high"]
    assert rows[1][4:7] == ["27.00", "18.00", "40.00"]


def test_an_ics_dashboard_links_to_its_comparison_with_region_and_england(client, coordinator_user, place):
    # given
    report, _ = _compare_data(place)
    client.force_login(coordinator_user)
    # when
    text = client.get("/dashboards/ics/ZA001/?year=2").content.decode()
    # then the link keeps the year
    assert "/dashboards/compare/?year=2&amp;area=ics%3AZA001&amp;area=region%3AY71&amp;area=england" in text


def test_an_ics_analyst_opening_the_comparison_sees_their_ics_region_and_england(client, place):
    # given
    _compare_data(place)
    client.force_login(UserFactory(ics_analyst=True, ics=place["ics"]))
    # when
    text = client.get("/dashboards/compare/").content.decode()
    # then
    assert "Alpha has a gap of 30.0 FTE per 100 staff in post" in text


def test_compare_answers_bad_areas_with_messages_never_a_500(client, coordinator_user, place):
    # given
    _compare_data(place)
    client.force_login(coordinator_user)
    # when / then
    for query, message in [
        ("area=ics:ZZZ99&area=england", "there is no area"),
        ("area=region:Y71", "Choose a second area"),
        ("area=ics:ZA001&area=ics:ZA002&area=ics:ZA003&area=england", "Compare at most 3 areas"),
        ("area=" + "x" * 500, "there is no area"),
        ("area=ics:ZA001&area=england&year=abc", "Choose a year from 1 to 3"),
    ]:
        response = client.get(f"/dashboards/compare/?{query}")
        assert response.status_code == 400, query
        assert message in response.content.decode(), query


# --------------------------------------------------------------------------------------
# The answer first, and ranges
# --------------------------------------------------------------------------------------


def test_the_sentence_names_the_largest_gap_with_its_range_and_coverage(client, place):
    # given nursing associates with the largest gap in year 2: 340 (range 210 to 480), 61% covered
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    associates = OccupationFactory(name="nursing associates")
    _row(report, ics, associates, year=2, demand="871.8", supply="531.8",
         ranges=("700", "1000", "520", "490"))
    _row(report, ics, OccupationFactory(name="porters"), year=2, demand="50", supply="10")
    client.force_login(UserFactory(ics_analyst=True, ics=ics))
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/?year=2").content.decode()
    # then
    assert ("Your largest gap in year 2 (to 15 Nov 2028) is nursing associates: 340 FTE (range 210 to 480), "
            "61% covered by planned courses.") in text
    assert f'href="/dashboards/ics/{ics.code}/occupations/{associates.code}/?year=2"' in text


def test_the_sentence_without_ranges_gives_the_central_figure_alone(client, coordinator_user, place):
    # given a report without ranges (computed before them)
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    _row(report, ics, OccupationFactory(name="porters"), demand="50", supply="10")
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/").content.decode()
    # then: "The" for someone not of this ICS; no range anywhere
    assert ("The largest gap in Alpha in year 1 (to 15 Nov 2027) is porters: 40 FTE, "
            "20% covered by planned courses.") in text
    assert "(range" not in text and " to 50)" not in text


def test_the_sentence_says_when_nothing_has_a_gap(client, coordinator_user, place):
    # given every occupation covered
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    _row(report, ics, OccupationFactory(), demand="50", supply="60")
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/").content.decode()
    # then
    assert "No occupation in Alpha has a gap in year 1" in text


def test_ranges_are_shown_beside_central_figures_in_whole_fte_and_downloaded_in_columns(
        client, coordinator_user, place):
    # given a row with ranges
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    nurses = OccupationFactory(name="Nurses")
    _row(report, ics, nurses, demand="100.4", supply="40.2", ranges=("80.25", "120.75", "30", "50"))
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/").content.decode()
    download = client.get(f"/dashboards/ics/{ics.code}/?format=csv")
    drill = client.get(f"/dashboards/ics/{ics.code}/occupations/{nurses.code}/").content.decode()
    # then: demand 100 (80 to 121), supply 40 (30 to 50), gap 60 (30 to 91)
    for figure in ["100 (80 to 121)", "40 (30 to 50)", "60 (30 to 91)"]:
        assert figure in text and figure in drill
    rows = list(csv.reader(download.content.decode().splitlines()))
    assert rows[1][1:10] == ["100.40", "80.25", "120.75", "40.20", "30.00", "50.00", "60.20", "30.25", "90.75"]
    # and the chart data carries the range of each bar
    assert '"low": [30.25]' in text and '"high": [90.75]' in text


def test_the_drill_down_answers_first_and_names_who_works_on_the_role(client, coordinator_user, place):
    # given a gap for nurses, one supplying college route, and a partnership working on the role
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    nurses = OccupationFactory(name="nurses")
    _row(report, ics, nurses, year=1, demand="100", supply="25")
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses)
    PartnershipFactory(trust=TrustFactory(ics=ics), occupations=[nurses])
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/occupations/{nurses.code}/").content.decode()
    # then
    assert ("The gap for nurses in Alpha in year 1 (to 15 Nov 2027) is 75 FTE, 25% covered by planned courses "
            "from 0 colleges; 1 partnership already works on the role.") in text


def test_the_drill_down_says_no_vacancy_data_recorded_rather_than_no_demand(client, coordinator_user, place):
    # given a row with supply only and no vacancy series here
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    nurses = OccupationFactory(name="nurses")
    _row(report, ics, nurses, demand="0", supply="5")
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/occupations/{nurses.code}/").content.decode()
    # then
    assert "No vacancy data recorded" in text and ">No demand<" not in text


# --------------------------------------------------------------------------------------
# URL parameters: year and scenario, good and bad
# --------------------------------------------------------------------------------------


def test_a_scenario_parameter_shows_its_report_for_those_who_may_see_it(client, place):
    # given a baseline report and a shared scenario's report for the ICS
    ics = place["ics"]
    baseline = GapReportFactory(as_of=AS_OF)
    _row(baseline, ics, OccupationFactory(name="porters"), demand="50", supply="10")
    analyst = UserFactory(ics_analyst=True, ics=ics)
    scenario = Scenario.objects.create(name="More T Levels", ics=ics, shared=True, created_by=analyst)
    what_if = GapReportFactory(as_of=AS_OF, scenario=scenario)
    _row(what_if, ics, OccupationFactory(name="carers"), demand="90", supply="10")
    client.force_login(analyst)
    # when
    shown = client.get(f"/dashboards/ics/{ics.code}/?scenario={scenario.pk}").content.decode()
    plain = client.get(f"/dashboards/ics/{ics.code}/").content.decode()
    # then the scenario's figures, and links keep the scenario
    assert "More T Levels" in shown and "is carers: 80 FTE" in shown and f"?scenario={scenario.pk}" in shown
    assert "is porters: 40 FTE" in plain and "carers" not in plain


def test_a_scenario_someone_may_not_see_is_an_error_message_not_its_figures(client, coordinator_user, place):
    # given a private scenario of the ICS
    ics = place["ics"]
    GapReportFactory(as_of=AS_OF)
    scenario = Scenario.objects.create(name="Secret plan", ics=ics, shared=False)
    GapReportFactory(as_of=AS_OF, scenario=scenario)
    client.force_login(coordinator_user)
    # when / then
    for value in [scenario.pk, "abc", "99999999999999999999", "²", "-1"]:
        response = client.get(f"/dashboards/ics/{ics.code}/?scenario={value}")
        text = response.content.decode()
        assert response.status_code == 400, value
        assert "that you can see" in text and "Secret plan" not in text


@pytest.mark.parametrize("value", ["0", "4", "-1", "two", "1.5", "9" * 30, "²", "١"])
def test_a_bad_year_is_an_error_message_on_every_dashboard(client, coordinator_user, place, value):
    # given
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    occupation = OccupationFactory()
    _row(report, ics, occupation)
    client.force_login(coordinator_user)
    # when / then
    for url in [f"/dashboards/ics/{ics.code}/", "/dashboards/", f"/dashboards/region/{place['region'].code}/",
                f"/dashboards/ics/{ics.code}/occupations/{occupation.code}/"]:
        response = client.get(f"{url}?view=england&year={value}")
        assert response.status_code == 400, url
        assert "Choose a year from 1 to 3" in response.content.decode(), url


def test_drill_down_links_back_keep_the_year(client, coordinator_user, place):
    # given
    ics = place["ics"]
    report = GapReportFactory(as_of=AS_OF)
    occupation = OccupationFactory()
    _row(report, ics, occupation, year=2)
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/ics/{ics.code}/occupations/{occupation.code}/?year=2").content.decode()
    # then
    assert f'href="/dashboards/ics/{ics.code}/?year=2"' in text
    assert f"/dashboards/trend/?year=2&amp;area=ics%3A{ics.code}&amp;occupation={occupation.code}" in text


def test_changed_pages_make_a_bounded_number_of_queries(client, coordinator_user, place,
                                                        django_assert_max_num_queries):
    # given a report with many occupations and ICSs
    report = GapReportFactory(as_of=AS_OF)
    for _ in range(8):
        occupation = OccupationFactory()
        EntryRouteFactory(occupation=occupation)
        for ics in (place["ics"], place["neighbour"], place["far"]):
            _row(report, ics, occupation)
            VacancyFactory(trust=TrustFactory(ics=ics), occupation=occupation)
    client.force_login(coordinator_user)
    # when / then
    for url, most in [
        # 17 with the check that the data changed after the report (issue 10.4)
        ("/dashboards/?view=england", 17), (f"/dashboards/region/{place['region'].code}/", 17),
        (f"/dashboards/ics/{place['ics'].code}/?year=2", 17),
        ("/dashboards/compare/?area=ics:ZA001&area=ics:ZA002&area=england", 16),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


def test_area_tables_sum_and_show_the_ranges_of_their_icss(client, coordinator_user, place):
    # given two ICS rows with ranges in one region
    report = GapReportFactory(as_of=AS_OF)
    nurses, carers = OccupationFactory(), OccupationFactory()
    _row(report, place["ics"], nurses, demand="100", supply="40", ranges=("80", "120", "30", "50"))
    _row(report, place["ics"], carers, demand="10", supply="0", ranges=("5", "15", "0", "0"))
    client.force_login(coordinator_user)
    # when
    text = client.get(f"/dashboards/region/{place['region'].code}/").content.decode()
    download = client.get(f"/dashboards/region/{place['region'].code}/?format=csv&table=icss")
    # then: demand 110 (85 to 135), gap 70 (35 to 105)
    assert "110 (85 to 135)" in text and "70 (35 to 105)" in text
    rows = list(csv.reader(download.content.decode().splitlines()))
    assert rows[0][1:4] == ["Demand (FTE)", "Demand low (FTE)", "Demand high (FTE)"]
    assert rows[1][1:4] == ["110.00", "85.00", "135.00"]


def test_links_to_regions_and_icss_keep_the_year(client, coordinator_user, place):
    # given
    report = GapReportFactory(as_of=AS_OF)
    occupation = OccupationFactory()
    _row(report, place["ics"], occupation, year=2)
    _row(report, place["region"], occupation, year=2, level="region")
    client.force_login(coordinator_user)
    # when
    england = client.get("/dashboards/?view=england&year=2").content.decode()
    region = client.get(f"/dashboards/region/{place['region'].code}/?year=2").content.decode()
    # then
    assert f'href="/dashboards/region/{place["region"].code}/?year=2"' in england
    assert f'href="/dashboards/ics/{place["ics"].code}/?year=2"' in region
