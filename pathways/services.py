"""Writes for occupations, apprenticeship standards, entry routes and gap reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from colleges.models import CourseOffer, QualificationType
from core.upsert import NaturalKey, UpsertSpec, upsert
from portal.errors import ApplicationError
from portal.services import DATA_DIR, CsvRow, ImportResult, csv_rows_read, import_refused, rows_import
from trusts.models import Vacancy

from .gap import GapComputation
from .models import ApprenticeshipStandard, EntryRoute, GapReport, Occupation, OccupationSector, Progression

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
            title = row.raw("title")
            result.notes.append(f"SOC {code} {title}: a health or care unit group (health_or_care=yes) not kept")
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
    started = time.monotonic()
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


# --------------------------------------------------------------------------------------
# Career pathways: entry routes (course -> occupation) and progressions, written by staff
# through the admin and the API; the starter set shipped in data/ (see data/PATHWAYS.md).
# --------------------------------------------------------------------------------------

ENTRY_ROUTE_FIELDS = (
    "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate", "lag_months", "notes",
)
PROGRESSION_FIELDS = ("from_occupation", "to_occupation", "typical_months", "via")


def _entry_route_save(route: EntryRoute, *, user=None) -> EntryRoute:
    if route.level is None and route.apprenticeship_standard_id and route.apprenticeship_standard.level:
        route.level = route.apprenticeship_standard.level  # a route through a standard is at its level
    route.full_clean()
    route._history_user = user
    route.save()
    return route


def entry_route_create(*, data: Mapping, user=None) -> EntryRoute:
    """One entry route from model values (related objects resolved); the level defaults to the standard's."""
    return _entry_route_save(EntryRoute(**{name: data[name] for name in ENTRY_ROUTE_FIELDS if name in data}), user=user)


def entry_route_update(*, route: EntryRoute, data: Mapping, user=None) -> EntryRoute:
    for name in ENTRY_ROUTE_FIELDS:
        if name in data:
            setattr(route, name, data[name])
    return _entry_route_save(route, user=user)


def progression_create(*, data: Mapping) -> Progression:
    progression = Progression(**{name: data[name] for name in PROGRESSION_FIELDS if name in data})
    progression.full_clean()
    progression.save()
    return progression


def progression_update(*, progression: Progression, data: Mapping) -> Progression:
    for name in PROGRESSION_FIELDS:
        if name in data:
            setattr(progression, name, data[name])
    progression.full_clean()
    progression.save()
    return progression


ENTRY_ROUTE_COLUMNS = (
    "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate", "lag_months", "notes",
)
PROGRESSION_COLUMNS = ("from_occupation", "to_occupation", "typical_months", "via")


ROUTE_UPSERT = UpsertSpec(
    model=EntryRoute,
    keys=(
        NaturalKey(("occupation", "apprenticeship_standard"), where='"apprenticeship_standard_id" IS NOT NULL',
                   applies=lambda route: route.apprenticeship_standard_id is not None),
        NaturalKey(("occupation", "qualification_type", "level"), where='"apprenticeship_standard_id" IS NULL',
                   applies=lambda route: route.apprenticeship_standard_id is None),
    ),
    fields=ENTRY_ROUTE_COLUMNS,
)
PROGRESSION_UPSERT = UpsertSpec(
    model=Progression, keys=(NaturalKey(("from_occupation", "to_occupation")),), fields=PROGRESSION_COLUMNS
)


def _route_key(values: Mapping) -> tuple:
    standard = values["apprenticeship_standard"]
    if standard is not None:
        return (values["occupation"].pk, "standard", standard.pk)
    return (values["occupation"].pk, values["qualification_type"], values["level"])


