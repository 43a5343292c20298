"""The OpenAPI schema and the interactive docs are for signed-in users, unless published by a setting."""

from django.test import Client
from django.urls import reverse


def test_the_schema_asks_anonymous_callers_to_authenticate(api_client, db):
    response = api_client.get(reverse("schema"))
    assert response.status_code == 401


def test_a_signed_in_user_reads_the_schema(client_for, college_user):
    response = client_for(college_user).get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Health and care workforce portal API"


def test_the_schema_is_public_when_the_setting_says_so(api_client, db, settings):
    settings.API_SCHEMA_PUBLIC = True
    assert api_client.get(reverse("schema")).status_code == 200


def test_anonymous_visitors_of_the_docs_are_sent_to_sign_in_and_back(client, db):
    response = client.get(reverse("docs"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('docs')}"


def test_the_docs_page_loads_swagger_ui_from_the_portal_itself(college_user):
    # given
    browser = Client()
    browser.force_login(college_user)
    # when
    page = browser.get(reverse("docs")).content.decode()
    script = browser.get(reverse("docs") + "?script=")
    # then no CDN and no inline script: the start-up script is its own request
    assert "cdn.jsdelivr.net" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page and "<style>" not in page
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
