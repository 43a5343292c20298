"""List pages against their floor, in one process, on PostgreSQL (issue 13, item 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h3 python -m bench lists [--scale region] [--repeat 30]

Creates and migrates a database of its own (`bench_lists_<name>`, made and dropped like a test database), loads the
reference data, generates the synthetic set of `--scale` (`planning.services.synthetic_data_generate`:
"region" is about a seventh of England and runs in well under two minutes here; "england" is 460,680
vacancy rows and 50,000 offers), computes one gap report, VACUUM ANALYZEs, then times, alternating
request by request, each list's `?page_size=100` answered by the portal (a staff token, through the
whole WSGI stack, in process) against its floor: one COUNT plus an index-ordered page of 100 rows
fetched with plain SQL through the same connection and serialised to JSON with the same keys. The
floor is written from DESIGN.md sections 5 and 6, not from the product code. For vacancies and
offers the floor's page is the portal's page row for row (same ids, same order; checked); for report
rows (ordered by the unique index, where the portal orders England first and occupations by name)
the keys are checked (those of DESIGN.md sections 6, 6.2 and 6.3). It also times a deep page both
ways (`?page=` near the end, and the cursor walk's page at the same depth) for information.

Prints, for each list, the medians (min-max) of both and the ratio portal/floor next to its target
(at most 3x), and the portal's queries per request, asserted the same on every request (after the
first) and for a page of 10 rows as for one of 100. Exit status 1 when a ratio misses it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import statistics
import sys
import time

TARGET_RATIO = 3.0
PAGE_SIZE = 100

# --- The floor: plain SQL from DESIGN.md section 5 (keys and natural keys), independent of the portal ---

VACANCY_PAGE = """
SELECT v.id, v.sector, t.ods_code AS trust, i.code AS ics, o.code AS occupation, v.period, v.vacancies_fte,
       v.staff_in_post_fte, v.synthetic
FROM trusts_vacancy v
LEFT JOIN trusts_trust t ON t.id = v.trust_id
JOIN trusts_integratedcaresystem i ON i.id = v.ics_id
JOIN pathways_occupation o ON o.id = v.occupation_id
ORDER BY v.period DESC, v.id DESC
LIMIT %s
"""

OFFER_PAGE = """
SELECT f.id, c.ukprn AS college, f.course_code, f.title, f.qualification_type, f.level,
       s.reference AS apprenticeship_standard, f.academic_year, f.start_date, f.duration_months, f.planned_places,
       f.expected_completion_rate, d.code AS delivery_ics, COALESCE(d.code, ci.code) AS ics,
       CAST(f.start_date + make_interval(months => f.duration_months) AS date) AS completion_date,
       COALESCE(f.expected_completion_rate, r.rate) AS effective_completion_rate, f.created_at, f.updated_at
FROM colleges_courseoffer f
JOIN colleges_college c ON c.id = f.college_id
JOIN trusts_integratedcaresystem ci ON ci.id = c.ics_id
LEFT JOIN trusts_integratedcaresystem d ON d.id = f.delivery_ics_id
LEFT JOIN pathways_apprenticeshipstandard s ON s.id = f.apprenticeship_standard_id
LEFT JOIN (VALUES {rates}) AS r (qualification_type, rate) ON r.qualification_type = f.qualification_type
ORDER BY f.college_id, f.course_code, f.academic_year
LIMIT %s
"""

ROW_PAGE = """
SELECT g.level, g.code, g.name, o.code AS occupation, o.name AS occupation_name, g.year,
       ROUND(g.demand_fte, 2) AS demand_fte, ROUND(g.supply_fte, 2) AS supply_fte, ROUND(g.gap_fte, 2) AS gap_fte,
       ROUND(g.coverage, 2) AS coverage, ROUND(g.demand_low_fte, 2) AS demand_low_fte,
       ROUND(g.demand_high_fte, 2) AS demand_high_fte, ROUND(g.supply_low_fte, 2) AS supply_low_fte,
       ROUND(g.supply_high_fte, 2) AS supply_high_fte, ROUND(g.gap_low_fte, 2) AS gap_low_fte,
       ROUND(g.gap_high_fte, 2) AS gap_high_fte, ROUND(g.backfill_fte, 2) AS backfill_fte
