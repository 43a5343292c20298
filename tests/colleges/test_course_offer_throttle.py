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


@pytest.fixture(params=["redis", "locmem"])
def clock(request, monkeypatch, settings):
    """A clock the throttle reads, on the Redis cache (one atomic script) and on the local-memory one (DRF's code)."""
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    elif "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("CACHE_URL is not a Redis cache")
    now = [1_000_000.0]
    monkeypatch.setattr(TokenRateThrottle, "timer", staticmethod(lambda: now[0]))
    return now


def test_the_window_slides_and_retry_after_says_when_the_oldest_request_leaves_it(low_rate, clock, college_user,
                                                                                   api_client):
    # given three requests ten seconds apart
    _token, key = api_token_issue(user=college_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:courseoffer-list")
    for _ in range(3):
        assert api_client.get(url).status_code == 200
        clock[0] += 10
    # when the fourth comes 30 s after the first, and another once the first has left the minute
    refused = api_client.get(url)
    clock[0] += 31
    allowed = api_client.get(url)
    # then the fourth waits the 30 s left of the first one's minute (DRF's wait), the next gets through
    assert (refused.status_code, refused["Retry-After"]) == (429, "30")
    assert allowed.status_code == 200


def test_a_history_kept_by_drfs_own_throttle_under_the_same_name_does_not_break_a_request(low_rate, college_user,
                                                                                           api_client):
    # given a token whose history DRF's code kept (a pickled list) under the throttle's name, as during a deploy
    from django.core.cache import cache

    token, key = api_token_issue(user=college_user)
    cache.set(f"throttle_token_token:{token.pk}", [1.0, 2.0], 60)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # when
    response = api_client.get(reverse("api:courseoffer-list"))
    # then
    assert response.status_code == 200
