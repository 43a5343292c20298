"""On the embedded SQLite default (a file database, as `make run` uses), report requests made while
others write answer 202, never 500 "database is locked" (issue 12). The scenario runs in a process
of its own (tests/planning/sqlite_concurrency.py), whatever database this suite runs on."""

import json
import os
import subprocess
import sys

from django.conf import settings


def test_report_requests_while_others_write_answer_202_on_the_sqlite_default(tmp_path):
    # given: a fresh SQLite file database, writers updating vacancies in transactions, and eight
    # simultaneous report requests (half of them identical) computed eagerly in their requests
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CELERY_BROKER_URL")}

    # when
    done = subprocess.run(
        [sys.executable, "-m", "tests.planning.sqlite_concurrency", str(tmp_path / "portal.sqlite3")],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )

    # then
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["journal_mode"] == "wal"
    assert outcome["statuses"] == [202] * 8, outcome
    assert outcome["writer_errors"] == []
    assert outcome["reports"] and set(outcome["reports"]) == {"succeeded"}, outcome
