"""The gap report at England scale on PostgreSQL: the service against its floor, and the dashboards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python -m bench gap_report [--repeat 5]

What it does, in the database DATABASE_URL names (PostgreSQL only):
1. loads the reference data (load_reference_data) when the database has none;
2. fills it with England-scale synthetic vacancies and course offers when it has none: through
   `pathways.services.synthetic_data_generate(scale="england", seed=...)` when that exists, else with
   the small generator below (flagged `synthetic`). It refuses a database holding real vacancies;
3. times the whole report, end to end through the service (`gap_report_create` + `gap_report_compute`,
   exactly what the task runs), and its floor: the same aggregates as one plain SQL statement written
   independently (DISTINCT ON, generate_series, GROUPING SETS), run with a cursor in this process and
   fetched. It checks that both give the same rows, and prints both times and their ratio;
4. times the dashboard pages and the rows API on the report (server time, in process).

Targets (issue 5): ratio <= 1.5, report < 10 s, dashboards < 100 ms. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal

AS_OF = dt.date(2026, 11, 15)
HORIZON_YEARS = 3
TARGET_RATIO, TARGET_REPORT_SECONDS, TARGET_PAGE_MS = 1.5, 10.0, 100.0
MONTHS_OF_VACANCIES = 24
OFFERS_PER_COLLEGE_YEAR = 40
ACADEMIC_YEARS = ("2024/25", "2025/26", "2026/27")

FLOOR_SQL = """
WITH years AS (
    SELECT y AS year, CAST(%(as_of)s::date + make_interval(years => y - 1) AS date) AS starts_after,
           CAST(%(as_of)s::date + make_interval(years => y) AS date) AS ends_on
    FROM generate_series(1, %(horizon)s) AS y
),
trust_series AS (
    SELECT sector, trust_id, occupation_id, MAX(period) AS period FROM trusts_vacancy
    WHERE period <= %(as_of)s AND trust_id IS NOT NULL GROUP BY sector, trust_id, occupation_id
),
ics_series AS (
    SELECT sector, ics_id, occupation_id, MAX(period) AS period FROM trusts_vacancy
    WHERE period <= %(as_of)s AND trust_id IS NULL GROUP BY sector, ics_id, occupation_id
),
latest AS (
    SELECT v.ics_id, v.occupation_id, v.vacancies_fte, v.staff_in_post_fte
    FROM trust_series s JOIN trusts_vacancy v USING (sector, trust_id, occupation_id, period)
    UNION ALL
    SELECT v.ics_id, v.occupation_id, v.vacancies_fte, v.staff_in_post_fte
    FROM ics_series s JOIN trusts_vacancy v USING (sector, ics_id, occupation_id, period)
    WHERE v.trust_id IS NULL
),
demand AS (
    SELECT l.ics_id, l.occupation_id, SUM(l.vacancies_fte) AS vacancies,
           SUM(COALESCE(l.staff_in_post_fte, 0) * o.annual_leaver_rate) AS replacement
    FROM latest l JOIN pathways_occupation o ON o.id = l.occupation_id
    GROUP BY l.ics_id, l.occupation_id
),
offers AS (
    SELECT f.id, COALESCE(f.delivery_ics_id, c.ics_id) AS ics_id, f.qualification_type, f.level,
           f.apprenticeship_standard_id,
           f.planned_places * COALESCE(f.expected_completion_rate, d.rate) AS completers,
           CAST(f.start_date + make_interval(months => f.duration_months) AS date) AS completed_on
    FROM colleges_courseoffer f
    JOIN colleges_college c ON c.id = f.college_id
    JOIN (VALUES {default_rates}) AS d (qualification_type, rate) ON d.qualification_type = f.qualification_type
),
matches AS (
    SELECT o.ics_id, r.occupation_id, o.completers * r.conversion_rate AS entrants,
           CAST(o.completed_on + make_interval(months => r.lag_months) AS date) AS arrives_on
    FROM offers o JOIN pathways_entryroute r ON r.apprenticeship_standard_id = o.apprenticeship_standard_id
    UNION ALL
    SELECT o.ics_id, r.occupation_id, o.completers * r.conversion_rate,
           CAST(o.completed_on + make_interval(months => r.lag_months) AS date)
    FROM offers o JOIN pathways_entryroute r
         ON r.apprenticeship_standard_id IS NULL AND r.qualification_type = o.qualification_type AND r.level = o.level
),
per_year AS (
    SELECT m.ics_id, m.occupation_id, y.year, SUM(m.entrants) AS entrants
    FROM matches m JOIN years y ON m.arrives_on > y.starts_after AND m.arrives_on <= y.ends_on
    GROUP BY m.ics_id, m.occupation_id, y.year
),
supply AS (
    SELECT p.ics_id, p.occupation_id, y.year, SUM(p.entrants) AS supply
    FROM per_year p JOIN years y ON p.year <= y.year
    GROUP BY p.ics_id, p.occupation_id, y.year
),
pairs AS (
    SELECT ics_id, occupation_id FROM demand WHERE vacancies > 0 OR replacement > 0
    UNION
    SELECT ics_id, occupation_id FROM supply WHERE supply > 0
),
ics_rows AS (
    SELECT i.code AS ics_code, i.name AS ics_name, g.code AS region_code, g.name AS region_name,
           p.occupation_id, y.year,
           ROUND(COALESCE(d.vacancies, 0) + y.year * COALESCE(d.replacement, 0), 6) AS demand,
           ROUND(COALESCE(s.supply, 0), 6) AS supply
    FROM pairs p
    CROSS JOIN years y
    JOIN trusts_integratedcaresystem i ON i.id = p.ics_id
    JOIN trusts_region g ON g.id = i.region_id
    LEFT JOIN demand d ON d.ics_id = p.ics_id AND d.occupation_id = p.occupation_id
    LEFT JOIN supply s ON s.ics_id = p.ics_id AND s.occupation_id = p.occupation_id AND s.year = y.year
)
SELECT CASE WHEN GROUPING(ics_code) = 0 THEN 'ics' WHEN GROUPING(region_code) = 0 THEN 'region'
            ELSE 'national' END AS level,
       COALESCE(ics_code, region_code, 'E92000001') AS code,
       COALESCE(ics_name, region_name, 'England') AS name,
       occupation_id, year, SUM(demand), SUM(supply), SUM(demand) - SUM(supply),
       CASE WHEN SUM(demand) = 0 THEN NULL ELSE ROUND(SUM(supply) / SUM(demand), 6) END
