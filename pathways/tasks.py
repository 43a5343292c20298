"""Celery tasks for pathways: thin, each fetches what it needs and calls a service.

The report run is routed to the "reports" queue (settings.CELERY_TASK_ROUTES) so that short
tasks never wait behind it; its state lives in the GapReport row, not in the broker.
"""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def gap_report_compute_task(report_id: int) -> None:
    services.gap_report_compute(report_id=report_id)


@shared_task
def gap_report_nightly_task() -> None:
    services.gap_report_request(
        as_of=timezone.localdate(), horizon_years=services.GAP_REPORT_DEFAULT_HORIZON_YEARS, user=None
    )


@shared_task
def gap_report_mark_stuck_task() -> None:
    services.gap_reports_mark_stuck()
