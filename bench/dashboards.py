"""Server time of the gap dashboards (issue 5, part 4).

For each dashboard page: milliseconds per request (median, mean and 95th percentile over many
requests through Django's test Client, so the whole middleware stack, the session, the queries and
the template are counted, but no network), its number of queries, and the ratio to a bare view that
returns the same report rows with `.values()` as JSON, measured in the same process, through the
same middleware, signed in as the same user. The target is under 100 ms for every page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h5c python -m bench dashboards [options]

Data: the newest succeeded gap report in the database, as it is. When there is none, one is made
(`--build`): `auto` computes it with the gap engine when vacancies or course offers are loaded (for
England scale, first run `manage.py load_reference_data` and `manage.py generate_synthetic --scale
england`), and otherwise writes report rows in bulk for every ICS, region and England x the
occupations x 3 years (`rows`, which leaves the drill-down's trusts and offers as they are).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from decimal import Decimal

TARGET_MS = 100.0
BENCH_USERNAME = "bench-dashboards"
BENCH_OCCUPATION_PREFIX = "bench-occupation-"


# --- The bare view: the same rows as JSON, nothing else ------------------------------------------


def _bare_rows(request, level: str, code: str, occupation: str | None = None):
    from django.http import JsonResponse

    from planning.models import GapReportRow
    from planning.selectors import gap_report_latest

    report = gap_report_latest()
    rows = GapReportRow.objects.filter(report=report, level=level)
    if level != GapReportRow.Level.NATIONAL:
        rows = rows.filter(code=code)
    if occupation:
        rows = rows.filter(occupation__code=occupation)
    return JsonResponse({"rows": list(rows.values())})


def _bare_compare(request, ics_code: str, year: int):
    """The comparison page's figures (an ICS, its region and England: vacancies, staff in post and the
    vacancies with staff in post, by area and occupation, beside the report's gap and its range) from one
    raw query, as JSON: what the page costs beyond the data it shows."""
    from django.db import connection
    from django.http import JsonResponse

    from pathways import rules
    from planning.models import GapReportRow
    from planning.selectors import _located_sql, gap_report_latest
    from trusts.models import IntegratedCareSystem, Region, Vacancy

    report = gap_report_latest()
    vendor = connection.vendor
    join, board, params = _located_sql(report.as_of, vendor)
    vacancy, ics_table = Vacancy._meta.db_table, IntegratedCareSystem._meta.db_table
    region_table, row_table = Region._meta.db_table, GapReportRow._meta.db_table
    day = rules.date_param(report.as_of, vendor)
    sql = f"""
        WITH trust_series AS (
            SELECT sector, trust_id, occupation_id, MAX(period) AS period FROM {vacancy}
            WHERE period <= %s AND trust_id IS NOT NULL GROUP BY sector, trust_id, occupation_id
        ),
        ics_series AS (
            SELECT sector, ics_id, occupation_id, MAX(period) AS period FROM {vacancy}
            WHERE period <= %s AND trust_id IS NULL GROUP BY sector, ics_id, occupation_id
        ),
        latest AS (
            SELECT v.* FROM trust_series s JOIN {vacancy} v ON v.trust_id = s.trust_id AND v.sector = s.sector
                AND v.occupation_id = s.occupation_id AND v.period = s.period
            UNION ALL
            SELECT v.* FROM ics_series s JOIN {vacancy} v ON v.ics_id = s.ics_id AND v.sector = s.sector
                AND v.trust_id IS NULL AND v.occupation_id = s.occupation_id AND v.period = s.period
        ),
        by_board AS (
            SELECT {board} AS ics_id, v.occupation_id,
                   SUM(v.vacancies_fte * sh.share) AS vacancies_fte,
                   SUM(v.staff_in_post_fte * sh.share) AS staff_in_post_fte,
                   SUM(CASE WHEN v.staff_in_post_fte IS NOT NULL THEN v.vacancies_fte * sh.share END) AS rated_fte
            FROM latest v{join} GROUP BY {board}, v.occupation_id
        ),
        areas AS (
            SELECT 'ics' AS level, i.code, i.id FROM {ics_table} i WHERE i.code = %s
            UNION ALL
            SELECT 'region', r.code, i.id FROM {ics_table} i JOIN {region_table} r ON r.id = i.region_id
            WHERE r.id = (SELECT region_id FROM {ics_table} WHERE code = %s)
            UNION ALL
            SELECT 'national', %s, i.id FROM {ics_table} i
        )
        SELECT a.level, a.code, b.occupation_id, SUM(b.vacancies_fte) AS vacancies_fte,
               SUM(b.staff_in_post_fte) AS staff_in_post_fte, SUM(b.rated_fte) AS rated_fte,
               MAX(g.gap_fte) AS gap_fte, MAX(g.gap_low_fte) AS gap_low_fte, MAX(g.gap_high_fte) AS gap_high_fte
        FROM by_board b JOIN areas a ON a.id = b.ics_id
        LEFT JOIN {row_table} g ON g.report_id = %s AND g.level = a.level AND g.code = a.code
             AND g.occupation_id = b.occupation_id AND g.year = %s
        GROUP BY a.level, a.code, b.occupation_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, day, *params, ics_code, ics_code, rules.NATIONAL_CODE, report.pk, year])
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"rows": rows})


