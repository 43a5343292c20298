"""Production pages render from the collected static files, and /healthz fails when they cannot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as the Dockerfile runs it: production settings and a throwaway key."""
    root = tmp_path_factory.mktemp("staticfiles")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env = {**clean, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "collectstatic-only-not-a-secret",
           "DJANGO_ALLOWED_HOSTS": "build", "DJANGO_STATIC_ROOT": str(root)}
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return root


def production_static(root: Path):
    return override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=root, WHITENOISE_USE_FINDERS=False,
                             CELERY_BROKER_URL="")


@pytest.mark.django_db
def test_home_and_login_pages_render_from_the_collected_files(client, collected):
    with production_static(collected):
        home = client.get("/")
        login = client.get("/login/")
    assert home.status_code == 200 and login.status_code == 200
    # the pages link the hashed names the manifest gives
    assert "/static/vendor/nhsuk/nhsuk-frontend.min." in home.content.decode()
    assert "/static/vendor/nhsuk/nhsuk-frontend.min.css" not in home.content.decode()


@pytest.mark.django_db
def test_healthz_is_ok_with_the_collected_files(client, collected):
    with production_static(collected):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["pages"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_pages_when_the_manifest_is_missing(client, tmp_path):
    # given a static root where collectstatic never ran
    with production_static(tmp_path):
        response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["pages"].startswith("error: ValueError")
