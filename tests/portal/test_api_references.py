"""Every related object named by natural key is checked by one field (core.api_fields): a key
naming nothing, or a value that is not a key at all, answers 400 naming the field."""

import pytest

from hubs.models import Hub
from tests.factories import CollegeFactory, HubFactory, IntegratedCareSystemFactory, RegionFactory
from tests.hubs.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_patching_a_hub_to_an_unknown_region_answers_400_naming_region(client_for, staff_user):
    hub = HubFactory()
    response = client_for(staff_user).patch(f"/api/v1/hubs/{hub.code}/", {"region": "Y99"}, format="json")
    assert response.status_code == 400
    assert "region" in response.json()
    assert Hub.objects.get(pk=hub.pk).region_id == hub.region_id


def test_moving_a_hub_onto_a_region_that_has_one_answers_400_naming_region(client_for, staff_user):
    # given two hubs
    hub, other = HubFactory(), HubFactory()
    # when the first is moved onto the second's region
    response = client_for(staff_user).patch(f"/api/v1/hubs/{hub.code}/", {"region": other.code}, format="json")
    # then
    assert response.status_code == 400
    assert "region" in response.json()
    assert Hub.objects.get(pk=hub.pk).region_id == hub.region_id


@pytest.mark.parametrize("value", [{"code": "Y56"}, ["Y56"], 56, True, ""])
def test_a_natural_key_that_is_not_a_string_answers_400_naming_the_field(client_for, staff_user, value):
    RegionFactory(code="Y56")
    response = client_for(staff_user).post(
        "/api/v1/integrated-care-systems/", {"code": "QZZ", "name": "A board", "region": value}, format="json"
    )
    assert response.status_code == 400
    assert "region" in response.json()


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/colleges/", {"ukprn": "10009999", "name": "A college", "ics": "QZZ"}, "ics"),
        ("/api/v1/trusts/", {"ods_code": "RZZ", "name": "A trust", "kind": "acute", "ics": "QZZ"}, "ics"),
        ("/api/v1/entry-routes/", {"occupation": "no-such-role", "qualification_type": "t_level", "level": 3,
                                   "conversion_rate": "0.5", "lag_months": 0}, "occupation"),
        ("/api/v1/progressions/", {"from_occupation": "nope", "to_occupation": "nope", "typical_months": 12},
         "from_occupation"),
    ],
)
def test_an_unknown_natural_key_answers_400_naming_the_field(client_for, staff_user, path, payload, field):
    IntegratedCareSystemFactory()
    response = client_for(staff_user).post(path, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_partnership_naming_an_unknown_trust_answers_400_naming_trust(client_for, staff_user):
    partnership = PartnershipFactory(college=CollegeFactory(hub=HubFactory()))
    response = client_for(staff_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"trust": "RZZZZ"}, format="json"
    )
    assert response.status_code == 400
    assert "trust" in response.json()
