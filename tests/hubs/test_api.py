"""The hubs/, partnerships/ and activities/ endpoints: fields, filters, scope from both sides, query bounds."""

import pytest

from hubs.models import Activity, Agenda, Partnership, PartnershipAgenda
from tests.factories import CollegeFactory, HubFactory, IntegratedCareSystemFactory, TrustFactory, UserFactory
from tests.hubs.factories import ActivityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def _partnership_payload(college, nhs_trust, **overrides):
    payload = {
        "college": college.ukprn,
        "trust": nhs_trust.ods_code,
        "status": "active",
        "agendas": ["estates", "apprenticeships"],
        "started_on": "2026-01-15",
        "summary": "Estates sharing and apprenticeships.",
    }
    payload.update(overrides)
    return payload


def test_hub_is_listed_with_its_code_region_host_and_colleges(client_for, ics_user):
    # given
    hub = HubFactory()
    host = CollegeFactory(hub=hub)
    hub.host_college = host
    hub.save()
    # when
    response = client_for(ics_user).get(f"/api/v1/hubs/{hub.code}/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "code": hub.code, "name": hub.name, "region": hub.region.code, "host_college": host.ukprn,
        "colleges": [host.ukprn],
    }


def test_anonymous_users_cannot_read_hubs_partnerships_or_activities(api_client):
    for path in ("/api/v1/hubs/", "/api/v1/partnerships/", "/api/v1/activities/"):
        assert api_client.get(path).status_code == 401


def test_only_staff_write_hubs(client_for, staff_user, coordinator_user):
    # given
    region = IntegratedCareSystemFactory().region
    # when
    refused = client_for(coordinator_user).post("/api/v1/hubs/", {"region": region.code, "name": "New hub"})
    accepted = client_for(staff_user).post("/api/v1/hubs/", {"region": region.code, "name": "New hub"})
    # then
    assert refused.status_code == 403
    assert accepted.status_code == 201 and accepted.json()["code"] == region.code


def test_coordinator_creates_a_partnership_in_their_hub_with_the_trusts_ics(client_for, coordinator_user):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    trust = TrustFactory()
    # when
    response = client_for(coordinator_user).post("/api/v1/partnerships/", _partnership_payload(college, trust))
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ics"] == trust.ics.code
    assert body["agendas"] == ["apprenticeships", "estates"]
    partnership = Partnership.objects.get(pk=body["id"])
    assert partnership.history.count() == 1 and partnership.history.first().history_user == coordinator_user


def test_coordinator_cannot_create_a_partnership_for_a_college_outside_their_hub(client_for, coordinator_user):
    # given
    college = CollegeFactory(hub=HubFactory())
    # when
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/", _partnership_payload(college, TrustFactory())
    )
    # then
    assert response.status_code == 403
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("user_fixture", ["ics_user", "college_user"])
def test_other_roles_cannot_create_partnerships(request, client_for, user_fixture):
    # given
    user = request.getfixturevalue(user_fixture)
    college = CollegeFactory(hub=HubFactory())
    # when
    response = client_for(user).post("/api/v1/partnerships/", _partnership_payload(college, TrustFactory()))
    # then
    assert response.status_code == 403
    assert not Partnership.objects.exists()


def test_staff_create_partnerships_for_any_college(client_for, staff_user):
    college = CollegeFactory(hub=HubFactory())
    response = client_for(staff_user).post("/api/v1/partnerships/", _partnership_payload(college, TrustFactory()))
    assert response.status_code == 201


def test_partnership_with_a_whole_ics_has_no_trust(client_for, coordinator_user):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    ics = IntegratedCareSystemFactory()
    # when
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/",
        _partnership_payload(college, TrustFactory(), trust=None, ics=ics.code),
    )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["trust"] is None and response.json()["ics"] == ics.code


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"agendas": []}, "agendas"),
        ({"agendas": ["catering"]}, "agendas"),
        ({"status": "dormant"}, "status"),
        ({"trust": None}, "trust"),
        ({"started_on": "yesterday"}, "started_on"),
        ({"summary": ""}, "summary"),
    ],
)
def test_invalid_partnership_is_refused_naming_the_field_and_nothing_is_saved(
    client_for, coordinator_user, overrides, field
):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    # when
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/", _partnership_payload(college, TrustFactory(), **overrides)
    )
    # then
    assert response.status_code == 400
    assert field in response.json()
    assert not Partnership.objects.exists()


