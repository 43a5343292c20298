"""The gap report against a strong floor (issue 13): the fastest plain SQL for the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_speed python -m bench floor [--repeat 5]
        [--scales small,region,england,england-2x] [--as-of 2026-11-15]

The floor is written from DESIGN.md section 6 (with 6.1 geography on a date, 6.2 ranges, 6.3 backfill),
not from planning.gap or pathways.rules: one read-only statement that returns every row of the report
(ICS, region and national levels, central, low and high cases, backfill), built from the CTEs of FLOOR.
It is run in four variants:

- `one statement, serial`: the whole report in one statement, parallel workers off (each aggregate
  built once);
- `one statement, parallel`: the same statement with the server's parallel settings;
- `one statement, serial, work_mem 32MB`: serial with the sort and hash memory the engine's statements get
  (planning.gap._SERIAL), so that a setting never counts as the engine's own gain;
- `staged, serial`: the latest vacancy rows and the arrivals staged in two temporary tables first
  (ANALYZEd), then the same final statement on them: what helper tables cost or save.

For each data size (`small`: the generator's small set, two ICSs of one region; `region`: one NHS
region; `england`; `england-2x`: England with every course offer doubled) it generates the synthetic
data (planning.services.synthetic_data_generate, in the database DATABASE_URL names: use one of its
own, it refuses real vacancy figures), VACUUM ANALYZEs, warms every contender up, then times >= 5
rounds, alternating who goes first: the portal's report end to end through the service
(gap_report_create + gap_report_compute, what the task runs, writing the rows and the supply by
college) and each floor variant (executed and fetched). Each floor variant's rows are checked equal,
row for row and figure for figure, to the rows the service stored.

Prints, per size: medians and min-max, the portal's ratio to each variant and to the best one with
the target (<= 1.2 x the best variant at England scale), the small report against its 100 ms target,
and the growth of each with data size. Exit status 1 when a target is missed or rows differ.
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
SEED = 20261123
TARGET_RATIO = 1.2  # portal / best floor variant, at England scale
TARGET_SMALL_MS = 100.0  # the small report, end to end
SCALES = ("small", "region", "england", "england-2x")
FIGURES = ("demand", "supply", "gap", "coverage", "demand_low", "demand_high", "supply_low", "supply_high",
           "gap_low", "gap_high", "backfill")
STORED_FIGURES = ("demand_fte", "supply_fte", "gap_fte", "coverage", "demand_low_fte", "demand_high_fte",
                  "supply_low_fte", "supply_high_fte", "gap_low_fte", "gap_high_fte", "backfill_fte")

# -- the floor, from DESIGN.md section 6 ------------------------------------------------------------
#
# Parameters: %(d)s the report's as_of, %(n)s its horizon in years. {seeds} is a VALUES list of the
# default completion rates of pathways.vocabulary (a type the CompletionRate table lacks keeps it).
# Figures of an ICS row are kept to 6 decimals (the stored precision); region and national rows are
# the sums of their ICS rows (6: "Region and national rows are the sums of their ICS rows").

FLOOR = {
    # Year y of the horizon is (d + (y-1) years, d + y years]; PostgreSQL's date + interval keeps the
    # day and clips it to the month's last day, as section 6's month arithmetic does.
    "years": """
        SELECT y AS year, CAST(%(d)s::date + make_interval(months => 12 * (y - 1)) AS date) AS after,
               CAST(%(d)s::date + make_interval(months => 12 * y) AS date) AS until
        FROM generate_series(1, %(n)s) AS y""",
    # 6.1: a board is open on d when opened_on <= d (or null) and closed_on >= d (or null).
    "open_board": """
        SELECT id FROM trusts_integratedcaresystem
        WHERE (opened_on IS NULL OR opened_on <= %(d)s) AND (closed_on IS NULL OR closed_on >= %(d)s)""",
    # A board closed before d hands its figures to its successors by share; a successor itself closed
    # before d hands its part on (shares multiply).
    "handed": """
        SELECT s.predecessor_id AS board, s.successor_id AS heir, CAST(s.share AS numeric) AS share, 1 AS steps
        FROM trusts_boardsuccession s JOIN trusts_integratedcaresystem b ON b.id = s.predecessor_id
        WHERE b.closed_on < %(d)s
        UNION ALL
        SELECT h.board, s.successor_id, h.share * s.share, h.steps + 1
        FROM handed h
        JOIN trusts_integratedcaresystem b ON b.id = h.heir AND b.closed_on < %(d)s
        JOIN trusts_boardsuccession s ON s.predecessor_id = h.heir
        WHERE h.steps < 20""",
    # Where figures lying in a board are counted on d: an open board in itself, a closed one in its
    # open successors. A board not yet open on d counts nowhere (the report's ICS rows are the open boards).
    "counted_in": """
        SELECT id AS board, id AS ics_id, CAST(1 AS numeric) AS share FROM open_board
        UNION ALL
        SELECT h.board, h.heir, SUM(h.share) FROM handed h JOIN open_board o ON o.id = h.heir
        GROUP BY h.board, h.heir""",
    "trust_board": """
        SELECT trust_id, ics_id FROM trusts_trustboard
        WHERE (valid_from IS NULL OR valid_from <= %(d)s) AND (valid_to IS NULL OR valid_to >= %(d)s)""",
    "college_board": """
        SELECT college_id, ics_id FROM colleges_collegeboard
        WHERE (valid_from IS NULL OR valid_from <= %(d)s) AND (valid_to IS NULL OR valid_to >= %(d)s)""",
    # Section 6: a series is sector + trust-or-ics + occupation; its latest period on or before d. The series
    # of a trust (most rows) are read in the order of their unique index, newest first, keeping each series'
    # first row; for the few series of an ICS alone, their latest month is grouped and the rows read back
    # (PostgreSQL sorts for their DISTINCT ON: measured 3-4 times slower).
    "ics_latest_month": """
        SELECT sector, ics_id, occupation_id, MAX(period) AS period FROM trusts_vacancy
        WHERE trust_id IS NULL AND period <= %(d)s
        GROUP BY sector, ics_id, occupation_id""",
    "latest": """
        SELECT * FROM (
            SELECT DISTINCT ON (sector, trust_id, occupation_id)
                   trust_id, ics_id, occupation_id, vacancies_fte, staff_in_post_fte
            FROM trusts_vacancy WHERE trust_id IS NOT NULL AND period <= %(d)s
            ORDER BY sector DESC, trust_id DESC, occupation_id DESC, period DESC
        ) by_trust
        UNION ALL
        SELECT v.trust_id, v.ics_id, v.occupation_id, v.vacancies_fte, v.staff_in_post_fte
        FROM ics_latest_month m
        JOIN trusts_vacancy v ON v.trust_id IS NULL AND v.sector = m.sector AND v.ics_id = m.ics_id
             AND v.occupation_id = m.occupation_id AND v.period = m.period""",
    # A row lies in its trust's board on d, else (no trust, or no board that day) in its own ics.
    "demand_by_board": """
        SELECT COALESCE(tb.ics_id, l.ics_id) AS board, l.occupation_id,
               SUM(l.vacancies_fte) AS vacancies, SUM(l.staff_in_post_fte) AS staff
        FROM latest l LEFT JOIN trust_board tb ON tb.trust_id = l.trust_id
        GROUP BY COALESCE(tb.ics_id, l.ics_id), l.occupation_id""",
    "demand": """
        SELECT c.ics_id, d.occupation_id, SUM(d.vacancies * c.share) AS vacancies,
               SUM(COALESCE(d.staff, 0) * c.share) * o.annual_leaver_rate AS replacement,
               SUM(COALESCE(d.staff, 0) * c.share) * o.annual_leaver_rate_low AS replacement_low,
               SUM(COALESCE(d.staff, 0) * c.share) * o.annual_leaver_rate_high AS replacement_high
        FROM demand_by_board d
        JOIN counted_in c ON c.board = d.board
        JOIN pathways_occupation o ON o.id = d.occupation_id
        GROUP BY c.ics_id, d.occupation_id, o.annual_leaver_rate, o.annual_leaver_rate_low,
                 o.annual_leaver_rate_high""",
    # 6.2: an offer's own rate is its low, central and high; else its type's default of each case.
    "rate": """
        SELECT s.kind, COALESCE(t.rate, s.seed) AS central, COALESCE(t.rate_low, s.seed) AS low,
               COALESCE(t.rate_high, s.seed) AS high
        FROM (VALUES {seeds}) AS s (kind, seed)
        LEFT JOIN pathways_completionrate t ON t.qualification_type = s.kind""",
    # An offer lies in its delivery ICS when that board counts somewhere on d, else in its college's
    # board on d, else its college's ics. Nothing starting after the horizon's end completes within it.
    "offer": """
        SELECT f.apprenticeship_standard_id AS standard, f.qualification_type AS kind, f.level,
               CASE WHEN f.delivery_ics_id IN (SELECT board FROM counted_in) THEN f.delivery_ics_id
                    ELSE COALESCE(cb.ics_id, c.ics_id) END AS board,
               f.planned_places * COALESCE(f.expected_completion_rate, r.central) AS done,
               f.planned_places * COALESCE(f.expected_completion_rate, r.low) AS done_low,
               f.planned_places * COALESCE(f.expected_completion_rate, r.high) AS done_high,
               CAST(f.start_date + make_interval(months => f.duration_months) AS date) AS done_on
        FROM colleges_courseoffer f
        JOIN colleges_college c ON c.id = f.college_id
        LEFT JOIN college_board cb ON cb.college_id = f.college_id
        LEFT JOIN rate r ON r.kind = f.qualification_type
        WHERE f.start_date < (SELECT MAX(until) FROM years)""",
    # A route naming a standard matches offers of it; one naming none, offers of its type and level.
    # Entrants arrive lag_months after completing.
    "route_match": """
        SELECT o.board, e.occupation_id, e.from_occupation_id, o.done * e.conversion_rate AS entrants,
               o.done_low * e.conversion_rate_low AS entrants_low,
               o.done_high * e.conversion_rate_high AS entrants_high,
               CAST(o.done_on + make_interval(months => e.lag_months) AS date) AS arrives_on
        FROM offer o JOIN pathways_entryroute e ON e.apprenticeship_standard_id = o.standard
        UNION ALL
        SELECT o.board, e.occupation_id, e.from_occupation_id, o.done * e.conversion_rate,
               o.done_low * e.conversion_rate_low, o.done_high * e.conversion_rate_high,
               CAST(o.done_on + make_interval(months => e.lag_months) AS date)
        FROM offer o JOIN pathways_entryroute e
             ON e.apprenticeship_standard_id IS NULL AND e.qualification_type = o.kind AND e.level = o.level""",
    # The year each arrives in: width_bucket counts the thresholds (each window's first day) on or before the
    # arrival, so 0 is before the horizon and n + 1 after it. Summed per board, occupation and year first.
    "threshold": """
        SELECT ARRAY(SELECT after + 1 FROM years ORDER BY year) || (SELECT MAX(until) + 1 FROM years) AS days""",
    "arrival": """
        SELECT m.board, m.occupation_id, m.from_occupation_id,
               width_bucket(m.arrives_on, (SELECT days FROM threshold)) AS year,
               SUM(m.entrants) AS entrants, SUM(m.entrants_low) AS entrants_low,
               SUM(m.entrants_high) AS entrants_high
        FROM route_match m
        GROUP BY m.board, m.occupation_id, m.from_occupation_id,
                 width_bucket(m.arrives_on, (SELECT days FROM threshold))
        HAVING width_bucket(m.arrives_on, (SELECT days FROM threshold)) BETWEEN 1 AND %(n)s""",
    # One list of facts per ICS and occupation: demand (year 0: every year), supply to the route's
    # occupation and backfill (6.3) in the occupation it takes people from, each in its year.
    "fact": """
        SELECT ics_id, occupation_id, 0 AS year, vacancies, replacement, replacement_low, replacement_high,
               0 AS supply, 0 AS supply_low, 0 AS supply_high, 0 AS backfill, 0 AS backfill_low, 0 AS backfill_high
        FROM demand
        UNION ALL
        SELECT c.ics_id, a.occupation_id, a.year, 0, 0, 0, 0, SUM(a.entrants * c.share),
               SUM(a.entrants_low * c.share), SUM(a.entrants_high * c.share), 0, 0, 0
        FROM arrival a JOIN counted_in c ON c.board = a.board
        GROUP BY c.ics_id, a.occupation_id, a.year
        UNION ALL
        SELECT c.ics_id, a.from_occupation_id, a.year, 0, 0, 0, 0, 0, 0, 0, SUM(a.entrants * c.share),
               SUM(a.entrants_low * c.share), SUM(a.entrants_high * c.share)
        FROM arrival a JOIN counted_in c ON c.board = a.board
        WHERE a.from_occupation_id IS NOT NULL
        GROUP BY c.ics_id, a.from_occupation_id, a.year""",
    # Cumulative through each year y: the facts of years <= y.
    "through": """
        SELECT f.ics_id, f.occupation_id, y.year,
               SUM(f.vacancies) AS vacancies, SUM(f.replacement) AS replacement,
               SUM(f.replacement_low) AS replacement_low, SUM(f.replacement_high) AS replacement_high,
               SUM(CASE WHEN f.year <= y.year THEN f.supply ELSE 0 END) AS supply,
               SUM(CASE WHEN f.year <= y.year THEN f.supply_low ELSE 0 END) AS supply_low,
               SUM(CASE WHEN f.year <= y.year THEN f.supply_high ELSE 0 END) AS supply_high,
               SUM(CASE WHEN f.year <= y.year THEN f.backfill ELSE 0 END) AS backfill,
               SUM(CASE WHEN f.year <= y.year THEN f.backfill_low ELSE 0 END) AS backfill_low,
               SUM(CASE WHEN f.year <= y.year THEN f.backfill_high ELSE 0 END) AS backfill_high
        FROM fact f CROSS JOIN years y
        GROUP BY f.ics_id, f.occupation_id, y.year""",
    # ICS rows of the pairs with any demand, supply or backfill in the horizon (every year of it).
    "ics_row": """
        SELECT ics_id, occupation_id, year,
               ROUND(vacancies + year * replacement + backfill, 6) AS demand,
               ROUND(vacancies + year * replacement_low + backfill_low, 6) AS demand_low,
               ROUND(vacancies + year * replacement_high + backfill_high, 6) AS demand_high,
               ROUND(supply, 6) AS supply, ROUND(supply_low, 6) AS supply_low, ROUND(supply_high, 6) AS supply_high,
               ROUND(backfill, 6) AS backfill
        FROM (
            SELECT t.*, MAX(GREATEST(vacancies, replacement, replacement_low, replacement_high, supply, supply_low,
                                     supply_high, backfill, backfill_low, backfill_high))
                        OVER (PARTITION BY ics_id, occupation_id) AS most
            FROM through t
        ) t
        WHERE most > 0""",
    # The three levels in one pass.
    "level_row": """
        SELECT CASE WHEN GROUPING(r.ics_id) = 0 THEN 'ics' WHEN GROUPING(i.region_id) = 0 THEN 'region'
                    ELSE 'national' END AS level,
               r.ics_id, i.region_id, r.occupation_id, r.year,
               SUM(r.demand) AS demand, SUM(r.supply) AS supply, SUM(r.demand_low) AS demand_low,
               SUM(r.demand_high) AS demand_high, SUM(r.supply_low) AS supply_low,
               SUM(r.supply_high) AS supply_high, SUM(r.backfill) AS backfill
        FROM ics_row r JOIN trusts_integratedcaresystem i ON i.id = r.ics_id
        GROUP BY GROUPING SETS ((r.ics_id, i.region_id, r.occupation_id, r.year),
                                (i.region_id, r.occupation_id, r.year), (r.occupation_id, r.year))""",
}

FLOOR_SELECT = """
SELECT l.level,
       CASE l.level WHEN 'ics' THEN i.code WHEN 'region' THEN g.code ELSE %(national_code)s END,
       CASE l.level WHEN 'ics' THEN i.name WHEN 'region' THEN g.name ELSE %(national_name)s END,
       l.occupation_id, l.year, l.demand, l.supply, l.demand - l.supply,
       CASE WHEN l.demand = 0 THEN NULL ELSE ROUND(l.supply / l.demand, 6) END,
       l.demand_low, l.demand_high, l.supply_low, l.supply_high,
       l.demand_low - l.supply_high, l.demand_high - l.supply_low, l.backfill
