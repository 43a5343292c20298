"""The account page: role, organisation and API tokens; rotation by the user, revocation by staff.
A new key is shown once, on the page that answers its creation."""

from django.test import Client
from django.urls import reverse

from portal.api_tokens import api_token_issue
from portal.models import ApiToken


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_shows_role_organisation_and_the_tokens_prefix_but_not_its_key(college_user):
    # given
    token, key = api_token_issue(user=college_user)
    # when
    page = browser(college_user).get(reverse("account")).content.decode()
    # then
    assert college_user.college.name in page
    assert "College data officer" in page
    assert f"Token {token.prefix}…" in page
    assert key not in page


def test_a_new_key_is_shown_once_right_after_creating_it(college_user):
    # given
    client = browser(college_user)
    # when
    created = client.post(reverse("account_token_rotate"))
    again = client.get(reverse("account"))
    # then
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    shown = created.content.decode().split('<code id="token-key">')[1].split("</code>")[0]
    assert ApiToken.objects.get(user=college_user).prefix == shown[:8]
    assert shown not in again.content.decode()


def test_rotating_replaces_the_token_and_the_old_one_stops_working(college_user, api_client):
    # given
    _old_token, old = api_token_issue(user=college_user)
    # when
    response = browser(college_user).post(reverse("account_token_rotate"))
    # then
    new = response.content.decode().split('<code id="token-key">')[1].split("</code>")[0]
    assert new != old
    assert ApiToken.objects.filter(user=college_user).count() == 1
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api_client.get(reverse("api:courseoffer-list")).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api_client.get(reverse("api:courseoffer-list")).status_code == 200


def test_staff_revoke_a_users_tokens(staff_user, college_user):
    # given
    api_token_issue(user=college_user)
    api_token_issue(user=college_user)
    # when
    response = browser(staff_user).post(reverse("account_token_revoke", args=[college_user.pk]))
    # then
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=college_user).exists()


def test_staff_see_every_token_by_prefix_with_its_dates(staff_user, college_user):
    token, key = api_token_issue(user=college_user)
    page = browser(staff_user).get(reverse("account")).content.decode()
    assert f"<code>{token.prefix}…</code>" in page and key not in page


def test_others_cannot_revoke_tokens(college_user, coordinator_user):
    # given
    api_token_issue(user=college_user)
    # when
    response = browser(coordinator_user).post(reverse("account_token_revoke", args=[college_user.pk]))
    # then
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=college_user).exists()


def test_rotating_needs_a_post_and_a_signed_in_user(client, college_user):
    assert client.post(reverse("account_token_rotate")).status_code == 302  # to the sign-in page
    assert browser(college_user).get(reverse("account_token_rotate")).status_code == 405
    assert not ApiToken.objects.exists()