FROM ics_rows
GROUP BY GROUPING SETS (
    (ics_code, ics_name, region_code, region_name, occupation_id, year),
    (region_code, region_name, occupation_id, year),
    (occupation_id, year)
)
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


# -- data ------------------------------------------------------------------------------------


def ensure_data(seed: int) -> str:
    """Reference data and England-scale synthetic data in the database; says where they came from."""
    from django.core.management import call_command

    from trusts.models import Region, Vacancy

    if not Region.objects.exists():
        call_command("load_reference_data", verbosity=0)
    if Vacancy.objects.filter(synthetic=False).exists():
        sys.exit("This database holds real vacancy figures: run the benchmark on a database of its own.")
    if Vacancy.objects.exists():
        return "synthetic data already in the database"
    try:
        from pathways.services import synthetic_data_generate
    except ImportError:
        synthetic_data_generate = None
    if synthetic_data_generate is not None:
        synthetic_data_generate(scale="england", seed=seed)
        return "pathways.services.synthetic_data_generate(scale='england')"
    bench_data_generate(seed=seed)
    return "bench.gap_report.bench_data_generate (pathways' generator not available)"


def bench_data_generate(*, seed: int) -> None:
    """England-scale synthetic vacancies (every open trust, 24 months) and offers (40 per college and year)."""
    from django.db import transaction

    from colleges.models import College, CourseOffer, QualificationType, academic_year_bounds
    from pathways.models import ApprenticeshipStandard, EntryRoute, Occupation
    from trusts.models import IntegratedCareSystem, Sector, Trust, Vacancy

    rng = random.Random(seed)
    months = [_month(AS_OF, -back) for back in range(MONTHS_OF_VACANCIES)]
    nhs = list(Occupation.objects.filter(sector__in=["nhs", "both"]))
    care = list(Occupation.objects.filter(sector__in=["social_care", "both"]))
    vacancies = []
    for trust in Trust.objects.open().select_related("ics"):
        for occupation in nhs:
            if rng.random() < 0.3:
                continue  # not every trust employs every occupation
            staff = Decimal(rng.randint(20, 2500))
            last = rng.choice([0, 0, 0, 1, 3])  # some series stopped reporting a few months ago
            for period in months[last:]:
                vacancies.append(Vacancy(
                    sector=Sector.NHS, trust=trust, ics=trust.ics, occupation=occupation, period=period,
                    vacancies_fte=Decimal(rng.randint(0, 9000)) / 100, staff_in_post_fte=staff, synthetic=True,
                ))
    for ics in IntegratedCareSystem.objects.all():
        for occupation in care:
            for period in months:
                vacancies.append(Vacancy(
                    sector=Sector.SOCIAL_CARE, ics=ics, occupation=occupation, period=period,
                    vacancies_fte=Decimal(rng.randint(0, 200000)) / 100,
                    staff_in_post_fte=Decimal(rng.randint(1000, 30000)) if rng.random() < 0.9 else None,
                    synthetic=True,
                ))
    standards = list(ApprenticeshipStandard.objects.exclude(level=None))
    with_routes = [s for s in standards if EntryRoute.objects.filter(apprenticeship_standard=s).exists()]
    icss = list(IntegratedCareSystem.objects.all())
    kind = QualificationType
    kinds = [  # (qualification type, level, durations in months)
        (kind.T_LEVEL, 3, [24]), (kind.DIPLOMA, 2, [12]), (kind.DIPLOMA, 3, [12, 24]), (kind.ACCESS_TO_HE, 3, [9, 12]),
        (kind.FOUNDATION_DEGREE, 5, [24]), (kind.HNC_HND, 4, [12, 24]), (kind.SHORT_COURSE, 2, [1, 3, 6]),
        (kind.OTHER, 2, [6, 12]),
    ]
    offers = []
    for college in College.objects.all():
        for academic_year in ACADEMIC_YEARS:
            first_day, _ = academic_year_bounds(academic_year)
            for number in range(OFFERS_PER_COLLEGE_YEAR):
                if rng.random() < 0.35:
                    standard = rng.choice(with_routes if rng.random() < 0.8 else standards)
                    qualification, level = QualificationType.APPRENTICESHIP, standard.level
                    duration = standard.duration_months or rng.choice([12, 18, 24])
                else:
                    standard = None
                    qualification, level, durations = rng.choice(kinds)
                    duration = rng.choice(durations)
                start = first_day + dt.timedelta(days=rng.choice([31, 35, 158]))  # 1 or 5 Sep, 6 Jan
                offers.append(CourseOffer(
                    college=college, course_code=f"B{number:03d}", title=f"Synthetic course {number}",
                    qualification_type=qualification, level=level, apprenticeship_standard=standard,
                    academic_year=academic_year, start_date=start, duration_months=duration,
                    planned_places=rng.randint(6, 60),
                    expected_completion_rate=None if rng.random() < 0.5 else Decimal(rng.randint(50, 95)) / 100,
                    delivery_ics=rng.choice(icss) if rng.random() < 0.1 else None,
                ))
    with transaction.atomic():
        Vacancy.objects.bulk_create(vacancies, batch_size=5000)
        CourseOffer.objects.bulk_create(offers, batch_size=5000)


