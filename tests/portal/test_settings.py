"""Production settings: they come from the environment and refuse to start unsafely."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/portal-settings-check.sqlite3",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_the_deployment_checklist():
    # given a secret key from the environment
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20}
    # when
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_static_files_collect_with_every_reference_resolved(tmp_path):
    # given the vendored front end (make test copies it) and the production storage, which
    # checks that every file a stylesheet or script names exists
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "collectstatic-" + "z" * 40, "DJANGO_STATIC_ROOT": str(tmp_path)}
    # when
    result = _manage("collectstatic", "--no-input", env=env)
    # then
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def _database_setting(name: str, env: dict) -> str:
    result = _manage("shell", "-c", f"from django.conf import settings; print(settings.DATABASES['default']['{name}'])",
                     env={"DATABASE_URL": "sqlite:////tmp/portal-settings-check.sqlite3", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_database_connections_persist_with_a_health_check_by_default():
    assert _database_setting("CONN_MAX_AGE", {}) == "60"
    assert _database_setting("CONN_HEALTH_CHECKS", {}) == "True"


def test_database_connection_age_comes_from_the_environment():
    assert _database_setting("CONN_MAX_AGE", {"DJANGO_CONN_MAX_AGE": "0"}) == "0"
    assert _database_setting("CONN_HEALTH_CHECKS", {"DJANGO_CONN_HEALTH_CHECKS": "false"}) == "False"
