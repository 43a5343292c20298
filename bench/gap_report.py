"""The gap report at England scale on PostgreSQL: the service against its floor, and the dashboards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python -m bench gap_report [--repeat 5]

What it does, in the database DATABASE_URL names (PostgreSQL only):
1. loads the reference data (load_reference_data) when the database has none;
2. fills it with England-scale synthetic vacancies and course offers when it has none, with
   `planning.services.synthetic_data_generate(scale="england", seed=...)`. It refuses a database
   holding real vacancies;
3. times the whole report, end to end through the service (`gap_report_create` + `gap_report_compute`,
   exactly what the task runs), and its floor: bench/floor.py's one plain SQL statement written from
   DESIGN.md section 6 (geography on a date, ranges, backfill), run with a cursor in this process and
   fetched. It checks that both give the same rows, figure by figure, and prints both times and their
   ratio (`python -m bench floor` compares every variant of the floor and the growth with data size);
4. times the dashboard pages and the rows API on the report (server time, in process);
5. (issues 8.3, 10) times, alternating run by run through the same service: the engine as it stood before
   (bench/gap_engine_before.py), the engine with ranges and backfill but geography on a date switched off
   (identity shares, no memberships), the full engine (baseline report), and the full engine on a scenario
   (adjustments of every kind and hypothetical offers). A quarter of the entry routes are given a
   `from_occupation` for the duration, so backfill is computed; restored afterwards.

Targets (issue 5): ratio <= 1.5, report < 10 s, dashboards < 100 ms. Issues 8.3, 10: ranges and backfill
<= 1.3 x before, scenario <= 1.2 x baseline, geography within 10%. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

AS_OF = dt.date(2026, 11, 15)
HORIZON_YEARS = 3
TARGET_RATIO, TARGET_REPORT_SECONDS, TARGET_PAGE_MS = 1.5, 10.0, 100.0
TARGET_RANGES, TARGET_SCENARIO, TARGET_GEOGRAPHY = 1.3, 1.2, 1.1



def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


# -- data ------------------------------------------------------------------------------------


def ensure_data(seed: int) -> str:
    """Reference data and England-scale synthetic data in the database; says where they came from."""
    from django.core.management import call_command

    from planning.services import synthetic_data_generate
    from trusts.models import Region, Vacancy

    if not Region.objects.exists():
        call_command("load_reference_data", verbosity=0)
    if Vacancy.objects.filter(synthetic=False).exists():
        sys.exit("This database holds real vacancy figures: run the benchmark on a database of its own.")
    if Vacancy.objects.exists():
        return "synthetic data already in the database"
    synthetic_data_generate(scale="england", seed=seed)
    return "synthetic data generated: planning.services.synthetic_data_generate(scale='england')"


# -- timing ----------------------------------------------------------------------------------


def time_report(engine=None, scenario=None) -> tuple[float, int]:
    """One report through the service, end to end; `engine` a GapComputation class to run instead of
    planning.gap's, `scenario` a Scenario to compute on."""
    from planning import services
    from planning.models import GapReport

    real = services.GapComputation
    if engine is not None:
        services.GapComputation = engine
    try:
        started = time.perf_counter()
        if scenario is None:
            report = services.gap_report_create(as_of=AS_OF, horizon_years=HORIZON_YEARS, user=None)
        else:  # the request side is the scenarios API's; the computation is the same service
            report = GapReport.objects.create(as_of=AS_OF, horizon_years=HORIZON_YEARS, scenario=scenario)
        report = services.gap_report_compute(report_id=report.pk)
    finally:
        services.GapComputation = real
    elapsed = time.perf_counter() - started
    if report.status != report.Status.SUCCEEDED:
        sys.exit(f"The report failed: {report.error}")
    return elapsed, report.pk


FLOOR_VARIANT = "one statement, parallel"


def time_floor() -> tuple[float, list]:
    from bench import floor

    return floor.time_floor(FLOOR_VARIANT)


def same_rows(report_id: int, floor_rows: list) -> list[str]:
    """What differs between the stored rows and the floor's ([] when they are the same)."""
    from bench import floor

    return floor.differences(floor.stored_rows(report_id), floor_rows)


