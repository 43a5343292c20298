"""API throttling: one budget per token; over it, 429 with Retry-After."""

import pytest
from django.urls import reverse

from core.throttling import TokenRateThrottle
from portal.api_tokens import api_token_issue


@pytest.fixture
def low_rate(monkeypatch):
    # DRF reads the rates when the throttle class is defined: give the class a low budget.
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute", "anon": "3/minute"})


def test_a_token_over_its_rate_gets_429_with_retry_after(low_rate, college_user, api_client):
    # given
    _token, key = api_token_issue(user=college_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:courseoffer-list")
    # when
    answers = [api_client.get(url) for _ in range(4)]
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_each_token_has_its_own_budget(low_rate, college_user, staff_user, api_client):
    # given
    url = reverse("api:courseoffer-list")
    (_, first), (_, second) = api_token_issue(user=college_user), api_token_issue(user=staff_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    for _ in range(3):
        api_client.get(url)
    # when
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    response = api_client.get(url)
    # then
    assert response.status_code == 200


def test_bulk_posts_count_against_the_same_budget(low_rate, college_user, api_client):
    # given
    _token, key = api_token_issue(user=college_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:courseoffer-bulk")
    # when
    answers = [api_client.post(url, [], format="json") for _ in range(4)]
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Retry-After" in answers[-1]
