"""Celery tasks for planning: thin, each fetches what it needs and calls a service.

The report run is routed to the "reports" queue (settings.CELERY_TASK_ROUTES) so that short
tasks never wait behind it; its state lives in the GapReport row, not in the broker.

The tasks lived in pathways.tasks before planning was an app: their old names stay registered
(below), so that messages already queued under them, and a beat still naming them, run the same
services.
"""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import DEFAULT_HORIZON_YEARS


def _compute(report_id: int) -> None:
    services.gap_report_compute(report_id=report_id)


def _nightly() -> None:
    services.gap_report_request(as_of=timezone.localdate(), horizon_years=DEFAULT_HORIZON_YEARS, user=None)


def _mark_stuck() -> None:
    services.gap_reports_mark_stuck()


gap_report_compute_task = shared_task(name="planning.tasks.gap_report_compute_task")(_compute)
gap_report_nightly_task = shared_task(name="planning.tasks.gap_report_nightly_task")(_nightly)
gap_report_mark_stuck_task = shared_task(name="planning.tasks.gap_report_mark_stuck_task")(_mark_stuck)

# The names of before the move, for messages queued under them.
shared_task(name="pathways.tasks.gap_report_compute_task")(_compute)
shared_task(name="pathways.tasks.gap_report_nightly_task")(_nightly)
shared_task(name="pathways.tasks.gap_report_mark_stuck_task")(_mark_stuck)
