"""Writes for occupations, apprenticeship standards, entry routes and gap reports."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from colleges.models import CourseOffer
from portal.errors import ApplicationError
from portal.services import CsvRow, ImportResult, csv_rows_read, rows_import
from trusts.models import Vacancy

from .gap import GapComputation
from .models import ApprenticeshipStandard, EntryRoute, GapReport, Occupation, OccupationSector

# --------------------------------------------------------------------------------------
# Reference data imports (formats in data/SOURCES.md)
# --------------------------------------------------------------------------------------

STANDARD_COLUMNS = (
    "Name", "Reference", "Approved for Delivery Date", "Route", "Level", "Typical Duration (months)",
    "LARS code for providers only",
)


def apprenticeship_standards_import(*, path: Path | str) -> ImportResult:
    """Apprenticeship standards, from the IfATE standards CSV export (ifate_standards_health_care_2018.csv).

    Level 0 and duration 0 mean "not yet set" in the export and are stored as blank, as are the
    approval date and LARS code "TBC".
    """

    def parse(row: CsvRow) -> dict:
        lars = row.text("LARS code for providers only", required=False)
        return {
            "reference": row.matching("Reference", r"ST[0-9]{4}(-[0-9]{2})?", "a reference like ST0216"),
            "title": row.text("Name"),
            "level": row.integer("Level", zero_is_blank=True, minimum=1, maximum=8),
            "duration_months": row.integer("Typical Duration (months)", zero_is_blank=True, minimum=1, maximum=72),
            "route": " ".join(row.text("Route", required=False).split()),
            "lars_code": "" if lars.upper() == "TBC" else lars,
            "approved_for_delivery_on": row.date("Approved for Delivery Date", "%d-%m-%Y", blank_words=("TBC",)),
        }

    return rows_import(
        path=path, model=ApprenticeshipStandard, key="reference", entity="apprenticeship standards",
        required_columns=STANDARD_COLUMNS, parse=parse,
        columns={
            "reference": "Reference", "title": "Name", "level": "Level", "duration_months": "Typical Duration (months)",
            "route": "Route", "lars_code": "LARS code for providers only",
            "approved_for_delivery_on": "Approved for Delivery Date",
        },
    )


OCCUPATION_COLUMNS = ("soc2020_code", "code", "name", "sector", "staff_group", "annual_leaver_rate")
SOC_COLUMNS = ("soc2020_code", "title", "health_or_care", "description")


def occupations_import(*, path: Path | str, soc_path: Path | str) -> ImportResult:
    """Occupations: the SOC 2020 unit groups the portal keeps (data/occupations.csv), described from
    the ONS file (soc2020_unit_groups.csv). Unit groups the ONS file flags as health or care that the
    portal leaves out are listed in the result's notes.
    """
    soc_rows = csv_rows_read(path=soc_path, required_columns=SOC_COLUMNS)
    unit_groups = {row.raw("soc2020_code"): row for row in soc_rows}
    kept: set[str] = set()

    def parse(row: CsvRow) -> dict:
        soc_code = row.matching("soc2020_code", r"[1-9][0-9]{3}", "a SOC 2020 unit group code like 6131")
        unit_group = row.lookup("soc2020_code", unit_groups, "SOC 2020 unit group") if soc_code else None
        kept.add(soc_code)
        return {
            "code": row.matching("code", r"[a-z0-9]+(-[a-z0-9]+)*", "a lower-case slug like care-workers"),
            "name": row.text("name"),
            "soc_code": soc_code,
            "sector": row.choice("sector", OccupationSector.values),
            "staff_group": row.text("staff_group", required=False),
            "annual_leaver_rate": row.decimal(
                "annual_leaver_rate", required=True, minimum=Decimal(0), maximum=Decimal(1)
            ),
            "description": unit_group.raw("description") if unit_group else "",
        }

    result = rows_import(
        path=path, model=Occupation, key="code", entity="occupations", required_columns=OCCUPATION_COLUMNS,
        parse=parse, columns={"soc_code": "soc2020_code"},
    )
    for code, row in sorted(unit_groups.items()):
        if row.raw("health_or_care").lower() == "yes" and code not in kept:
            result.notes.append(f"SOC {code} {row.raw('title')}: a health or care unit group (health_or_care=yes) the portal does not keep")
    return result


# --------------------------------------------------------------------------------------
# Gap reports (DESIGN.md section 6). The GapReport row is the job: status, progress and
# heartbeat live in the database, never in the broker. The figures come from pathways.gap.
# --------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)

GAP_REPORT_DEFAULT_HORIZON_YEARS = 3


class _GapReportRunSuperseded(Exception):
    """The report stopped being ours mid-run: marked failed as stuck, or finished by another delivery."""


def gap_report_create(*, as_of: dt.date | None = None, horizon_years: int = GAP_REPORT_DEFAULT_HORIZON_YEARS,
                      user=None) -> GapReport:
    """A new pending report, checked but not queued (gap_report_request queues; the command computes
    in process). `user` None means the portal itself (the nightly run, the command line)."""
    if user is not None and not GapReport.may_be_requested_by(user):
        raise PermissionDenied("Only ICS analysts and portal staff may ask for a gap report.")
    report = GapReport(
        as_of=as_of or timezone.localdate(), horizon_years=horizon_years,
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        report.full_clean(exclude=["requested_by"])
    except ValidationError as exc:
        raise ApplicationError("The report's parameters are not valid.", exc.message_dict) from exc
    report.save()
    return report


def gap_report_request(*, as_of: dt.date | None, horizon_years: int, user) -> GapReport:
    """Ask for a report: the computation is queued (queue "reports") once the caller's transaction
    commits. While a report with the same parameters is already pending or running, and alive,
    that one is returned instead of starting a second."""
    as_of = as_of or timezone.localdate()
    if user is not None and not GapReport.may_be_requested_by(user):
        raise PermissionDenied("Only ICS analysts and portal staff may ask for a gap report.")
    alive_since = timezone.now() - _gap_report_stuck_after()
    in_flight = (
        GapReport.objects.filter(as_of=as_of, horizon_years=horizon_years)
        .filter(
            Q(status=GapReport.Status.PENDING, created_at__gte=alive_since)
            | Q(status=GapReport.Status.RUNNING, heartbeat_at__gte=alive_since)
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if in_flight is not None:
        return in_flight
    report = gap_report_create(as_of=as_of, horizon_years=horizon_years, user=user)
    from .tasks import gap_report_compute_task  # the task module imports this one

    transaction.on_commit(lambda: gap_report_compute_task.delay(report.id))
    return report


def gap_report_compute(*, report_id: int) -> GapReport:
    """Compute a report's rows. Safe to call again for the same report (a duplicate delivery):
    a finished report is returned untouched, and the rows and the succeeded status are written in
    one transaction, so a run that dies part-way leaves no rows and the previous report served.
    A run that raises is marked failed with the error; this function does not raise for it."""
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

    run = GapComputation(report_id=report.pk, as_of=report.as_of, horizon_years=report.horizon_years)
    try:
        with transaction.atomic():
            run.stage_demand()
        _gap_report_progress(report.pk, 35)
        with transaction.atomic():
            run.stage_supply()
        _gap_report_progress(report.pk, 70)
        inputs = _gap_report_inputs(report, run)
        _gap_report_progress(report.pk, 85)
        with transaction.atomic():
            current = GapReport.objects.select_for_update().get(pk=report.pk)
            if current.status != GapReport.Status.RUNNING:
                raise _GapReportRunSuperseded
            inputs["rows"] = run.write_rows()
            current.status = GapReport.Status.SUCCEEDED
            current.progress = 100
            current.heartbeat_at = current.finished_at = timezone.now()
            current.inputs = inputs
            current.save(update_fields=["status", "progress", "heartbeat_at", "finished_at", "inputs"])
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
    (default: the task time limit, after which the worker has killed it), and, when nothing is
    running, pending for that long (the task was lost). Returns how many were marked."""
    older_than = _gap_report_stuck_after() if older_than is None else older_than
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


def _gap_report_stuck_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


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
        GapReport.objects.filter(
            pk=report_id, status__in=[GapReport.Status.PENDING, GapReport.Status.RUNNING]
        ).update(
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
