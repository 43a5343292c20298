"""Partnerships by role (issue 11, item 1): the occupations a partnership works on, in the API, the
form, the `occupation` filter, the detail page and the history."""

import pytest
from django.test import Client

from hubs.models import Partnership, PartnershipOccupation
from tests.factories import CollegeFactory, OccupationFactory, TrustFactory
from tests.form_data import date_parts
from tests.hubs.factories import ActivityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _payload(college, trust, **overrides):
    payload = {
        "college": college.ukprn, "trust": trust.ods_code, "status": "active", "agendas": ["apprenticeships"],
        "started_on": "2026-01-15", "summary": "Nursing associate apprenticeships.",
    }
    payload.update(overrides)
    return payload


def _codes(partnership):
    return sorted(PartnershipOccupation.objects.filter(partnership=partnership).values_list("occupation__code",
                                                                                            flat=True))


# --- API -----------------------------------------------------------------------------------


def test_a_partnership_is_created_with_the_roles_it_works_on(client_for, coordinator_user):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    nursing = OccupationFactory(code="nursing-associate")
    healthcare = OccupationFactory(code="healthcare-support-worker")
    # when
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/",
        _payload(college, TrustFactory(), occupations=["nursing-associate", "healthcare-support-worker"]),
    )
    # then
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["occupations"]) == ["healthcare-support-worker", "nursing-associate"]
    partnership = Partnership.objects.get(pk=response.json()["id"])
    assert set(partnership.occupations.all()) == {nursing, healthcare}


def test_a_partnership_created_without_roles_works_on_none(client_for, coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    response = client_for(coordinator_user).post("/api/v1/partnerships/", _payload(college, TrustFactory()))
    assert response.status_code == 201, response.json()
    assert response.json()["occupations"] == []


def test_updating_the_roles_replaces_them_and_the_history_names_each(client_for, coordinator_user):
    # given
    old, kept, new = OccupationFactory(), OccupationFactory(), OccupationFactory()
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), occupations=[old, kept])
    # when
    response = client_for(coordinator_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"occupations": [kept.code, new.code]}
    )
    # then
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["occupations"]) == sorted([kept.code, new.code])
    assert _codes(partnership) == sorted([kept.code, new.code])
    history = PartnershipOccupation.history.filter(partnership_id=partnership.pk, history_user=coordinator_user)
    assert sorted((record.history_type, record.occupation_id) for record in history) == sorted(
        [("-", old.pk), ("+", new.pk)]
    )


def test_a_patch_without_occupations_keeps_the_roles(client_for, coordinator_user):
    nursing = OccupationFactory()
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), occupations=[nursing])
    response = client_for(coordinator_user).patch(f"/api/v1/partnerships/{partnership.pk}/", {"status": "strategic"})
    assert response.status_code == 200, response.json()
    assert response.json()["occupations"] == [nursing.code]


def test_an_empty_list_clears_the_roles(client_for, coordinator_user):
    partnership = PartnershipFactory(
        college=CollegeFactory(hub=coordinator_user.hub), occupations=[OccupationFactory()]
    )
    response = client_for(coordinator_user).patch(f"/api/v1/partnerships/{partnership.pk}/", {"occupations": []})
    assert response.status_code == 200, response.json()
    assert _codes(partnership) == []


def test_an_unknown_occupation_code_is_refused_naming_the_field_and_code_and_nothing_changes(
    client_for, coordinator_user
):
    # given
    nursing = OccupationFactory()
    partnership = PartnershipFactory(
        college=CollegeFactory(hub=coordinator_user.hub), occupations=[nursing], status="active"
    )
    # when
    response = client_for(coordinator_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/",
        {"occupations": [nursing.code, "no-such-role"], "status": "strategic"},
    )
    # then
    assert response.status_code == 400
    assert "no-such-role" in " ".join(response.json()["occupations"])
    partnership.refresh_from_db()
    assert partnership.status == "active" and _codes(partnership) == [nursing.code]
    assert partnership.history.count() == 1


def test_an_unknown_occupation_on_create_saves_nothing(client_for, coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    response = client_for(coordinator_user).post(
        "/api/v1/partnerships/", _payload(college, TrustFactory(), occupations=["no-such-role"])
    )
    assert response.status_code == 400 and "no-such-role" in " ".join(response.json()["occupations"])
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("value", ["nursing", [None], [7], [""], {"a": 1}])
def test_malformed_occupations_are_a_400_naming_the_field(client_for, coordinator_user, value):
    OccupationFactory(code="nursing")
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub))
    response = client_for(coordinator_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"occupations": value}, format="json"
    )
    assert response.status_code == 400 and "occupations" in response.json()
    assert _codes(partnership) == []


# --- the filter ------------------------------------------------------------------------------


def test_the_occupation_filter_gives_the_same_rows_on_the_page_and_in_the_api(client_for, ics_user):
    # given
    nursing, other = OccupationFactory(code="nursing-associate"), OccupationFactory()
    on_nursing = PartnershipFactory(occupations=[nursing, other])
    also_nursing = PartnershipFactory(occupations=[nursing])
    PartnershipFactory(occupations=[other])
    PartnershipFactory()
    # when
    api = client_for(ics_user).get("/api/v1/partnerships/?occupation=nursing-associate").json()
    page = _signed_in(ics_user).get("/partnerships/?occupation=nursing-associate")
    # then
    assert sorted(row["id"] for row in api["results"]) == sorted([on_nursing.pk, also_nursing.pk])
    assert sorted(p.pk for p in page.context["object_list"]) == sorted([on_nursing.pk, also_nursing.pk])
    assert api["count"] == 2


