"""Course offers at England scale: the bulk upsert and the filtered list, through the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h3 python -m bench course_offers [--offers 50000] [--runs 5]

Creates and migrates a database of its own (Django's test database, `test_<name>`), builds a
synthetic England (7 regions, 42 ICSs, 230 colleges, 60 standards, 40 occupations with entry
routes), then, as a staff user with a token, in process through the WSGI stack:
1. bulk-upserts `--offers` offers in requests of 5,000 (created), again unchanged, and again with
   every offer changed (updated), and measures offers per second of each pass;
2. runs the same passes through an independent floor (`floor_bulk`, written from DESIGN.md
   section 5, not from the product code: JSON in, natural keys resolved with one query per kind,
   COPY into a temporary table, one `INSERT ... ON CONFLICT ... DO UPDATE ... WHERE ... IS
   DISTINCT FROM ... RETURNING` writing one history row per created or changed offer), on
   offers of its own (course codes prefixed F), alternating with the portal's passes (which
   side goes first alternates run by run). Steps 1 and 2 are repeated `--runs` times (at least
   5), each run on course codes of its own, and print per mode the median (min-max) of both
   rates and the ratio of the medians next to its target. The queries of every bulk request of
   a mode are counted and asserted equal (they do not grow with the items; the token's last use,
   written at most once a minute, is left out); the history rows are asserted one per created or
   changed offer.
3. lists offers with filters (`course-offers/?...&page_size=100`) and, in the same run, a bare
   Django view answering the same rows with `.values()`, printing requests per second of
   each and their ratio.
Targets: bulk >= 5,000 offers/s on PostgreSQL (issue 3); bulk at least half the floor's offers/s
in every mode (issue 13); list ratio >= 0.5. Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from django.db.models import Q
from django.http import JsonResponse

TARGET_BULK_RATE, TARGET_LIST_RATIO, TARGET_FLOOR_RATIO = 5000.0, 0.5, 0.5
LIST_FILTERS = [
    {"region": "Y60"},
    {"qualification_type": "t_level", "academic_year": "2026/27"},
    {"ics": "QA3", "level": "3"},
    {"occupation": "occupation-4"},
    {},
]
PAGE_SIZE = 100
OFFER_FIELDS = (
    "id", "college__ukprn", "course_code", "title", "qualification_type", "level",
    "apprenticeship_standard__reference", "academic_year", "start_date", "duration_months", "planned_places",
    "expected_completion_rate", "delivery_ics__code", "created_at", "updated_at",
)


def bare_offer_list(request):
    """The floor: the same filters, order and page of rows, straight from `.values()`."""
    from colleges.models import CourseOffer
    from pathways.models import EntryRoute

    params = request.GET
    rows = CourseOffer.objects.all()
    if "region" in params:
        code = params["region"]
        rows = rows.filter(Q(delivery_ics__region__code=code) | Q(delivery_ics__isnull=True,
                                                                  college__ics__region__code=code))
    if "ics" in params:
        code = params["ics"]
        rows = rows.filter(Q(delivery_ics__code=code) | Q(delivery_ics__isnull=True, college__ics__code=code))
    for name in ("qualification_type", "academic_year", "level"):
        if name in params:
            rows = rows.filter(**{name: params[name]})
    if "occupation" in params:
        from django.db.models import Exists, OuterRef

        routes = EntryRoute.objects.filter(occupation__code=params["occupation"]).filter(
            Q(apprenticeship_standard__isnull=False, apprenticeship_standard=OuterRef("apprenticeship_standard"))
            | Q(apprenticeship_standard__isnull=True, qualification_type=OuterRef("qualification_type"),
                level=OuterRef("level"))
        )
        rows = rows.filter(Exists(routes))
    rows = rows.order_by("college__name", "academic_year", "course_code")
    return JsonResponse({"count": rows.count(), "results": list(rows.values(*OFFER_FIELDS)[:PAGE_SIZE])})


def _bulk_pass(client, items: list[dict], chunk: int, queries: list[int] | None = None) -> tuple[float, float, dict]:
    """Wall seconds, this process's CPU seconds (the database server's are not included), counts.
    The queries of each request are appended to `queries` (counted outside the timed span's work:
    the capture only records each query's text)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    totals = {"created": 0, "updated": 0, "unchanged": 0}
    bodies = [json.dumps(items[start : start + chunk]) for start in range(0, len(items), chunk)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for body in bodies:
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/course-offers/bulk/", body, content_type="application/json")
        if response.status_code != 200:
            sys.exit(f"bulk upsert failed: {response.status_code} {response.content[:500]!r}")
        if queries is not None:  # not the token's last use, written once per API_TOKEN_LAST_USED_RESOLUTION_SECONDS
            queries.append(sum(not query["sql"].startswith('UPDATE "portal_apitoken"')
                               for query in captured.captured_queries))
        for key, value in response.json().items():
            totals[key] += value
    return time.perf_counter() - started, time.process_time() - cpu_started, totals


# --- The floor of a bulk upsert (PostgreSQL), independent of the portal's code -----------------

FLOOR_COLUMNS = (
    "college_id", "course_code", "title", "qualification_type", "level", "apprenticeship_standard_id",
    "academic_year", "start_date", "duration_months", "planned_places", "expected_completion_rate", "delivery_ics_id",
)
FLOOR_VALUES = FLOOR_COLUMNS[2:6] + FLOOR_COLUMNS[7:]  # all but the natural key


def _floor_text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def floor_bulk(body: str, *, user_id: int) -> dict:
    """One bulk request's work done as plainly as PostgreSQL allows: {created, updated, unchanged}."""
    import io

    from django.db import connection, transaction

    items = json.loads(body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT ukprn, id FROM colleges_college WHERE ukprn = ANY(%s)",
                       [list({item["college"] for item in items})])
        colleges = dict(cursor.fetchall())
        cursor.execute("SELECT reference, id, level FROM pathways_apprenticeshipstandard WHERE reference = ANY(%s)",
                       [list({item.get("apprenticeship_standard") for item in items} - {None})])
        standards = {reference: (pk, level) for reference, pk, level in cursor.fetchall()}
        cursor.execute("SELECT code, id FROM trusts_integratedcaresystem WHERE code = ANY(%s)",
                       [list({item.get("delivery_ics") for item in items} - {None})])
        boards = dict(cursor.fetchall())
        buffer = io.StringIO()
        for item in items:
            standard = standards.get(item.get("apprenticeship_standard"))
            row = (
                colleges[item["college"]], item["course_code"], item["title"], item["qualification_type"],
                item.get("level") or (standard[1] if standard else None), standard[0] if standard else None,
                item["academic_year"], item["start_date"], item["duration_months"], item["planned_places"],
                item.get("expected_completion_rate"), boards.get(item.get("delivery_ics")),
            )
            buffer.write("\t".join(_floor_text(value) for value in row) + "\n")
        buffer.seek(0)
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS floor_offers ON COMMIT DELETE ROWS AS "
            f"SELECT {', '.join(FLOOR_COLUMNS)} FROM colleges_courseoffer WITH NO DATA"
        )
        cursor.cursor.copy_expert(f"COPY floor_offers ({', '.join(FLOOR_COLUMNS)}) FROM STDIN", buffer)
        history = [*FLOOR_COLUMNS, "id", "created_at", "updated_at"]
        cursor.execute(
            f"""WITH up AS (
                INSERT INTO colleges_courseoffer AS o ({', '.join(FLOOR_COLUMNS)}, created_at, updated_at)
                SELECT {', '.join(FLOOR_COLUMNS)}, now(), now() FROM floor_offers
                ORDER BY college_id, course_code, academic_year
                ON CONFLICT (college_id, course_code, academic_year) DO UPDATE SET
                    {', '.join(f'{c} = excluded.{c}' for c in FLOOR_VALUES)}, updated_at = excluded.updated_at
                WHERE ({', '.join(f'o.{c}' for c in FLOOR_VALUES)})
                    IS DISTINCT FROM ({', '.join(f'excluded.{c}' for c in FLOOR_VALUES)})
                RETURNING o.*, xmax = 0 AS inserted
            ), h AS (
                INSERT INTO colleges_historicalcourseoffer
                    ({', '.join(history)}, history_date, history_change_reason, history_type, history_user_id)
                SELECT {', '.join(history)}, now(), 'floor', CASE WHEN inserted THEN '+' ELSE '~' END, %s FROM up
                RETURNING history_type
            )
            SELECT count(*) FILTER (WHERE history_type = '+'), count(*) FILTER (WHERE history_type = '~') FROM h""",
            [user_id],
        )
        created, updated = cursor.fetchone()
    return {"created": created, "updated": updated, "unchanged": len(items) - created - updated}


def _floor_pass(items: list[dict], chunk: int, *, user_id: int) -> tuple[float, float, dict]:
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    bodies = [json.dumps(items[start : start + chunk]) for start in range(0, len(items), chunk)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for body in bodies:
        for key, value in floor_bulk(body, user_id=user_id).items():
            totals[key] += value
    return time.perf_counter() - started, time.process_time() - cpu_started, totals


MODES = ("create", "unchanged", "update")
EXPECTED = {"create": "created", "unchanged": "unchanged", "update": "updated"}


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):>8,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def _rate(client, url: str, repeat: int) -> float:
    client.get(url)  # warm up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    return 1.0 / statistics.median(timings)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench course_offers", description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=5_000, help="offers per bulk request (at most 5,000)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per list URL and view (median)")
    parser.add_argument("--runs", type=int, default=5, help="alternating runs of the bulk passes (at least 5)")
    parser.add_argument("--no-lists", action="store_true", help="measure the bulk upsert only")
    args = parser.parse_args(argv or [])
    if args.runs < 5:
        parser.error("--runs must be at least 5 (medians and min-max over alternating runs)")

    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

    from colleges.models import CourseOffer
    from core.throttling import TokenRateThrottle
    from planning.generators import benchmark as synthetic
    from portal.api_tokens import api_token_issue
    from portal.models import User

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    TokenRateThrottle.THROTTLE_RATES = {"token": "1000000/minute", "anon": "1000000/minute"}
    try:
        with override_settings(DEBUG=False, ROOT_URLCONF="bench.urls"):
            print(f"Course offers benchmark on {connection.vendor}, database {connection.settings_dict['NAME']}; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures are wall-clock)")
            world = synthetic.build()
            user = User.objects.create_user("bench", password=None, role="staff", is_staff=True)
            client = Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)[1]}")
            items = synthetic.offer_items(world, count=args.offers)
            changed = synthetic.offer_items(world, count=args.offers, places_shift=1)

            def floor_items(batch):
                return [{**item, "course_code": "F" + item["course_code"]} for item in batch]

            # Warm up both paths (imports, URL resolution, the staging tables), so that neither pays it in a pass.
            warm_up = [{**synthetic.offer_items(world, count=1)[0], "course_code": "WARM-UP"}]
            _bulk_pass(client, warm_up, 1)
            if connection.vendor == "postgresql":
                _floor_pass(floor_items(warm_up), 1, user_id=user.pk)
            postgres = connection.vendor == "postgresql"
            rates: dict[str, list[float]] = {mode: [] for mode in MODES}
            floor_rates: dict[str, list[float]] = {mode: [] for mode in MODES}
            cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
            queries: dict[str, list[int]] = {mode: [] for mode in MODES}
            history_before = CourseOffer.history.count()
            for run in range(args.runs):
                def renamed(batch, prefix, run=run):
                    return [{**item, "course_code": f"{prefix}{run}{item['course_code']}"} for item in batch]

                mine, mine_changed = renamed(items, "R"), renamed(changed, "R")
                floors, floors_changed = renamed(items, "F"), renamed(changed, "F")
                for mode, batch, floor_batch in (("create", mine, floors), ("unchanged", mine, floors),
                                                 ("update", mine_changed, floors_changed)):
                    def portal_side(mode=mode, batch=batch):
                        seconds, used, totals = _bulk_pass(client, batch, args.chunk, queries[mode])
                        if totals[EXPECTED[mode]] != len(batch):
                            sys.exit(f"bulk {mode}: {totals}, expected all {len(batch):,} {EXPECTED[mode]}")
                        rates[mode].append(len(batch) / seconds)
                        cpu[mode].append(len(batch) / used if used else float("inf"))

                    def floor_side(mode=mode, floor_batch=floor_batch):
                        seconds, _, totals = _floor_pass(floor_batch, args.chunk, user_id=user.pk)
                        if totals[EXPECTED[mode]] != len(floor_batch):
                            sys.exit(f"floor {mode}: {totals}, expected all {len(floor_batch):,} {EXPECTED[mode]}")
                        floor_rates[mode].append(len(floor_batch) / seconds)

                    sides = (portal_side, floor_side) if postgres else (portal_side,)
                    for side in sides if run % 2 == 0 else reversed(sides):  # who goes first alternates
                        side()
                print(f"  run {run + 1}/{args.runs}: " + ", ".join(
                    f"{mode} {rates[mode][-1]:,.0f}" + (f"/{floor_rates[mode][-1]:,.0f}" if postgres else "")
                    for mode in MODES) + " offers/s (portal" + ("/floor)" if postgres else ")"), flush=True)
            # One history row per created or changed offer, none for an unchanged one (both sides write them).
            history = CourseOffer.history.count() - history_before
            sides = 2 if postgres else 1
            expected_history = sides * args.runs * 2 * len(items)
            if history != expected_history:
                sys.exit(f"{history:,} history rows written, expected {expected_history:,} (one per create and change)")
            for mode in MODES:  # the same queries for every request of a mode, whatever its items
                if len(set(queries[mode])) != 1:
                    sys.exit(f"bulk {mode}: queries per request vary: {sorted(set(queries[mode]))}")
            per_request = ", ".join(f"{mode} {queries[mode][0]}" for mode in MODES)
            print(f"  {CourseOffer.objects.count():,} offers (2 warm-up), {history:,} history rows written by the runs "
                  f"(one per created or changed offer: checked); queries per bulk request: {per_request} "
                  "(the same for every request: checked)")
            floor_ok = True
            print(f"  {args.runs} alternating runs of {len(items):,} offers in requests of {args.chunk:,}: "
                  "median (min-max)")
            print(f"  {'mode':<10} {'portal offers/s':>26} {'floor offers/s':>26} {'portal/floor':>13}  "
                  f"target >= {TARGET_FLOOR_RATIO}   (portal's Python CPU alone, offers/s)")
            for mode in MODES:
                if postgres:
                    ratio_ = statistics.median(rates[mode]) / statistics.median(floor_rates[mode])
                    floor_ok &= ratio_ >= TARGET_FLOOR_RATIO
                    met = "met" if ratio_ >= TARGET_FLOOR_RATIO else "MISSED"
                    print(f"  {mode:<10} {_spread(rates[mode]):>26} {_spread(floor_rates[mode]):>26} {ratio_:>13.2f}"
                          f"  {met:<12} ({statistics.median(cpu[mode]):,.0f})")
                else:
                    print(f"  {mode:<10} {_spread(rates[mode]):>26} {'(PostgreSQL only)':>26}")
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE")
            ratios = []
            for filters in [] if args.no_lists else LIST_FILTERS:
                query = "&".join(f"{k}={v}" for k, v in {**filters, "page_size": PAGE_SIZE}.items())
                api = _rate(client, f"/api/v1/course-offers/?{query}", args.repeat)
                bare = _rate(client, f"/bench/bare-offers/?{query}", args.repeat)
                ratios.append(api / bare)
                print(f"  list ?{query:<55} API {api:7.1f} req/s, bare .values() {bare:7.1f} req/s,"
                      f" ratio {api / bare:.2f}")
            ratio = statistics.median(ratios) if ratios else TARGET_LIST_RATIO
            print(f"  list ratio (median over {len(ratios)} filter sets): {ratio:.2f} (target >= {TARGET_LIST_RATIO})")
            create_rate = statistics.median(rates["create"])
            print(f"  bulk create rate: {create_rate:,.0f} offers/s, median of {args.runs} runs "
                  f"(target >= {TARGET_BULK_RATE:,.0f}): {'met' if create_rate >= TARGET_BULK_RATE else 'MISSED'}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0 if create_rate >= TARGET_BULK_RATE and ratio >= TARGET_LIST_RATIO and floor_ok else 1
