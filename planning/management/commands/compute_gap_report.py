"""python manage.py compute_gap_report [--as-of YYYY-MM-DD] [--horizon-years N]

Computes a gap report now, in this process, through the same services as the Celery task, and
prints its id, status and number of rows. Exits non-zero when the run fails.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ApplicationError
from planning import services
from planning.models import DEFAULT_HORIZON_YEARS


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of takes a date written YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Compute a gap report now (DESIGN.md section 6) and print its id, status and row count."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=_date, default=None, help="The report's date (default: today).")
        parser.add_argument(
            "--horizon-years", type=int, default=DEFAULT_HORIZON_YEARS,
            help="Years ahead, 1 to 10 (default: 3).",
        )

    def handle(self, *args, as_of: dt.date | None, horizon_years: int, **options) -> None:
        try:
            report = services.gap_report_create(as_of=as_of, horizon_years=horizon_years, user=None)
        except ApplicationError as exc:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.errors.items())
            raise CommandError(f"{exc.message} {problems}") from exc
        report = services.gap_report_compute(report_id=report.pk)
        self.stdout.write(
            f"Gap report {report.pk} as of {report.as_of} over {report.horizon_years} years: "
            f"{report.status}, {report.rows.count()} rows"
        )
        if report.status != report.Status.SUCCEEDED:
            raise CommandError(f"Gap report {report.pk} {report.status}: {report.error}")
