"""T Level industry placements (DESIGN.md 6.5): need, offered, filled and shortfall by ICS, region and
England per academic year, read through the API (the selector behind it also serves the pages)."""

import datetime as dt
from decimal import Decimal

import pytest

from colleges.models import CollegeBoard
from hubs.models import ActivityKind
from pathways.vocabulary import QualificationType
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    IntegratedCareSystemFactory,
    RegionFactory,
    TrustFactory,
    UserFactory,
)
from tests.hubs.factories import ActivityFactory, PartnershipFactory
from trusts.models import BoardSuccession, TrustBoard

pytestmark = pytest.mark.django_db

URL = "/api/v1/placements/"


def rows(client, **filters):
    response = client.get(URL, {"page_size": 1000, **filters})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def row(client, level, code, academic_year):
    found = [r for r in rows(client, level=level, code=code, academic_year=academic_year)]
    assert len(found) <= 1
    return found[0] if found else None


def figures(found):
    return None if found is None else {k: Decimal(found[k]) for k in ("need", "offered", "filled", "shortfall")}


def t_level(college, *, start, months=24, places=20, **extra):
    first = start.year if start.month >= 8 else start.year - 1
    return CourseOfferFactory(
        college=college, qualification_type=QualificationType.T_LEVEL, start_date=start, duration_months=months,
        planned_places=places, academic_year=f"{first}/{(first + 1) % 100:02d}", **extra,
    )


def placement(partnership, day, offered=8, filled=6, **extra):
    values = {"kind": ActivityKind.INDUSTRY_PLACEMENT, **extra}
    return ActivityFactory(
        partnership=partnership, happened_on=day, placements_offered=offered, placements_filled=filled, **values
    )


@pytest.fixture
def reader(client_for, ics_user):
    return client_for(ics_user)


@pytest.fixture
def board():
    return IntegratedCareSystemFactory(code="ZA001", region=RegionFactory(code="Y56", name="London"))


def test_need_counts_an_offer_completing_on_31_july_in_that_academic_year_and_one_on_1_august_in_the_next(
    reader, board
):
    # given: two T Level offers of one college, completing 31 July 2027 and 1 August 2027
    college = CollegeFactory(ics=board)
    t_level(college, start=dt.date(2025, 7, 31), places=10)
    t_level(college, start=dt.date(2025, 8, 1), places=7)
    # when
    year_one = figures(row(reader, "ics", "ZA001", "2026/27"))
    year_two = figures(row(reader, "ics", "ZA001", "2027/28"))
    # then
    assert year_one["need"] == 10 and year_two["need"] == 7


def test_only_t_level_offers_make_need(reader, board):
    # given
    college = CollegeFactory(ics=board)
    t_level(college, start=dt.date(2025, 9, 1), places=12)
    CourseOfferFactory(college=college, qualification_type=QualificationType.DIPLOMA, start_date=dt.date(2025, 9, 1),
                       duration_months=24, planned_places=50, academic_year="2025/26")
    # when
    found = figures(row(reader, "ics", "ZA001", "2027/28"))
    # then
    assert found["need"] == 12


def test_placements_on_31_july_count_in_that_academic_year_and_on_1_august_in_the_next(reader, board):
    # given
    partnership = PartnershipFactory(trust=TrustFactory(ics=board))
    placement(partnership, dt.date(2027, 7, 31), offered=5, filled=4)
    placement(partnership, dt.date(2027, 8, 1), offered=3, filled=1)
    placement(partnership, dt.date(2027, 7, 1), offered=100, filled=100, kind=ActivityKind.WORK_EXPERIENCE)
    # when
    year_one = figures(row(reader, "ics", "ZA001", "2026/27"))
    year_two = figures(row(reader, "ics", "ZA001", "2027/28"))
    # then
    assert (year_one["offered"], year_one["filled"]) == (5, 4)
    assert (year_two["offered"], year_two["filled"]) == (3, 1)