def pathways_starter_set_import(
    *,
    routes_path: Path | str = DATA_DIR / "entry_routes.csv",
    progressions_path: Path | str = DATA_DIR / "progressions.csv",
    update_existing: bool = False,
) -> ImportResult:
    """The starter set of entry routes and progressions (data/entry_routes.csv, data/progressions.csv).

    Each route and rate is an indicative planning assumption (data/PATHWAYS.md). Routes and
    progressions already in the portal are kept as staff left them unless `update_existing`;
    so a re-run adds only what is missing. All or nothing across both files: a malformed row is
    named with its line and reason, and nothing is written. The result counts both files; its
    notes give each file's counts.
    """
    occupations = {o.code: o for o in Occupation.objects.all()}
    standards = {s.reference: s for s in ApprenticeshipStandard.objects.all()}
    routes = ImportResult(entity="entry routes")
    progressions = ImportResult(entity="progressions")
    problems: dict[str, list[str]] = {str(routes_path): [], str(progressions_path): []}

    route_records: list[tuple[int, dict]] = []
    for row in csv_rows_read(path=routes_path, required_columns=ENTRY_ROUTE_COLUMNS):
        values = {
            "occupation": row.lookup("occupation", occupations, "occupation"),
            "qualification_type": row.choice("qualification_type", QualificationType.values),
            "level": row.integer("level", minimum=1, maximum=8),
            "apprenticeship_standard": (
                row.lookup("apprenticeship_standard", standards, "apprenticeship standard")
                if row.raw("apprenticeship_standard") else None
            ),
            "conversion_rate": row.decimal("conversion_rate", required=True, minimum=Decimal(0), maximum=Decimal(1)),
            "lag_months": row.integer("lag_months", required=True, minimum=0, maximum=120),
            "notes": row.text("notes", required=False),
        }
        problems[str(routes_path)] += [f"line {row.line}: {column}: {reason}" for column, reason in row.problems]
        if not row.problems:
            route_records.append((row.line, values))

    progression_records: list[tuple[int, dict]] = []
    for row in csv_rows_read(path=progressions_path, required_columns=PROGRESSION_COLUMNS):
        values = {
            "from_occupation": row.lookup("from_occupation", occupations, "occupation"),
            "to_occupation": row.lookup("to_occupation", occupations, "occupation"),
            "typical_months": row.integer("typical_months", minimum=0, maximum=240),
            "via": row.text("via", required=False),
        }
        problems[str(progressions_path)] += [
            f"line {row.line}: {column}: {reason}" for column, reason in row.problems
        ]
        if not row.problems:
            progression_records.append((row.line, values))

    route_writes: list[EntryRoute] = []
    progression_writes: list[Progression] = []
    first_line: dict[tuple, int] = {}

    for line, values in route_records:
        if values["level"] is None and values["apprenticeship_standard"] is not None:
            values["level"] = values["apprenticeship_standard"].level
        key = _route_key(values)
        if key in first_line:
            problems[str(routes_path)].append(f"line {line}: occupation: the same route appears again "
                                              f"(first on line {first_line[key]})")
            continue
        first_line[key] = line
        route = EntryRoute(**values)
        try:
            route.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems[str(routes_path)] += [
                f"line {line}: {name}: {message}" for name, messages in exc.message_dict.items() for message in messages
            ]
            continue
        route_writes.append(route)

    for line, values in progression_records:
        key = (values["from_occupation"].pk, values["to_occupation"].pk)
        if key in first_line:
            problems[str(progressions_path)].append(f"line {line}: to_occupation: the same step appears again")
            continue
        first_line[key] = line
        progression = Progression(**values)
        try:
            progression.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems[str(progressions_path)] += [
                f"line {line}: {name}: {message}" for name, messages in exc.message_dict.items() for message in messages
            ]
            continue
        progression_writes.append(progression)

    for path, found in problems.items():
        if found:
            raise import_refused(path, sorted(found, key=lambda p: int(p.split(":")[0].removeprefix("line "))))

    # Without update_existing a route or step already in the portal is left as staff left it:
    # the writer then gives only the key, so a match is never changed (core.upsert).
    route_spec = ROUTE_UPSERT if update_existing else dataclasses.replace(ROUTE_UPSERT, fields=())
    progression_spec = PROGRESSION_UPSERT if update_existing else dataclasses.replace(PROGRESSION_UPSERT, fields=())
    with transaction.atomic():
        written = upsert(spec=route_spec, objs=route_writes, reason="Starter set (data/entry_routes.csv)")
        routes.added, routes.changed, routes.unchanged = written.created, written.changed, written.unchanged
        written = upsert(spec=progression_spec, objs=progression_writes)
        progressions.added, progressions.changed = written.created, written.changed
        progressions.unchanged = written.unchanged
    return ImportResult(
        entity="career pathways (entry routes and progressions)",
        added=routes.added + progressions.added,
        changed=routes.changed + progressions.changed,
        unchanged=routes.unchanged + progressions.unchanged,
        notes=[str(routes), str(progressions)],
    )


# --------------------------------------------------------------------------------------
# Synthetic data for benchmarks (generated, marked as such: see pathways/synthetic.py)
# --------------------------------------------------------------------------------------


def synthetic_data_generate(*, scale: str, seed: int = 2026, last_period: dt.date | None = None):
    """Generate the synthetic data set of `scale` ("england", "region" or "small") on top of the real
    reference data, replacing the previous synthetic set, in one transaction.

    england: every real ICS, NHS trust and college, about 60 occupations, 60 months of vacancies
    ending `last_period` (default: this month), 50,000 course offers. Answers a
    pathways.synthetic.SyntheticDataResult (counts and seconds taken).
    """
    from .synthetic import SCALES, generate

    if scale not in SCALES:
        raise ApplicationError(f"Unknown scale {scale!r}: use one of {', '.join(SCALES)}.")
    return generate(scale=scale, seed=seed, last_period=last_period)
