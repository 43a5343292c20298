"""Server time of the T Level placements page and API at England scale (issue 11.2, part 4).

For the placements pages (England, the busiest region and ICS) and the `placements/` API (every row, and
one academic year's ICS rows): milliseconds per request through Django's test Client (middleware, session,
queries, template; no network), its number of queries, and the ratio to a bare Django view that returns
the same number of rows from one raw query as JSON, measured in the same process, signed in as the same
user. Placements are computed live, so the ratio says what the two-query computation costs against a
plain read of that many rows.

    DATABASE_URL=postgres://... python -m bench placements [--iterations N] [--generate]

Data: the course offers and placement activities in the database. With none (or with `--generate`), first
run `manage.py load_reference_data` and `manage.py generate_synthetic --scale england` (T Level offers at
every college); this benchmark then adds synthetic partnerships and industry placement activities
(planning.generators.synthetic.placement_activities_generate) when there are none.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

BENCH_USERNAME = "bench-placements"


# --- The bare view: as many rows from one raw query, as JSON ---------------------------------------


def bare_rows(request, count: int):
    from django.db import connection
    from django.http import JsonResponse

    from colleges.models import CourseOffer

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT course_code, title, academic_year, start_date, duration_months, planned_places, level, "
            f"qualification_type FROM {CourseOffer._meta.db_table} ORDER BY id LIMIT %s",
            [count],
        )
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"count": len(rows), "results": rows})


urlpatterns: list = []  # filled in by run(), once Django is set up


def _install_urls() -> None:
    global urlpatterns
    from django.contrib.auth.decorators import login_required
    from django.urls import include, path

    urlpatterns = [path("bench/bare-rows/<int:count>/", login_required(bare_rows)), path("", include("portal.urls"))]


# --- Measuring ---------------------------------------------------------------------------------


def _time(client, url: str, iterations: int, warmup: int) -> tuple[list[float], list[float]]:
    """Per request: wall-clock ms and ms waiting on the database."""
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

    wall, db = [], []
    with connection.execute_wrapper(timed):
        for _ in range(iterations):
            waited[0] = 0.0
            started = time.perf_counter()
            client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
            db.append(waited[0] * 1000)
    return wall, db


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench placements", description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=30, help="timed requests per URL (default 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--generate", action="store_true", help="replace the synthetic placement activities")
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
    from hubs import selectors
    from hubs.models import Activity, ActivityKind
    from pathways.vocabulary import QualificationType
    from planning.generators.synthetic import placement_activities_generate
    from portal.models import User

    setup_test_environment()
    t_levels = CourseOffer.objects.filter(qualification_type=QualificationType.T_LEVEL).count()
    if not t_levels:
        raise SystemExit("No T Level offers: run manage.py load_reference_data and "
                         "manage.py generate_synthetic --scale england first.")
    placements = Activity.objects.filter(kind=ActivityKind.INDUSTRY_PLACEMENT)
    if options.generate or not placements.exists():
        from hubs.models import Partnership
        from planning.generators.synthetic import SYNTHETIC_PARTNERSHIP_SUMMARY

        if Partnership.objects.exclude(summary=SYNTHETIC_PARTNERSHIP_SUMMARY).exists():
            raise SystemExit("This database holds partnerships that are not synthetic: give the benchmark a "
                             "database of its own (see the README's Benchmarks).")
        started = time.perf_counter()
        made = placement_activities_generate()
        print(f"Generated {made['activities']:,} synthetic placement activities on {made['partnerships']:,} "
              f"partnerships ({made['partnerships_added']:,} added) in {time.perf_counter() - started:.1f} s")
    user, _ = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"role": Role.STAFF})

    rows = selectors.placement_rows()
    years = sorted({row["academic_year"] for row in rows})
    year = selectors.academic_year_label(selectors.academic_year_start(django.utils.timezone.localdate()))
    year = year if year in years else years[-1]
    in_year = [row for row in rows if row["academic_year"] == year]
    region = max((r for r in in_year if r["level"] == "region"), key=lambda r: r["need"])
    ics = max((r for r in in_year if r["level"] == "ics" and r["region_code"] == region["code"]),
              key=lambda r: r["need"])
    ics_rows = [r for r in in_year if r["level"] == "ics"]
    encoded = year.replace("/", "%2F")
    england_page = len([r for r in rows if r["level"] == "national"]) + len(in_year) - 1
    region_page = (len([r for r in rows if r["level"] == "region" and r["code"] == region["code"]])
                   + len([r for r in ics_rows if r["region_code"] == region["code"]]))
    ics_page = len([r for r in rows if r["level"] == "ics" and r["code"] == ics["code"]])
    contributors = selectors.placement_contributors(level="ics", code=ics["code"], academic_year=year)
    ics_page += len(contributors["colleges"]) + len(contributors["partnerships"])
    urls = [
        ("API, every row", "/api/v1/placements/?page_size=1000", min(len(rows), 1000)),
        (f"API, ICS rows of {year}", f"/api/v1/placements/?level=ics&academic_year={encoded}&page_size=1000",
         len(ics_rows)),
        (f"API, ICS {ics['code']}", f"/api/v1/placements/?level=ics&code={ics['code']}",
         len([r for r in rows if r["level"] == "ics" and r["code"] == ics["code"]])),
        (f"Page, England {year}", f"/placements/?academic_year={encoded}", england_page),
        (f"Page, region {region['code']} {year}", f"/placements/region/{region['code']}/?academic_year={encoded}",
         region_page),
        (f"Page, ICS {ics['code']} {year}", f"/placements/ics/{ics['code']}/?academic_year={encoded}", ics_page),
        (f"Excel, England {year}", f"/placements/?academic_year={encoded}&format=xlsx", england_page),
    ]

    print(f"T Level placements: server time per request, {options.iterations} requests per URL after "
          f"{options.warmup} to warm up")
    print(f"Database: {connection.vendor} ({settings.DATABASES['default'].get('NAME')})")
    print(f"Data: {t_levels:,} T Level offers, {placements.count():,} placement activities; placement rows: "
          f"{len(rows):,} over {len(years)} academic years ({years[0]} to {years[-1]})")
    print()
    header = f"{'URL':32} {'rows':>5} {'median':>7} {'p95':>7} {'db':>6} {'queries':>7} {'bare':>6} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    with override_settings(DEBUG=False, ROOT_URLCONF="bench.placements"):
        client = Client()
        client.force_login(user)
        for label, url, count in urls:
            wall, db = _time(client, url, options.iterations, options.warmup)
            bare, _ = _time(client, f"/bench/bare-rows/{max(count, 1)}/", options.iterations, options.warmup)
            median, bare_median = statistics.median(wall), statistics.median(bare)
            p95 = statistics.quantiles(wall, n=20)[-1] if len(wall) >= 20 else max(wall)
            print(f"{label[:32]:32} {count:5d} {median:7.1f} {p95:7.1f} {statistics.median(db):6.1f} "
                  f"{_queries(client, url):7d} {bare_median:6.1f} {median / bare_median:5.1f}x")
    print()
    print("Milliseconds per request (median and 95th percentile of the wall clock; db = median time waiting on "
          "the database). bare = a view returning as many rows from one raw query as JSON; ratio = URL / bare.")
    print(f"Load average while measuring: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs.")
    return 0