def test_ics_other_than_the_trusts_is_refused(client_for, coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/",
        _partnership_payload(college, TrustFactory(), ics=IntegratedCareSystemFactory().code),
    )
    assert response.status_code == 400 and "ics" in response.json()
    assert not Partnership.objects.exists()


def test_second_partnership_between_the_same_college_and_trust_is_refused(client_for, coordinator_user):
    # given
    existing = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub))
    # when
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/", _partnership_payload(existing.college, existing.trust)
    )
    # then
    assert response.status_code == 400
    assert Partnership.objects.count() == 1


def test_coordinator_updates_agendas_of_their_hubs_partnership_and_history_records_it(client_for, coordinator_user):
    # given
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), agendas=["estates"])
    # when
    response = client_for(coordinator_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"agendas": ["leadership", "governance"], "status": "strategic"}
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["agendas"] == ["governance", "leadership"]
    assert response.json()["status"] == "strategic"
    assert PartnershipAgenda.history.filter(partnership_id=partnership.pk, history_type="-").count() == 1
    assert partnership.history.filter(history_type="~", history_user=coordinator_user).exists()


def test_coordinator_of_another_hub_cannot_change_or_delete_a_partnership(client_for, coordinator_user):
    # given
    partnership = PartnershipFactory(status="active")
    # when
    client = client_for(coordinator_user)
    patched = client.patch(f"/api/v1/partnerships/{partnership.pk}/", {"status": "strategic"})
    deleted = client.delete(f"/api/v1/partnerships/{partnership.pk}/")
    # then
    assert patched.status_code == 403 and deleted.status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_coordinator_cannot_move_their_partnership_to_a_college_of_another_hub(client_for, coordinator_user):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    partnership = PartnershipFactory(college=college)
    elsewhere = CollegeFactory(hub=HubFactory())
    # when
    response = client_for(coordinator_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"college": elsewhere.ukprn}
    )
    # then
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.college == college


def test_coordinator_deletes_their_hubs_partnership(client_for, coordinator_user):
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub))
    response = client_for(coordinator_user).delete(f"/api/v1/partnerships/{partnership.pk}/")
    assert response.status_code == 204
    assert not Partnership.objects.exists()
    assert Partnership.history.filter(id=partnership.pk, history_type="-").exists()


def test_partnerships_filter_by_agenda_hub_status_trust_and_search(client_for, ics_user):
    # given
    estates = PartnershipFactory(agendas=["estates", "leadership"], status="strategic")
    other = PartnershipFactory(agendas=["leadership"])
    client = client_for(ics_user)
    # when / then
    def ids(query):
        return [row["id"] for row in client.get(f"/api/v1/partnerships/?{query}").json()["results"]]

    assert ids("agenda=estates") == [estates.pk]
    assert sorted(ids("agenda=leadership")) == sorted([estates.pk, other.pk])
    assert ids(f"hub={estates.college.hub.code}") == [estates.pk]
    assert ids("status=strategic") == [estates.pk]
    assert ids(f"trust={other.trust.ods_code}") == [other.pk]
    assert ids(f"ics={other.ics.code}") == [other.pk]
    assert ids(f"college={other.college.ukprn}") == [other.pk]
    assert ids(f"q={estates.college.name}") == [estates.pk]


@pytest.mark.parametrize("rows", [1, 30])
def test_partnership_and_activity_lists_make_a_bounded_number_of_queries(
    client_for, ics_user, django_assert_max_num_queries, rows
):
    # given
    for _ in range(rows):
        ActivityFactory(partnership=PartnershipFactory(agendas=["estates", "governance"]))
    client = client_for(ics_user)
    # when / then
    for path in ("/api/v1/partnerships/", "/api/v1/activities/", "/api/v1/hubs/"):
        with django_assert_max_num_queries(6):
            assert client.get(path).status_code == 200


def _activity_payload(partnership, **overrides):
    payload = {
        "partnership": partnership.pk, "kind": "industry_placement", "happened_on": "2026-02-01", "learners": 12,
        "placements_offered": 10, "placements_filled": 8, "interviews_guaranteed": 0, "hires": 2, "notes": "",
    }
    payload.update(overrides)
    return payload


