"""API tokens: hashed at rest, shown once, expiring, last use recorded, and the endpoint throttled."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from core.throttling import TokenEndpointRateThrottle
from portal.api_tokens import api_token_issue, api_token_touch
from portal.models import ApiToken

PASSWORD = "correct-horse-battery"  # UserFactory's password
COURSE_OFFERS = "api:courseoffer-list"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post_for_token(api_client, user, **extra):
    return api_client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD}, format="json",
                           **extra)


def test_the_token_endpoint_answers_the_key_and_stores_only_its_digest(api_client, college_user):
    # when
    response = _post_for_token(api_client, college_user)
    # then
    assert response.status_code == 200
    key = response.json()["token"]
    stored = ApiToken.objects.get(user=college_user)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:8]
    stored_values = [str(value) for value in ApiToken.objects.values_list().get()]
    assert key not in stored_values


def test_the_key_from_the_endpoint_authenticates_as_the_user(api_client, college_user):
    key = _post_for_token(api_client, college_user).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(reverse(COURSE_OFFERS)).status_code == 200


def test_the_endpoint_accepts_form_posts_as_before(api_client, college_user):
    response = api_client.post(reverse("api-token"), {"username": college_user.username, "password": PASSWORD},
                               format="multipart")
    assert response.status_code == 200 and set(response.json()) == {"token", "expires_at"}


def test_a_wrong_password_is_refused_and_makes_no_token(api_client, college_user):
    response = api_client.post(reverse("api-token"), {"username": college_user.username, "password": "nope"},
                               format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_a_token_expires_after_the_configured_days(api_client, college_user, settings):
    # given
    settings.API_TOKEN_EXPIRY_DAYS = 30
    token, key = api_token_issue(user=college_user)
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    # when it is past its expiry
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get(reverse(COURSE_OFFERS))
    # then
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_an_unknown_key_is_refused(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api_client.get(reverse(COURSE_OFFERS)).status_code == 401


def test_using_a_token_records_when_it_was_last_used(api_client, college_user):
    # given
    token, key = api_token_issue(user=college_user)
    assert token.last_used_at is None
    # when
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_client.get(reverse(COURSE_OFFERS))
    # then
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_requests_within_the_resolution_write_the_last_use_once(api_client, college_user, django_assert_num_queries):
    # given a token used a moment ago
    token, key = api_token_issue(user=college_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_client.get(reverse(COURSE_OFFERS))
    token.refresh_from_db()
    first_use = token.last_used_at
    # when it is used again within the minute, then no write is made
    with django_assert_num_queries(0):
        api_token_touch(token=token, now=first_use + dt.timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_a_use_after_the_resolution_moves_the_last_use_on(college_user):
    token, _key = api_token_issue(user=college_user)
    earlier = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    token.refresh_from_db()
    api_token_touch(token=token)
    token.refresh_from_db()
    assert token.last_used_at > earlier + dt.timedelta(minutes=4)


def test_issuing_a_token_removes_the_users_expired_ones(college_user):
    old, _ = api_token_issue(user=college_user)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    api_token_issue(user=college_user)
    assert not ApiToken.objects.filter(pk=old.pk).exists()
    assert ApiToken.objects.filter(user=college_user).count() == 1


def test_the_token_endpoint_is_throttled_per_client_address(api_client, college_user, monkeypatch):
    # given a budget of three requests a minute per address
    monkeypatch.setattr(TokenEndpointRateThrottle, "THROTTLE_RATES", {"auth_token": "3/minute"})
    # when one address asks four times
    answers = [_post_for_token(api_client, college_user, REMOTE_ADDR="192.0.2.10") for _ in range(4)]
    # then the fourth is refused with a time to wait, and another address still gets through
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert _post_for_token(api_client, college_user, REMOTE_ADDR="192.0.2.11").status_code == 200


def test_a_client_cannot_dodge_the_throttle_with_its_own_forwarded_for_header(api_client, college_user, monkeypatch):
    # given no trusted proxy (the default) and a budget of two
    monkeypatch.setattr(TokenEndpointRateThrottle, "THROTTLE_RATES", {"auth_token": "2/minute"})
    # when one address claims a new X-Forwarded-For each time
    answers = [
        _post_for_token(api_client, college_user, REMOTE_ADDR="192.0.2.20", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        for i in range(3)
    ]
    # then
    assert [a.status_code for a in answers] == [200, 200, 429]
