"""What must never happen in production: demo logins and generated figures loaded into it."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import DataLoad
from portal.models import User

ROOT = Path(__file__).resolve().parents[2]


def _manage_in_production(*args, database: Path, **extra_env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env = {
        **clean,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "production-like-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{database}",
        **extra_env,
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def _tables(database: Path) -> list[str]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


@pytest.mark.parametrize("command", ["load_demo_data", "generate_synthetic"])
def test_generated_data_commands_refuse_a_production_deployment(command, tmp_path):
    # given production settings from the environment, as in the image
    database = tmp_path / "production.sqlite3"
    # when
    result = _manage_in_production(command, database=database)
    # then it stops with a clear message and a failing exit status, having written nothing
    assert result.returncode != 0
    assert f"{command} refuses to run with DJANGO_ENV=production" in result.stderr
    assert _tables(database) == []


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["load_demo_data", "generate_synthetic"])
def test_a_refused_command_leaves_the_database_as_it_was(command, settings):
    # given reference data in a database that says it is production
    call_command("load_reference_data", stdout=StringIO())
    loads_before = DataLoad.objects.count()
    settings.DJANGO_ENV = "production"
    # when
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command(command, stdout=StringIO())
    # then
    assert not User.objects.exists()
    assert DataLoad.objects.count() == loads_before
    assert not DataLoad.objects.exclude(kind=DataLoad.Kind.REFERENCE).exists()


IS_SECURE = (
    "from django.test import RequestFactory; "
    "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https', HTTP_HOST='portal.example.org').is_secure())"
)


def test_a_client_claiming_https_is_not_believed_without_a_trusted_proxy(tmp_path):
    # given production settings, gunicorn reachable directly (no DJANGO_TRUSTED_PROXY)
    # when a plain-HTTP request says X-Forwarded-Proto: https
    result = _manage_in_production("shell", "-c", IS_SECURE, database=tmp_path / "db.sqlite3")
    # then it is not treated as secure
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_forwarded_proto_header_is_trusted_behind_the_configured_proxy(tmp_path):
    result = _manage_in_production("shell", "-c", IS_SECURE, database=tmp_path / "db.sqlite3",
                                   DJANGO_TRUSTED_PROXY="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
