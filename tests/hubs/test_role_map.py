"""The relationship map by role: each role the region's partnerships work on, with its colleges and NHS
partners (issue 11.1)."""

import pytest
from django.test import Client

from tests.browser import assert_accessible, sign_in
from tests.factories import (
    CollegeFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    TrustFactory,
    UserFactory,
)
from tests.hubs.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def north_west():
    hub = HubFactory(region__code="Y62", region__name="North West")
    ics = IntegratedCareSystemFactory(code="ZA001", region=hub.region, name="NHS Cheshire Integrated Care Board")
    nurse, support = OccupationFactory(name="Registered nurse"), OccupationFactory(name="Healthcare support worker")
    college = CollegeFactory(hub=hub, ics=ics, name="Hugh Baird Test College")
    PartnershipFactory(college=college, trust=TrustFactory(ics=ics, name="Mersey Test Trust"),
                       occupations=[nurse, support])
    PartnershipFactory(college=CollegeFactory(hub=hub, ics=ics, name="Wirral Test College"), trust=None, ics=ics,
                       occupations=[support])
    elsewhere = IntegratedCareSystemFactory(code="ZB001")
    PartnershipFactory(college=CollegeFactory(ics=elsewhere, name="Far Away College"),
                       trust=TrustFactory(ics=elsewhere), occupations=[nurse])
    return hub


def test_each_role_lists_the_colleges_and_nhs_partners_working_on_it_in_the_region(ics_user, north_west):
    # when
    response = _signed_in(ics_user).get("/hubs/Y62/roles/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Healthcare support worker") < body.index("Registered nurse")
    assert body.count(">Hugh Baird Test College</a>") == 2 and "Mersey Test Trust" in body
    assert "Wirral Test College" in body and "Cheshire (whole ICS)" in body
    assert "Far Away College" not in body


def test_the_hub_page_links_to_its_role_map(ics_user, north_west):
    assert "/hubs/Y62/roles/" in _signed_in(ics_user).get("/hubs/Y62/").content.decode()


def test_a_region_with_no_roles_named_shows_an_empty_state(ics_user):
    # given
    HubFactory(region__code="Y63")
    # when
    body = _signed_in(ics_user).get("/hubs/Y63/roles/").content.decode()
    # then
    assert "No partnership in this region names a role it works on yet." in body


def test_anonymous_visitors_are_sent_to_sign_in(client, north_west):
    response = client.get("/hubs/Y62/roles/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_role_map_reads_in_a_bounded_number_of_queries(ics_user, north_west, django_assert_max_num_queries):
    # given: twenty more partnerships on five roles
    roles = [OccupationFactory() for _ in range(5)]
    ics = IntegratedCareSystemFactory(code="ZA001")
    for _ in range(20):
        PartnershipFactory(college=CollegeFactory(hub=north_west, ics=ics), trust=TrustFactory(ics=ics),
                           occupations=roles)
    client = _signed_in(ics_user)
    client.get("/hubs/Y62/roles/")
    # when
    with django_assert_max_num_queries(6):
        response = client.get("/hubs/Y62/roles/")
    # then
    assert response.status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_role_map_passes_the_accessibility_check(live_server, page, north_west):
    # given
    UserFactory(username="reader", ics_analyst=True)
    sign_in(page, live_server, "reader")
    # when
    page.goto(f"{live_server.url}/hubs/Y62/roles/")
    # then
    assert_accessible(page)
