"""College pages: the list (filters, pagination, query counts) and a college's page."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CollegeBoardFactory,
    CollegeFactory,
    CourseOfferFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    RegionFactory,
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def colleges_in_two_regions(db):
    north, south = RegionFactory(code="Y62"), RegionFactory(code="Y58")
    north_hub = HubFactory(region=north)
    qe1 = IntegratedCareSystemFactory(code="QE1", region=north)
    qop = IntegratedCareSystemFactory(code="QOP", region=north)
    qt6 = IntegratedCareSystemFactory(code="QT6", region=south)
    CollegeFactory(ukprn="10001111", name="Preston College", ics=qe1, hub=north_hub)
    CollegeFactory(ukprn="10002222", name="Blackpool and The Fylde College", ics=qe1, hub=north_hub)
    CollegeFactory(ukprn="10003333", name="The Manchester College", ics=qop)
    CollegeFactory(ukprn="10004444", name="City College Plymouth", ics=qt6)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/colleges/", "/colleges/10001111/"])
def test_anonymous_users_are_sent_to_sign_in(colleges_in_two_regions, client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    ["ics=QE1", "region=Y62", "hub=Y62", "q=college", "q=10003333", "ukprn=10004444", "ics=QE1&hub=Y62", "hub=Y58"],
)
def test_college_list_filters_give_the_same_rows_as_the_api(colleges_in_two_regions, staff_user, client_for, params):
    # when
    page = signed_in(staff_user).get(f"/colleges/?{params}")
    api = client_for(staff_user).get(f"/api/v1/colleges/?{params}")
    # then
    assert page.status_code == 200
    assert {c.ukprn for c in page.context["object_list"]} == {row["ukprn"] for row in api.json()["results"]}


@pytest.mark.django_db
def test_college_list_is_ordered_by_name_and_links_each_college(colleges_in_two_regions, staff_user):
    response = signed_in(staff_user).get("/colleges/")
    names = [c.name for c in response.context["object_list"]]
    assert names == sorted(names)
    assert 'href="/colleges/10001111/"' in text(response)
    assert "Showing 1 to 4 of 4 colleges" in text(response)


@pytest.mark.django_db
def test_college_list_paginates_by_25(staff_user):
    CollegeFactory.create_batch(30)
    client = signed_in(staff_user)
    assert len(client.get("/colleges/").context["object_list"]) == 25
    assert len(client.get("/colleges/?page=2").context["object_list"]) == 5


@pytest.mark.django_db
def test_college_list_with_no_match_shows_an_empty_state(colleges_in_two_regions, staff_user):
    page = text(signed_in(staff_user).get("/colleges/?q=no-such-college"))
    assert "No colleges match these filters" in page


@pytest.mark.django_db
def test_college_list_query_count_does_not_grow_with_rows(staff_user, django_assert_max_num_queries):
    # given
    client = signed_in(staff_user)
    CollegeFactory(hub=HubFactory())
    with CaptureQueriesContext(connection) as one_row:
        client.get("/colleges/?page_size=100")
    # when 100 colleges each have their own ICS, region and hub
    for n in range(100):
        region = RegionFactory(code=f"Y{n:02d}")
        CollegeFactory(ics=IntegratedCareSystemFactory(region=region), hub=HubFactory(region=region))
    # then
    with django_assert_max_num_queries(len(one_row)):
        response = client.get("/colleges/?page_size=100")
    assert len(response.context["object_list"]) == 100


@pytest.mark.django_db
def test_college_page_shows_its_ics_region_and_hub(staff_user):
    # given
    region = RegionFactory(code="Y62", name="North West")
    host = CollegeFactory(ukprn="10009999", name="Host College")
    hub = HubFactory(region=region, name="North West employer hub", host_college=host)
    ics = IntegratedCareSystemFactory(code="QE1", region=region, name="NHS Lancashire Integrated Care Board")
    CollegeFactory(ukprn="10001111", name="Preston College", ics=ics, hub=hub, ics_share_of_enrolments="0.875")
    # when
    response = signed_in(staff_user).get("/colleges/10001111/")
    # then
    assert response.status_code == 200
    page = text(response)
    assert "Preston College" in page
    assert 'href="/integrated-care-systems/QE1/"' in page and 'href="/regions/Y62/"' in page
    assert "North West employer hub" in page and 'href="/colleges/10009999/"' in page
    assert "88% of its apprenticeship enrolments" in page


@pytest.mark.django_db
def test_college_page_without_a_hub_says_so(staff_user):
    CollegeFactory(ukprn="10001111")
    page = text(signed_in(staff_user).get("/colleges/10001111/"))
    assert "Not a member of a hub yet" in page


@pytest.mark.django_db
def test_unknown_college_answers_404(staff_user):
    assert signed_in(staff_user).get("/colleges/19999999/").status_code == 404


@pytest.mark.django_db
def test_college_page_query_count_is_fixed(staff_user, django_assert_max_num_queries):
    # given
    client = signed_in(staff_user)
    region = RegionFactory()
    college = CollegeFactory(ukprn="10001111", hub=HubFactory(region=region, host_college=CollegeFactory()))
    CourseOfferFactory.create_batch(30, college=college)
    for valid_from in (None, dt.date(2026, 4, 1), dt.date(2026, 6, 1)):
        CollegeBoardFactory(college=college, ics=IntegratedCareSystemFactory(), valid_from=valid_from)
    # then: session, user, college, its memberships, demo flag, and the offers block's count and page
    with django_assert_max_num_queries(7):
        assert client.get("/colleges/10001111/").status_code == 200