FROM level_row l
LEFT JOIN trusts_integratedcaresystem i ON i.id = l.ics_id AND l.level = 'ics'
LEFT JOIN trusts_region g ON g.id = l.region_id AND l.level = 'region'
"""

STAGED = ("latest", "arrival")  # what the staged variant keeps in temporary tables


def _seeds() -> str:
    from pathways.vocabulary import DEFAULT_COMPLETION_RATES

    return ", ".join(f"('{kind}', CAST({rate} AS numeric))" for kind, rate in DEFAULT_COMPLETION_RATES.items())


def _with(names) -> str:
    seeds = _seeds()
    return "WITH RECURSIVE " + ",\n".join(f"{name} AS ({FLOOR[name].format(seeds=seeds)})" for name in names)


def floor_statement() -> str:
    """The whole report as one statement."""
    return _with(FLOOR) + FLOOR_SELECT


def staged_statements() -> tuple[list[str], str]:
    """(statements staging STAGED in temporary tables, the final statement reading them)."""
    names = list(FLOOR)
    staging = []
    for table in STAGED:
        upto = names[: names.index(table) + 1]
        staging += [f"DROP TABLE IF EXISTS pg_temp.floor_{table}",
                    f"CREATE TEMPORARY TABLE floor_{table} AS {_with(upto)} SELECT * FROM {table}",
                    f"ANALYZE floor_{table}"]
    rest = [name for name in names if name not in STAGED]
    final = _with(rest) + FLOOR_SELECT
    for table in STAGED:  # the final statement reads the staged tables under their CTE names
        final = final.replace(f" {table} ", f" floor_{table} ").replace(f" {table}\n", f" floor_{table}\n")
    return staging, final


def _params(as_of: dt.date, horizon_years: int) -> dict:
    from pathways.rules import NATIONAL_CODE, NATIONAL_NAME  # England's code and name: the API's contract

    return {"d": as_of, "n": horizon_years, "national_code": NATIONAL_CODE, "national_name": NATIONAL_NAME}


def floor_rows(variant: str, as_of: dt.date = AS_OF, horizon_years: int = HORIZON_YEARS) -> list[tuple]:
    """Every row of the report by the floor, in one read-only transaction; `variant` one of VARIANTS."""
    from django.db import connection, transaction

    params = _params(as_of, horizon_years)
    with transaction.atomic(), connection.cursor() as cursor:
        if variant != "one statement, parallel":
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        if variant == "one statement, serial, work_mem 32MB":  # the engine's planner settings
            cursor.execute("SET LOCAL work_mem = '32MB'")
        if variant == "staged, serial":
            staging, final = staged_statements()
            for sql in staging:
                cursor.execute(sql, params if "%(" in sql else None)
            cursor.execute(final, params)
        else:
            cursor.execute(floor_statement(), params)
        rows = cursor.fetchall()
        if variant == "staged, serial":
            for table in STAGED:
                cursor.execute(f"DROP TABLE pg_temp.floor_{table}")
        if variant != "one statement, parallel":  # within a caller's transaction, leave its settings as they were
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = DEFAULT; SET LOCAL work_mem = DEFAULT")
    return rows


VARIANTS = ("one statement, serial", "one statement, parallel", "one statement, serial, work_mem 32MB",
            "staged, serial")


def stored_rows(report_id: int) -> list[tuple]:
    from planning.models import GapReportRow

    return list(GapReportRow.objects.filter(report_id=report_id).values_list(
        "level", "code", "name", "occupation_id", "year", *STORED_FIGURES
    ))


def differences(stored: list[tuple], floor: list[tuple], limit: int = 5) -> list[str]:
    """What differs between the stored rows and the floor's, key by key and figure by figure ([] when equal)."""
    def keyed(rows):
        return {tuple(row[:5]): tuple(row[5:]) for row in rows}

    mine, theirs = keyed(stored), keyed(floor)
    found = []
    if len(mine) != len(stored) or len(theirs) != len(floor):
        found.append(f"duplicate keys: {len(stored) - len(mine)} stored, {len(floor) - len(theirs)} in the floor")
    for key in sorted(mine.keys() - theirs.keys(), key=repr)[:limit]:
        found.append(f"only stored: {key}")
    for key in sorted(theirs.keys() - mine.keys(), key=repr)[:limit]:
        found.append(f"only in the floor: {key}")
    for key in sorted(mine.keys() & theirs.keys(), key=repr):
        for name, a, b in zip(FIGURES, mine[key], theirs[key], strict=True):
            if a != b:
                found.append(f"{key} {name}: stored {a}, floor {b}")
                break
        if len(found) >= 3 * limit:
            break
    return found


