"""API throttling: one budget per token; over it, 429 with Retry-After."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.throttling import TokenRateThrottle


@pytest.fixture
def low_rate(monkeypatch):
    # DRF reads the rates when the throttle class is defined: give the class a low budget.
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute", "anon": "3/minute"})


def test_a_token_over_its_rate_gets_429_with_retry_after(low_rate, college_user, api_client):
    # given
    token = Token.objects.create(user=college_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = reverse("api:courseoffer-list")
    # when
    answers = [api_client.get(url) for _ in range(4)]
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_each_token_has_its_own_budget(low_rate, college_user, staff_user, api_client):
    # given
    url = reverse("api:courseoffer-list")
    first, second = Token.objects.create(user=college_user), Token.objects.create(user=staff_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first.key}")
    for _ in range(3):
        api_client.get(url)
    # when
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second.key}")
    response = api_client.get(url)
    # then
    assert response.status_code == 200


def test_bulk_posts_count_against_the_same_budget(low_rate, college_user, api_client):
    # given
    token = Token.objects.create(user=college_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = reverse("api:courseoffer-bulk")
    # when
    answers = [api_client.post(url, [], format="json") for _ in range(4)]
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Retry-After" in answers[-1]
