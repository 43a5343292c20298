"""Copy the npm front-end packages the pages use into static/vendor (never committed)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# (source under node_modules, destination under static/vendor)
# Source maps travel with the files that name them: the production static storage checks
# every reference (collectstatic fails on a missing one).
FILES = [
    ("nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css", "nhsuk/nhsuk-frontend.min.css"),
    ("nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css.map", "nhsuk/nhsuk-frontend.min.css.map"),
    ("nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js", "nhsuk/nhsuk-frontend.min.js"),
    ("nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js.map", "nhsuk/nhsuk-frontend.min.js.map"),
    ("nhsuk-frontend/dist/nhsuk/assets", "nhsuk/assets"),
    ("chart.js/dist/chart.umd.min.js", "chartjs/chart.umd.min.js"),
    ("chart.js/dist/chart.umd.min.js.map", "chartjs/chart.umd.min.js.map"),
    ("axe-core/axe.min.js", "axe-core/axe.min.js"),
]


class Command(BaseCommand):
    help = "Copy nhsuk-frontend, Chart.js and axe-core from node_modules into static/vendor."

    def handle(self, *args, **options):
        modules = Path(settings.BASE_DIR) / "node_modules"
        vendor = Path(settings.BASE_DIR) / "static" / "vendor"
        for source, destination in FILES:
            src, dst = modules / source, vendor / destination
            if not src.exists():
                raise CommandError(f"{src} is missing: run `npm ci` first.")
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
        self.stdout.write(self.style.SUCCESS(f"Copied {len(FILES)} front-end assets into {vendor}."))
