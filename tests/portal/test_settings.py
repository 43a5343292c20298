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
