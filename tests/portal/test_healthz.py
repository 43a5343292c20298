import pytest


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
