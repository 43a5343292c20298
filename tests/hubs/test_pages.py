"""The hub pages: what they show, that writes stay in scope, and that query counts do not grow with rows."""

import datetime as dt

import pytest
from django.test import Client

from hubs.models import Activity, CaseStudy, Contact, Partnership, PartnershipAgenda
from tests.factories import CollegeFactory, HubFactory, IntegratedCareSystemFactory, TrustFactory, UserFactory
from tests.form_data import date_parts
from tests.hubs.factories import ActivityFactory, CaseStudyFactory, ContactFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _own_partnership(user, **kwargs):
    kwargs.setdefault("college", CollegeFactory(hub=user.hub))
    return PartnershipFactory(**kwargs)


def _linked_contact(partnership, agendas, **kwargs):
    contact = ContactFactory(partnership=partnership, **kwargs)
    for link in partnership.agenda_links.filter(agenda__in=agendas):
        link.contacts.add(contact)
    return contact


# --- reading -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/hubs/", "/partnerships/", "/front-door/", "/good-practice/", "/partnerships/add/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_hub_page_shows_colleges_partnerships_and_activity_totals_by_kind_and_year(ics_user):
    # given
    hub = HubFactory()
    partnership = PartnershipFactory(college=CollegeFactory(hub=hub, name="Riverside College"))
    ActivityFactory(partnership=partnership, kind="careers_event", happened_on=dt.date(2025, 3, 1), learners=40)
    ActivityFactory(partnership=partnership, kind="careers_event", happened_on=dt.date(2025, 6, 1), learners=60)
    ActivityFactory(partnership=partnership, kind="cpd", happened_on=dt.date(2026, 1, 1), learners=5)
    ActivityFactory(kind="cpd", learners=999)  # another hub's
    # when
    response = _signed_in(ics_user).get(f"/hubs/{hub.code}/")
    # then
    assert response.status_code == 200
    totals = response.context["totals"]
    assert [(row["year"], row["kind"], row["count"], row["learners"]) for row in totals["rows"]] == [
        (2026, "cpd", 1, 5),
        (2025, "careers_event", 2, 100),
    ]
    assert totals["grand"]["learners"] == 105
    assert "Riverside College" in response.content.decode()


def test_readers_get_no_edit_controls(ics_user):
    partnership = PartnershipFactory()
    body = _signed_in(ics_user).get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "Change the partnership" not in body and "Log an activity" not in body and "Add a contact" not in body


def test_relationship_map_puts_each_contact_under_their_agenda_and_team(ics_user):
    # given
    partnership = PartnershipFactory(agendas=["estates", "apprenticeships"])
    estates_lead = _linked_contact(partnership, ["estates"], team="corporate_and_capital", name="Erin Estates")
    _linked_contact(partnership, ["apprenticeships"], side="trust", team="", name="Nadia NHS")
    # when
    response = _signed_in(ics_user).get(f"/partnerships/{partnership.pk}/")
    # then
    rows = {row["agenda"]: row for row in response.context["relationship_map"]}
    assert list(rows) == ["estates", "apprenticeships"]
    teams = [code for code, _ in response.context["teams"]]
    assert rows["estates"]["cells"][teams.index("corporate_and_capital")] == [estates_lead]
    assert [c.name for c in rows["apprenticeships"]["nhs"]] == ["Nadia NHS"]
    assert rows["apprenticeships"]["cells"] == [[] for _ in teams]


def _add_rows(hub, partnership, count):
    """`count` more of everything a hub page lists: partnerships, activities, contacts, history, case studies."""
    for number in range(count):
        other = PartnershipFactory(college=CollegeFactory(hub=hub), agendas=["estates"])
        ActivityFactory(partnership=partnership, kind=["cpd", "careers_event"][number % 2],
                        happened_on=dt.date(2020 + number % 5, 1, 1))
        ActivityFactory(partnership=other)
        _linked_contact(partnership, ["estates", "governance"], team="course_leaders")
        _linked_contact(partnership, ["operations"], side="trust", team="")
        CaseStudyFactory(hub=hub, colleges=[partnership.college, other.college]).trusts.add(other.trust)
        partnership.summary = f"Changed {number}"
        partnership.save()


