"""Writes of planning: gap report requests and runs (DESIGN.md section 6), and the synthetic data set.

The GapReport row is the job: status, progress and heartbeat live in the database, never in the
broker. The figures come from planning.gap, built on the rules of pathways.rules.

- A request is deduplicated by the database: at most one report per (as_of, horizon_years) is
  pending or running (a partial unique constraint); a request that loses the race is handed the
  one in flight. Runs that can no longer finish are marked failed first, so a dead run is never
  handed out.
- A run stages its figures with reads only (temporary tables), then writes the rows, the supply by
  college and the succeeded status in one short transaction: a failed or interrupted run leaves
  no rows, and on SQLite no write lock is held while the figures are worked out.
- A running report beats (heartbeat_at) from a side thread; a run silent for
  settings.GAP_REPORT_STALE_AFTER_SECONDS is marked failed by the check Celery beat runs every
  minute and every request runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from colleges.models import CourseOffer
from core.errors import ApplicationError
from pathways.models import EntryRoute
from trusts.models import Vacancy

from .gap import GapComputation
from .models import DEFAULT_HORIZON_YEARS, GapReport

logger = logging.getLogger(__name__)

GAP_REPORT_DEFAULT_HORIZON_YEARS = DEFAULT_HORIZON_YEARS  # the one default (planning.models), by its old name
HEARTBEAT_SECONDS = 30  # how often a running report says it is alive; well inside the stale limit

_REFUSED = "Only ICS analysts and portal staff may ask for a gap report."


class _GapReportRunSuperseded(Exception):
    """The report stopped being ours mid-run: marked failed as stuck, or finished by another delivery."""


def _gap_report_may_ask(user) -> None:
    if user is not None and not GapReport.may_be_requested_by(user):
        raise PermissionDenied(_REFUSED)


def _gap_report_new(*, as_of: dt.date | None, horizon_years: int, user) -> GapReport:
    """A pending report, checked (as_of in the planning range, horizon 1 to 10) and saved. Raises
    IntegrityError when one with the same parameters is already pending or running."""
    report = GapReport(
        as_of=as_of or timezone.localdate(), horizon_years=horizon_years,
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        # The in-flight constraint is the database's to decide (a check here would race).
        report.full_clean(exclude=["requested_by"], validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError("The report's parameters are not valid.", exc.message_dict) from exc
    with transaction.atomic():  # a savepoint: a refused insert leaves the caller's transaction usable
        report.save()
    return report


def _gap_report_in_flight(*, as_of: dt.date, horizon_years: int) -> GapReport | None:
    return (
        GapReport.objects.filter(as_of=as_of, horizon_years=horizon_years, status__in=GapReport.IN_FLIGHT)
        .order_by("-created_at", "-id")
        .first()
    )


def gap_report_create(*, as_of: dt.date | None = None, horizon_years: int = DEFAULT_HORIZON_YEARS,
                      user=None) -> GapReport:
    """A new pending report, checked but not queued (gap_report_request queues; the command computes
    in process). `user` None means the portal itself (the nightly run, the command line). Refused
    while a report with the same parameters is under way."""
    _gap_report_may_ask(user)
    try:
        return _gap_report_new(as_of=as_of, horizon_years=horizon_years, user=user)
    except IntegrityError as exc:
        in_flight = _gap_report_in_flight(as_of=as_of or timezone.localdate(), horizon_years=horizon_years)
        which = f" (report {in_flight.pk}, {in_flight.status})" if in_flight else ""
        raise ApplicationError(
            "A report with these parameters is already under way.",
            {"as_of": [f"A report as of this date over {horizon_years} years is already under way{which}."]},
        ) from exc


def gap_report_request(*, as_of: dt.date | None, horizon_years: int = DEFAULT_HORIZON_YEARS, user) -> GapReport:
    """Ask for a report: the computation is queued (queue "reports") once the caller's transaction
    commits. While a report with the same parameters is pending or running (and alive: dead runs are
    marked failed first), that one is returned instead of starting a second; the database decides,
    so simultaneous identical requests make one report."""
    _gap_report_may_ask(user)
    as_of = as_of or timezone.localdate()
    gap_reports_mark_stuck()
    for _attempt in range(3):
        try:
            report = _gap_report_new(as_of=as_of, horizon_years=horizon_years, user=user)
        except IntegrityError:
            in_flight = _gap_report_in_flight(as_of=as_of, horizon_years=horizon_years)
            if in_flight is not None:
                return in_flight
            continue  # it finished between our insert and our look: ask again
        from .tasks import gap_report_compute_task  # the task module imports this one

        transaction.on_commit(lambda report_id=report.pk: gap_report_compute_task.delay(report_id))
        return report
    raise ApplicationError("The report could not be requested: please try again.")


class _Heartbeat:
    """Beats heartbeat_at of a running report every `every` seconds from a side thread (its own
    database connection), so that a long statement is not taken for a dead run."""

    def __init__(self, report_id: int, every: float = HEARTBEAT_SECONDS):
        self.report_id, self.every = report_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"gap-report-{report_id}-heartbeat", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=self.every)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    GapReport.objects.filter(pk=self.report_id, status=GapReport.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat is not the run's failure
                    logger.warning("Gap report %s: heartbeat not written", self.report_id, exc_info=True)
        finally:
            close_old_connections()
            connection.close()


def _reads():
    """Where a run's read stages execute. On SQLite, outside any transaction when the caller has none,
    so that no lock is held between statements (and, with immediate transactions, no write lock at all);
    elsewhere in a transaction of their own, which on PostgreSQL blocks no writer."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def gap_report_compute(*, report_id: int) -> GapReport:
    """Compute a report's rows. Safe to call again for the same report (a duplicate delivery):
    a finished report is returned untouched, and the rows, the supply by college and the succeeded
    status are written in one transaction, so a run that dies part-way leaves no rows and the
    previous report served. A run that raises is marked failed with the error; this function does
    not raise for it."""
    with transaction.atomic():
        report = GapReport.objects.select_for_update().get(pk=report_id)
        if report.is_finished:
            return report
        now = timezone.now()
        report.status = GapReport.Status.RUNNING
        report.progress = 5
        report.started_at = report.heartbeat_at = now
        report.finished_at = None
        report.error = ""
        report.save(update_fields=["status", "progress", "started_at", "heartbeat_at", "finished_at", "error"])

    run = GapComputation(
        report_id=report.pk, as_of=report.as_of, horizon_years=report.horizon_years, scenario_id=report.scenario_id,
    )
    started = time.monotonic()
    try:
        with _Heartbeat(report.pk):
            with _reads():
                run.stage_geography()
                run.stage_demand()
            _gap_report_progress(report.pk, 35)
            with _reads():
                run.stage_supply()
            _gap_report_progress(report.pk, 70)
            with _reads():
                inputs = _gap_report_inputs(report, run)
            _gap_report_progress(report.pk, 85)
            with transaction.atomic():  # the one write of the figures: short
                current = GapReport.objects.select_for_update().get(pk=report.pk)
                if current.status != GapReport.Status.RUNNING:
                    raise _GapReportRunSuperseded
                inputs["rows"] = run.write_rows()
                inputs["supply_rows"] = run.write_supply()
                current.status = GapReport.Status.SUCCEEDED
                current.progress = 100
                current.heartbeat_at = current.finished_at = timezone.now()
                current.inputs = inputs
                current.save(update_fields=["status", "progress", "heartbeat_at", "finished_at", "inputs"])
        logger.info("Gap report %s: %s rows in %.2f s", report.pk, inputs["rows"], time.monotonic() - started)
    except _GapReportRunSuperseded:
        logger.info("Gap report %s: run abandoned, the report was finished or marked failed meanwhile", report.pk)
    except Exception as exc:
        logger.exception("Gap report %s failed", report.pk)
        _gap_report_fail(report.pk, exc)
    finally:
        try:
            run.drop()
        except Exception:  # the connection may be gone; its temporary tables went with it
            logger.warning("Gap report %s: could not drop its temporary tables", report.pk, exc_info=True)
    report.refresh_from_db()
    return report