def test_shortfall_is_need_less_offered(reader, board):
    # given
    college = CollegeFactory(ics=board)
    t_level(college, start=dt.date(2023, 9, 1), places=30)
    placement(PartnershipFactory(college=college, trust=TrustFactory(ics=board)), dt.date(2026, 3, 1), 12, 9)
    # when
    found = row(reader, "ics", "ZA001", "2025/26")
    # then
    assert found == {
        "level": "ics", "code": "ZA001", "name": board.name, "academic_year": "2025/26",
        "need": "30.00", "offered": "12.00", "filled": "9.00", "shortfall": "18.00",
    }


def test_an_offer_with_a_delivery_board_lies_there_not_in_its_colleges(reader, board):
    # given
    elsewhere = IntegratedCareSystemFactory(code="ZB001", region=board.region)
    t_level(CollegeFactory(ics=board), start=dt.date(2023, 9, 1), places=15, delivery_ics=elsewhere)
    # when
    own, delivered = row(reader, "ics", "ZA001", "2025/26"), row(reader, "ics", "ZB001", "2025/26")
    # then
    assert own is None
    assert figures(delivered)["need"] == 15


def test_an_offer_lies_in_its_colleges_board_on_the_first_day_of_the_academic_year(reader, board):
    # given: the college moves from ZA001 to ZB001 on 1 April 2026; today it is in ZB001
    later = IntegratedCareSystemFactory(code="ZB001", region=board.region)
    college = CollegeFactory(ics=later)
    CollegeBoard.objects.create(college=college, ics=board, valid_to=dt.date(2026, 3, 31))
    CollegeBoard.objects.create(college=college, ics=later, valid_from=dt.date(2026, 4, 1))
    t_level(college, start=dt.date(2024, 9, 1), places=11)  # completes 1 Sep 2026: year 2026/27
    t_level(college, start=dt.date(2023, 9, 1), places=4)  # completes 1 Sep 2025: year 2025/26
    # when
    then_2025 = row(reader, "ics", "ZA001", "2025/26")
    then_2026 = row(reader, "ics", "ZB001", "2026/27")
    # then: on 1 August 2025 it was in ZA001, on 1 August 2026 in ZB001
    assert figures(then_2025)["need"] == 4
    assert figures(then_2026)["need"] == 11
    assert row(reader, "ics", "ZB001", "2025/26") is None


def test_a_placement_lies_in_the_trusts_board_on_the_day_it_happened(reader, board):
    # given: the trust moves from ZA001 to ZB001 on 1 April 2027, within academic year 2026/27
    later = IntegratedCareSystemFactory(code="ZB001", region=board.region)
    trust = TrustFactory(ics=later)
    TrustBoard.objects.create(trust=trust, ics=board, valid_to=dt.date(2027, 3, 31))
    TrustBoard.objects.create(trust=trust, ics=later, valid_from=dt.date(2027, 4, 1))
    partnership = PartnershipFactory(trust=trust)
    placement(partnership, dt.date(2027, 3, 31), offered=6, filled=5)
    placement(partnership, dt.date(2027, 4, 1), offered=2, filled=2)
    # when
    before, after = row(reader, "ics", "ZA001", "2026/27"), row(reader, "ics", "ZB001", "2026/27")
    # then
    assert (figures(before)["offered"], figures(before)["filled"]) == (6, 5)
    assert (figures(after)["offered"], figures(after)["filled"]) == (2, 2)


def test_a_partnership_with_a_whole_ics_counts_its_placements_in_that_ics(reader, board):
    # given
    partnership = PartnershipFactory(trust=None, ics=board)
    placement(partnership, dt.date(2026, 11, 5), offered=9, filled=3)
    # when
    found = figures(row(reader, "ics", "ZA001", "2026/27"))
    # then
    assert (found["offered"], found["filled"], found["need"]) == (9, 3, 0)


