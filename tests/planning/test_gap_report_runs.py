"""A gap report run as a database job: requests, failures, duplicate deliveries, stuck runs, the
tasks (eager here; tests/planning/test_gap_report_worker.py runs them on a real worker) and the command."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from core.errors import ApplicationError
from pathways.models import Occupation
from planning import selectors, services
from planning.models import GapReport, GapReportRow
from planning.tasks import gap_report_compute_task, gap_report_mark_stuck_task, gap_report_nightly_task
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
from tests.planning.factories import GapReportRowFactory
from tests.planning.test_gap_report_rules import AS_OF, compute

pytestmark = pytest.mark.django_db


def small_england():
    """Demand and supply in two ICSs of one region, for two occupations: 2 x 2 x 3 ICS rows and their sums."""
    region = RegionFactory(code="Y56")
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=Decimal("0.0850"))
    carers = OccupationFactory(code="carers", annual_leaver_rate=Decimal("0.2900"))
    for code in ("QZA", "QZB"):
        ics = IntegratedCareSystemFactory(code=code, region=region)
        for occupation in (nurses, carers):
            VacancyFactory(trust=TrustFactory(ics=ics), occupation=occupation, vacancies_fte=Decimal("12.5"),
                           staff_in_post_fte=Decimal("333.33"))
        CourseOfferFactory(college=CollegeFactory(ics=ics), planned_places=17, start_date=dt.date(2026, 9, 1),
                           duration_months=12)
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("0.3333"))
    EntryRouteFactory(occupation=carers, conversion_rate=Decimal("0.6"), lag_months=3)


def figures(report) -> list[tuple]:
    return sorted(
        report.rows.values_list("level", "code", "name", "occupation__code", "year", "demand_fte", "supply_fte",
                                "gap_fte", "coverage")
    )


@contextmanager
def row_inserts_fail():
    """Make the database refuse any insert into the report rows table, as a failing computation would."""
    table = GapReportRow._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION gap_rows_refuse() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'injected failure: rows refused'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER gap_rows_refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION gap_rows_refuse()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER gap_rows_refuse BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure: rows refused'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS gap_rows_refuse ON {table}")
                cursor.execute("DROP FUNCTION IF EXISTS gap_rows_refuse()")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS gap_rows_refuse")


# -- failures --------------------------------------------------------------------------------


def test_a_run_that_fails_in_the_database_is_marked_failed_and_the_previous_report_stays_latest():
    # given: a succeeded report, then a run whose row writes the database refuses
    small_england()
    previous = compute()
    rows_before = figures(previous)
    report = services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)

    # when
    with row_inserts_fail():
        report = services.gap_report_compute(report_id=report.pk)

    # then: failed with the reason, no rows at all, and the previous report still served whole
    assert report.status == GapReport.Status.FAILED
    assert "injected failure" in report.error
    assert report.finished_at is not None
    assert not report.rows.exists()
    assert selectors.gap_report_latest() == previous
    assert figures(previous) == rows_before


def test_a_failed_report_is_not_computed_again_when_its_task_is_delivered_late():
    # given: a report marked failed (say by the stuck-run check) before its task ran
    small_england()
    report = services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)
    GapReport.objects.filter(pk=report.pk).update(status=GapReport.Status.FAILED, error="never started")

    # when
    gap_report_compute_task.delay(report.pk)

    # then
    report.refresh_from_db()
    assert (report.status, report.error, report.rows.count()) == (GapReport.Status.FAILED, "never started", 0)


# -- duplicate deliveries and determinism --------------------------------------------------


def test_a_second_delivery_of_a_finished_report_changes_nothing():
    # given: a report computed once by its task
    small_england()
    report = services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)
    gap_report_compute_task.delay(report.pk)
    row_ids = set(report.rows.values_list("id", flat=True))
    report.refresh_from_db()
    finished_at = report.finished_at

    # when: the broker delivers the same task again
    gap_report_compute_task.delay(report.pk)

    # then: the same single set of rows, untouched
    report.refresh_from_db()
    assert set(report.rows.values_list("id", flat=True)) == row_ids
    assert len(row_ids) == (2 + 1 + 1) * 2 * 3  # (2 ICSs, their region, England) x 2 occupations x 3 years
    assert report.finished_at == finished_at


def test_a_report_redelivered_after_its_worker_died_mid_run_is_computed_once():
    # given: a report left running by a worker that died before writing anything
    small_england()
    report = services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)
    GapReport.objects.filter(pk=report.pk).update(status=GapReport.Status.RUNNING, progress=35)

    # when: the task is delivered again, twice
    gap_report_compute_task.delay(report.pk)
    gap_report_compute_task.delay(report.pk)

    # then
    report.refresh_from_db()
    assert report.status == GapReport.Status.SUCCEEDED
    assert report.progress == 100
    assert report.rows.count() == report.inputs["rows"] == 24


def test_two_runs_on_the_same_inputs_give_identical_rows():
    # given
    small_england()

    # when
    first, second = compute(), compute()

    # then
    assert first.pk != second.pk
    assert figures(first) == figures(second)
    assert {key: value for key, value in first.inputs.items()} == second.inputs


# -- stuck runs ------------------------------------------------------------------------------


def test_mark_stuck_fails_a_running_report_whose_heartbeat_stopped_and_leaves_a_live_one():
    # given: one run silent for 2 hours, one that beat a minute ago
    now = timezone.now()
    silent = GapReport.objects.create(as_of=AS_OF, status=GapReport.Status.RUNNING, started_at=now,
                                      heartbeat_at=now - dt.timedelta(hours=2))
    # (other parameters: at most one run per parameters is in flight)
    live = GapReport.objects.create(as_of=AS_OF, horizon_years=4, status=GapReport.Status.RUNNING, started_at=now,
                                    heartbeat_at=now - dt.timedelta(minutes=1))

    # when
    marked = services.gap_reports_mark_stuck(older_than=dt.timedelta(minutes=30))

    # then
    silent.refresh_from_db()
    live.refresh_from_db()
    assert marked == 1
    assert silent.status == GapReport.Status.FAILED and "stopped without finishing" in silent.error
    assert silent.finished_at is not None
    assert live.status == GapReport.Status.RUNNING


def test_mark_stuck_fails_a_long_pending_report_only_when_nothing_is_running():
    # given: a report pending for 2 hours, behind a run that is alive
    old = timezone.now() - dt.timedelta(hours=2)
    pending = GapReport.objects.create(as_of=AS_OF)
    GapReport.objects.filter(pk=pending.pk).update(created_at=old)
    live = GapReport.objects.create(as_of=AS_OF, horizon_years=4, status=GapReport.Status.RUNNING,
                                    heartbeat_at=timezone.now())

    # when: checked while the other runs, then after it finished
    marked_while_running = services.gap_reports_mark_stuck(older_than=dt.timedelta(minutes=30))
    GapReport.objects.filter(pk=live.pk).update(status=GapReport.Status.SUCCEEDED)
    gap_report_mark_stuck_task.delay()

    # then
    pending.refresh_from_db()
    assert marked_while_running == 0
    assert pending.status == GapReport.Status.FAILED and "never started" in pending.error


# -- requests, tasks and the command ---------------------------------------------------------


def test_asking_for_a_report_queues_its_computation_once_the_transaction_commits(
    ics_user, django_capture_on_commit_callbacks
):
    # given
    small_england()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = services.gap_report_request(as_of=AS_OF, horizon_years=2, user=ics_user)
        assert report.status == GapReport.Status.PENDING

    # then: the task ran (eagerly here) after the commit
    report.refresh_from_db()
    assert len(callbacks) == 1
    assert (report.status, report.requested_by, report.horizon_years) == (GapReport.Status.SUCCEEDED, ics_user, 2)


def test_asking_again_while_a_report_is_under_way_returns_that_report(staff_user, django_capture_on_commit_callbacks):
    # given: a report pending for the same parameters
    with django_capture_on_commit_callbacks(execute=False):
        first = services.gap_report_request(as_of=AS_OF, horizon_years=3, user=staff_user)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.gap_report_request(as_of=AS_OF, horizon_years=3, user=staff_user)
        other = services.gap_report_request(as_of=AS_OF, horizon_years=4, user=staff_user)

    # then: nothing new for the same parameters; different parameters are a new report
    assert again == first
    assert other != first
    assert len(callbacks) == 1


def test_ics_analysts_and_staff_may_ask_for_a_report(ics_user, staff_user):
    # (each its own parameters: at most one run per parameters is in flight)
    for horizon_years, user in ((3, ics_user), (4, staff_user)):
        # when
        report = services.gap_report_create(as_of=AS_OF, horizon_years=horizon_years, user=user)

        # then
        assert report.requested_by == user


def test_coordinators_and_college_officers_may_not_ask_for_a_report(coordinator_user, college_user):
    for user in (coordinator_user, college_user):
        # when / then
        with pytest.raises(PermissionDenied):
            services.gap_report_request(as_of=AS_OF, horizon_years=3, user=user)
    assert not GapReport.objects.exists()


def test_a_horizon_outside_1_to_10_years_is_refused(staff_user):
    for years in (0, 11):
        with pytest.raises(ApplicationError) as refused:
            services.gap_report_create(as_of=AS_OF, horizon_years=years, user=staff_user)
        assert "horizon_years" in refused.value.errors
    assert not GapReport.objects.exists()


def test_the_nightly_task_asks_for_a_report_as_of_today(django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        gap_report_nightly_task.delay()

    # then
    report = GapReport.objects.get()
    assert (report.as_of, report.horizon_years, report.requested_by) == (timezone.localdate(), 3, None)
    assert report.status == GapReport.Status.SUCCEEDED


def test_the_compute_task_goes_to_the_reports_queue_and_the_beat_tasks_exist():
    # given
    router = celery_app.amqp.router

    # when
    route = router.route({}, gap_report_compute_task.name)

    # then: reports wait on their own queue; beat names real tasks
    assert route["queue"].name == "reports"
    assert router.route({}, gap_report_mark_stuck_task.name)["queue"].name == "default"
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks


def test_compute_gap_report_command_prints_the_id_status_and_row_count():
    # given
    small_england()
    out = StringIO()

    # when
    call_command("compute_gap_report", "--as-of", "2026-06-15", "--horizon-years", "2", stdout=out)

    # then
    report = GapReport.objects.get()
    assert (report.as_of, report.horizon_years, report.status) == (AS_OF, 2, GapReport.Status.SUCCEEDED)
    assert f"Gap report {report.pk} " in out.getvalue()
    assert "succeeded, 16 rows" in out.getvalue()


def test_compute_gap_report_command_fails_loudly_when_the_run_fails():
    # given
    small_england()

    # when / then
    with row_inserts_fail(), pytest.raises(CommandError, match="failed"):
        call_command("compute_gap_report", "--as-of", "2026-06-15", stdout=StringIO())
    assert GapReport.objects.get().status == GapReport.Status.FAILED


def test_compute_gap_report_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("compute_gap_report", "--as-of", "15/06/2026")


# -- keys of the rows ------------------------------------------------------------------------


def test_deleting_a_report_deletes_its_rows_and_an_occupation_its_rows_name_is_protected():
    # given: an occupation named only by a report's row
    occupation = OccupationFactory(code="named-by-a-report")
    row = GapReportRowFactory(occupation=occupation)

    # when / then: the occupation stays while the report names it, and goes with the report
    with pytest.raises(ProtectedError):
        occupation.delete()
    row.report.delete()
    assert not GapReportRow.objects.exists()
    occupation.delete()
    assert not Occupation.objects.filter(code="named-by-a-report").exists()
