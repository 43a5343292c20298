"""Course offers at England scale: the bulk upsert and the filtered list, through the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h3 python -m bench course_offers [--offers 50000]

Creates and migrates a database of its own (Django's test database, `test_<name>`), builds a
synthetic England (7 regions, 42 ICSs, 230 colleges, 60 standards, 40 occupations with entry
routes), then, as a staff user with a token, in process through the WSGI stack:
1. bulk-upserts the offers in requests of 5,000 (created), again unchanged, and again with
   every offer changed (updated), printing offers per second for each pass;
2. lists offers with filters (`course-offers/?...&page_size=100`) and, in the same run, a bare
   Django view answering the same rows with `.values()`, printing requests per second of
   each and their ratio.
Targets (issue 3): bulk >= 5,000 offers/s on PostgreSQL, list ratio >= 0.5. Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from django.db.models import Q
from django.http import JsonResponse

TARGET_BULK_RATE, TARGET_LIST_RATIO = 5000.0, 0.5
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


def _bulk_pass(client, items: list[dict], chunk: int) -> tuple[float, float, dict]:
    """Wall seconds, this process's CPU seconds (the database server's are not included), counts."""
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(items), chunk):
        body = json.dumps(items[start : start + chunk])
        response = client.post("/api/v1/course-offers/bulk/", body, content_type="application/json")
        if response.status_code != 200:
            sys.exit(f"bulk upsert failed: {response.status_code} {response.content[:500]!r}")
        for key, value in response.json().items():
            totals[key] += value
    return time.perf_counter() - started, time.process_time() - cpu_started, totals


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
    args = parser.parse_args(argv or [])

    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

    from bench import synthetic
    from colleges.models import CourseOffer
    from core.throttling import TokenRateThrottle
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
            rates = {}
            for label, batch in (
                ("create", items),
                ("unchanged", items),
                ("update", synthetic.offer_items(world, count=args.offers, places_shift=1)),
            ):
                seconds, cpu, totals = _bulk_pass(client, batch, args.chunk)
                rates[label] = len(batch) / seconds
                print(f"  bulk {label:<9} {len(batch):>7,} offers in {seconds:6.2f} s = {rates[label]:8,.0f} offers/s"
                      f" (Python CPU {cpu:5.2f} s = {len(batch) / cpu:7,.0f} offers/s)  {totals}")
            print(f"  {CourseOffer.objects.count():,} offers, {CourseOffer.history.count():,} history entries")
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE")
            ratios = []
            for filters in LIST_FILTERS:
                query = "&".join(f"{k}={v}" for k, v in {**filters, "page_size": PAGE_SIZE}.items())
                api = _rate(client, f"/api/v1/course-offers/?{query}", args.repeat)
                bare = _rate(client, f"/bench/bare-offers/?{query}", args.repeat)
                ratios.append(api / bare)
                print(f"  list ?{query:<55} API {api:7.1f} req/s, bare .values() {bare:7.1f} req/s,"
                      f" ratio {api / bare:.2f}")
            ratio = statistics.median(ratios)
            print(f"  list ratio (median over {len(ratios)} filter sets): {ratio:.2f} (target >= {TARGET_LIST_RATIO})")
            print(f"  bulk create rate: {rates['create']:,.0f} offers/s (target >= {TARGET_BULK_RATE:,.0f})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0 if rates["create"] >= TARGET_BULK_RATE and ratio >= TARGET_LIST_RATIO else 1