FROM pathways_gapreportrow g JOIN pathways_occupation o ON o.id = g.occupation_id
WHERE g.report_id = %s
ORDER BY g.level, g.code, g.occupation_id, g.year
LIMIT %s
"""


def _json_value(value):
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)


def floor_page(cursor, count_sql: str, count_params: list, page_sql: str, page_params: list) -> bytes:
    """One COUNT and one page, as the JSON body of a list (the same keys as the portal's)."""
    cursor.execute(count_sql, count_params)
    (count,) = cursor.fetchone()
    cursor.execute(page_sql, page_params)
    names = [column[0] for column in cursor.description]
    results = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.dumps({"count": count, "next": None, "previous": None, "results": results},
                      default=_json_value).encode()


# --- timing ------------------------------------------------------------------------------------------


def _time(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url}: {response.status_code} {response.content[:300]!r}")
    return response


def _compare(client, url: str, floor, *, rows_too: bool) -> str:
    portal = _get(client, url).json()
    mine = json.loads(floor())
    if portal["count"] != mine["count"]:
        sys.exit(f"{url}: count {portal['count']} against the floor's {mine['count']}")
    if [list(row) for row in portal["results"]] != [list(row) for row in mine["results"]]:
        sys.exit(f"{url}: keys {list(portal['results'][0])} against the floor's {list(mine['results'][0])}")
    if rows_too and [row["id"] for row in portal["results"]] != [row["id"] for row in mine["results"]]:
        sys.exit(f"{url}: the floor's page is not the portal's page")
    return "same count, keys and rows" if rows_too else "same count and keys"


def _queries(client, url: str) -> int:
    """The portal's queries for `url`, asserted the same on every request after the first (which may
    fill kept counts and pages) and for a page of another size: they do not grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _get(client, url)
    _get(client, url.replace(f"page_size={PAGE_SIZE}", "page_size=10"))
    counts = set()
    for address in (url, url, url.replace(f"page_size={PAGE_SIZE}", "page_size=10")):
        with CaptureQueriesContext(connection) as captured:
            _get(client, address)
        counts.add(len(captured.captured_queries))
    if len(counts) != 1:
        sys.exit(f"{url}: queries per request vary: {sorted(counts)}")
    return counts.pop()


def _measure(client, url: str, floor, repeat: int) -> tuple[list[float], list[float]]:
    for _ in range(3):  # warm up both
        _get(client, url)
        floor()
    portal, plain = [], []
    for _ in range(repeat):  # alternating, so that both see the same machine
        portal.append(_time(lambda: _get(client, url)))
        plain.append(_time(floor))
    return portal, plain


def _ms(timings: list[float]) -> str:
    return f"{statistics.median(timings) * 1000:7.2f} ms ({min(timings) * 1000:.2f}-{max(timings) * 1000:.2f})"


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lists", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("small", "region", "england"), default="region")
    parser.add_argument("--repeat", type=int, default=30, help="requests per list and side (medians)")
    args = parser.parse_args(argv or [])
    if args.repeat < 5:
        parser.error("--repeat must be at least 5 (medians and min-max over alternating requests)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

    from colleges.models import CourseOffer
    from core.throttling import TokenRateThrottle
    from pathways.vocabulary import DEFAULT_COMPLETION_RATES
    from planning import services as planning_services
    from portal.api_tokens import api_token_issue
    from portal.models import User
    from trusts.models import Vacancy

    if connection.vendor != "postgresql":
        print("bench lists runs on PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # A database of its own, never the test suite's (`test_<name>`), which may be in use.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_lists_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    TokenRateThrottle.THROTTLE_RATES = {"token": "1000000/minute", "anon": "1000000/minute"}
    status = 0
    try:
        with override_settings(DEBUG=False):
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):  # the loaders' own reports
                call_command("load_reference_data", verbosity=0)
                planning_services.synthetic_data_generate(scale=args.scale, seed=2026)
                report = planning_services.gap_report_compute(
                    report_id=planning_services.gap_report_create(as_of=dt.date.today(), horizon_years=3,
                                                                  user=None).pk
                )
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            vacancies, offers, rows = Vacancy.objects.count(), CourseOffer.objects.count(), report.rows.count()
            load = os.getloadavg()
            print(f"Lists benchmark on {connection.vendor}, database {connection.settings_dict['NAME']}, "
                  f"scale {args.scale}: {vacancies:,} vacancy rows, {offers:,} offers, {rows:,} report rows "
                  f"(built in {time.perf_counter() - started:.0f} s); load average {load[0]:.1f} {load[1]:.1f} "
                  f"{load[2]:.1f} on {os.cpu_count()} CPUs; {args.repeat} alternating requests each, wall-clock")

            user = User.objects.create_user("bench", password=None, role="staff", is_staff=True)
            client = Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)[1]}")
            rates = ", ".join(f"('{kind}', {rate})" for kind, rate in DEFAULT_COMPLETION_RATES.items())
            cursor = connection.cursor()
            floors = {
                "vacancies": lambda: floor_page(cursor, "SELECT count(*) FROM trusts_vacancy", [],
                                                VACANCY_PAGE, [PAGE_SIZE]),
                "course-offers": lambda: floor_page(cursor, "SELECT count(*) FROM colleges_courseoffer", [],
                                                    OFFER_PAGE.format(rates=rates), [PAGE_SIZE]),
                "rows": lambda: floor_page(cursor, "SELECT count(*) FROM pathways_gapreportrow WHERE report_id = %s",
                                           [report.pk], ROW_PAGE, [report.pk, PAGE_SIZE]),
            }
            lists = [
                ("vacancies", f"/api/v1/vacancies/?page_size={PAGE_SIZE}", floors["vacancies"], True),
                ("vacancies, cursor", f"/api/v1/vacancies/?cursor=&page_size={PAGE_SIZE}", floors["vacancies"], True),
                ("course-offers", f"/api/v1/course-offers/?page_size={PAGE_SIZE}", floors["course-offers"], True),
                ("course-offers, cursor", f"/api/v1/course-offers/?cursor=&page_size={PAGE_SIZE}",
                 floors["course-offers"], True),
                ("gap report rows", f"/api/v1/gap-reports/{report.pk}/rows/?page_size={PAGE_SIZE}", floors["rows"],
                 False),
            ]
            print(f"  {'list ?page_size=100':<24} {'portal':>30} {'floor':>30} {'ratio':>6}  target <= {TARGET_RATIO}")
            for label, url, floor, rows_too in lists:
                checked = _compare(client, url, floor, rows_too=rows_too)
                checked += f"; {_queries(client, url)} queries, constant"
                portal, plain = _measure(client, url, floor, args.repeat)
                ratio = statistics.median(portal) / statistics.median(plain)
                met = ratio <= TARGET_RATIO
                status |= 0 if met else 1
                print(f"  {label:<24} {_ms(portal):>30} {_ms(plain):>30} {ratio:6.2f}  {'met' if met else 'MISSED'}"
                      f"  ({checked})")
            _deep_pages(client, vacancies, args.repeat)
            cursor.close()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return status


def _deep_pages(client, vacancies: int, repeat: int) -> None:
    """For information: a page near the end of the vacancy list, by page number and by cursor."""
    last = max(1, (vacancies - 1) // PAGE_SIZE)
    by_number = f"/api/v1/vacancies/?page={last}&page_size={PAGE_SIZE}"
    body = _get(client, f"/api/v1/vacancies/?page={last - 1}&page_size={PAGE_SIZE}").json() if last > 1 else None
    if not body:
        return
    # The cursor page at the same depth: `next` of a walk positioned on the page before (its last row).
    from django.core import signing

    from core.api_pagination import CURSOR_SALT

    row = body["results"][-1]
    token = signing.dumps({"k": [row["period"], row["id"]], "b": False, "c": body["count"],
                           "f": _filters_digest()}, salt=f"{CURSOR_SALT}:trusts.Vacancy:-period,-id", compress=True)
    by_cursor = f"/api/v1/vacancies/?cursor={token}&page_size={PAGE_SIZE}"
    numbered = [row["id"] for row in _get(client, by_number).json()["results"]]
    cursored = [row["id"] for row in _get(client, by_cursor).json()["results"]]
    same = "same rows" if numbered == cursored else "DIFFERENT rows"
    number_times = [_time(lambda: _get(client, by_number)) for _ in range(max(3, repeat // 3))]
    cursor_times = [_time(lambda: _get(client, by_cursor)) for _ in range(max(3, repeat // 3))]
    print(f"  deep vacancy page {last:,}: ?page= {_ms(number_times)}, ?cursor= {_ms(cursor_times)} ({same}; "
          "for information, no target)")


def _filters_digest() -> str:
    """The digest a cursor carries for a list walked with no filters (only cursor and page_size)."""
    import hashlib

    return hashlib.sha256(json.dumps([]).encode()).hexdigest()[:16]