@pytest.fixture
def split():
    """ZA001 closes on 31 March 2026 and is split: a quarter to ZC001, three quarters to ZD001."""
    region = RegionFactory(code="Y56", name="London")
    old = IntegratedCareSystemFactory(code="ZA001", region=region, closed_on=dt.date(2026, 3, 31))
    quarter = IntegratedCareSystemFactory(code="ZC001", region=region, opened_on=dt.date(2026, 4, 1))
    rest = IntegratedCareSystemFactory(code="ZD001", region=region, opened_on=dt.date(2026, 4, 1))
    BoardSuccession.objects.create(predecessor=old, successor=quarter, share=Decimal("0.25"))
    BoardSuccession.objects.create(predecessor=old, successor=rest, share=Decimal("0.75"))
    return old


def test_need_lying_in_a_closed_board_is_passed_to_its_successors_by_share(reader, split):
    # given: a college still recorded in the closed board, with an offer completing in 2026/27
    college = CollegeFactory(ics=split)
    CollegeBoard.objects.create(college=college, ics=split)
    t_level(college, start=dt.date(2024, 9, 1), places=20)
    # when
    quarter, rest = row(reader, "ics", "ZC001", "2026/27"), row(reader, "ics", "ZD001", "2026/27")
    # then
    assert figures(quarter)["need"] == 5 and figures(rest)["need"] == 15
    assert row(reader, "ics", "ZA001", "2026/27") is None


def test_placements_lie_in_a_closed_boards_successors_only_from_the_day_after_it_closed(reader, split):
    # given: a partnership with the old board as a whole, placing on its last day and after it
    partnership = PartnershipFactory(trust=None, ics=split)
    placement(partnership, dt.date(2026, 3, 31), offered=4, filled=4)
    placement(partnership, dt.date(2026, 4, 1), offered=8, filled=4)
    # when
    old = row(reader, "ics", "ZA001", "2025/26")
    quarter = row(reader, "ics", "ZC001", "2025/26")
    # then
    assert figures(old)["offered"] == 4
    assert (figures(quarter)["offered"], figures(quarter)["filled"]) == (2, 1)
    assert figures(row(reader, "ics", "ZD001", "2025/26"))["offered"] == 6


def test_region_and_england_rows_are_sums_of_their_ics_rows(reader):
    # given: two boards in London, one in the South West
    london, south_west = RegionFactory(code="Y56", name="London"), RegionFactory(code="Y58", name="South West")
    first = IntegratedCareSystemFactory(code="ZA001", region=london)
    second = IntegratedCareSystemFactory(code="ZB001", region=london)
    third = IntegratedCareSystemFactory(code="ZC001", region=south_west)
    for ics, places, offered in ((first, 10, 3), (second, 20, 5), (third, 40, 7)):
        college = CollegeFactory(ics=ics)
        t_level(college, start=dt.date(2023, 9, 1), places=places)
        placement(PartnershipFactory(college=college, trust=TrustFactory(ics=ics)), dt.date(2025, 10, 1), offered, 1)
    # when
    region = figures(row(reader, "region", "Y56", "2025/26"))
    england = figures(row(reader, "national", "E92000001", "2025/26"))
    # then
    assert (region["need"], region["offered"], region["filled"], region["shortfall"]) == (30, 8, 2, 22)
    assert (england["need"], england["offered"], england["filled"], england["shortfall"]) == (70, 15, 3, 55)
    assert figures(row(reader, "national", "england", "2025/26"))["need"] == 70


def test_rows_come_england_first_then_regions_then_icss_and_only_where_a_figure_is_not_zero(reader, board):
    # given: one offer with need; another board with nothing
    IntegratedCareSystemFactory(code="ZB001", region=board.region)
    t_level(CollegeFactory(ics=board), start=dt.date(2023, 9, 1), places=6)
    # when
    found = rows(reader)
    # then
    assert [(r["level"], r["code"], r["academic_year"]) for r in found] == [
        ("national", "E92000001", "2025/26"), ("region", "Y56", "2025/26"), ("ics", "ZA001", "2025/26"),
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [("level", "country"), ("academic_year", "2026-27"), ("academic_year", "2026/28"), ("year", "2026")],
)
def test_a_bad_filter_is_a_400_naming_it(reader, name, value):
    # when
    response = reader.get(URL, {name: value})
    # then
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_anonymous_users_get_401(api_client):
    assert api_client.get(URL).status_code == 401