def test_every_hub_page_makes_the_same_number_of_queries_for_1_and_31_rows(client):
    # given: one of everything
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hub = HubFactory()
    partnership = PartnershipFactory(college=CollegeFactory(hub=hub), agendas=["estates", "governance", "operations"])
    _add_rows(hub, partnership, 1)
    coordinator = UserFactory(coordinator=True, hub=hub, username="boundcoordinator")
    staff = UserFactory(staff=True, username="boundstaff")
    activity = partnership.activities.first()
    contact = partnership.contacts.first()
    case_study = CaseStudy.objects.first()
    pages = [
        "/hubs/", f"/hubs/{hub.code}/", "/partnerships/", "/partnerships/?agenda=estates&q=College",
        f"/partnerships/{partnership.pk}/", f"/partnerships/{partnership.pk}/edit/",
        f"/partnerships/{partnership.pk}/delete/", f"/partnerships/{partnership.pk}/contacts/add/",
        f"/contacts/{contact.pk}/edit/", f"/partnerships/{partnership.pk}/activities/add/",
        f"/activities/{activity.pk}/", f"/activities/{activity.pk}/edit/", "/front-door/",
        f"/front-door/?trust={partnership.trust.ods_code}", f"/front-door/?college={partnership.college.ukprn}",
        f"/front-door/?ics={partnership.ics.code}&agenda=estates", "/good-practice/",
        "/good-practice/?q=Case&organisation=College", f"/good-practice/{case_study.pk}/", "/good-practice/add/",
        f"/good-practice/{case_study.pk}/edit/",
    ]
    staff_pages = ["/hubs/add/", f"/hubs/{hub.code}/edit/"]

    def counts():
        result = {}
        for user, paths in ((coordinator, pages), (staff, staff_pages)):
            client.force_login(user)
            for path in paths:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path).status_code == 200, path
                result[path] = len(queries)
        return result

    few = counts()
    # when: thirty more of everything
    _add_rows(hub, partnership, 30)
    many = counts()
    # then
    assert many == few
    assert max(few.values()) <= 20, few


def test_partnership_list_filters_on_the_page_as_in_the_api(ics_user):
    # given
    estates = PartnershipFactory(agendas=["estates"], status="strategic")
    PartnershipFactory(agendas=["leadership"])
    client = _signed_in(ics_user)
    # when
    by_agenda = client.get("/partnerships/?agenda=estates").context["object_list"]
    by_hub = client.get(f"/partnerships/?hub={estates.college.hub.code}&status=strategic").context["object_list"]
    # then
    assert list(by_agenda) == [estates]
    assert list(by_hub) == [estates]


# --- partnerships: create, edit, delete ----------------------------------------------------------


def _partnership_form(for_college, with_trust=None, **overrides):
    data = {
        "college": for_college.pk,
        "trust": with_trust.pk if with_trust else "",
        "ics": "",
        "status": "active",
        **date_parts("started_on", 15, 1, 2026),
        "summary": "Placements for T Level learners.",
        "agendas": ["estates", "apprenticeships"],
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_partnership_and_is_told_so(coordinator_user):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    trust = TrustFactory()
    # when
    response = _signed_in(coordinator_user).post("/partnerships/add/", _partnership_form(college, trust), follow=True)
    # then
    partnership = Partnership.objects.get()
    assert response.redirect_chain[-1][0] == f"/partnerships/{partnership.pk}/"
    assert partnership.ics == trust.ics and sorted(partnership.agenda_codes) == ["apprenticeships", "estates"]
    assert "was added" in response.content.decode()
    assert partnership.history.get().history_user == coordinator_user


def test_partnership_form_offers_a_coordinator_only_their_hubs_colleges(coordinator_user):
    mine = CollegeFactory(hub=coordinator_user.hub, name="Mine College")
    CollegeFactory(hub=HubFactory(), name="Elsewhere College")
    body = _signed_in(coordinator_user).get("/partnerships/add/").content.decode()
    assert mine.name in body and "Elsewhere College" not in body


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"agendas": []}, "agendas", "Choose at least one agenda."),
        ({"agendas": ["catering"]}, "agendas", "Select a valid choice"),
        ({"summary": ""}, "summary", "Enter a summary of the partnership."),
        (date_parts("started_on"), "started_on", "Enter the date the partnership started."),
        (date_parts("started_on", 31, 2, 2026), "started_on", "Start date must be a real date"),
        (date_parts("started_on", 1, 9, 2099), "started_on", "Enter a date between 1 January 2000 and"),
        (date_parts("started_on", 15, "", 2026), "started_on", "Start date must include a month"),
        ({"summary": "x" * 2001}, "summary", "Summary must be 2,000 characters or fewer"),
        ({"college": ""}, "college", "Choose the college."),
        ({"status": "dormant"}, "status", "Select a valid choice"),
        ({"trust": ""}, "trust", "Choose a trust, or an ICS to partner with as a whole."),
    ],
)
def test_invalid_partnership_form_shows_the_error_summary_and_saves_nothing(coordinator_user, overrides, field,
                                                                             message):
    # given
    college = CollegeFactory(hub=coordinator_user.hub)
    # when
    response = _signed_in(coordinator_user).post("/partnerships/add/", _partnership_form(college, TrustFactory(),
                                                                                          **overrides))
    # then
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and f'href="#id_{field}' in body
    assert not Partnership.objects.exists() and not PartnershipAgenda.objects.exists()