def _month(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# -- timing ----------------------------------------------------------------------------------


def time_report() -> tuple[float, int]:
    from pathways import services

    started = time.perf_counter()
    report = services.gap_report_create(as_of=AS_OF, horizon_years=HORIZON_YEARS, user=None)
    report = services.gap_report_compute(report_id=report.pk)
    elapsed = time.perf_counter() - started
    if report.status != report.Status.SUCCEEDED:
        sys.exit(f"The report failed: {report.error}")
    return elapsed, report.pk


def floor_sql() -> str:
    from colleges.models import DEFAULT_COMPLETION_RATES

    rates = ", ".join(f"('{kind}', {rate}::numeric)" for kind, rate in DEFAULT_COMPLETION_RATES.items())
    return FLOOR_SQL.replace("{default_rates}", rates)


def time_floor(sql: str) -> tuple[float, list]:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": AS_OF, "horizon": HORIZON_YEARS})
        rows = cursor.fetchall()
    return time.perf_counter() - started, rows


def same_rows(report_id: int, floor_rows: list) -> bool:
    from pathways.models import GapReportRow

    stored = GapReportRow.objects.filter(report_id=report_id).values_list(
        "level", "code", "name", "occupation_id", "year", "demand_fte", "supply_fte", "gap_fte", "coverage"
    )
    return sorted(stored, key=repr) == sorted((tuple(row) for row in floor_rows), key=repr)


def time_pages(report_id: int) -> list[tuple[str, float, int]]:
    """Median server time of each dashboard page and API read, in process through the test client."""
    from django.test import Client

    from pathways.models import GapReportRow
    from portal.models import User
    from portal.roles import Role

    user, _ = User.objects.get_or_create(username="bench-staff", defaults={"role": Role.STAFF, "is_staff": True})
    client = Client()
    client.force_login(user)
    row = GapReportRow.objects.filter(report_id=report_id, level="ics").order_by("-demand_fte").first()
    region = GapReportRow.objects.filter(report_id=report_id, level="region").order_by("code").first()
    occupation = row.occupation.code
    paths = [
        "/dashboards/",
        f"/dashboards/region/{region.code}/",
        f"/dashboards/ics/{row.code}/",
        f"/dashboards/ics/{row.code}/occupations/{occupation}/",
        f"/dashboards/national/england/occupations/{occupation}/",
        "/api/v1/gap-reports/latest/",
        f"/api/v1/gap-reports/{report_id}/rows/",
        f"/api/v1/gap-reports/{report_id}/rows/?level=ics&code={row.code}",
        f"/api/v1/gap-reports/{report_id}/rows/?page_size=1000",  # a bulk read: shown, no target
    ]
    results = []
    for path in paths:
        timings, status = [], None
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            status = response.status_code
        results.append((path, statistics.median(timings[1:]), status))
    return results


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench gap_report", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (median reported)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    _setup_django()

    from django.db import connection

    from colleges.models import CourseOffer
    from pathways.models import EntryRoute, GapReport
    from trusts.models import IntegratedCareSystem, Vacancy

    if connection.vendor != "postgresql":
        sys.exit("The gap report benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    source = ensure_data(args.seed)
    print(f"Gap report benchmark, database {connection.settings_dict['NAME']}: {source}")
    print(
        f"  {Vacancy.objects.count():,} vacancy rows, {CourseOffer.objects.count():,} course offers, "
        f"{EntryRoute.objects.count()} entry routes, {IntegratedCareSystem.objects.count()} ICSs; "
        f"as of {AS_OF}, {HORIZON_YEARS} years"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    sql = floor_sql()
    created = []
    _, report_id = time_report()  # warm-up: caches, plans, connection
    created.append(report_id)
    time_floor(sql)
    report_times, floor_times = [], []
    for _ in range(args.repeat):
        elapsed, report_id = time_report()
        report_times.append(elapsed)
        created.append(report_id)
        elapsed, floor_rows = time_floor(sql)
        floor_times.append(elapsed)
    report_seconds, floor_seconds = statistics.median(report_times), statistics.median(floor_times)
    ratio = report_seconds / floor_seconds
    report = GapReport.objects.get(pk=report_id)
    matches = same_rows(report_id, floor_rows)

    print(f"  report rows: {report.inputs['rows']:,} (from {report.inputs['vacancy_rows']:,} latest-period vacancy "
          f"rows, {report.inputs['course_offers']:,} offers, {report.inputs['entry_routes']} routes)")
    print(f"  report (service, end to end): median {report_seconds * 1000:8.1f} ms of {args.repeat} "
          f"[{', '.join(f'{t * 1000:.0f}' for t in report_times)}]")
    print(f"  floor (one plain SQL query):  median {floor_seconds * 1000:8.1f} ms of {args.repeat} "
          f"[{', '.join(f'{t * 1000:.0f}' for t in floor_times)}]")
    print(f"  ratio report / floor: {ratio:.2f} (target <= {TARGET_RATIO}); same rows as the floor: {matches}")

    GapReport.objects.filter(pk__in=created[:-1]).delete()  # keep the last report for the dashboards
    pages = time_pages(report_id)
    print(f"  dashboards and API, median server time in process (target < {TARGET_PAGE_MS:.0f} ms but bulk reads):")
    for path, ms, status in pages:
        print(f"    {ms:7.1f} ms  {status}  {path}")

    missed = []
    if not matches:
        missed.append("the report's rows differ from the floor's")
    if ratio > TARGET_RATIO:
        missed.append(f"ratio {ratio:.2f} > {TARGET_RATIO}")
    if report_seconds > TARGET_REPORT_SECONDS:
        missed.append(f"report {report_seconds:.1f} s > {TARGET_REPORT_SECONDS} s")
    missed += [
        f"{path} {ms:.0f} ms" for path, ms, status in pages
        if status != 200 or (ms > TARGET_PAGE_MS and "page_size=1000" not in path)
    ]
    print("  targets met" if not missed else "  targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
