"""The shared frame: home, about the data, sign in and out (with lockout), error pages, write views."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from core.models import DataLoad
from portal.views import server_error
from tests.factories import IntegratedCareSystemFactory, TrustFactory, UserFactory
from trusts.models import Trust

PASSWORD = "correct-horse-battery"  # UserFactory's password


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Home and the frame ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_explains_the_portal_to_anonymous_visitors_and_offers_sign_in(client):
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    page = text(response)
    for audience in ("Employer hub coordinators", "ICS people boards", "Colleges", "Without signing in"):
        assert audience in page
    assert 'href="/login/"' in page
    assert "<title>Home – Health and care workforce portal</title>" in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_the_frame_has_a_skip_link_landmarks_and_the_nhs_assets(client):
    # when
    page = text(client.get("/"))
    # then
    assert '<html lang="en-GB">' in page
    assert 'href="#maincontent"' in page and 'id="maincontent"' in page
    assert "nhsuk-frontend.min.css" in page and "portal/init.js" in page  # init.js imports nhsuk-frontend.min.js
    assert "Health and care workforce portal" in page
    assert "Open Government Licence" in page and 'href="/about/data/"' in page


@pytest.mark.django_db
def test_anonymous_navigation_offers_only_public_pages(client):
    # given the reference pages exist
    assert reverse("trusts:trust_list")
    # when
    page = text(client.get("/"))
    # then Home is offered and marked current, the signed-in sections are not
    assert 'aria-current="page"' in page
    assert 'href="/trusts/"' not in page
    assert 'href="/integrated-care-systems/"' not in page


@pytest.mark.django_db
def test_signed_in_navigation_lists_the_reference_sections_and_marks_the_current_one(staff_user):
    # when
    page = text(signed_in(staff_user).get("/trusts/"))
    # then
    for href in ("/regions/", "/integrated-care-systems/", "/trusts/", "/colleges/"):
        assert f'href="{href}"' in page
    assert re.search(r'href="/trusts/" aria-current="page"', page)


@pytest.mark.django_db
def test_ics_analyst_sees_a_shortcut_to_their_own_ics(ics_user):
    # when
    page = text(signed_in(ics_user).get("/"))
    # then
    assert "Your shortcuts" in page
    assert f'href="/integrated-care-systems/{ics_user.ics.code}/"' in page
    assert "ICS people board analyst" in page


@pytest.mark.django_db
def test_college_officer_sees_a_shortcut_to_their_own_college(college_user):
    # when
    page = text(signed_in(college_user).get("/"))
    # then
    assert f'href="/colleges/{college_user.college.ukprn}/"' in page


@pytest.mark.django_db
def test_demo_banner_shows_only_while_generated_data_is_loaded(client):
    # given only published reference data
    DataLoad.objects.create(kind=DataLoad.Kind.REFERENCE, description="ODS trusts")
    # then
    assert "Demonstration data" not in text(client.get("/"))
    # given generated data too
    DataLoad.objects.create(kind=DataLoad.Kind.DEMO, description="demo vacancies")
    # then
    page = text(client.get("/"))
    assert "Demonstration data" in page
    assert "not real" in page


# --- About the data -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_about_the_data_says_what_is_real_what_is_generated_and_the_licence(client):
    # given
    DataLoad.objects.create(kind=DataLoad.Kind.REFERENCE, description="NHS trusts from ODS")
    DataLoad.objects.create(kind=DataLoad.Kind.DEMO, description="Generated vacancies")
    # when
    response = client.get("/about/data/")
    # then public and readable without signing in
    assert response.status_code == 200
    page = text(response)
    assert "Real data" in page and "generated, not real" in page
    assert "Open Government Licence v3.0" in page
    assert "NHS trusts from ODS" in page and "Generated vacancies" in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_about_the_data_says_where_the_standards_and_leaver_rates_come_from(client):
    page = text(client.get("/about/data/"))
    assert "Skills England" in page and "14 August 2026" in page and "not in the current list" in page
    assert "NHS Workforce Statistics, leavers by staff group" in page
    assert "England's rate for its staff group" in page and "social-care roles" in page


@pytest.mark.django_db
def test_about_the_data_says_which_published_totals_the_demo_is_scaled_to_and_how_it_spreads_them(client):
    page = text(client.get("/about/data/"))
    assert "How the demonstration figures are scaled" in page
    assert "about 100,000 FTE over all staff groups (NHS England, NHS Vacancy Statistics)" in page
    assert "1.36 million FTE in all staff groups" in page and "122,000 to 131,000 (Skills for Care" in page
    assert "starts by standard in 2024/25" in page and "no figures for months before it opened" in page


@pytest.mark.django_db
def test_about_the_data_has_an_empty_state_before_any_load(client):
    page = text(client.get("/about/data/"))
    assert "No data has been loaded yet" in page


# --- Sign in and out ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_the_right_password_signs_in_and_goes_home(client):
    # given
    UserFactory(username="alice")
    # when
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    # then
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Sign out" in text(client.get("/"))


@pytest.mark.django_db
def test_login_follows_next_to_the_page_asked_for(client):
    # given
    UserFactory(username="alice")
    # when
    response = client.post("/login/?next=/trusts/", {"username": "alice", "password": PASSWORD, "next": "/trusts/"})
    # then
    assert response["Location"] == "/trusts/"


@pytest.mark.django_db
def test_login_with_a_wrong_password_shows_the_nhs_error_summary(client):
    # given
    UserFactory(username="alice")
    # when
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    # then
    assert response.status_code == 200
    page = text(response)
    assert "nhsuk-error-summary" in page and 'role="alert"' in page
    assert 'href="#id_username"' in page
    assert "Enter a correct username and password" in page
    assert "<title>Error: Sign in" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_empty_fields_marks_each_field_in_error(client):
    # when
    page = text(client.post("/login/", {"username": "", "password": ""}))
    # then
    assert 'href="#id_username"' in page and 'href="#id_password"' in page
    assert "nhsuk-form-group--error" in page
    assert 'aria-describedby="id_username-error"' in page


@pytest.mark.django_db
def test_five_failures_lock_out_that_username_from_that_address(client):
    # given
    UserFactory(username="alice")
    for _ in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    # when even the right password is tried from the same address
    response = client.post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    # then
    assert response.status_code in (403, 429)
    assert "Signing in is paused" in text(response)
    assert "try again in 30 minutes" in text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username_and_address(client):
    # given alice is locked out from 10.0.0.1
    UserFactory(username="alice")
    UserFactory(username="bob")
    for _ in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    # when alice signs in from another address, and bob from the same address
    from_elsewhere = Client().post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    bob = Client().post("/login/", {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    # then both get in
    assert from_elsewhere.status_code == 302
    assert bob.status_code == 302


@pytest.mark.django_db
def test_four_failures_do_not_lock_out(client):
    # given
    UserFactory(username="alice")
    for _ in range(4):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    # when
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    # then
    assert response.status_code == 302


@pytest.mark.django_db
def test_logout_is_a_post_that_signs_out(staff_user):
    # given
    client = signed_in(staff_user)
    page = text(client.get("/"))
    assert re.search(r'<form class="nhsuk-header__account-form" action="/logout/" method="post"', page)
    # when
    response = client.post("/logout/")
    # then
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_by_get_is_refused(staff_user):
    client = signed_in(staff_user)
    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_logout_needs_the_csrf_token(staff_user):
    # given a client that enforces CSRF like a browser
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    # when
    response = client.post("/logout/")
    # then
    assert response.status_code == 403
    assert "_auth_user_id" in client.session


# --- Error pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_page_answers_a_helpful_404(client):
    # when
    response = client.get("/no-such-page/")
    # then
    assert response.status_code == 404
    page = text(response)
    assert "Page not found" in page and 'href="/"' in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_unknown_trust_answers_404(staff_user):
    assert signed_in(staff_user).get("/trusts/XXXXX/").status_code == 404


def test_server_error_page_renders_without_database_or_context_processors():
    # given a request with no user, no session and no database access allowed (no django_db mark)
    request = RequestFactory().get("/")
    # when
    response = server_error(request)
    # then
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


# --- Shared write views (exercised through test-only pages) -------------------------------------


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_out_of_scope_edit_answers_403_explaining_scope_and_changes_nothing(ics_user):
    # given a trust, which only staff may change
    trust = TrustFactory(name="Old name")
    client = signed_in(ics_user)
    # when
    page_response = client.get(f"/test-pages/trusts/{trust.ods_code}/edit/")
    post_response = client.post(
        f"/test-pages/trusts/{trust.ods_code}/edit/",
        {"ods_code": trust.ods_code, "name": "New name", "kind": "acute", "ics": trust.ics_id},
    )
    # then
    assert page_response.status_code == 403 and post_response.status_code == 403
    page = text(post_response)
    assert "your own organisation" in page and 'href="/"' in page
    trust.refresh_from_db()
    assert trust.name == "Old name"


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_out_of_scope_create_answers_403_and_creates_nothing(college_user):
    # given
    ics = IntegratedCareSystemFactory()
    # when
    response = signed_in(college_user).post(
        "/test-pages/trusts/add/", {"ods_code": "RZZ", "name": "New trust", "kind": "acute", "ics": ics.pk}
    )
    # then
    assert response.status_code == 403
    assert not Trust.objects.filter(ods_code="RZZ").exists()


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_in_scope_edit_saves_and_confirms_with_a_message(staff_user):
    # given
    trust = TrustFactory(name="Old name")
    client = signed_in(staff_user)
    # when
    response = client.post(
        f"/test-pages/trusts/{trust.ods_code}/edit/",
        {"ods_code": trust.ods_code, "name": "New name", "kind": "acute", "ics": trust.ics_id},
        follow=True,
    )
    # then
    trust.refresh_from_db()
    assert trust.name == "New name"
    page = text(response)
    assert "nhsuk-notification-banner--success" in page and "New name was updated." in page


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_invalid_form_re_renders_with_the_error_summary_linking_to_each_field(staff_user):
    # given
    ics = IntegratedCareSystemFactory()
    # when
    response = signed_in(staff_user).post(
        "/test-pages/trusts/add/", {"ods_code": "bad code", "name": "", "kind": "acute", "ics": ics.pk}
    )
    # then
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert 'href="#id_ods_code"' in page and 'href="#id_name"' in page
    assert "nhsuk-input--error" in page
    assert 'type="date"' in page  # the optional date field renders as a date input
    assert "Opened on (optional)" in page
    assert not Trust.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_delete_asks_for_confirmation_then_deletes_with_a_message(staff_user):
    # given
    trust = TrustFactory(name="Doomed trust")
    client = signed_in(staff_user)
    # when
    confirm = client.get(f"/test-pages/trusts/{trust.ods_code}/delete/")
    # then
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Are you sure you want to delete Doomed trust?" in page
    assert "nhsuk-button--warning" in page and "csrfmiddlewaretoken" in page
    assert Trust.objects.filter(pk=trust.pk).exists()
    # when
    done = client.post(f"/test-pages/trusts/{trust.ods_code}/delete/", follow=True)
    # then
    assert not Trust.objects.filter(pk=trust.pk).exists()
    assert "Doomed trust was deleted." in text(done)


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_delete_of_a_protected_object_explains_instead_of_failing(staff_user):
    # given an ICS with a trust cannot go, but a trust with a vacancy cannot either
    from tests.factories import VacancyFactory

    vacancy = VacancyFactory()
    client = signed_in(staff_user)
    # when
    response = client.post(f"/test-pages/trusts/{vacancy.trust.ods_code}/delete/", follow=True)
    # then
    assert response.status_code == 200
    assert "cannot be deleted while other records still refer to it" in text(response)
    assert Trust.objects.filter(pk=vacancy.trust_id).exists()


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_urls")
def test_write_pages_send_anonymous_users_to_sign_in(client):
    trust = TrustFactory()
    response = client.get(f"/test-pages/trusts/{trust.ods_code}/edit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


# --- Form field rendering ({% nhs_field %}) -----------------------------------------------------


class _EveryWidgetForm(forms.Form):
    status = forms.ChoiceField(choices=[("a", "Active"), ("e", "Exploring")], widget=forms.RadioSelect)
    agendas = forms.MultipleChoiceField(
        choices=[("cpd", "CPD"), ("estates", "Estates")], widget=forms.CheckboxSelectMultiple, required=False
    )
    agreed = forms.BooleanField(label="I agree", help_text="Tick to agree")
    notes = forms.CharField(widget=forms.Textarea, required=False, help_text="Anything else")


def _render_form(data):
    template = Template(
        '{% load portal_tags %}{% include "includes/error_summary.html" %}'
        "{% for f in form %}{% nhs_field f %}{% endfor %}"
    )
    return re.sub(r"\s+", " ", template.render(Context({"form": _EveryWidgetForm(data)})))


def test_radios_checkboxes_and_textarea_render_as_nhs_components_with_errors_linked_from_the_summary():
    # when the required radios and checkbox are left empty, and one option of a group is ticked
    html = _render_form({"agendas": ["estates"], "notes": "x"})
    # then every group is a fieldset with a legend, and the summary links to the first option
    assert html.count('<fieldset class="nhsuk-fieldset"') == 2
    assert 'class="nhsuk-radios" data-module="nhsuk-radios"' in html
    assert 'class="nhsuk-checkboxes" data-module="nhsuk-checkboxes"' in html
    assert 'class="nhsuk-checkboxes__input" id="id_agendas_1"' in html
    assert 'href="#id_status_0"' in html and 'id="id_status_0"' in html
    assert 'id="id_agendas_1" name="agendas" type="checkbox" value="estates" checked' in html
    assert 'href="#id_agreed"' in html and 'class="nhsuk-checkboxes__input"' in html
    assert 'aria-describedby="id_agreed-hint id_agreed-error"' in html
    assert 'class="nhsuk-textarea"' in html and 'aria-describedby="id_notes-hint"' in html
    assert "Notes (optional)" in html
    assert html.count("nhsuk-form-group--error") == 2


def test_a_valid_form_has_no_error_summary():
    html = _render_form({"status": "a", "agreed": "on"})
    assert "nhsuk-error-summary" not in html and "nhsuk-form-group--error" not in html
    assert 'value="a" checked' in html