def gap_reports_mark_stuck(*, older_than: dt.timedelta | None = None) -> int:
    """Mark failed the runs that can no longer finish: running with no heartbeat for `older_than`
    (default settings.GAP_REPORT_STALE_AFTER_SECONDS: the worker died or was killed), and, when
    nothing is running, pending for that long (the task was lost). Returns how many were marked."""
    older_than = _gap_report_stale_after() if older_than is None else older_than
    now = timezone.now()
    cutoff = now - older_than
    marked = GapReport.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff),
        status=GapReport.Status.RUNNING,
    ).update(
        status=GapReport.Status.FAILED, finished_at=now,
        error="The run stopped without finishing (its worker stopped or ran out of time). Ask for a new report.",
    )
    if not GapReport.objects.filter(status=GapReport.Status.RUNNING).exists():
        marked += GapReport.objects.filter(status=GapReport.Status.PENDING, created_at__lt=cutoff).update(
            status=GapReport.Status.FAILED, finished_at=now,
            error="The run never started (its task was lost). Ask for a new report.",
        )
    return marked


def _gap_report_stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.GAP_REPORT_STALE_AFTER_SECONDS)


def _gap_report_progress(report_id: int, progress: int) -> None:
    """Progress and heartbeat in their own short write; raises when the run is no longer ours."""
    updated = GapReport.objects.filter(pk=report_id, status=GapReport.Status.RUNNING).update(
        progress=progress, heartbeat_at=timezone.now()
    )
    if not updated:
        raise _GapReportRunSuperseded


