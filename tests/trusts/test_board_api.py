"""Boards on a date through the API (DESIGN.md 5, 6.1): ICS dates, successors and predecessors, the
`current` and `open_on` filters, trusts' and colleges' memberships, and vacancies refused in a month
their board was closed or the trust was elsewhere."""

import datetime as dt
from decimal import Decimal

import pytest

from pathways.models import OccupationSector
from tests.factories import (
    BoardSuccessionFactory,
    CollegeBoardFactory,
    CollegeFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustBoardFactory,
    TrustFactory,
    UserFactory,
)
from trusts.models import Vacancy

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 3, 31)
FIRST_DAY = dt.date(2026, 4, 1)
ICS_API = "/api/v1/integrated-care-systems/"


@pytest.fixture
def frimley(db):
    """Frimley (closed 31 March 2026) split between Thames Valley and Surrey and Sussex, opened the next day;
    Frimley Health moved with it to Surrey and Sussex."""
    region = RegionFactory(code="Y59")
    old = IntegratedCareSystemFactory(code="QNQ", name="NHS Frimley Integrated Care Board", region=region,
                                      closed_on=LAST_DAY)
    thames = IntegratedCareSystemFactory(code="S0E4D", name="NHS Thames Valley Integrated Care Board",
                                         region=region, opened_on=FIRST_DAY)
    surrey = IntegratedCareSystemFactory(code="S9B9J", name="NHS Surrey and Sussex Integrated Care Board",
                                         region=region, opened_on=FIRST_DAY)
    BoardSuccessionFactory(predecessor=old, successor=thames, share=Decimal("0.560440"))
    BoardSuccessionFactory(predecessor=old, successor=surrey, share=Decimal("0.439560"))
    trust = TrustFactory(ods_code="RDU", ics=surrey)
    TrustBoardFactory(trust=trust, ics=old, valid_to=LAST_DAY)
    TrustBoardFactory(trust=trust, ics=surrey, valid_from=FIRST_DAY)
    OccupationFactory(code="registered-nurses", sector=OccupationSector.BOTH)
    return {"old": old, "thames": thames, "surrey": surrey, "trust": trust}


def test_a_closed_board_lists_its_successors_with_shares_and_a_new_board_its_predecessors(
        frimley, staff_user, client_for):
    api = client_for(staff_user)
    old = api.get(f"{ICS_API}QNQ/").json()
    new = api.get(f"{ICS_API}S9B9J/").json()
    assert (old["opened_on"], old["closed_on"]) == (None, "2026-03-31")
    assert old["successors"] == [{"code": "S0E4D", "share": "0.560440"}, {"code": "S9B9J", "share": "0.439560"}]
    assert old["predecessors"] == []
    assert (new["opened_on"], new["closed_on"], new["successors"], new["predecessors"]) == (
        "2026-04-01", None, [], ["QNQ"])


@pytest.mark.parametrize(("query", "codes"), [
    ("current=true", {"S0E4D", "S9B9J"}),
    ("current=false", {"QNQ"}),
    ("open_on=2026-03-31", {"QNQ"}),
    ("open_on=2026-04-01", {"S0E4D", "S9B9J"}),
])
def test_the_ics_list_filters_boards_open_today_or_on_a_day(frimley, staff_user, client_for, query, codes):
    response = client_for(staff_user).get(f"{ICS_API}?{query}")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == codes


@pytest.mark.parametrize("query", ["open_on=yesterday", "open_on=2026-02-30", "current=maybe"])
def test_a_bad_date_or_flag_is_a_400_naming_the_filter(frimley, staff_user, client_for, query):
    response = client_for(staff_user).get(f"{ICS_API}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_the_ics_list_reads_successions_in_a_fixed_number_of_queries(
        frimley, staff_user, client_for, django_assert_max_num_queries):
    api = client_for(staff_user)
    api.get(ICS_API)  # warm the session
    with django_assert_max_num_queries(8) as captured:
        api.get(f"{ICS_API}?page_size=100")
    few = len(captured)
    for _ in range(20):
        BoardSuccessionFactory(successor=IntegratedCareSystemFactory())
    with django_assert_max_num_queries(few):
        assert len(api.get(f"{ICS_API}?page_size=100").json()["results"]) == 43


def test_a_trust_and_a_college_list_their_memberships_and_their_board_today(frimley, staff_user, client_for):
    college = CollegeFactory(ukprn="10002412", ics=frimley["surrey"])
    CollegeBoardFactory(college=college, ics=frimley["old"], valid_to=LAST_DAY)
    CollegeBoardFactory(college=college, ics=frimley["surrey"], valid_from=FIRST_DAY)
    api = client_for(staff_user)
    expected = [{"ics": "QNQ", "valid_from": None, "valid_to": "2026-03-31"},
                {"ics": "S9B9J", "valid_from": "2026-04-01", "valid_to": None}]
    trust, college_row = api.get("/api/v1/trusts/RDU/").json(), api.get("/api/v1/colleges/10002412/").json()
    assert (trust["ics"], trust["boards"]) == ("S9B9J", expected)
    assert (college_row["ics"], college_row["boards"]) == ("S9B9J", expected)


