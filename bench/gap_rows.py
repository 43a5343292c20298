"""The rows of a gap report against those of an earlier one on the same data: same rows, same figures.

    DATABASE_URL=... python -m bench gap_rows --before REPORT_ID

Computes a new report with the parameters of report REPORT_ID (one computed by an earlier version of
the code: stored reports keep their rows across upgrades) and compares every row, key and figure to
the micro-unit. It also checks that the new report's stored supply by college adds up to its ICS
rows (what the drill-downs read). The data must not have changed in between (it says when the
vacancies or offers changed after the earlier report). Runs on PostgreSQL and SQLite alike, at any
scale (`manage.py generate_synthetic --scale region` gives a moderate one). Exit status 1 on any
difference.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from decimal import Decimal

FIELDS = ("level", "code", "name", "occupation__code", "year", "demand_fte", "supply_fte", "gap_fte", "coverage")


def _rows(report_id: int) -> dict:
    from planning.models import GapReportRow

    return {
        row[:5]: row[5:]
        for row in GapReportRow.objects.filter(report_id=report_id).values_list(*FIELDS).order_by()
    }


def _supply_mismatches(report_id: int, rows: dict) -> list[str]:
    from planning.models import GapReportSupply

    by_year = defaultdict(Decimal)
    for code, occupation, year, fte in GapReportSupply.objects.filter(report_id=report_id).values_list(
        "ics_code", "occupation__code", "year", "supply_fte"
    ):
        by_year[code, occupation, year] += fte
    wrong = []
    for (level, code, _name, occupation, year), figures in rows.items():
        if level != "ics":
            continue
        stored = sum((by_year[code, occupation, y] for y in range(1, year + 1)), Decimal(0))
        if abs(stored - figures[1]) > Decimal("0.000001"):
            wrong.append(f"{code} {occupation} year {year}: row {figures[1]}, stored supply {stored}")
    return wrong


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench gap_rows", description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=int, required=True, help="the id of the earlier report")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db.models import Max

    from colleges.models import CourseOffer
    from planning import services
    from planning.models import GapReport
    from trusts.models import Vacancy

    before = GapReport.objects.get(pk=args.before)
    changed = max(filter(None, [Vacancy.objects.aggregate(at=Max("updated_at"))["at"],
                                CourseOffer.objects.aggregate(at=Max("updated_at"))["at"]]), default=None)
    if changed and before.finished_at and changed > before.finished_at:
        print(f"warning: vacancies or offers changed at {changed}, after report {before.pk}")
    after = services.gap_report_compute(
        report_id=services.gap_report_create(as_of=before.as_of, horizon_years=before.horizon_years, user=None).pk
    )
    if after.status != GapReport.Status.SUCCEEDED:
        sys.exit(f"report {after.pk} {after.status}: {after.error}")
    old, new = _rows(before.pk), _rows(after.pk)
    differences = [f"only in report {before.pk}: {key}" for key in sorted(set(old) - set(new))]
    differences += [f"only in report {after.pk}: {key}" for key in sorted(set(new) - set(old))]
    for key in sorted(set(old) & set(new)):
        if old[key] != new[key]:
            differences.append(f"{key}: {old[key]} -> {new[key]}")
    supply = _supply_mismatches(after.pk, new)
    print(f"report {before.pk} ({len(old):,} rows) against report {after.pk} ({len(new):,} rows), "
          f"as of {before.as_of} over {before.horizon_years} years: "
          f"{'identical' if not differences else f'{len(differences)} differences'}; "
          f"stored supply by college ({after.inputs.get('supply_rows', 0):,} rows) "
          f"{'adds up to every ICS row' if not supply else f'differs on {len(supply)} rows'}")
    for line in (differences + supply)[:20]:
        print("  " + line)
    return 1 if differences or supply else 0