def time_pages(report_id: int) -> list[tuple[str, float, int]]:
    """Median server time of each dashboard page and API read, in process through the test client."""
    from django.test import Client

    from core.roles import Role
    from planning.models import GapReportRow
    from portal.models import User

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
    from pathways.models import EntryRoute
    from planning.models import GapReport
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

    created = []
    _, report_id = time_report()  # warm-up: caches, plans, connection
    created.append(report_id)
    time_floor()
    report_times, floor_times = [], []
    for _ in range(args.repeat):
        elapsed, report_id = time_report()
        report_times.append(elapsed)
        created.append(report_id)
        elapsed, floor_rows = time_floor()
        floor_times.append(elapsed)
    report_seconds, floor_seconds = statistics.median(report_times), statistics.median(floor_times)
    ratio = report_seconds / floor_seconds
    report = GapReport.objects.get(pk=report_id)
    differences = same_rows(report_id, floor_rows)
    matches = not differences

    print(f"  report rows: {report.inputs['rows']:,} (from {report.inputs['vacancy_rows']:,} latest-period vacancy "
          f"rows, {report.inputs['course_offers']:,} offers, {report.inputs['entry_routes']} routes)")
    print(f"  report (service, end to end): median {report_seconds * 1000:8.1f} ms of {args.repeat} "
          f"[{', '.join(f'{t * 1000:.0f}' for t in report_times)}]")
    print(f"  floor ({FLOOR_VARIANT}):  median {floor_seconds * 1000:8.1f} ms of {args.repeat} "
          f"[{', '.join(f'{t * 1000:.0f}' for t in floor_times)}]")
    paired = statistics.median(r / f for r, f in zip(report_times, floor_times, strict=True))
    print(f"  ratio report / floor: {ratio:.2f} (target <= {TARGET_RATIO}); same rows as the floor: {matches}")
    print(f"    (on a busy machine also: median of run-by-run ratios {paired:.2f}, "
          f"fastest report / fastest floor {min(report_times) / min(floor_times):.2f})")

    GapReport.objects.filter(pk__in=created[:-1]).delete()  # keep the last report for the dashboards
    pages = time_pages(report_id)
    print(f"  dashboards and API, median server time in process (target < {TARGET_PAGE_MS:.0f} ms but bulk reads):")
    for path, ms, status in pages:
        print(f"    {ms:7.1f} ms  {status}  {path}")

    engines = compare_engines(args.repeat)

    missed = []
    for label, ratio_value, target in engines:
        if ratio_value > target:
            missed.append(f"{label} {ratio_value:.2f} > {target}")
    if not matches:
        missed.append("the report's rows differ from the floor's: " + "; ".join(differences[:3]))
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


# -- issues 8.3 and 10: the new engine against the one before, geography off, and a scenario ----------


def _engine_without_geography():
    """The new engine with geography on a date switched off: every board keeps its figures (share 1) and no
    membership is read, so the rows are placed as before 8.3."""
    from pathways import rules
    from planning import gap

    class WithoutGeography(gap.GapComputation):
        def stage_geography(self):
            from trusts.models import IntegratedCareSystem

            self._execute(f"DROP TABLE IF EXISTS {gap._temp('gap_tmp_shares')}", [])
            self._execute(
                "CREATE TEMPORARY TABLE gap_tmp_shares AS SELECT id AS from_ics_id, id AS ics_id, "
                f"CAST(1 AS NUMERIC) AS share FROM {IntegratedCareSystem._meta.db_table}", [],
            )

        def stage_demand(self):
            with _no_memberships(rules):
                super().stage_demand()

        def stage_supply(self):
            with _no_memberships(rules):
                super().stage_supply()

    return WithoutGeography


class _no_memberships:
    def __init__(self, rules):
        self.rules = rules

    def __enter__(self):
        self.real = self.rules.membership_on_sql
        self.rules.membership_on_sql = lambda *args: (
            "SELECT CAST(NULL AS BIGINT) AS member_id, CAST(NULL AS BIGINT) AS ics_id WHERE 1 = 0", []
        )

    def __exit__(self, *exc):
        self.rules.membership_on_sql = self.real


