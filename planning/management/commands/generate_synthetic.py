"""Generate the synthetic data set for benchmarks and load tests (see planning/generators/synthetic.py)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.production import refuse_in_production
from planning.generators.synthetic import SCALES
from planning.services import synthetic_data_generate


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise ValueError("write the month as YYYY-MM") from exc


class Command(BaseCommand):
    help = (
        "Generate a SYNTHETIC data set on top of the real reference data: monthly vacancies for every trust "
        "and ICS in scope, course offers (codes SYN-...) and, if needed, occupations named 'Synthetic "
        "occupation NN'. Replaces the previous synthetic set; real figures are never touched. "
        "--scale england: all ICSs, trusts and colleges, about 60 occupations, 60 months, 50,000 offers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data (default 2026)")
        parser.add_argument("--last-month", type=_month, default=None, metavar="YYYY-MM",
                            help="the last month of vacancies (default: this month)")

    def handle(self, *args, **options):
        refuse_in_production("generate_synthetic", "it replaces data with generated benchmark figures.")
        try:
            result = synthetic_data_generate(
                scale=options["scale"], seed=options["seed"], last_period=options["last_month"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.WARNING("These figures are generated: do not use them for planning."))
