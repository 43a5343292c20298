"""Shared fixtures. Tests that need a real service are marked and skip with a reason when
it is absent; with PORTAL_REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the run."""

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from portal.celery import app as celery_app
from tests.factories import UserFactory

pytest_plugins = ["tests.browser"]

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"

# Tasks run in process during tests, even when CELERY_BROKER_URL names a real broker; the
# worker tests switch this off for themselves (see tests/planning).
celery_app.conf.task_always_eager = True

# Passwords are hashed thousands of times in the suite: a fast hasher keeps it quick. Servers the
# tests start in other processes (gunicorn, workers) keep the production hashers.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _uses_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _redis_url() -> str:
    url = settings.CELERY_BROKER_URL
    return url if url.startswith("redis://") else ""


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _missing_service(item) -> str:
    if item.get_closest_marker("postgres") and not _uses_postgres():
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (see README)"
    if item.get_closest_marker("redis") or item.get_closest_marker("worker"):
        url = _redis_url()
        if not url:
            return "needs Redis: set CELERY_BROKER_URL=redis://... (see README)"
        if not _redis_reachable(url):
            return f"needs Redis, but {url} does not answer"
    if item.get_closest_marker("browser") and not os.path.exists("/usr/bin/chromium"):
        return "needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)"
    return ""


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"PORTAL_REQUIRE_SERVICES=1 but the service is missing: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end sessions left by worker processes and live-server
    threads of the transactional tests (a killed worker's session can outlive it), so that the
    drop succeeds instead of warning that the database is still in use."""
    yield
    if not _uses_postgres():
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and lockouts live in the cache: start every test with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


def _client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) -> an APIClient signed in as user."""
    return _client_for


@pytest.fixture
def staff_user(db):
    return UserFactory(staff=True, username="staff")


@pytest.fixture
def coordinator_user(db):
    return UserFactory(coordinator=True, username="coordinator")


@pytest.fixture
def ics_user(db):
    return UserFactory(ics_analyst=True, username="analyst")


@pytest.fixture
def college_user(db):
    return UserFactory(college_officer=True, username="collegeofficer")