def test_the_trust_and_college_lists_read_memberships_in_a_fixed_number_of_queries(
        frimley, staff_user, client_for, django_assert_max_num_queries):
    CollegeBoardFactory(college=CollegeFactory(ics=frimley["surrey"]), ics=frimley["surrey"])
    api = client_for(staff_user)
    api.get("/api/v1/trusts/")
    with django_assert_max_num_queries(10) as trusts_once:
        api.get("/api/v1/trusts/?page_size=100")
    with django_assert_max_num_queries(10) as colleges_once:
        api.get("/api/v1/colleges/?page_size=100")
    for _ in range(15):
        TrustBoardFactory(valid_from=FIRST_DAY)
        CollegeBoardFactory(valid_from=FIRST_DAY)
    with django_assert_max_num_queries(len(trusts_once)):
        assert api.get("/api/v1/trusts/?page_size=100").json()["count"] == 16
    with django_assert_max_num_queries(len(colleges_once)):
        assert api.get("/api/v1/colleges/?page_size=100").json()["count"] == 16


def nhs_row(**changes):
    return {"sector": "nhs", "trust": "RDU", "occupation": "registered-nurses", "period": "2026-06-01",
            "vacancies_fte": "12.50", "staff_in_post_fte": "310.00", **changes}


def test_a_vacancy_in_a_month_after_its_board_closed_is_a_400_naming_ics_and_its_successors(
        frimley, staff_user, client_for):
    response = client_for(staff_user).post("/api/v1/vacancies/", nhs_row(ics="QNQ", period="2026-04-01"),
                                           format="json")
    assert response.status_code == 400
    [message] = response.json()["ics"]
    assert message.startswith("NHS Frimley Integrated Care Board closed on 31 March 2026: record April 2026 "
                              "against its successors")
    assert "S0E4D" in message and "S9B9J" in message
    assert not Vacancy.objects.exists()


def test_a_vacancy_in_a_month_before_its_board_opened_is_a_400_naming_ics(frimley, staff_user, client_for):
    response = client_for(staff_user).post("/api/v1/vacancies/", nhs_row(ics="S9B9J", period="2026-03-01"),
                                           format="json")
    assert response.status_code == 400
    assert response.json()["ics"] == [
        "NHS Surrey and Sussex Integrated Care Board opened on 1 April 2026: record March 2026 against the board "
        "of that month."]


def test_a_trust_row_takes_the_board_of_its_month_by_its_memberships(frimley, staff_user, client_for):
    api = client_for(staff_user)
    march = api.post("/api/v1/vacancies/", nhs_row(period="2026-03-01"), format="json")
    june = api.post("/api/v1/vacancies/", nhs_row(period="2026-06-01"), format="json")
    assert (march.status_code, june.status_code) == (201, 201)
    assert (march.json()["ics"], june.json()["ics"]) == ("QNQ", "S9B9J")


def test_a_trust_outside_the_named_board_that_month_is_a_400_naming_ics(frimley, staff_user, client_for):
    response = client_for(staff_user).post("/api/v1/vacancies/", nhs_row(ics="S0E4D", period="2026-06-01"),
                                           format="json")
    assert response.status_code == 400
    assert response.json()["ics"] == ["RDU lies in ICS S9B9J in June 2026, not S0E4D."]


def test_the_bulk_path_refuses_a_closed_board_by_item_and_writes_nothing(frimley, staff_user, client_for):
    rows = [nhs_row(period="2026-06-01"), nhs_row(ics="QNQ", period="2026-05-01")]
    response = client_for(staff_user).post("/api/v1/vacancies/bulk/", rows, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["1"]
    assert "closed on 31 March 2026" in body["errors"]["1"]["ics"][0]
    assert not Vacancy.objects.exists()


def test_an_analyst_of_the_old_board_may_still_record_its_months_before_the_change(frimley, client_for):
    analyst = UserFactory(ics_analyst=True, ics=frimley["old"], username="frimley-analyst")
    api = client_for(analyst)
    march = api.post("/api/v1/vacancies/", nhs_row(period="2026-03-01"), format="json")
    june = api.post("/api/v1/vacancies/", nhs_row(period="2026-06-01"), format="json")
    assert march.status_code == 201
    assert june.status_code == 403


def test_staff_moving_a_trust_by_the_api_closes_its_membership_yesterday_and_opens_one_today(
        frimley, staff_user, client_for):
    from django.utils import timezone

    today = timezone.localdate()
    response = client_for(staff_user).patch("/api/v1/trusts/RDU/", {"ics": "S0E4D"}, format="json")
    assert response.status_code == 200
    assert response.json()["boards"][-2:] == [
        {"ics": "S9B9J", "valid_from": "2026-04-01", "valid_to": (today - dt.timedelta(days=1)).isoformat()},
        {"ics": "S0E4D", "valid_from": today.isoformat(), "valid_to": None},
    ]


def test_a_trust_created_by_the_api_gets_its_membership(frimley, staff_user, client_for):
    response = client_for(staff_user).post("/api/v1/trusts/", {"ods_code": "K0N6A", "name": "The Online NHS Trust",
                                                              "ics": "S0E4D"}, format="json")
    assert response.status_code == 201
    assert response.json()["boards"] == [{"ics": "S0E4D", "valid_from": None, "valid_to": None}]


def test_a_trust_or_college_put_in_a_closed_board_is_a_400_naming_ics(frimley, staff_user, client_for):
    CollegeFactory(ukprn="10002412", ics=frimley["surrey"])
    api = client_for(staff_user)
    trust = api.patch("/api/v1/trusts/RDU/", {"ics": "QNQ"}, format="json")
    college = api.patch("/api/v1/colleges/10002412/", {"ics": "QNQ"}, format="json")
    assert (trust.status_code, college.status_code) == (400, 400)
    assert trust.json()["ics"][0].startswith("NHS Frimley Integrated Care Board closed on 31 March 2026")
    assert list(college.json()) == ["ics"]