# This module is the URLconf while measuring: the portal's URLs plus the bare views. It is filled in
# by run(), once Django is set up (importing the portal's URLs needs the app registry).
urlpatterns: list = []


def _install_urls() -> None:
    global urlpatterns
    from django.contrib.auth.decorators import login_required
    from django.urls import include, path

    urlpatterns = [
        path("bench/bare/compare/<str:ics_code>/<int:year>/", login_required(_bare_compare)),
        path("bench/bare/<str:level>/<str:code>/", login_required(_bare_rows)),
        path("bench/bare/<str:level>/<str:code>/<slug:occupation>/", login_required(_bare_rows)),
        path("", include("portal.urls")),
    ]


# --- Data --------------------------------------------------------------------------------------


def _ensure_report(build: str, occupations: int, horizon_years: int):
    from django.core.management import call_command

    from colleges.models import CourseOffer
    from planning import services
    from planning.models import GapReport
    from planning.selectors import gap_report_latest
    from trusts.models import IntegratedCareSystem, Vacancy

    report = gap_report_latest()
    if report is not None and build == "auto":
        return report, "the newest succeeded report already in the database"
    if not IntegratedCareSystem.objects.exists():
        print("Loading the reference data (regions, ICSs, trusts, colleges, occupations) ...")
        call_command("load_reference_data", verbosity=0)
    has_inputs = Vacancy.objects.exists() or CourseOffer.objects.exists()
    if build == "synthetic" or (build == "auto" and has_inputs):
        if not has_inputs:
            raise SystemExit("No vacancies or offers: run manage.py generate_synthetic --scale england first.")
        print("Computing a gap report with the gap engine ...")
        started = time.perf_counter()
        report = services.gap_report_compute(
            report_id=services.gap_report_create(as_of=None, horizon_years=horizon_years, user=None).pk
        )
        if report.status != GapReport.Status.SUCCEEDED:
            raise SystemExit(f"The gap report failed: {report.error}")
        return report, f"computed by the gap engine from the data loaded ({time.perf_counter() - started:.1f} s)"
    return _bulk_report(occupations, horizon_years), "report rows written in bulk (no vacancies or offers loaded)"