def _gap_report_fail(report_id: int, exc: Exception) -> None:
    message = (str(exc).strip().splitlines() or [""])[0][:500]
    try:
        GapReport.objects.filter(pk=report_id, status__in=GapReport.IN_FLIGHT).update(
            status=GapReport.Status.FAILED, finished_at=timezone.now(),
            error=f"The computation failed: {type(exc).__name__}: {message}",
        )
    except Exception:  # the database itself is gone: the stuck-run check will mark it later
        logger.exception("Gap report %s: could not record the failure", report_id)


def _gap_report_inputs(report: GapReport, run: GapComputation) -> dict:
    """What the figures rest on: parameters, counts of what was used, and the latest data change seen."""
    changed = {
        "vacancies_changed_at": Vacancy.objects.aggregate(at=Max("updated_at"))["at"],
        "course_offers_changed_at": CourseOffer.objects.aggregate(at=Max("updated_at"))["at"],
        "entry_routes_changed_at": EntryRoute.history.aggregate(at=Max("history_date"))["at"],
    }
    seen = [when for when in changed.values() if when is not None]
    return {
        "as_of": report.as_of.isoformat(),
        "horizon_years": report.horizon_years,
        **run.counts(),
        **{key: when.isoformat() if when else None for key, when in changed.items()},
        "data_changed_at": max(seen).isoformat() if seen else None,
    }


# --------------------------------------------------------------------------------------
# Synthetic data for benchmarks (generated, marked as such: see planning/generators/synthetic.py)
# --------------------------------------------------------------------------------------


def synthetic_data_generate(*, scale: str, seed: int = 2026, last_period: dt.date | None = None):
    """Generate the synthetic data set of `scale` ("england", "region" or "small") on top of the real
    reference data, replacing the previous synthetic set, in one transaction.

    england: every real ICS, NHS trust and college, about 60 occupations, 60 months of vacancies
    ending `last_period` (default: this month), 50,000 course offers. Answers a
    planning.generators.synthetic.SyntheticDataResult (counts and seconds taken).
    """
    from .generators.synthetic import SCALES, generate

    if scale not in SCALES:
        raise ApplicationError(f"Unknown scale {scale!r}: use one of {', '.join(SCALES)}.")
    return generate(scale=scale, seed=seed, last_period=last_period)
