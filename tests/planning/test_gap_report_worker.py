"""Gap reports on a real Celery worker: a separate process listening on the "reports" queue of the
Redis broker, working on this test's PostgreSQL database (committed data: transactional tests).

The worker gets DATABASE_URL naming the test database and the broker of the settings
(CELERY_BROKER_URL). The queues used are emptied before and after each test.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from planning import selectors, services
from planning.models import GapReport, GapReportRow
from planning.tasks import gap_report_compute_task
from portal.celery import app as celery_app
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.test_gap_report_rules import AS_OF, by_year, compute

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def _database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = ""
    if db.get("USER"):
        credentials = quote(db["USER"], safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        credentials += "@"
    return f"postgres://{credentials}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _empty_queues(client: redis.Redis) -> None:
    for pattern in ("reports*", "default*", "unacked*"):
        for key in client.scan_iter(match=pattern):
            client.delete(key)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    _empty_queues(client)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # this test sends tasks to the broker
    yield client
    celery_app.conf.task_always_eager = eager
    _empty_queues(client)


@pytest.fixture
def worker(broker):
    """A worker process consuming only the "reports" queue, so a report computed proves its routing."""
    log = tempfile.NamedTemporaryFile(prefix="gap-worker-", suffix=".log", delete=False)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "reports", "--pool=solo",
        "--concurrency=1", "-n", f"gap-test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel=INFO",
    ]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    log_path = Path(log.name)
    deadline = time.monotonic() + WAIT_SECONDS
    while "ready." not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the worker did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    process.log_path = log_path
    yield process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.close()
    log_path.unlink(missing_ok=True)


def wait_for(condition, what: str, worker=None):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            log = worker.log_path.read_text(errors="replace")[-3000:] if worker else ""
            pytest.fail(f"gave up waiting for {what}\n{log}")
        time.sleep(0.2)


def queues_empty(client: redis.Redis) -> bool:
    return client.llen("reports") == 0 and client.hlen("unacked") == 0


def small_data():
    """ICS QZA, one occupation: 10 vacancies, 100 staff leaving at 10% -> demand 20, 30, 40;
    an offer of 10 places completing 1 Sep 2027 (year 2), half converting -> supply 0, 5, 5."""
    ics = IntegratedCareSystemFactory(code="QZA", region=RegionFactory(code="Y56"))
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=Decimal("0.10"))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, vacancies_fte=Decimal(10),
                   staff_in_post_fte=Decimal(100))
    CourseOfferFactory(college=CollegeFactory(ics=ics), planned_places=10, expected_completion_rate=Decimal(1),
                       start_date=dt.date(2026, 9, 1), duration_months=12)
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("0.5"))
    return nurses


def test_a_worker_on_the_reports_queue_computes_a_requested_report_once_though_delivered_twice(worker, broker):
    # given
    nurses = small_data()
    report = services.gap_report_request(as_of=AS_OF, horizon_years=3, user=None)  # queued at once: autocommit

    # when: the broker delivers the same task a second time
    gap_report_compute_task.delay(report.pk)
    wait_for(lambda: GapReport.objects.get(pk=report.pk).is_finished, "the report to finish", worker)
    wait_for(lambda: queues_empty(broker), "the worker to take both deliveries", worker)

    # then: one set of rows, worked out by hand
    report.refresh_from_db()
    assert report.status == GapReport.Status.SUCCEEDED, report.error
    assert by_year(report, "QZA", nurses) == [20, 30, 40]
    assert by_year(report, "QZA", nurses, "supply_fte") == [0, 5, 5]
    assert by_year(report, "Y56", nurses, "gap_fte", level="region") == [20, 25, 35]
    assert report.rows.count() == report.inputs["rows"] == 3 * 3
    assert worker.log_path.read_text().count("gap_report_compute_task") >= 2


def test_a_worker_killed_mid_run_leaves_the_previous_report_served_and_the_run_is_marked_stuck(
    worker, broker, client_for, staff_user
):
    # given: a succeeded report, and a database that makes the next run's row writes slow
    small_data()
    previous = compute()
    table = GapReportRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION gap_rows_slow() RETURNS trigger AS $$ "
            "BEGIN PERFORM pg_sleep(4); RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER gap_rows_slow BEFORE INSERT ON {table} FOR EACH STATEMENT EXECUTE FUNCTION gap_rows_slow()"
        )
    try:
        report = services.gap_report_request(as_of=AS_OF, horizon_years=3, user=staff_user)

        def writing_rows():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()"
                )
                return cursor.fetchone()[0] > 0

        wait_for(writing_rows, "the worker to be writing the report's rows", worker)

        # when: the worker dies in the middle of its one write transaction
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        wait_for(lambda: not writing_rows(), "the dead worker's database session to end")

        # then: the run shows as running, with no rows visible; the previous report is still served
        report.refresh_from_db()
        assert report.status == GapReport.Status.RUNNING
        assert not report.rows.exists()
        assert selectors.gap_report_latest() == previous
        assert client_for(staff_user).get("/api/v1/gap-reports/latest/").json()["id"] == previous.pk

        # and when the stuck-run check comes round (here without waiting for the time limit)
        marked = services.gap_reports_mark_stuck(older_than=dt.timedelta(0))

        # then: the run is failed, and the previous report is still the one served
        report.refresh_from_db()
        assert marked == 1
        assert report.status == GapReport.Status.FAILED
        assert not report.rows.exists()
        assert selectors.gap_report_latest() == previous
        assert previous.rows.count() == previous.inputs["rows"] == 9
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS gap_rows_slow ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS gap_rows_slow()")