def _bulk_report(count: int, horizon_years: int):
    """A succeeded report with a row for every ICS, region and England x `count` occupations x year."""
    from django.db import transaction
    from django.utils import timezone

    from pathways.models import Occupation, OccupationSector
    from planning.models import GapReport, GapReportRow
    from trusts.models import IntegratedCareSystem

    rng = random.Random(2026)
    with transaction.atomic():
        occupations = list(Occupation.objects.order_by("code")[:count])
        for n in range(len(occupations), count):
            occupations.append(Occupation.objects.get_or_create(
                code=f"{BENCH_OCCUPATION_PREFIX}{n:02d}",
                defaults={"name": f"Bench occupation {n:02d}", "soc_code": "6131", "sector": OccupationSector.BOTH},
            )[0])
        now = timezone.now()
        report = GapReport.objects.create(
            status=GapReport.Status.SUCCEEDED, progress=100, as_of=timezone.localdate(), horizon_years=horizon_years,
            started_at=now, finished_at=now, inputs={"bench": "report rows written in bulk by bench/dashboards.py"},
        )
        icss = list(IntegratedCareSystem.objects.current().select_related("region"))
        rows, sums = [], {}
        for ics in icss:
            for occupation in occupations:
                vacancies, replacement = Decimal(rng.randint(0, 400)), Decimal(rng.randint(5, 120))
                supply = Decimal(0)
                for year in range(1, horizon_years + 1):
                    demand = vacancies + year * replacement
                    supply += Decimal(rng.randint(0, 150))
                    rows.append(_row(report, "ics", ics.code, ics.name, occupation, year, demand, supply))
                    for key in (("region", ics.region.code, ics.region.name), ("national", "E92000001", "England")):
                        total = sums.setdefault((*key, occupation.pk, year), [Decimal(0), Decimal(0)])
                        total[0] += demand
                        total[1] += supply
        by_pk = {occupation.pk: occupation for occupation in occupations}
        for (level, code, name, occupation_pk, year), (demand, supply) in sums.items():
            rows.append(_row(report, level, code, name, by_pk[occupation_pk], year, demand, supply))
        GapReportRow.objects.bulk_create(rows, batch_size=2000)
    return report


def _row(report, level, code, name, occupation, year, demand, supply):
    from planning.models import GapReportRow

    return GapReportRow(
        report=report, level=level, code=code, name=name, occupation=occupation, year=year, demand_fte=demand,
        supply_fte=supply, gap_fte=demand - supply, coverage=supply / demand if demand else None,
    )


# --- Measuring ---------------------------------------------------------------------------------


def _pages(report) -> list[tuple[str, str, str]]:
    """(label, dashboard URL, bare URL): the comparison of the busiest ICS with its region and England (its
    bare view: the same figures from one raw query), a vacancy trend, England, the busiest region and ICS,
    and drill-downs into the occupation with the most supply in England, at each level."""
    from django.db.models import Count, Sum

    from planning.models import GapReportRow

    rows = GapReportRow.objects.filter(report=report)
    region = rows.filter(level="region").values("code").annotate(n=Count("id")).order_by("-n", "code").first()
    ics = rows.filter(level="ics").values("code").annotate(n=Count("id")).order_by("-n", "code").first()
    busiest = (
        rows.filter(level="national", year=report.horizon_years)
        .values("occupation__code").annotate(supply=Sum("supply_fte")).order_by("-supply", "occupation__code").first()
    )
    occupation = busiest["occupation__code"]
    from trusts.models import IntegratedCareSystem

    ics_region = IntegratedCareSystem.objects.filter(code=ics["code"]).values_list("region__code", flat=True).first()
    region_code = ics_region or region["code"]
    compare = [
        (f"Compare ICS {ics['code']}, region, England",
         f"/dashboards/compare/?area=ics:{ics['code']}&area=region:{region_code}&area=england&year=2",
         f"/bench/bare/compare/{ics['code']}/2/"),
        (f"Trend of {occupation} in England", f"/dashboards/trend/?area=england&occupation={occupation}",
         "/bench/bare/national/england/"),
    ]
    return compare + [
        ("England", "/dashboards/?view=england", "/bench/bare/national/england/"),
        (f"Region {region['code']}", f"/dashboards/region/{region['code']}/", f"/bench/bare/region/{region['code']}/"),
        (f"ICS {ics['code']}", f"/dashboards/ics/{ics['code']}/", f"/bench/bare/ics/{ics['code']}/"),
        (f"ICS {ics['code']}, year 3", f"/dashboards/ics/{ics['code']}/?year=3", f"/bench/bare/ics/{ics['code']}/"),
        (f"{occupation} in ICS {ics['code']}", f"/dashboards/ics/{ics['code']}/occupations/{occupation}/",
         f"/bench/bare/ics/{ics['code']}/{occupation}/"),
        (f"{occupation} in region {region['code']}",
         f"/dashboards/region/{region['code']}/occupations/{occupation}/",
         f"/bench/bare/region/{region['code']}/{occupation}/"),
        (f"{occupation} in England", f"/dashboards/national/england/occupations/{occupation}/",
         f"/bench/bare/national/england/{occupation}/"),
        (f"ICS {ics['code']} as CSV", f"/dashboards/ics/{ics['code']}/?format=csv",
         f"/bench/bare/ics/{ics['code']}/"),
        (f"ICS {ics['code']} as Excel", f"/dashboards/ics/{ics['code']}/?format=xlsx",
         f"/bench/bare/ics/{ics['code']}/"),
    ]


