"""Writes of planning: gap report requests and runs (DESIGN.md section 6), and the synthetic data set.

The GapReport row is the job: status, progress and heartbeat live in the database, never in the
broker. The figures come from planning.gap, built on the rules of pathways.rules.

- A request is deduplicated by the database: at most one report per (as_of, horizon_years) is
  pending or running (a partial unique constraint); a request that loses the race is handed the
  one in flight. Runs that can no longer finish are marked failed first, so a dead run is never
  handed out.
- A run stages its figures with reads only (temporary tables; each stage's transaction also writes
  the run's progress), then writes the rows, the supply by college and the succeeded status in one
  short transaction: a failed or interrupted run leaves no rows, and on SQLite no write lock is held
  while the figures are worked out.
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
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from colleges.models import CourseOffer
from core.audit import audited_delete, audited_save
from core.errors import ApplicationError
from core.permissions import require_write
from core.roles import Role, is_staff
from pathways.models import EntryRoute, Occupation
from pathways.vocabulary import QualificationType
from trusts.models import Vacancy

from .gap import GapComputation
from .models import (
    DEFAULT_HORIZON_YEARS,
    AdjustmentKind,
    GapReport,
    Scenario,
    ScenarioAdjustment,
    ScenarioOffer,
)

logger = logging.getLogger(__name__)

GAP_REPORT_DEFAULT_HORIZON_YEARS = DEFAULT_HORIZON_YEARS  # the one default (planning.models), by its old name
HEARTBEAT_SECONDS = 30  # how often a running report says it is alive; well inside the stale limit

_REFUSED = "Only ICS analysts and portal staff may ask for a gap report."


class _GapReportRunSuperseded(Exception):
    """The report stopped being ours mid-run: marked failed as stuck, or finished by another delivery."""


def _gap_report_may_ask(user) -> None:
    if user is not None and not GapReport.may_be_requested_by(user):
        raise PermissionDenied(_REFUSED)


SCENARIO_NOT_VISIBLE = "No scenario with this id is visible to you."


def _gap_report_scenario_check(user, scenario) -> None:
    """A report of a scenario is asked for by someone who may see it (the portal itself may)."""
    if scenario is not None and user is not None and not Scenario.objects.visible_to(user).filter(
        pk=scenario.pk
    ).exists():
        raise ApplicationError(SCENARIO_NOT_VISIBLE, {"scenario": [SCENARIO_NOT_VISIBLE]})


def _gap_report_new(*, as_of: dt.date | None, horizon_years: int, user, scenario=None) -> GapReport:
    """A pending report, checked (as_of in the planning range, horizon 1 to 10) and saved. Raises
    IntegrityError when one with the same parameters (and scenario) is already pending or running."""
    report = GapReport(
        as_of=as_of or timezone.localdate(), horizon_years=horizon_years,
        requested_by=user if user is not None and user.is_authenticated else None, scenario=scenario,
    )
    try:
        # The in-flight constraint is the database's to decide (a check here would race).
        report.full_clean(exclude=["requested_by", "scenario"], validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError("The report's parameters are not valid.", exc.message_dict) from exc
    with transaction.atomic():  # a savepoint: a refused insert leaves the caller's transaction usable
        report.save()
    return report


def _gap_report_in_flight(*, as_of: dt.date, horizon_years: int, scenario=None) -> GapReport | None:
    return (
        GapReport.objects.filter(
            as_of=as_of, horizon_years=horizon_years, status__in=GapReport.IN_FLIGHT, scenario=scenario
        )
        .order_by("-created_at", "-id")
        .first()
    )


def gap_report_create(*, as_of: dt.date | None = None, horizon_years: int = DEFAULT_HORIZON_YEARS,
                      user=None, scenario=None) -> GapReport:
    """A new pending report, checked but not queued (gap_report_request queues; the command computes
    in process). `user` None means the portal itself (the nightly run, the command line). Refused
    while a report with the same parameters is under way."""
    _gap_report_may_ask(user)
    _gap_report_scenario_check(user, scenario)
    try:
        return _gap_report_new(as_of=as_of, horizon_years=horizon_years, user=user, scenario=scenario)
    except IntegrityError as exc:
        in_flight = _gap_report_in_flight(
            as_of=as_of or timezone.localdate(), horizon_years=horizon_years, scenario=scenario
        )
        which = f" (report {in_flight.pk}, {in_flight.status})" if in_flight else ""
        raise ApplicationError(
            "A report with these parameters is already under way.",
            {"as_of": [f"A report as of this date over {horizon_years} years is already under way{which}."]},
        ) from exc


def gap_report_request(
    *, as_of: dt.date | None, horizon_years: int = DEFAULT_HORIZON_YEARS, user, scenario=None
) -> GapReport:
    """Ask for a report (of a scenario, DESIGN.md 6.4, when one is given): the computation is queued
    (queue "reports") once the caller's transaction commits. While a report with the same parameters
    is pending or running (and alive: dead runs are marked failed first), that one is returned instead
    of starting a second; the database decides, so simultaneous identical requests make one report."""
    _gap_report_may_ask(user)
    _gap_report_scenario_check(user, scenario)
    as_of = as_of or timezone.localdate()
    gap_reports_mark_stuck()
    for _attempt in range(3):
        try:
            report = _gap_report_new(as_of=as_of, horizon_years=horizon_years, user=user, scenario=scenario)
        except IntegrityError:
            in_flight = _gap_report_in_flight(as_of=as_of, horizon_years=horizon_years, scenario=scenario)
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
            # Each stage's progress is written in the stage's transaction (visible when it commits): one
            # commit a stage, which on PostgreSQL need not wait for the disk (planning.gap._STAGE).
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


# --------------------------------------------------------------------------------------
# Scenarios (DESIGN.md 6.4): named what-ifs of an ICS (or of England, by staff) that never change
# the portal's data. Hypothetical offers are checked by the course offers' own rules
# (CourseOffer.clean) and the models' field rules; adjustments by kind, their targets looked up
# with one query per kind. Every write leaves one entry in the scenario's history, naming the
# changes to its offers and adjustments too.
# --------------------------------------------------------------------------------------

SCENARIO_FIELDS = ("name", "description", "ics", "shared")
SCENARIO_OFFER_FIELDS = (
    "college", "qualification_type", "level", "apprenticeship_standard", "start_date", "duration_months",
    "planned_places", "expected_completion_rate", "delivery_ics",
)
SCENARIO_SOURCES = {"api": "API", "page": "Web form"}
RATE_KINDS = (AdjustmentKind.CONVERSION_RATE, AdjustmentKind.COMPLETION_RATE, AdjustmentKind.LEAVER_RATE)
SCENARIO_REFUSED = "Only ICS analysts (for their own ICS) and portal staff write scenarios."


def scenario_may_be_created_by(user) -> bool:
    return is_staff(user) or bool(user and user.is_authenticated and user.role == Role.ICS and user.ics_id)


def _academic_year_of(day: dt.date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    if NON_FIELD_ERRORS in errors:
        errors = {**errors, "non_field_errors": errors.pop(NON_FIELD_ERRORS)}
    return errors


def scenario_offer_check(data: Mapping[str, Any]) -> tuple[ScenarioOffer | None, dict[str, list[str]]]:
    """(an unsaved ScenarioOffer, {}) when `data` (model values, related objects resolved) makes a valid
    hypothetical offer, else (None, {field: messages}). The rules are the real offers': an unsaved
    CourseOffer of the academic year the start date falls in is checked by CourseOffer.clean() (the
    standard and the qualification type agree; an apprenticeship's level comes from its standard)."""
    values = {name: data.get(name) for name in SCENARIO_OFFER_FIELDS}
    if values["college"] is None:
        return None, {"college": ["Name the college by its UKPRN."]}
    errors: dict[str, list[str]] = {}
    offer = ScenarioOffer(**values)
    if values["start_date"] is not None:
        real = CourseOffer(
            course_code="SCENARIO", title="Scenario offer", academic_year=_academic_year_of(values["start_date"]),
            **values,
        )
        try:
            real.clean()
        except ValidationError as exc:
            errors.update(_field_errors(exc))
        offer.level = real.level
    try:
        offer.full_clean(
            exclude=["scenario", "college", "apprenticeship_standard", "delivery_ics", *errors],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in _field_errors(exc).items():
            errors.setdefault(name, []).extend(messages)
    return (None, errors) if errors else (offer, {})


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def scenario_adjustments_check(items: list[Mapping[str, Any]]) -> tuple[list[ScenarioAdjustment], dict]:
    """(unsaved adjustments, {index: {field: messages}}) for a list of {kind, target, value}: the kind is
    one of AdjustmentKind; the target exists (a course offer id, an entry route id, a qualification type,
    an occupation code); the value is 0 to 1 for a rate, a whole number of places (0 or more) for
    offer_places and 0 or more for vacancies_factor; a kind and target appear once. One query per kind
    of target, whatever the number of items."""
    targets: dict[str, set[str]] = {kind: set() for kind in AdjustmentKind.values}
    for item in items:
        if item.get("kind") in targets:
            targets[item["kind"]].add(str(item.get("target", "")).strip())
    ids = {kind: {t for t in targets[kind] if t.isdigit()} for kind in (AdjustmentKind.OFFER_PLACES,
                                                                        AdjustmentKind.CONVERSION_RATE)}
    existing = {
        AdjustmentKind.OFFER_PLACES: {
            str(pk) for pk in CourseOffer.objects.filter(pk__in=ids[AdjustmentKind.OFFER_PLACES])
            .values_list("pk", flat=True)
        } if ids[AdjustmentKind.OFFER_PLACES] else set(),
        AdjustmentKind.CONVERSION_RATE: {
            str(pk) for pk in EntryRoute.objects.filter(pk__in=ids[AdjustmentKind.CONVERSION_RATE])
            .values_list("pk", flat=True)
        } if ids[AdjustmentKind.CONVERSION_RATE] else set(),
        AdjustmentKind.COMPLETION_RATE: set(QualificationType.values),
    }
    codes = targets[AdjustmentKind.LEAVER_RATE] | targets[AdjustmentKind.VACANCIES_FACTOR]
    occupations = set(Occupation.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
    existing[AdjustmentKind.LEAVER_RATE] = existing[AdjustmentKind.VACANCIES_FACTOR] = occupations
    missing = {
        AdjustmentKind.OFFER_PLACES: "No course offer has the id {target}.",
        AdjustmentKind.CONVERSION_RATE: "No entry route has the id {target}.",
        AdjustmentKind.COMPLETION_RATE: "{target} is not a qualification type: use one of "
        + ", ".join(QualificationType.values) + ".",
        AdjustmentKind.LEAVER_RATE: "No occupation has the code {target}.",
        AdjustmentKind.VACANCIES_FACTOR: "No occupation has the code {target}.",
    }
    adjustments, errors, seen = [], {}, set()
    for index, item in enumerate(items):
        problems: dict[str, list[str]] = {}
        kind = item.get("kind")
        target = str(item.get("target", "") if item.get("target") is not None else "").strip()
        value = _decimal(item.get("value"))
        if kind not in targets:
            problems["kind"] = [f"Choose one of {', '.join(AdjustmentKind.values)}."]
        elif not target:
            problems["target"] = ["Give the adjustment's target."]
        elif target not in existing[kind]:
            problems["target"] = [missing[kind].format(target=target)]
        elif (kind, target) in seen:
            problems["target"] = [f"{target} is adjusted twice for {kind}: give each target once."]
        if value is None:
            problems["value"] = ["Give the value as a number."]
        elif kind in RATE_KINDS and not Decimal(0) <= value <= Decimal(1):
            problems["value"] = ["A rate is a share from 0 to 1, for example 0.85."]
        elif kind == AdjustmentKind.OFFER_PLACES and (value < 0 or value != value.to_integral_value()):
            problems["value"] = ["Planned places are a whole number, 0 or more."]
        elif kind == AdjustmentKind.VACANCIES_FACTOR and value < 0:
            problems["value"] = ["A factor is 0 or more: 1 leaves the vacancies as they are, 1.2 adds a fifth."]
        elif value.as_tuple().exponent < -4 or abs(value) >= Decimal(10) ** 8:
            problems["value"] = ["Give the value with at most 4 decimals, below 100,000,000."]
        if problems:
            errors[str(index)] = problems
            continue
        seen.add((kind, target))
        adjustments.append(ScenarioAdjustment(kind=kind, target=target, value=value))
    return adjustments, errors


def _scenario_ics_for(*, user, ics):
    """The ICS a scenario is for: an ICS analyst's own (whatever they send), staff's choice (None: England)."""
    if is_staff(user):
        return ics
    if scenario_may_be_created_by(user):
        return user.ics
    raise PermissionDenied(SCENARIO_REFUSED)


def _scenario_checked(scenario: Scenario, offers, adjustments) -> tuple[list, list]:
    """The scenario's own fields, its offers and its adjustments checked together: one 400 lists all."""
    errors: dict[str, Any] = {}
    try:
        scenario.full_clean(exclude=["ics", "created_by", "history"], validate_unique=False)
    except ValidationError as exc:
        errors.update(_field_errors(exc))
    checked_offers = []
    if offers is not None:
        offer_errors = {}
        for index, data in enumerate(offers):
            offer, problems = scenario_offer_check(data)
            if problems:
                offer_errors[str(index)] = problems
            else:
                checked_offers.append(offer)
        if offer_errors:
            errors["offers"] = offer_errors
    checked_adjustments = []
    if adjustments is not None:
        checked_adjustments, adjustment_errors = scenario_adjustments_check(adjustments)
        if adjustment_errors:
            errors["adjustments"] = adjustment_errors
    if errors:
        raise ApplicationError("The scenario is not valid.", errors)
    return checked_offers, checked_adjustments


def _scenario_history_entry(scenario: Scenario, *, user, reason: str, kind: str = "~") -> None:
    """One history entry for a change the scenario's own fields do not show (its offers, adjustments)."""
    history = Scenario.history.model
    values = {field.attname: getattr(scenario, field.attname) for field in Scenario._meta.concrete_fields}
    history.objects.create(
        **values, history_date=timezone.now(), history_type=kind, history_change_reason=reason[:100],
        history_user=user if user is not None and user.is_authenticated else None,
    )


def _nested_summary(offers: tuple[int, int], adjustments: tuple[int, int]) -> str:
    """'offers: 2 added, 1 removed; adjustments: 1 added' from (added, removed) counts."""
    parts = []
    for noun, (added, removed) in (("offers", offers), ("adjustments", adjustments)):
        said = [f"{count} {word}" for count, word in ((added, "added"), (removed, "removed")) if count]
        if said:
            parts.append(f"{noun}: {', '.join(said)}")
    return "; ".join(parts)


def _scenario_write(
    scenario: Scenario, *, user, source: str, created: bool, changed_fields: bool,
    offers: list | None = None, adjustments: list | None = None, replace: bool = True,
    remove_offers=(), remove_adjustments=(),
) -> Scenario:
    """Save the scenario, replace (or, with replace=False, add to) its offers and adjustments given, remove
    those named, and write one history entry saying what changed, all in one transaction."""
    with transaction.atomic():
        removed = [0, 0]
        if replace and not created and offers is not None:
            removed[0] = scenario.offers.all().delete()[0]
        if replace and not created and adjustments is not None:
            removed[1] = scenario.adjustments.all().delete()[0]
        if remove_offers:
            removed[0] += scenario.offers.filter(pk__in=remove_offers).delete()[0]
        if remove_adjustments:
            removed[1] += scenario.adjustments.filter(pk__in=remove_adjustments).delete()[0]
        nested = _nested_summary((len(offers or ()), removed[0]), (len(adjustments or ()), removed[1]))
        reason = SCENARIO_SOURCES[source] + (f"; {nested}" if nested else "")
        if created or changed_fields:
            audited_save(scenario, user=user, reason=reason)
        elif nested:
            scenario.save(update_fields=["updated_at"])  # no entry of its own: nothing tracked changed
            _scenario_history_entry(scenario, user=user, reason=reason)
        for offer in offers or ():
            offer.scenario = scenario
        for adjustment in adjustments or ():
            adjustment.scenario = scenario
        if offers:
            ScenarioOffer.objects.bulk_create(offers)
        if adjustments:
            try:
                with transaction.atomic():
                    ScenarioAdjustment.objects.bulk_create(adjustments)
            except IntegrityError as exc:  # the same kind and target added twice at once
                message = "This target is already adjusted in the scenario: change or remove that adjustment."
                raise ApplicationError(message, {"target": [message]}) from exc
    return scenario


def scenario_create(*, user, data: Mapping[str, Any], source: str = "api") -> Scenario:
    """A new scenario: `data` holds name, description, shared, ics (staff only; an ICS analyst's is
    their own), offers (list of model values) and adjustments (list of {kind, target, value})."""
    ics = _scenario_ics_for(user=user, ics=data.get("ics"))
    scenario = Scenario(
        name=data.get("name", ""), description=data.get("description", ""), shared=bool(data.get("shared", False)),
        ics=ics, created_by=user if user is not None and user.is_authenticated else None,
    )
    offers, adjustments = _scenario_checked(scenario, data.get("offers", []), data.get("adjustments", []))
    return _scenario_write(
        scenario, user=user, source=source, created=True, changed_fields=True, offers=offers, adjustments=adjustments
    )


def scenario_update(*, scenario: Scenario, user, data: Mapping[str, Any], source: str = "api") -> Scenario:
    """Change the given fields; `offers` or `adjustments`, when given, replace the scenario's lists.
    An ICS analyst's scenario stays in their ICS. A change that changes nothing writes nothing."""
    require_write(user, scenario)
    values = {name: data[name] for name in SCENARIO_FIELDS if name in data}
    if "ics" in values and not is_staff(user):
        values.pop("ics")
    changed = {name: value for name, value in values.items() if getattr(scenario, name) != value}
    for name, value in changed.items():
        setattr(scenario, name, value)
    offers, adjustments = _scenario_checked(scenario, data.get("offers"), data.get("adjustments"))
    if "offers" in data and _same_offers(scenario, offers):
        data = {key: value for key, value in data.items() if key != "offers"}
    if "adjustments" in data and _same_adjustments(scenario, adjustments):
        data = {key: value for key, value in data.items() if key != "adjustments"}
    if not changed and "offers" not in data and "adjustments" not in data:
        return scenario
    return _scenario_write(
        scenario, user=user, source=source, created=False, changed_fields=bool(changed),
        offers=offers if "offers" in data else None, adjustments=adjustments if "adjustments" in data else None,
    )


def _offer_key(offer: ScenarioOffer) -> tuple:
    return tuple(getattr(offer, f"{name}_id" if name in ("college", "apprenticeship_standard", "delivery_ics")
                         else name) for name in SCENARIO_OFFER_FIELDS)


def _same_offers(scenario: Scenario, offers: list[ScenarioOffer]) -> bool:
    stored = sorted(_offer_key(offer) for offer in scenario.offers.all())
    wanted = sorted(_offer_key(offer) for offer in offers)
    return [tuple(map(str, key)) for key in stored] == [tuple(map(str, key)) for key in wanted]


def _same_adjustments(scenario: Scenario, adjustments: list[ScenarioAdjustment]) -> bool:
    stored = sorted((a.kind, a.target, Decimal(a.value)) for a in scenario.adjustments.all())
    return stored == sorted((a.kind, a.target, Decimal(a.value)) for a in adjustments)


def scenario_offer_add(*, scenario: Scenario, user, data: Mapping[str, Any], source: str = "page") -> ScenarioOffer:
    """Add one hypothetical offer (the pages' add-one-at-a-time step)."""
    require_write(user, scenario)
    offer, errors = scenario_offer_check(data)
    if errors:
        raise ApplicationError("The offer is not valid.", errors)
    _scenario_write(
        scenario, user=user, source=source, created=False, changed_fields=False, offers=[offer], replace=False
    )
    return offer


def scenario_offer_remove(*, scenario: Scenario, user, offer_id: int, source: str = "page") -> None:
    require_write(user, scenario)
    _scenario_write(scenario, user=user, source=source, created=False, changed_fields=False, remove_offers=[offer_id])


def scenario_adjustment_add(
    *, scenario: Scenario, user, data: Mapping[str, Any], source: str = "page"
) -> ScenarioAdjustment:
    """Add one adjustment {kind, target, value}; a target the scenario already adjusts is refused on `target`."""
    require_write(user, scenario)
    adjustments, errors = scenario_adjustments_check([data])
    if errors:
        raise ApplicationError("The adjustment is not valid.", errors["0"])
    adjustment = adjustments[0]
    if scenario.adjustments.filter(kind=adjustment.kind, target=adjustment.target).exists():
        message = "The scenario already adjusts this target: remove that adjustment first to change it."
        raise ApplicationError(message, {"target": [message]})
    _scenario_write(
        scenario, user=user, source=source, created=False, changed_fields=False, adjustments=[adjustment],
        replace=False,
    )
    return adjustment


def scenario_adjustment_remove(*, scenario: Scenario, user, adjustment_id: int, source: str = "page") -> None:
    require_write(user, scenario)
    _scenario_write(
        scenario, user=user, source=source, created=False, changed_fields=False, remove_adjustments=[adjustment_id]
    )


def scenario_share(*, scenario: Scenario, user, shared: bool, source: str = "page") -> Scenario:
    """Share the scenario with the whole ICS, or make it private again (its creator and staff)."""
    return scenario_update(scenario=scenario, user=user, data={"shared": shared}, source=source)


def scenario_copy(*, scenario: Scenario, user, source: str = "page") -> Scenario:
    """A private copy, with the same offers and adjustments, for the user (an analyst's in their ICS).
    The caller has checked that the user may see the original."""
    ics = scenario.ics if is_staff(user) else _scenario_ics_for(user=user, ics=None)
    copy = Scenario(
        name=f"Copy of {scenario.name}"[:200], description=scenario.description, ics=ics, shared=False,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    offers = [ScenarioOffer(**{f"{name}_id" if name in ("college", "apprenticeship_standard", "delivery_ics")
                                  else name: value for name, value in zip(SCENARIO_OFFER_FIELDS, _offer_key(offer),
                                                                          strict=True)})
              for offer in scenario.offers.all()]
    adjustments = [ScenarioAdjustment(kind=a.kind, target=a.target, value=a.value) for a in scenario.adjustments.all()]
    return _scenario_write(
        copy, user=user, source=source, created=True, changed_fields=True, offers=offers, adjustments=adjustments
    )


def scenario_delete(*, scenario: Scenario, user, source: str = "page") -> None:
    """Delete the scenario with its offers, adjustments and reports; its history is kept."""
    require_write(user, scenario)
    audited_delete(scenario, user=user, reason=SCENARIO_SOURCES[source])
