"""The embedded default (`make run`: no environment at all, SQLite, eager tasks) is safe to show
to people and to write to from several places at once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.conf import settings
from django.db import connection
from django.test import Client
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy_timeout_ms = cursor.fetchone()[0]
missing = Client().get("/no-such-page/")
stylesheet = Client().get("/static/portal/portal.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "journal_mode": journal_mode,
    "busy_timeout_ms": busy_timeout_ms,
    "transaction_mode": connection.transaction_mode,
    "missing_status": missing.status_code,
    "missing_page": missing.content.decode(),
    "stylesheet_status": stylesheet.status_code,
}))
"""


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """What the default settings do, in a fresh process with only the database file chosen."""
    database = tmp_path_factory.mktemp("embedded") / "db.sqlite3"
    unset = ("DJANGO_", "DATABASE_URL", "CELERY_", "CACHE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    env["DATABASE_URL"] = f"sqlite:///{database}"

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "--no-input")
    return json.loads(manage("shell", "-c", PROBE).strip().splitlines()[-1])


def test_the_default_run_is_not_in_debug_mode(embedded):
    assert embedded["debug"] is False


def test_an_unknown_address_gets_the_portals_own_404_page(embedded):
    assert embedded["missing_status"] == 404
    assert "Page not found" in embedded["missing_page"]
    assert "nhsuk-header" in embedded["missing_page"]
    assert "URLconf" not in embedded["missing_page"]  # Django's debug page lists every URL pattern


def test_static_files_are_still_served_without_collectstatic(embedded):
    assert embedded["stylesheet_status"] == 200


def test_sqlite_is_set_up_for_concurrent_writers(embedded):
    assert embedded["journal_mode"] == "wal"
    assert embedded["busy_timeout_ms"] >= 5000
    assert embedded["transaction_mode"] == "IMMEDIATE"