@pytest.mark.parametrize("trait", ["staff", "coordinator", "ics_analyst", "college_officer"])
def test_every_role_reads_placements(client_for, board, trait):
    # given
    t_level(CollegeFactory(ics=board), start=dt.date(2024, 9, 1), places=6)
    user = UserFactory(**{trait: True})
    # when
    response = client_for(user).get(URL)
    # then
    assert response.status_code == 200 and response.json()["count"] == 3


def test_the_api_reads_placements_in_a_bounded_number_of_queries(reader, django_assert_max_num_queries):
    # given: a dozen boards over two regions, each with offers and placements over several years
    for number in range(12):
        region = RegionFactory(code="Y56" if number % 2 else "Y58")
        ics = IntegratedCareSystemFactory(code=f"ZA{number:03d}", region=region)
        college = CollegeFactory(ics=ics)
        partnership = PartnershipFactory(college=college, trust=TrustFactory(ics=ics))
        for year in range(2022, 2027):
            t_level(college, start=dt.date(year, 9, 1), places=10 + number)
            placement(partnership, dt.date(year, 11, 1), offered=number + 1, filled=1)
    # when
    with django_assert_max_num_queries(4):
        response = reader.get(URL, {"page_size": 1000})
    # then
    assert response.status_code == 200 and response.json()["count"] > 60


def test_the_schema_declares_placements_with_its_filters_and_error_statuses(reader):
    # when
    schema = reader.get("/api/v1/schema/", {"format": "json"}).json()
    # then
    operation = schema["paths"]["/api/v1/placements/"]["get"]
    assert {"level", "code", "academic_year"} <= {p["name"] for p in operation["parameters"]}
    assert {"200", "400", "401", "404", "429"} <= set(operation["responses"])


def test_trusts_moving_on_different_days_and_a_board_closing_are_each_placed_on_the_day(reader, split):
    # given: in 2025/26 ZA001 closes on 31 March (split a quarter to ZC001); trust one moves from ZA001
    # to ZD001 on 1 November, trust two from ZD001's future area to ZC001 on 1 June
    one, two = TrustFactory(ics=split), TrustFactory(ics=split)
    rest = split.successions_out.get(share=Decimal("0.75")).successor
    quarter = split.successions_out.get(share=Decimal("0.25")).successor
    TrustBoard.objects.create(trust=one, ics=split, valid_to=dt.date(2025, 10, 31))
    TrustBoard.objects.create(trust=one, ics=rest, valid_from=dt.date(2025, 11, 1))
    TrustBoard.objects.create(trust=two, ics=split, valid_to=dt.date(2026, 5, 31))
    TrustBoard.objects.create(trust=two, ics=quarter, valid_from=dt.date(2026, 6, 1))
    placement(PartnershipFactory(trust=one), dt.date(2025, 10, 31), offered=4, filled=0)  # in ZA001, open
    placement(PartnershipFactory(trust=one), dt.date(2025, 11, 1), offered=3, filled=0)  # in ZD001
    two_partnership = PartnershipFactory(trust=two)
    placement(two_partnership, dt.date(2026, 4, 15), offered=8, filled=0)  # still in ZA001, closed: split
    placement(two_partnership, dt.date(2026, 6, 1), offered=5, filled=0)  # in ZC001
    # when
    offered = {code: figures(row(reader, "ics", code, "2025/26"))["offered"] for code in ("ZA001", "ZC001", "ZD001")}
    # then
    assert offered == {"ZA001": 4, "ZC001": 2 + 5, "ZD001": 3 + 6}
