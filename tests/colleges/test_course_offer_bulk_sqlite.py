"""On the embedded SQLite default (a file database, as `make run` uses), parallel offer bulk upserts
overlapping on new keys answer 200, write every key once and one history row per change (issue 12).
The scenario runs in a process of its own (tests/colleges/sqlite_bulk_concurrency.py), whatever
database this suite runs on."""

import json
import os
import subprocess
import sys

from django.conf import settings


def test_parallel_offer_bulk_requests_on_the_sqlite_default_all_succeed_once_each(tmp_path):
    # given a fresh SQLite file database and twelve simultaneous bulk requests overlapping on new keys
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CELERY_BROKER_URL")}

    # when
    done = subprocess.run(
        [sys.executable, "-m", "tests.colleges.sqlite_bulk_concurrency", str(tmp_path / "portal.sqlite3")],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )

    # then no request failed, every key exists once, created by exactly one request
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == [200] * 12, outcome["statuses"]
    assert outcome["codes"] == outcome["keys"]
    counts = outcome["counts"]
    assert counts["created"] == len(outcome["keys"])
    assert counts["created"] + counts["updated"] + counts["unchanged"] == outcome["items"]
    # and the history has one row per create and per change, none for the unchanged
    assert outcome["history"] == {"+": counts["created"], **({"~": counts["updated"]} if counts["updated"] else {})}