def test_the_page_offers_the_occupation_filter_as_a_drop_down_of_roles(ics_user):
    OccupationFactory(code="nursing-associate", name="Nursing associate")
    text = _signed_in(ics_user).get("/partnerships/").content.decode()
    assert "Role it works on" in text
    assert '<option value="nursing-associate">Nursing associate</option>' in text


def test_an_unknown_occupation_filter_finds_nothing(client_for, ics_user):
    PartnershipFactory(occupations=[OccupationFactory()])
    response = client_for(ics_user).get("/api/v1/partnerships/?occupation=no-such-role")
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_the_partnership_list_and_filter_make_a_bounded_number_of_queries(
    client_for, ics_user, django_assert_max_num_queries, rows
):
    nursing = OccupationFactory(code="nursing-associate")
    for _ in range(rows):
        ActivityFactory(partnership=PartnershipFactory(occupations=[nursing, OccupationFactory()]))
    api, page = client_for(ics_user), _signed_in(ics_user)
    for client, path in ((api, "/api/v1/partnerships/?occupation=nursing-associate"),
                         (api, "/api/v1/partnerships/"),
                         (page, "/partnerships/?occupation=nursing-associate")):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200


# --- the form and the detail page ---------------------------------------------------------------


def _form(college, trust, **overrides):
    data = {
        "college": college.pk, "trust": trust.pk, "ics": "", "status": "active",
        **date_parts("started_on", 15, 1, 2026), "summary": "Nursing associates.", "agendas": ["apprenticeships"],
    }
    data.update(overrides)
    return data


def test_the_form_offers_roles_as_nhs_checkboxes(coordinator_user):
    OccupationFactory(name="Nursing associate")
    text = _signed_in(coordinator_user).get("/partnerships/add/").content.decode()
    assert "Roles the partnership works on" in text and "nhsuk-checkboxes__input" in text
    assert "Nursing associate" in text


def test_the_form_saves_the_roles(coordinator_user):
    # given
    nursing = OccupationFactory()
    college = CollegeFactory(hub=coordinator_user.hub)
    # when
    response = _signed_in(coordinator_user).post(
        "/partnerships/add/", _form(college, TrustFactory(), occupations=[nursing.pk]), follow=True
    )
    # then
    partnership = Partnership.objects.get()
    assert response.redirect_chain[-1][0] == f"/partnerships/{partnership.pk}/"
    assert list(partnership.occupations.all()) == [nursing]


def test_editing_the_form_changes_the_roles_and_the_history_shows_it(coordinator_user):
    # given
    old, new = OccupationFactory(name="Old role"), OccupationFactory(name="New role")
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), occupations=[old])
    client = _signed_in(coordinator_user)
    assert client.get(f"/partnerships/{partnership.pk}/edit/").context["form"].initial["occupations"] == [old.pk]
    # when
    response = client.post(
        f"/partnerships/{partnership.pk}/edit/", _form(partnership.college, partnership.trust, occupations=[new.pk]),
        follow=True,
    )
    # then
    assert list(partnership.occupations.all()) == [new]
    actions = {(entry["action"], entry["subject"]) for entry in response.context["history"]}
    assert {("Added role", "New role"), ("Removed role", "Old role")} <= actions


def test_an_unknown_role_on_the_form_saves_nothing(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    response = _signed_in(coordinator_user).post(
        "/partnerships/add/", _form(college, TrustFactory(), occupations=[999999])
    )
    assert response.status_code == 200 and "occupations" in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_the_detail_page_lists_the_roles_it_works_on(ics_user):
    # given
    partnership = PartnershipFactory(
        occupations=[OccupationFactory(name="Nursing associate", code="nursing-associate")]
    )
    # when
    text = _signed_in(ics_user).get(f"/partnerships/{partnership.pk}/").content.decode()
    # then
    assert "Roles it works on" in text and "Nursing associate" in text
    assert "/partnerships/?occupation=nursing-associate" in text


def test_the_detail_page_says_when_no_role_is_recorded(ics_user):
    text = _signed_in(ics_user).get(f"/partnerships/{PartnershipFactory().pk}/").content.decode()
    assert "No particular role recorded" in text


def test_deleting_a_partnership_records_its_roles_leaving(client_for, coordinator_user):
    nursing = OccupationFactory()
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), occupations=[nursing])
    assert client_for(coordinator_user).delete(f"/api/v1/partnerships/{partnership.pk}/").status_code == 204
    assert PartnershipOccupation.history.filter(
        partnership_id=partnership.pk, history_type="-", history_user=coordinator_user
    ).count() == 1


def test_the_partnership_list_shows_the_roles_each_works_on(ics_user):
    PartnershipFactory(occupations=[OccupationFactory(name="Nursing associate")])
    text = _signed_in(ics_user).get("/partnerships/").content.decode()
    assert "Roles it works on" in text and "Nursing associate" in text
