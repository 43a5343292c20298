"""Report requests while others write, on the embedded SQLite default (a file database, tasks run eagerly
in the request as in `make run`). Run in a process of its own by tests/planning/test_gap_report_sqlite.py:

    python -m tests.planning.sqlite_concurrency /tmp/some.sqlite3

Prints one JSON object: the status of every `POST gap-reports/`, the errors of the writers, the
reports' final statuses. Not collected by pytest (no test_ prefix).
"""

import datetime as dt
import json
import os
import sys
import threading
import time
from decimal import Decimal

REQUESTS = 8
WRITERS = 2
WRITES_EACH = 40


def main(path: str) -> dict:
    os.environ.update({"DATABASE_URL": f"sqlite:///{path}", "CELERY_BROKER_URL": "", "CACHE_URL": "",
                       "DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_LOG_LEVEL": "CRITICAL"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from rest_framework.test import APIClient

    from planning.models import GapReport
    from tests.factories import (
        CollegeFactory,
        CourseOfferFactory,
        EntryRouteFactory,
        IntegratedCareSystemFactory,
        OccupationFactory,
        TrustFactory,
        UserFactory,
        VacancyFactory,
    )
    from trusts.models import Vacancy

    call_command("migrate", verbosity=0)
    ics = IntegratedCareSystemFactory()
    occupation = OccupationFactory(annual_leaver_rate=Decimal("0.1"))
    EntryRouteFactory(occupation=occupation)
    trusts = [TrustFactory(ics=ics) for _ in range(WRITERS)]
    for trust in trusts:
        VacancyFactory(trust=trust, occupation=occupation, period=dt.date(2026, 5, 1))
    for _ in range(30):
        CourseOfferFactory(college=CollegeFactory(ics=ics))
    users = [UserFactory(staff=True) for _ in range(REQUESTS)]
    connection.close()

    statuses, writer_errors = [], []
    start = threading.Barrier(REQUESTS + WRITERS)

    def writer(trust):
        try:
            start.wait(timeout=30)
            for n in range(WRITES_EACH):
                with transaction.atomic():  # read, then write, holding the lock a moment as an upload does
                    row = Vacancy.objects.filter(trust=trust).first()
                    row.vacancies_fte = Decimal(n)
                    row.save(update_fields=["vacancies_fte", "updated_at"])
                    time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            writer_errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def requester(index, user):
        try:
            client = APIClient()
            client.force_authenticate(user)
            start.wait(timeout=30)
            # half ask for the same report, half for reports of their own
            horizon = 3 if index % 2 else 1 + index % 10
            response = client.post("/api/v1/gap-reports/", {"as_of": "2026-06-15", "horizon_years": horizon},
                                   format="json")
            statuses.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - a server error, reported to the test
            statuses.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(trust,)) for trust in trusts]
    threads += [threading.Thread(target=requester, args=(i, user)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    reports = sorted(GapReport.objects.values_list("status", flat=True))
    return {"statuses": statuses, "writer_errors": writer_errors, "reports": reports,
            "journal_mode": _journal_mode(connection)}


def _journal_mode(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