def test_partnership_form_uses_nhs_checkboxes_the_date_input_and_a_character_count(coordinator_user):
    # when
    body = _signed_in(coordinator_user).get("/partnerships/add/").content.decode()
    # then the agendas are checkboxes (not radio buttons), the status radios
    assert '<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">' in body
    assert 'class="nhsuk-checkboxes__input" id="id_agendas_0" name="agendas" type="checkbox"' in body
    assert body.count('class="nhsuk-radios__input"') == 3
    # and the start date is three inputs in a fieldset, not the browser's date picker
    assert '<div class="nhsuk-date-input" id="id_started_on">' in body
    assert all(f'name="started_on_{part}"' in body for part in ("day", "month", "year"))
    assert 'type="date"' not in body
    # and the summary counts towards its limit without the browser cutting it
    assert 'data-module="nhsuk-character-count" data-maxlength="2000"' in body
    assert " maxlength=" not in body


def test_partnership_with_a_start_date_in_2099_is_refused_and_nothing_saved(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    data = _partnership_form(college, TrustFactory(), **date_parts("started_on", 1, 9, 2099))
    response = _signed_in(coordinator_user).post("/partnerships/add/", data)
    assert response.status_code == 200
    assert '<a href="#id_started_on_day">Enter a date between 1 January 2000' in response.content.decode()
    assert not Partnership.objects.exists()


def test_an_over_long_summary_is_refused_not_cut(coordinator_user):
    # given a partnership, and an edit with a summary one character over the limit
    partnership = _own_partnership(coordinator_user, summary="Short summary")
    data = _partnership_form(partnership.college, partnership.trust, summary="y" * 2001)
    # when
    response = _signed_in(coordinator_user).post(f"/partnerships/{partnership.pk}/edit/", data)
    # then the page says why, shows the text back whole, and nothing is saved
    body = response.content.decode()
    assert response.status_code == 200 and "Summary must be 2,000 characters or fewer" in body
    assert "y" * 2001 in body
    partnership.refresh_from_db()
    assert partnership.summary == "Short summary"


def test_an_ics_other_than_the_trusts_is_refused_on_the_form(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    data = _partnership_form(college, TrustFactory(), ics=IntegratedCareSystemFactory().pk)
    response = _signed_in(coordinator_user).post("/partnerships/add/", data)
    assert response.status_code == 200 and "ics" in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_a_second_partnership_with_the_same_trust_is_refused_on_the_form(coordinator_user):
    existing = _own_partnership(coordinator_user)
    response = _signed_in(coordinator_user).post("/partnerships/add/", _partnership_form(existing.college,
                                                                                          existing.trust))
    assert response.status_code == 200 and "already has a partnership" in response.content.decode()
    assert Partnership.objects.count() == 1


def test_partnership_with_an_ics_as_a_whole(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    ics = IntegratedCareSystemFactory()
    response = _signed_in(coordinator_user).post("/partnerships/add/", _partnership_form(college, None, ics=ics.pk))
    assert response.status_code == 302
    assert Partnership.objects.get().trust is None and Partnership.objects.get().ics == ics


def test_coordinator_cannot_add_a_partnership_for_a_college_outside_their_hub(coordinator_user):
    college = CollegeFactory(hub=HubFactory())
    response = _signed_in(coordinator_user).post("/partnerships/add/", _partnership_form(college, TrustFactory()))
    assert response.status_code == 403
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("user_fixture", ["ics_user", "college_user"])
def test_other_roles_cannot_open_or_post_the_partnership_form(request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client = _signed_in(user)
    assert client.get("/partnerships/add/").status_code == 403
    college = CollegeFactory(hub=HubFactory())
    assert client.post("/partnerships/add/", _partnership_form(college, TrustFactory())).status_code == 403
    assert not Partnership.objects.exists()


def test_coordinator_edits_their_partnership_and_the_history_shows_what_changed(coordinator_user):
    # given
    partnership = _own_partnership(coordinator_user, status="exploring", agendas=["estates"])
    data = _partnership_form(partnership.college, partnership.trust, status="strategic", agendas=["leadership"])
    client = _signed_in(coordinator_user)
    # when
    response = client.post(f"/partnerships/{partnership.pk}/edit/", data, follow=True)
    # then
    assert "was updated" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == "strategic" and partnership.agenda_codes == ["leadership"]
    history = response.context["history"]
    status_change = next(e for e in history if e["action"] == "Changed")
    assert {"field": "Status", "old": "Exploring", "new": "Strategic"} in status_change["changes"]
    assert status_change["who"] == coordinator_user
    assert {e["action"] for e in history} >= {"Added agenda", "Removed agenda"}


def test_rejected_edit_changes_nothing(coordinator_user):
    partnership = _own_partnership(coordinator_user, status="active", agendas=["estates"])
    data = _partnership_form(partnership.college, partnership.trust, status="strategic", agendas=[])
    response = _signed_in(coordinator_user).post(f"/partnerships/{partnership.pk}/edit/", data)
    assert response.status_code == 200
    partnership.refresh_from_db()
    assert partnership.status == "active" and partnership.agenda_codes == ["estates"]
    assert partnership.history.count() == 1


def test_coordinator_of_another_hub_gets_403_on_edit_and_delete_and_nothing_changes(coordinator_user):
    # given
    partnership = PartnershipFactory(status="active")
    client = _signed_in(coordinator_user)
    data = _partnership_form(partnership.college, partnership.trust, status="strategic")
    # when / then
    assert client.get(f"/partnerships/{partnership.pk}/edit/").status_code == 403
    assert client.post(f"/partnerships/{partnership.pk}/edit/", data).status_code == 403
    assert client.get(f"/partnerships/{partnership.pk}/delete/").status_code == 403
    assert client.post(f"/partnerships/{partnership.pk}/delete/").status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_delete_asks_first_then_deletes_with_its_activities(coordinator_user):
    # given
    partnership = _own_partnership(coordinator_user)
    ActivityFactory(partnership=partnership)
    client = _signed_in(coordinator_user)
    # when
    confirm = client.get(f"/partnerships/{partnership.pk}/delete/")
    response = client.post(f"/partnerships/{partnership.pk}/delete/", follow=True)
    # then
    assert "Are you sure" in confirm.content.decode() and "1 logged activity" in confirm.content.decode()
    assert "was deleted" in response.content.decode()
    assert not Partnership.objects.exists() and not Activity.objects.exists()


def test_posts_without_the_csrf_token_are_refused(coordinator_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator_user)
    college = CollegeFactory(hub=coordinator_user.hub)
    response = client.post("/partnerships/add/", _partnership_form(college, TrustFactory()))
    assert response.status_code == 403
    assert not Partnership.objects.exists()


# --- contacts ----------------------------------------------------------------------------------


def _contact_form(**overrides):
    data = {
        "side": "college", "team": "senior_leadership", "name": "Ada Lovelace", "job_title": "Vice principal",
        "email": "ada@example.org", "phone": "", "agendas": ["estates"],
    }
    data.update(overrides)
    return data


def test_coordinator_names_a_contact_for_an_agenda(coordinator_user):
    partnership = _own_partnership(coordinator_user, agendas=["estates", "governance"])
    response = _signed_in(coordinator_user).post(f"/partnerships/{partnership.pk}/contacts/add/", _contact_form(),
                                                  follow=True)
    contact = Contact.objects.get()
    assert [link.agenda for link in contact.agenda_links.all()] == ["estates"]
    assert "Ada Lovelace" in response.content.decode() and "was added as a contact" in response.content.decode()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"job_title": ""}, "job_title"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"side": ""}, "side"),
        ({"team": ""}, "team"),  # a college contact needs a team
        ({"side": "trust"}, "team"),  # an NHS contact has none
        ({"agendas": ["leadership"]}, "agendas"),  # not an agenda of this partnership
    ],
)
def test_invalid_contact_form_saves_nothing(coordinator_user, overrides, field):
    partnership = _own_partnership(coordinator_user, agendas=["estates"])
    response = _signed_in(coordinator_user).post(
        f"/partnerships/{partnership.pk}/contacts/add/", _contact_form(**overrides)
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_college_user_edits_their_own_colleges_contacts_only(college_user):
    # given
    partnership = PartnershipFactory(college=college_user.college, agendas=["estates"])
    own = _linked_contact(partnership, ["estates"], name="College Person")
    nhs = _linked_contact(partnership, ["estates"], side="trust", team="", name="NHS Person")
    elsewhere = ContactFactory()
    client = _signed_in(college_user)
    # when
    changed = client.post(f"/contacts/{own.pk}/edit/", _contact_form(name="Renamed Person"))
    refused_nhs = client.post(f"/contacts/{nhs.pk}/edit/", _contact_form(side="trust", team="", name="X"))
    refused_elsewhere = client.post(f"/contacts/{elsewhere.pk}/edit/", _contact_form(name="Y"))
    # then
    assert changed.status_code == 302
    assert refused_nhs.status_code == 403 and refused_elsewhere.status_code == 403
    assert {c.name for c in Contact.objects.all()} == {"Renamed Person", "NHS Person", elsewhere.name}


def test_college_user_adds_a_college_contact_but_not_an_nhs_one(college_user):
    partnership = PartnershipFactory(college=college_user.college, agendas=["estates"])
    client = _signed_in(college_user)
    assert client.post(f"/partnerships/{partnership.pk}/contacts/add/", _contact_form()).status_code == 302
    refused = client.post(f"/partnerships/{partnership.pk}/contacts/add/", _contact_form(side="trust", team=""))
    assert refused.status_code == 200 and "side" in refused.context["form"].errors
    assert Contact.objects.count() == 1


def test_other_users_cannot_add_or_delete_contacts(coordinator_user, college_user, ics_user):
    partnership = PartnershipFactory(agendas=["estates"])
    contact = ContactFactory(partnership=partnership)
    for user in (coordinator_user, college_user, ics_user):
        client = _signed_in(user)
        assert client.get(f"/partnerships/{partnership.pk}/contacts/add/").status_code == 403
        assert client.post(f"/partnerships/{partnership.pk}/contacts/add/", _contact_form()).status_code == 403
        assert client.post(f"/contacts/{contact.pk}/delete/").status_code == 403
    assert list(Contact.objects.all()) == [contact]


def test_coordinator_deletes_a_contact_after_confirming(coordinator_user):
    contact = ContactFactory(partnership=_own_partnership(coordinator_user))
    client = _signed_in(coordinator_user)
    assert "Are you sure" in client.get(f"/contacts/{contact.pk}/delete/").content.decode()
    assert client.post(f"/contacts/{contact.pk}/delete/").status_code == 302
    assert not Contact.objects.exists()


# --- activities --------------------------------------------------------------------------------


def _activity_form(**overrides):
    data = {
        "kind": "industry_placement", **date_parts("happened_on", 1, 2, 2026), "learners": "12",
        "placements_offered": "10", "placements_filled": "8", "interviews_guaranteed": "0", "hires": "2", "notes": "",
    }
    data.update(overrides)
    return data


def test_coordinator_logs_an_activity_and_sees_it_in_the_totals(coordinator_user):
    partnership = _own_partnership(coordinator_user)
    response = _signed_in(coordinator_user).post(f"/partnerships/{partnership.pk}/activities/add/",
                                                  _activity_form(), follow=True)
    assert "was logged" in response.content.decode()
    assert response.context["totals"]["grand"]["placements_filled"] == 8


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"placements_filled": "11"}, "placements_filled"),
        ({"learners": "-1"}, "learners"),
        ({"placements_offered": "-3", "placements_filled": "0"}, "placements_offered"),
        ({"interviews_guaranteed": "-1"}, "interviews_guaranteed"),
        ({"hires": "two"}, "hires"),
        ({"hires": ""}, "hires"),
        ({"kind": ""}, "kind"),
        ({"kind": "party"}, "kind"),
        ({"kind": "other", "notes": ""}, "notes"),
        (date_parts("happened_on"), "happened_on"),
        (date_parts("happened_on", 1, 13, 2026), "happened_on"),
        (date_parts("happened_on", 10, 2, 2099), "happened_on"),
        ({"kind": "other", "notes": "z" * 2001}, "notes"),
    ],
)
def test_invalid_activity_form_saves_nothing(coordinator_user, overrides, field):
    partnership = _own_partnership(coordinator_user)
    response = _signed_in(coordinator_user).post(
        f"/partnerships/{partnership.pk}/activities/add/", _activity_form(**overrides)
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Activity.objects.exists()


def test_only_the_hubs_coordinator_logs_changes_or_deletes_activities(coordinator_user, ics_user, college_user):
    # given
    activity = ActivityFactory(learners=10)
    partnership = activity.partnership
    # when / then
    for user in (coordinator_user, ics_user, college_user):
        client = _signed_in(user)
        assert client.get(f"/partnerships/{partnership.pk}/activities/add/").status_code == 403
        assert client.post(f"/partnerships/{partnership.pk}/activities/add/", _activity_form()).status_code == 403
        assert client.post(f"/activities/{activity.pk}/edit/", _activity_form(learners="99")).status_code == 403
        assert client.post(f"/activities/{activity.pk}/delete/").status_code == 403
    activity.refresh_from_db()
    assert activity.learners == 10 and Activity.objects.count() == 1


def test_activity_edit_is_kept_in_its_history(coordinator_user):
    activity = ActivityFactory(partnership=_own_partnership(coordinator_user), learners=10)
    client = _signed_in(coordinator_user)
    client.post(f"/activities/{activity.pk}/edit/", _activity_form(learners="25"))
    response = client.get(f"/activities/{activity.pk}/")
    changed = response.context["history"][0]
    assert changed["action"] == "Changed" and changed["who"] == coordinator_user
    assert {"field": "Learners reached", "old": 10, "new": 25} in changed["changes"]


def test_coordinator_deletes_an_activity_after_confirming(coordinator_user):
    activity = ActivityFactory(partnership=_own_partnership(coordinator_user))
    client = _signed_in(coordinator_user)
    assert "Are you sure" in client.get(f"/activities/{activity.pk}/delete/").content.decode()
    response = client.post(f"/activities/{activity.pk}/delete/", follow=True)
    assert "was deleted" in response.content.decode() and not Activity.objects.exists()
    assert Activity.history.filter(id=activity.pk, history_type="-").exists()


# --- front door --------------------------------------------------------------------------------


def test_front_door_names_the_trusts_contact_for_an_agenda_and_the_covering_hub(ics_user):
    # given
    hub = HubFactory()
    trust = TrustFactory(ics=IntegratedCareSystemFactory(region=hub.region))
    UserFactory(coordinator=True, hub=hub, username="frontcoordinator", email="hub@example.org")
    partnership = PartnershipFactory(trust=trust, college=CollegeFactory(hub=hub), agendas=["estates", "leadership"])
    _linked_contact(partnership, ["estates"], side="trust", team="", name="Estates Director")
    _linked_contact(partnership, ["leadership"], side="trust", team="", name="Chief Executive")
    # when
    response = _signed_in(ics_user).get(f"/front-door/?trust={trust.ods_code}&agenda=estates")
    # then
    body = response.content.decode()
    assert "Estates Director" in body and "Chief Executive" not in body
    assert response.context["result"]["hub"] == hub and "hub@example.org" in body


def test_front_door_finds_contacts_for_a_college_and_for_an_ics(ics_user):
    partnership = PartnershipFactory(agendas=["governance"])
    _linked_contact(partnership, ["governance"], name="Governance Clerk", team="senior_leadership")
    client = _signed_in(ics_user)
    assert "Governance Clerk" in client.get(f"/front-door/?college={partnership.college.ukprn}").content.decode()
    assert "Governance Clerk" in client.get(f"/front-door/?ics={partnership.ics.code}").content.decode()


@pytest.mark.parametrize(
    "query, message",
    [("agenda=estates", "Choose a trust, a college or an ICS."), ("trust={trust}&college={college}", "only one")],
)
def test_front_door_asks_for_exactly_one_organisation(ics_user, query, message):
    trust, college = TrustFactory(), CollegeFactory()
    response = _signed_in(ics_user).get("/front-door/?" + query.format(trust=trust.ods_code, college=college.ukprn))
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["result"] is None


# --- good practice -----------------------------------------------------------------------------


def _case_study_form(college, **overrides):
    data = {
        "title": "Shared placements", "agenda": "workforce_and_learning", "colleges": [college.pk],
        "summary": "What we did.", "learners": "30", "placements_filled": "12", "hires": "3", "outcome": "",
    }
    data.update(overrides)
    return data


def test_coordinator_publishes_a_case_study_for_their_hub(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    response = _signed_in(coordinator_user).post("/good-practice/add/", _case_study_form(college), follow=True)
    case_study = CaseStudy.objects.get()
    assert case_study.hub == coordinator_user.hub and case_study.written_by == coordinator_user
    assert "was published" in response.content.decode()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"agenda": ""}, "agenda"),
        ({"summary": ""}, "summary"),
        ({"colleges": []}, "colleges"),
        ({"learners": "-5"}, "learners"),
        ({"hires": "-1"}, "hires"),
    ],
)
def test_invalid_case_study_saves_nothing(coordinator_user, overrides, field):
    college = CollegeFactory(hub=coordinator_user.hub)
    response = _signed_in(coordinator_user).post("/good-practice/add/", _case_study_form(college, **overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not CaseStudy.objects.exists()


def test_case_studies_are_written_by_their_hubs_coordinators_only(coordinator_user, ics_user, college_user):
    case_study = CaseStudyFactory(title="Original")
    for user in (coordinator_user, ics_user, college_user):
        client = _signed_in(user)
        assert client.get(f"/good-practice/{case_study.pk}/edit/").status_code == 403
        assert client.post(f"/good-practice/{case_study.pk}/delete/").status_code == 403
    for user in (ics_user, college_user):
        assert _signed_in(user).get("/good-practice/add/").status_code == 403
    case_study.refresh_from_db()
    assert case_study.title == "Original"


def test_coordinator_edits_and_deletes_their_hubs_case_study(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    case_study = CaseStudyFactory(hub=coordinator_user.hub, colleges=[college])
    client = _signed_in(coordinator_user)
    assert client.post(f"/good-practice/{case_study.pk}/edit/", _case_study_form(college, title="New")).status_code \
        == 302
    case_study.refresh_from_db()
    assert case_study.title == "New"
    assert client.post(f"/good-practice/{case_study.pk}/delete/").status_code == 302
    assert not CaseStudy.objects.exists()


def test_good_practice_is_searchable_and_filterable(ics_user):
    # given
    hub = HubFactory()
    trust = TrustFactory(name="Mersey Test Trust")
    wanted = CaseStudyFactory(hub=hub, title="Estates sharing", agenda="estates", summary="A shared sports hall.")
    wanted.trusts.add(trust)
    CaseStudyFactory(title="Careers fair", agenda="workforce_and_learning")
    client = _signed_in(ics_user)

    def titles(query):
        return [c.title for c in client.get(f"/good-practice/?{query}").context["object_list"]]

    # when / then
    assert titles("q=sports+hall") == ["Estates sharing"]
    assert titles("agenda=estates") == ["Estates sharing"]
    assert titles(f"hub={hub.code}") == ["Estates sharing"]
    assert titles("organisation=Mersey") == ["Estates sharing"]
    assert titles(f"organisation={trust.ods_code}") == ["Estates sharing"]


# --- hubs: written by staff ----------------------------------------------------------------------


def test_staff_set_up_a_hub_with_its_member_colleges_and_host(staff_user):
    # given
    ics = IntegratedCareSystemFactory()
    host, member = CollegeFactory(ics=ics), CollegeFactory(ics=ics, hub=HubFactory())
    data = {"region": ics.region.pk, "name": "New hub", "host_college": host.pk, "colleges": [host.pk, member.pk]}
    # when
    response = _signed_in(staff_user).post("/hubs/add/", data, follow=True)
    # then
    hub = ics.region.hub
    assert response.redirect_chain[-1][0] == f"/hubs/{hub.code}/" and "was added" in response.content.decode()
    assert set(hub.colleges.all()) == {host, member} and hub.host_college == host


def test_hub_form_offers_member_colleges_as_nhs_checkboxes(staff_user):
    CollegeFactory(name="Riverside College")
    body = _signed_in(staff_user).get("/hubs/add/").content.decode()
    assert '<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">' in body
    assert 'name="colleges" type="checkbox"' in body and "Riverside College</label>" in body
    assert "<select name=\"colleges\"" not in body


@pytest.mark.parametrize(
    "overrides, field",
    [({"name": ""}, "name"), ({"region": ""}, "region"), ({"colleges": []}, "host_college"), ({"region": "taken"},
                                                                                              "region")],
)
def test_invalid_hub_form_saves_nothing(staff_user, overrides, field):
    ics = IntegratedCareSystemFactory()
    host = CollegeFactory(ics=ics)
    taken = HubFactory()
    data = {"region": ics.region.pk, "name": "New hub", "host_college": host.pk, "colleges": [host.pk]}
    data.update(overrides)
    if data["region"] == "taken":
        data["region"] = taken.region.pk
    response = _signed_in(staff_user).post("/hubs/add/", data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert list(type(taken).objects.all()) == [taken] and host.__class__.objects.get(pk=host.pk).hub is None


def test_staff_change_a_hubs_members_and_a_college_left_out_leaves_the_hub(staff_user):
    hub = HubFactory()
    stays, leaves = CollegeFactory(hub=hub), CollegeFactory(hub=hub)
    data = {"region": hub.region.pk, "name": "Renamed hub", "host_college": stays.pk, "colleges": [stays.pk]}
    assert _signed_in(staff_user).post(f"/hubs/{hub.code}/edit/", data).status_code == 302
    leaves.refresh_from_db()
    hub.refresh_from_db()
    assert hub.name == "Renamed hub" and leaves.hub is None and stays.hub == hub


def test_only_staff_add_change_or_delete_hubs(coordinator_user, ics_user, college_user):
    hub = coordinator_user.hub
    for user in (coordinator_user, ics_user, college_user):
        client = _signed_in(user)
        assert client.get("/hubs/add/").status_code == 403
        assert client.get(f"/hubs/{hub.code}/edit/").status_code == 403
        assert client.post(f"/hubs/{hub.code}/edit/", {"region": hub.region.pk, "name": "X"}).status_code == 403
        assert client.post(f"/hubs/{hub.code}/delete/").status_code == 403
    hub.refresh_from_db()
    assert hub.name != "X"


def test_a_hub_with_coordinators_is_not_deleted_and_the_page_says_why(staff_user, coordinator_user):
    hub = coordinator_user.hub
    response = _signed_in(staff_user).post(f"/hubs/{hub.code}/delete/", follow=True)
    assert "still has coordinators" in response.content.decode()
    assert type(hub).objects.filter(pk=hub.pk).exists()


def test_staff_delete_an_unused_hub_after_confirming(staff_user):
    hub = HubFactory()
    client = _signed_in(staff_user)
    assert "Are you sure" in client.get(f"/hubs/{hub.code}/delete/").content.decode()
    assert client.post(f"/hubs/{hub.code}/delete/").status_code == 302
    assert not type(hub).objects.filter(pk=hub.pk).exists()