# -- the bench ----------------------------------------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def data_of_scale(scale: str, seed: int = SEED) -> str:
    """The synthetic data set of `scale` in the database (england-2x: England, every offer twice)."""
    from django.core.management import call_command
    from django.db import connection

    from planning.services import synthetic_data_generate
    from trusts.models import Region, Vacancy

    if not Region.objects.exists():
        call_command("load_reference_data", verbosity=0)
    if Vacancy.objects.filter(synthetic=False).exists():
        sys.exit("This database holds real vacancy figures: run the benchmark on a database of its own.")
    result = synthetic_data_generate(scale="england" if scale == "england-2x" else scale, seed=seed)
    if scale == "england-2x":
        with connection.cursor() as cursor:  # a copy of every offer, same college and year, its own code
            cursor.execute(
                "INSERT INTO colleges_courseoffer (course_code, title, qualification_type, level, academic_year, "
                "start_date, duration_months, planned_places, expected_completion_rate, created_at, updated_at, "
                "apprenticeship_standard_id, college_id, delivery_ics_id) "
                "SELECT course_code || 'B', title, qualification_type, level, academic_year, start_date, "
                "duration_months, planned_places, expected_completion_rate, created_at, updated_at, "
                "apprenticeship_standard_id, college_id, delivery_ics_id "
                "FROM colleges_courseoffer WHERE course_code LIKE %s", ["SYN-%"],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return f"{result.vacancies:,} vacancy rows, {result.course_offers * (2 if scale == 'england-2x' else 1):,} offers"


class backfill_routes:
    """For the duration, a quarter of the entry routes take people from another occupation (6.3), so that
    backfill is computed (the synthetic data has none); restored afterwards."""

    def __enter__(self):
        from pathways.models import EntryRoute, Occupation

        routes = list(EntryRoute.objects.filter(from_occupation__isnull=True).order_by("id")
                      .values_list("id", "occupation_id"))
        occupations = list(Occupation.objects.order_by("id").values_list("id", flat=True))
        self.changed = []
        for index, (pk, own) in enumerate(routes[::4]):
            source = next(other for other in occupations[index % len(occupations):] + occupations if other != own)
            EntryRoute.objects.filter(pk=pk).update(from_occupation_id=source)
            self.changed.append(pk)
        return self

    def __exit__(self, *exc_info):
        from pathways.models import EntryRoute

        EntryRoute.objects.filter(pk__in=self.changed).update(from_occupation=None)


def time_portal(as_of: dt.date = AS_OF, horizon_years: int = HORIZON_YEARS) -> tuple[float, int]:
    """One report through the service, end to end (what the task runs)."""
    from planning import services

    started = time.perf_counter()
    report = services.gap_report_create(as_of=as_of, horizon_years=horizon_years, user=None)
    report = services.gap_report_compute(report_id=report.pk)
    elapsed = time.perf_counter() - started
    if report.status != report.Status.SUCCEEDED:
        sys.exit(f"The report failed: {report.error}")
    return elapsed, report.pk


def time_floor(variant: str) -> tuple[float, list]:
    started = time.perf_counter()
    rows = floor_rows(variant)
    return time.perf_counter() - started, rows


def _ms(values) -> str:
    return (f"median {statistics.median(values) * 1000:8.1f} ms  "
            f"(min-max {min(values) * 1000:.1f}-{max(values) * 1000:.1f})")


def bench_scale(scale: str, repeat: int) -> dict:
    """Times of the portal and each variant at one data size, alternating; checks the rows."""
    described = data_of_scale(scale)
    with backfill_routes():
        try:
            return _bench_scale(scale, repeat, described)
        finally:
            if scale == "england-2x":  # leave England as the generator made it, for the other benchmarks
                from colleges.models import CourseOffer

                copies = CourseOffer.objects.filter(course_code__startswith="SYN-", course_code__endswith="B")
                copies._raw_delete(copies.db)


def _bench_scale(scale: str, repeat: int, described: str) -> dict:
    from planning.models import GapReport

    contenders = ["portal", *VARIANTS]
    times: dict[str, list[float]] = {name: [] for name in contenders}
    last_rows: dict[str, list] = {}
    created = []
    for name in contenders:  # warm-up: plans, caches, connection
        if name == "portal":
            created.append(time_portal()[1])
        else:
            time_floor(name)
    loads = []
    for index in range(repeat):
        order = contenders[index % len(contenders):] + contenders[:index % len(contenders)]
        for name in order:
            if name == "portal":
                elapsed, report_id = time_portal()
                created.append(report_id)
            else:
                elapsed, last_rows[name] = time_floor(name)
            times[name].append(elapsed)
        loads.append(os.getloadavg()[0])
    stored = stored_rows(created[-1])
    checks = {name: differences(stored, rows) for name, rows in last_rows.items()}
    GapReport.objects.filter(pk__in=created).delete()
    return {"scale": scale, "data": described, "rows": len(stored), "times": times, "checks": checks,
            "loads": loads}


def report(results: list[dict], repeat: int) -> list[str]:
    """Print the figures; answers the targets missed."""
    missed = []
    print(f"Gap report against its floor, as of {AS_OF}, {HORIZON_YEARS} years; {repeat} alternating rounds "
          f"per size, {os.cpu_count()} CPUs shared with other work (load average 1 min shown).")
    for result in results:
        times = result["times"]
        portal = statistics.median(times["portal"])
        best = min(VARIANTS, key=lambda name: statistics.median(times[name]))
        print(f"\n  {result['scale']}: {result['data']}; {result['rows']:,} report rows; load "
              f"{min(result['loads']):.2f}-{max(result['loads']):.2f}")
        print(f"    {'portal (service, end to end)':44s} {_ms(times['portal'])}")
        for name in VARIANTS:
            check = result["checks"][name]
            same = "same rows as the portal" if not check else f"ROWS DIFFER: {'; '.join(check[:3])}"
            print(f"    {'floor: ' + name:44s} {_ms(times[name])}  portal / it "
                  f"{portal / statistics.median(times[name]):.2f}; {same}")
            if check:
                missed.append(f"{result['scale']}: floor {name} rows differ")
        ratio = portal / statistics.median(times[best])
        paired = statistics.median(p / f for p, f in zip(times["portal"], times[best], strict=True))
        line = f"    ratio portal / best floor ({best}): {ratio:.2f} (round by round {paired:.2f})"
        if result["scale"] == "england":
            line += f"; target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'}"
            if ratio > TARGET_RATIO:
                missed.append(f"england ratio {ratio:.2f} > {TARGET_RATIO}")
        if result["scale"] == "small":
            ok = portal * 1000 < TARGET_SMALL_MS
            line += (f"; small report {portal * 1000:.1f} ms, target < {TARGET_SMALL_MS:.0f} ms: "
                     f"{'met' if ok else 'MISSED'}")
            if not ok:
                missed.append(f"small report {portal * 1000:.0f} ms >= {TARGET_SMALL_MS:.0f} ms")
        print(line)
    if len(results) > 1:
        first = results[0]
        print(f"\n  growth with data size (median, x the {first['scale']} size's):")
        print(f"    {'size':12s} {'rows':>7s} {'portal ms':>10s} {'x':>6s} {'best floor ms':>14s} {'x':>6s} "
              f"{'ratio':>6s}")
        base_portal = statistics.median(first["times"]["portal"])
        base_floor = min(statistics.median(first["times"][name]) for name in VARIANTS)
        for result in results:
            portal = statistics.median(result["times"]["portal"])
            floor = min(statistics.median(result["times"][name]) for name in VARIANTS)
            print(f"    {result['scale']:12s} {result['rows']:7,d} {portal * 1000:10.1f} {portal / base_portal:6.2f} "
                  f"{floor * 1000:14.1f} {floor / base_floor:6.2f} {portal / floor:6.2f}")
    print("\n  targets met" if not missed else "\n  targets missed: " + "; ".join(missed))
    return missed


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench floor", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="alternating timed rounds per size (>= 5)")
    parser.add_argument("--scales", default=",".join(SCALES), help=f"comma-separated, of {', '.join(SCALES)}")
    args = parser.parse_args(argv)
    scales = [scale.strip() for scale in args.scales.split(",") if scale.strip()]
    unknown = [scale for scale in scales if scale not in SCALES]
    if unknown:
        parser.error(f"unknown scale {', '.join(unknown)}: choose from {', '.join(SCALES)}")
    _setup_django()
    import logging

    from django.db import connection

    logging.getLogger("planning").setLevel(logging.WARNING)  # not a line per report run
    if connection.vendor != "postgresql":
        sys.exit("The floor benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    print(f"database {connection.settings_dict['NAME']}", flush=True)
    results = []
    for scale in scales:
        print(f"  {scale}: generating and timing ...", flush=True)
        results.append(bench_scale(scale, args.repeat))
    return 1 if report(results, args.repeat) else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