def test_coordinator_logs_an_activity_on_their_hubs_partnership(client_for, coordinator_user):
    # given
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub))
    # when
    response = client_for(coordinator_user).post("/api/v1/activities/", _activity_payload(partnership))
    # then
    assert response.status_code == 201, response.json()
    assert set(response.json()) == {
        "id", "partnership", "kind", "happened_on", "learners", "placements_offered", "placements_filled",
        "interviews_guaranteed", "hires", "notes",
    }
    assert Activity.objects.get().history.first().history_user == coordinator_user


def test_coordinator_cannot_log_an_activity_on_another_hubs_partnership(client_for, coordinator_user):
    response = client_for(coordinator_user).post("/api/v1/activities/", _activity_payload(PartnershipFactory()))
    assert response.status_code == 403
    assert not Activity.objects.exists()


@pytest.mark.parametrize("user_fixture", ["ics_user", "college_user"])
def test_other_roles_cannot_log_activities(request, client_for, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = client_for(user).post("/api/v1/activities/", _activity_payload(PartnershipFactory()))
    assert response.status_code == 403
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"placements_filled": 11}, "placements_filled"),
        ({"learners": -1}, "learners"),
        ({"hires": -2}, "hires"),
        ({"kind": "party"}, "kind"),
        ({"kind": "other", "notes": ""}, "notes"),
        ({"happened_on": ""}, "happened_on"),
    ],
)
def test_invalid_activity_is_refused_naming_the_field(client_for, coordinator_user, overrides, field):
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub))
    response = client_for(coordinator_user).post("/api/v1/activities/", _activity_payload(partnership, **overrides))
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Activity.objects.exists()


def test_coordinator_of_another_hub_cannot_change_or_delete_an_activity(client_for, coordinator_user):
    activity = ActivityFactory(learners=10)
    client = client_for(coordinator_user)
    assert client.patch(f"/api/v1/activities/{activity.pk}/", {"learners": 99}).status_code == 403
    assert client.delete(f"/api/v1/activities/{activity.pk}/").status_code == 403
    activity.refresh_from_db()
    assert activity.learners == 10


def test_coordinator_changes_and_deletes_their_hubs_activity(client_for, coordinator_user):
    activity = ActivityFactory(partnership=PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub)))
    client = client_for(coordinator_user)
    assert client.patch(f"/api/v1/activities/{activity.pk}/", {"hires": 4}).json()["hires"] == 4
    assert client.patch(f"/api/v1/activities/{activity.pk}/", {"placements_filled": 99}).status_code == 400
    assert client.delete(f"/api/v1/activities/{activity.pk}/").status_code == 204
    assert not Activity.objects.exists()


def test_activity_list_filters_by_partnership_and_kind(client_for, ics_user):
    first = ActivityFactory(kind="cpd")
    ActivityFactory()
    body = client_for(ics_user).get(f"/api/v1/activities/?partnership={first.partnership_id}&kind=cpd").json()
    assert [row["id"] for row in body["results"]] == [first.pk]


def test_agenda_codes_are_the_published_list():
    assert Agenda.values == [
        "leadership", "communications", "workforce_and_learning", "estates", "governance", "operations",
        "business_development", "widening_participation", "student_wellbeing", "apprenticeships",
        "clinical_services",
    ]


def test_a_coordinator_user_of_the_same_hub_but_inactive_role_reads_only(client_for):
    # a college user of a college inside the hub still cannot write partnerships
    college = CollegeFactory(hub=HubFactory())
    user = UserFactory(college_officer=True, college=college, username="officer2")
    response = client_for(user).post("/api/v1/partnerships/", _partnership_payload(college, TrustFactory()))
    assert response.status_code == 403


@pytest.mark.parametrize("value", ["99999999999999999999999", "1.5", "x"])
def test_an_impossible_partnership_id_filter_is_a_400_not_a_server_error(client_for, ics_user, value):
    response = client_for(ics_user).get(f"/api/v1/activities/?partnership={value}")
    assert response.status_code == 400 and "partnership" in response.json()


def test_a_hub_with_coordinators_cannot_be_deleted_and_says_why(client_for, staff_user, coordinator_user):
    hub = coordinator_user.hub
    response = client_for(staff_user).delete(f"/api/v1/hubs/{hub.code}/")
    assert response.status_code == 400 and "coordinators" in response.json()["non_field_errors"][0]
    assert type(hub).objects.filter(pk=hub.pk).exists()
