"""The account page: role, organisation and API token; rotation by the user, revocation by staff."""

from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_shows_role_organisation_and_token(college_user):
    # given
    token = Token.objects.create(user=college_user)
    # when
    page = browser(college_user).get(reverse("account")).content.decode()
    # then
    assert college_user.college.name in page
    assert "College data officer" in page
    assert token.key in page


def test_rotating_replaces_the_token_and_the_old_one_stops_working(college_user, api_client):
    # given
    old = Token.objects.create(user=college_user).key
    # when
    response = browser(college_user).post(reverse("account_token_rotate"))
    # then
    assert response.status_code == 302
    new = Token.objects.get(user=college_user).key
    assert new != old
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api_client.get(reverse("api:courseoffer-list")).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api_client.get(reverse("api:courseoffer-list")).status_code == 200


def test_staff_revoke_a_users_token(staff_user, college_user):
    # given
    Token.objects.create(user=college_user)
    # when
    response = browser(staff_user).post(reverse("account_token_revoke", args=[college_user.pk]))
    # then
    assert response.status_code == 302
    assert not Token.objects.filter(user=college_user).exists()


def test_others_cannot_revoke_tokens(college_user, coordinator_user):
    # given
    Token.objects.create(user=college_user)
    # when
    response = browser(coordinator_user).post(reverse("account_token_revoke", args=[college_user.pk]))
    # then
    assert response.status_code == 403
    assert Token.objects.filter(user=college_user).exists()


def test_rotating_needs_a_post_and_a_signed_in_user(client, college_user):
    assert client.post(reverse("account_token_rotate")).status_code == 302  # to the sign-in page
    assert browser(college_user).get(reverse("account_token_rotate")).status_code == 405
    assert not Token.objects.exists()