def _bench_scenario(seed: int):
    """A scenario touching every kind of adjustment, with hypothetical offers copied from real ones."""
    import random

    from colleges.models import CourseOffer
    from pathways.models import EntryRoute, Occupation
    from planning.models import AdjustmentKind, Scenario, ScenarioAdjustment, ScenarioOffer

    rng = random.Random(seed)
    scenario = Scenario.objects.create(name="Benchmark what-if", description="bench/gap_report.py; deleted after")
    offer_ids = list(CourseOffer.objects.values_list("id", flat=True))
    routes = list(EntryRoute.objects.values_list("id", flat=True))
    occupations = list(Occupation.objects.values_list("code", flat=True))
    adjustments = [(AdjustmentKind.OFFER_PLACES, str(pk), rng.randint(0, 60)) for pk in rng.sample(offer_ids, 200)]
    adjustments += [(AdjustmentKind.CONVERSION_RATE, str(pk), "0.4") for pk in rng.sample(routes, 10)]
    adjustments += [(AdjustmentKind.COMPLETION_RATE, kind, "0.7") for kind in ("t_level", "apprenticeship", "diploma")]
    adjustments += [(AdjustmentKind.LEAVER_RATE, code, "0.12") for code in rng.sample(occupations, 10)]
    adjustments += [(AdjustmentKind.VACANCIES_FACTOR, code, "1.5") for code in rng.sample(occupations, 10)]
    ScenarioAdjustment.objects.bulk_create(
        ScenarioAdjustment(scenario=scenario, kind=kind, target=target, value=value)
        for kind, target, value in adjustments
    )
    ScenarioOffer.objects.bulk_create(
        ScenarioOffer(scenario=scenario, college_id=offer.college_id, qualification_type=offer.qualification_type,
                      level=offer.level, apprenticeship_standard_id=offer.apprenticeship_standard_id,
                      start_date=offer.start_date, duration_months=offer.duration_months,
                      planned_places=offer.planned_places, expected_completion_rate=offer.expected_completion_rate,
                      delivery_ics_id=offer.delivery_ics_id)
        for offer in CourseOffer.objects.filter(pk__in=rng.sample(offer_ids, 100))
    )
    return scenario


def compare_engines(repeat: int) -> list[tuple[str, float, float]]:
    """Median times of the four runs, alternating; returns (what, ratio, target) for the targets."""
    from django.db import connection

    from pathways.models import EntryRoute, Occupation
    from planning.models import GapReport

    from .gap_engine_before import GapComputation as Before

    routes = list(EntryRoute.objects.order_by("id").values_list("id", "occupation_id"))
    occupations = list(Occupation.objects.order_by("id").values_list("id", flat=True))
    backfilled = [pk for pk, _ in routes[::4]]
    for index, (pk, own) in enumerate(routes[::4]):  # a quarter of the routes take people from another occupation
        source = next(other for other in occupations[index % len(occupations):] + occupations if other != own)
        EntryRoute.objects.filter(pk=pk).update(from_occupation_id=source)
    scenario = _bench_scenario(2026)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    runs = {
        "before (engine at 6688d28)": {"engine": Before},
        "ranges + backfill, geography off": {"engine": _engine_without_geography()},
        "full engine, baseline report": {},
        "full engine, scenario report": {"scenario": scenario},
    }
    times: dict[str, list[float]] = {label: [] for label in runs}
    loads = []
    try:
        for options in runs.values():  # warm-up of each
            time_report(**options)
        for index in range(repeat):
            order = list(runs.items())
            order = order[index % len(order):] + order[:index % len(order)]  # rotate who goes first
            for label, options in order:
                elapsed, _ = time_report(**options)
                times[label].append(elapsed)
            loads.append(os.getloadavg()[0])
    finally:
        EntryRoute.objects.filter(pk__in=backfilled).update(from_occupation=None)
        GapReport.objects.filter(scenario=scenario).delete()
        scenario.delete()
    medians = {label: statistics.median(values) for label, values in times.items()}
    print(f"  engines, alternating, {repeat} runs each (median; load average 1 min over the runs "
          f"{min(loads):.2f}-{max(loads):.2f}, {os.cpu_count()} CPUs):")
    for label, values in times.items():
        print(f"    {label:36s} median {medians[label] * 1000:8.1f} ms "
              f"[{', '.join(f'{t * 1000:.0f}' for t in values)}]")
    before, no_geography, baseline, scenario_time = medians.values()
    results = [
        ("ranges + backfill / before", no_geography / before, TARGET_RANGES),
        ("scenario / baseline", scenario_time / baseline, TARGET_SCENARIO),
        ("geography / geography off", baseline / no_geography, TARGET_GEOGRAPHY),
    ]
    rounds = list(zip(*times.values(), strict=True))  # one tuple per round: before, off, baseline, scenario
    paired = {
        "ranges + backfill / before": statistics.median(r[1] / r[0] for r in rounds),
        "scenario / baseline": statistics.median(r[3] / r[2] for r in rounds),
        "geography / geography off": statistics.median(r[2] / r[1] for r in rounds),
    }
    for label, ratio, target in results:
        print(f"    ratio {label:28s} {ratio:.2f} (target <= {target}); median of round-by-round ratios "
              f"{paired[label]:.2f}")
    print(f"    ratio full engine / before         {baseline / before:.2f}")
    return results


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