def _time(client, url: str, iterations: int, warmup: int) -> tuple[list[float], list[float], list[float]]:
    """Per request: wall-clock ms; this process's CPU ms (the Python side alone, which other work on a
    busy machine inflates far less than the wall clock); and ms spent waiting on the database."""
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    waited = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited[0] += time.perf_counter() - started

    wall, cpu, db = [], [], []
    with connection.execute_wrapper(timed):
        for _ in range(iterations):
            waited[0] = 0.0
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            db.append(waited[0] * 1000)
    return wall, cpu, db


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboards", description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--build", choices=["auto", "synthetic", "rows"], default="auto",
                        help="auto: use the newest report, else make one (see the module's docstring)")
    parser.add_argument("--occupations", type=int, default=60, help="occupations for --build rows (default 60)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a page is over the target")
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    _install_urls()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from colleges.models import CourseOffer
    from core.roles import Role
    from planning.models import GapReportRow
    from portal.models import User
    from trusts.models import Vacancy

    setup_test_environment()  # lets the test Client run; keeps DEBUG as settings say, so we set it below
    report, source = _ensure_report(options.build, options.occupations, horizon_years=3)
    user, _ = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"role": Role.STAFF})
    rows = GapReportRow.objects.filter(report=report)
    counts = {level: rows.filter(level=level).count() for level in ("ics", "region", "national")}

    print(f"Gap dashboards: server time per request, {options.iterations} requests per page "
          f"after {options.warmup} to warm up")
    print(f"Database: {connection.vendor} ({settings.DATABASES['default'].get('NAME')})")
    print(f"Report {report.pk}, as of {report.as_of}, {report.horizon_years} years: {source}")
    print(f"Report rows: {counts['ics']:,} ICS, {counts['region']:,} region, {counts['national']:,} England; "
          f"data: {Vacancy.objects.count():,} vacancy rows, {CourseOffer.objects.count():,} course offers")
    if connection.vendor != "postgresql":
        print("Note: not PostgreSQL; quote figures measured on PostgreSQL.")
    print()
    header = (
        f"{'page':40} {'median':>7} {'mean':>7} {'p95':>7} {'cpu':>6} {'db':>6} {'queries':>7} {'bare':>6} {'ratio':>6}"
        "  target"
    )
    print(header)
    print("-" * len(header))
    slow = []
    with override_settings(DEBUG=False, ROOT_URLCONF="bench.dashboards"):
        client = Client()
        client.force_login(user)
        for label, url, bare_url in _pages(report):
            times, cpu, db = _time(client, url, options.iterations, options.warmup)
            bare, _, _ = _time(client, bare_url, options.iterations, options.warmup)
            queries = _queries(client, url)
            median, bare_median = statistics.median(times), statistics.median(bare)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
            if "format=" in url:
                verdict = "(download)"
            else:
                verdict = "ok" if median < TARGET_MS else "SLOW"
            if verdict == "SLOW":
                slow.append(label)
            print(
                f"{label[:40]:40} {median:7.1f} {statistics.mean(times):7.1f} {p95:7.1f} "
                f"{statistics.median(cpu):6.1f} {statistics.median(db):6.1f} {queries:7d} {bare_median:6.1f} "
                f"{median / bare_median:5.1f}x  {verdict}"
            )
    print()
    print("Milliseconds per request: median, mean and 95th percentile of the wall clock; cpu = median CPU time of "
          "this process (the Python side); db = median time waiting on the database.")
    print(f"Target: a median under {TARGET_MS:.0f} ms per page (downloads have none). 'bare' = the median of a view "
          "returning the same report rows with .values() as JSON; ratio = page / bare.")
    print(f"Load average while measuring: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs (a busy machine inflates the wall clock, not the ratio as much).")
    if slow:
        print(f"Over the target: {', '.join(slow)}")
    return 1 if slow and options.strict else 0
