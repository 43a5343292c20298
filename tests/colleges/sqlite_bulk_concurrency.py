"""Parallel offer bulk upserts overlapping on new keys, on the embedded SQLite default (a file database,
as `make run` uses). Run in a process of its own by tests/colleges/test_course_offer_bulk_sqlite.py:

    python -m tests.colleges.sqlite_bulk_concurrency /tmp/some.sqlite3

Prints one JSON object: every request's status, the offers' course codes, the created / updated /
unchanged counts the answers report, and the history rows by type. Not collected by pytest.
"""

import json
import os
import sys
import threading
from collections import Counter

REQUESTS = 12


def offer(code: str, places: int) -> dict:
    return {
        "course_code": code, "title": f"Course {code}", "qualification_type": "t_level", "level": 3,
        "academic_year": "2026/27", "start_date": "2026-09-07", "duration_months": 24, "planned_places": places,
    }


def main(path: str) -> dict:
    os.environ.update({"DATABASE_URL": f"sqlite:///{path}", "CELERY_BROKER_URL": "", "CACHE_URL": "",
                       "DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_LOG_LEVEL": "CRITICAL"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from colleges.models import CourseOffer
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    user = UserFactory(college_officer=True)
    connection.close()
    # each request: 10 new offers overlapping its neighbours', half of them with its own places
    bodies = [
        [offer(f"K{key:02d}", places=index if key % 2 else 30) for key in range(index, index + 10)]
        for index in range(REQUESTS)
    ]
    barrier = threading.Barrier(REQUESTS)
    statuses: list = [None] * REQUESTS
    counts = Counter()

    def send(index: int) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            response = client.post("/api/v1/course-offers/bulk/", bodies[index], format="json")
            statuses[index] = response.status_code
            if response.status_code == 200:
                counts.update(response.json())
        except Exception as exc:  # noqa: BLE001 - a server error, reported to the test
            statuses[index] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return {
        "statuses": statuses,
        "codes": sorted(CourseOffer.objects.values_list("course_code", flat=True)),
        "keys": sorted({item["course_code"] for body in bodies for item in body}),
        "counts": dict(counts),
        "history": dict(Counter(CourseOffer.history.values_list("history_type", flat=True))),
        "items": REQUESTS * 10,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
