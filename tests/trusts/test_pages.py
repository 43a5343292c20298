"""Region, ICS and trust pages: lists (filters, pagination, query counts) and detail pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    BoardSuccessionFactory,
    CollegeFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    RegionFactory,
    TrustBoardFactory,
    TrustFactory,
)
from trusts.models import TrustKind


def closed_into(successor, share=1, **kwargs):
    """A board that closed on 31 March 2026 with `successor` taking `share` of its figures."""
    board = IntegratedCareSystemFactory(closed_on=dt.date(2026, 3, 31), **kwargs)
    BoardSuccessionFactory(predecessor=board, successor=successor, share=share)
    return board


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- Anonymous users ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/regions/",
        "/regions/Y56/",
        "/integrated-care-systems/",
        "/integrated-care-systems/QE1/",
        "/trusts/",
        "/trusts/RXN/",
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    # given the objects exist
    region = RegionFactory(code="Y56", name="London")
    TrustFactory(ods_code="RXN", ics=IntegratedCareSystemFactory(code="QE1", region=region))
    # when
    response = client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


# --- ICS list ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ics_list_shows_42_rows_over_two_pages_of_25(staff_user):
    # given
    IntegratedCareSystemFactory.create_batch(42)
    client = signed_in(staff_user)
    # when
    first, second = client.get("/integrated-care-systems/"), client.get("/integrated-care-systems/?page=2")
    # then
    assert first.status_code == 200 and second.status_code == 200
    assert len(first.context["object_list"]) == 25 and len(second.context["object_list"]) == 17
    assert "Showing 1 to 25 of 42 integrated care systems" in text(first)
    assert "Showing 26 to 42 of 42 integrated care systems" in text(second)
    assert 'aria-label="Pagination"' in text(first)
    assert 'href="?page=2"' in text(first)


@pytest.mark.django_db
def test_ics_list_pagination_keeps_the_filters(staff_user):
    # given 30 ICSs in one region
    region = RegionFactory(code="Y62")
    IntegratedCareSystemFactory.create_batch(30, region=region)
    # when
    page = text(signed_in(staff_user).get("/integrated-care-systems/?region=Y62"))
    # then
    assert 'href="?region=Y62&amp;page=2"' in page


@pytest.mark.django_db
def test_page_size_is_honoured_up_to_100(staff_user):
    # given
    IntegratedCareSystemFactory.create_batch(120)
    client = signed_in(staff_user)
    # then
    assert len(client.get("/integrated-care-systems/?page_size=10").context["object_list"]) == 10
    assert len(client.get("/integrated-care-systems/?page_size=500").context["object_list"]) == 100
    assert len(client.get("/integrated-care-systems/?page_size=abc").context["object_list"]) == 25


@pytest.mark.django_db
def test_ics_list_shows_counts_of_open_trusts_and_colleges_and_merged_status(staff_user):
    # given an ICS with 2 open trusts, 1 closed trust and 1 college, merged into another
    successor = IntegratedCareSystemFactory(name="NHS Big Merged Integrated Care Board")
    ics = closed_into(successor, name="NHS Small Integrated Care Board")
    TrustFactory.create_batch(2, ics=ics)
    TrustFactory(ics=ics, closed_on=dt.date(2024, 3, 31))
    CollegeFactory(ics=ics)
    # when
    response = signed_in(staff_user).get("/integrated-care-systems/?q=Small&current=false")
    # then
    [row] = response.context["object_list"]
    assert (row.trust_count, row.college_count) == (2, 1)
    assert "Closed" in text(response) and "Big Merged" in text(response)


@pytest.mark.django_db
def test_ics_list_empty_filter_result_offers_to_clear_filters(staff_user):
    # given
    IntegratedCareSystemFactory()
    # when
    page = text(signed_in(staff_user).get("/integrated-care-systems/?q=nothing-matches-this"))
    # then
    assert "No integrated care systems match these filters" in page
    assert 'href="/integrated-care-systems/"' in page


@pytest.mark.django_db
def test_ics_list_filters_give_the_same_rows_as_the_api(staff_user, client_for):
    # given
    north, south = RegionFactory(code="Y62"), RegionFactory(code="Y58")
    IntegratedCareSystemFactory.create_batch(3, region=north)
    IntegratedCareSystemFactory.create_batch(2, region=south)
    closed_into(IntegratedCareSystemFactory(region=north), region=north)
    for params in ("region=Y62&current=", "region=Y62&current=true", "current=false", "q=Test 1&current=",
                   "open_on=2026-03-31"):
        # when
        page = signed_in(staff_user).get(f"/integrated-care-systems/?{params}&page_size=100")
        api = client_for(staff_user).get(f"/api/v1/integrated-care-systems/?{params}&page_size=100")
        # then
        assert {ics.code for ics in page.context["object_list"]} == {row["code"] for row in api.json()["results"]}


@pytest.mark.django_db
def test_ics_list_query_count_does_not_grow_with_rows(staff_user, django_assert_max_num_queries):
    # given one ICS with a trust and a college
    client = signed_in(staff_user)
    ics = closed_into(IntegratedCareSystemFactory())
    TrustFactory(ics=ics)
    CollegeFactory(ics=ics)
    one_row = queries_for(client, "/integrated-care-systems/?page_size=100&current=")
    # when there are 100 more, each with a successor, trusts and colleges
    for successor in IntegratedCareSystemFactory.create_batch(100):
        TrustFactory(ics=closed_into(successor))
    # then
    with django_assert_max_num_queries(one_row):
        response = client.get("/integrated-care-systems/?page_size=100&current=")
    assert len(response.context["object_list"]) == 100


# --- ICS detail -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ics_page_lists_its_open_trusts_and_colleges_linked_with_counts(staff_user):
    # given
    ics = IntegratedCareSystemFactory(code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    TrustFactory(ods_code="RXN", name="Lancashire Teaching Hospitals NHS Foundation Trust", ics=ics)
    TrustFactory(ods_code="RXR", name="East Lancashire Hospitals NHS Trust", ics=ics)
    TrustFactory(ods_code="RX1", name="Old Closed Trust", ics=ics, closed_on=dt.date(2020, 1, 1))
    CollegeFactory(ukprn="10001234", name="Preston College", ics=ics)
    TrustFactory(name="Elsewhere Trust")
    # when
    response = signed_in(staff_user).get("/integrated-care-systems/QE1/")
    # then
    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="nhsuk-heading-l">Lancashire and South Cumbria</h1>' in page
    assert "Open NHS trusts (2)" in page and "Colleges (1)" in page
    assert 'href="/trusts/RXN/"' in page and 'href="/trusts/RXR/"' in page
    assert 'href="/colleges/10001234/"' in page
    assert "Closed trusts (1)" in page
    assert "Elsewhere Trust" not in page


@pytest.mark.django_db
def test_merged_ics_page_points_to_its_successor_and_back(staff_user):
    # given
    new = IntegratedCareSystemFactory(code="QZ1", name="NHS New Integrated Care Board")
    closed_into(new, code="QZ2", name="NHS Old Integrated Care Board")
    client = signed_in(staff_user)
    # when
    old_page, new_page = (
        text(client.get("/integrated-care-systems/QZ2/")),
        text(client.get("/integrated-care-systems/QZ1/")),
    )
    # then
    assert "closed on 31 March 2026" in old_page and 'href="/integrated-care-systems/QZ1/"' in old_page
    assert "Took over from" in new_page and 'href="/integrated-care-systems/QZ2/"' in new_page


@pytest.mark.django_db
def test_ics_page_with_nothing_in_it_shows_empty_states(staff_user):
    IntegratedCareSystemFactory(code="QE9")
    page = text(signed_in(staff_user).get("/integrated-care-systems/QE9/"))
    assert "No open NHS trusts are recorded in this ICS." in page
    assert "No colleges are recorded in this ICS." in page


@pytest.mark.django_db
def test_ics_page_query_count_does_not_grow_with_trusts_and_colleges(staff_user, django_assert_max_num_queries):
    # given
    client = signed_in(staff_user)
    ics = IntegratedCareSystemFactory(code="QE1")
    TrustFactory(ics=ics)
    CollegeFactory(ics=ics, hub=HubFactory(region=ics.region))
    one_each = queries_for(client, "/integrated-care-systems/QE1/")
    # when
    TrustFactory.create_batch(50, ics=ics)
    TrustFactory.create_batch(10, ics=ics, closed_on=dt.date(2020, 1, 1))
    CollegeFactory.create_batch(30, ics=ics, hub=ics.region.hub)
    for _ in range(3):
        closed_into(ics)
    # then
    with django_assert_max_num_queries(one_each):
        client.get("/integrated-care-systems/QE1/")


# --- Regions ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_region_page_lists_its_icss_and_its_hub(staff_user):
    # given
    region = RegionFactory(code="Y62", name="North West")
    host = CollegeFactory(ukprn="10005555", name="Host College")
    HubFactory(region=region, name="North West employer hub", host_college=host)
    IntegratedCareSystemFactory(code="QE1", region=region, name="NHS Lancashire Integrated Care Board")
    IntegratedCareSystemFactory(code="QOP", name="NHS Elsewhere Integrated Care Board")
    # when
    page = text(signed_in(staff_user).get("/regions/Y62/"))
    # then
    assert "North West employer hub" in page and 'href="/colleges/10005555/"' in page
    assert "Integrated care systems (1)" in page and 'href="/integrated-care-systems/QE1/"' in page
    assert "Elsewhere" not in page


@pytest.mark.django_db
def test_region_list_shows_ics_counts_and_hubs(staff_user):
    # given
    region = RegionFactory(code="Y56", name="London")
    HubFactory(region=region, name="London hub")
    IntegratedCareSystemFactory.create_batch(5, region=region)
    RegionFactory(code="Y58", name="South West")
    # when
    response = signed_in(staff_user).get("/regions/")
    # then
    rows = {region.code: region.ics_count for region in response.context["object_list"]}
    assert rows == {"Y56": 5, "Y58": 0}
    assert "London hub" in text(response) and "None recorded" in text(response)


@pytest.mark.django_db
def test_region_list_query_count_does_not_grow_with_rows(staff_user, django_assert_max_num_queries):
    client = signed_in(staff_user)
    HubFactory(region=RegionFactory(code="Y10"))
    one_row = queries_for(client, "/regions/?page_size=100")
    for n in range(11, 60):
        HubFactory(region=IntegratedCareSystemFactory(region=RegionFactory(code=f"Y{n}")).region)
    with django_assert_max_num_queries(one_row):
        response = client.get("/regions/?page_size=100")
    assert len(response.context["object_list"]) == 50


@pytest.mark.django_db
def test_region_filters_give_the_same_rows_as_the_api(staff_user, client_for):
    RegionFactory(code="Y56", name="London")
    RegionFactory(code="Y58", name="South West")
    for params in ("q=south", "code=Y56", "q=nothing"):
        page = signed_in(staff_user).get(f"/regions/?{params}")
        api = client_for(staff_user).get(f"/api/v1/regions/?{params}")
        assert {r.code for r in page.context["object_list"]} == {row["code"] for row in api.json()["results"]}


# --- Trusts -----------------------------------------------------------------------------------------


@pytest.fixture
def trusts_in_two_icss(db):
    north, south = RegionFactory(code="Y62"), RegionFactory(code="Y58")
    qe1 = IntegratedCareSystemFactory(code="QE1", region=north)
    qop = IntegratedCareSystemFactory(code="QOP", region=north)
    qt6 = IntegratedCareSystemFactory(code="QT6", region=south)
    TrustFactory(ods_code="RXN", name="Lancashire Teaching Hospitals", ics=qe1, kind=TrustKind.ACUTE)
    TrustFactory(ods_code="RW5", name="Lancashire Care", ics=qe1, kind=TrustKind.MENTAL_HEALTH, town="Preston")
    TrustFactory(ods_code="RXL", name="Blackpool Teaching Hospitals", ics=qe1, closed_on=dt.date(2020, 1, 1))
    TrustFactory(ods_code="R0A", name="Manchester University", ics=qop, kind=TrustKind.ACUTE)
    TrustFactory(ods_code="RK9", name="Plymouth Hospitals", ics=qt6, kind=TrustKind.ACUTE, postcode="PL6 8DH")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        "ics=QE1",
        "region=Y62",
        "kind=acute",
        "open=true",
        "open=false",
        "q=lancashire",
        "q=preston",
        "q=PL6",
        "region=Y62&kind=acute&open=true",
        "ods_code=RK9",
        "ics=QZZ",
    ],
)
def test_trust_list_filters_give_the_same_rows_as_the_api(trusts_in_two_icss, staff_user, client_for, params):
    # when
    page = signed_in(staff_user).get(f"/trusts/?{params}")
    api = client_for(staff_user).get(f"/api/v1/trusts/?{params}")
    # then
    assert page.status_code == 200
    assert {t.ods_code for t in page.context["object_list"]} == {row["ods_code"] for row in api.json()["results"]}


@pytest.mark.django_db
def test_trust_list_filter_form_offers_icss_and_regions_by_name_and_keeps_the_choice(trusts_in_two_icss, staff_user):
    # when
    page = text(signed_in(staff_user).get("/trusts/?ics=QE1&open=true"))
    # then
    assert '<select name="ics"' in page and '<option value="QE1" selected>' in page
    assert '<option value="true" selected>Open</option>' in page
    assert '<label class="nhsuk-label" for="id_region">' in page
    assert "Clear filters" in page


@pytest.mark.django_db
def test_trust_list_is_ordered_by_name(trusts_in_two_icss, staff_user):
    names = [t.name for t in signed_in(staff_user).get("/trusts/").context["object_list"]]
    assert names == sorted(names)


@pytest.mark.django_db
def test_trust_list_query_count_does_not_grow_with_rows(staff_user, django_assert_max_num_queries):
    # given
    client = signed_in(staff_user)
    TrustFactory()
    one_row = queries_for(client, "/trusts/?page_size=100")
    # when each of 100 trusts is in its own ICS and region
    for n in range(100):
        TrustFactory(ics=IntegratedCareSystemFactory(region=RegionFactory(code=f"Y{n:02d}")))
    # then
    with django_assert_max_num_queries(one_row):
        response = client.get("/trusts/?page_size=100")
    assert len(response.context["object_list"]) == 100


@pytest.mark.django_db
def test_trust_page_shows_its_ics_region_and_hub(staff_user):
    # given
    region = RegionFactory(code="Y62", name="North West")
    HubFactory(region=region, name="North West hub")
    ics = IntegratedCareSystemFactory(code="QE1", region=region, name="NHS Lancashire Integrated Care Board")
    TrustFactory(ods_code="RXN", name="Lancashire Teaching Hospitals", ics=ics, town="Preston", postcode="PR2 9HT")
    # when
    response = signed_in(staff_user).get("/trusts/RXN/")
    # then
    assert response.status_code == 200
    page = text(response)
    assert "Lancashire Teaching Hospitals" in page
    assert 'href="/integrated-care-systems/QE1/"' in page and 'href="/regions/Y62/"' in page
    assert "North West hub" in page and "PR2 9HT" in page


@pytest.mark.django_db
def test_closed_trust_page_says_it_closed(staff_user):
    TrustFactory(ods_code="RXL", closed_on=dt.date(2020, 1, 1))
    page = text(signed_in(staff_user).get("/trusts/RXL/"))
    assert "This trust closed on 1 January 2020" in page


@pytest.mark.django_db
def test_trust_page_query_count_is_fixed(staff_user, django_assert_max_num_queries):
    client = signed_in(staff_user)
    trust = TrustFactory(ods_code="RXN")
    # its memberships, however many, are one query (the fifth)
    TrustBoardFactory(trust=trust, valid_to=dt.date(2026, 3, 31))
    TrustBoardFactory(trust=trust, ics=IntegratedCareSystemFactory(), valid_from=dt.date(2026, 4, 1))
    with django_assert_max_num_queries(5):
        assert client.get("/trusts/RXN/").status_code == 200


@pytest.mark.django_db
def test_an_empty_trust_list_says_nothing_is_loaded_yet(staff_user):
    page = signed_in(staff_user).get("/trusts/").content.decode()
    assert "No NHS trusts have been loaded yet." in page


@pytest.mark.django_db
def test_a_filter_matching_no_trust_offers_to_clear_the_filters(staff_user):
    # given
    TrustFactory(name="Northern Care NHS Trust")
    # when
    page = signed_in(staff_user).get("/trusts/", {"q": "no such trust"}).content.decode()
    # then
    assert "No trusts match these filters." in page
    assert "Clear the filters" in page
