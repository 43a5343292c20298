import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="")
def test_healthz_reports_database_ok_and_no_broker_in_the_embedded_setup(client):
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured", "pages": "ok"}


@pytest.mark.django_db
@pytest.mark.redis
def test_healthz_reports_the_real_broker_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client):
    # given a broker address where nothing listens
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_healthz_is_not_cached(client, db):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
