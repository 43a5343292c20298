"""The gap report's figures (DESIGN.md section 6), computed in the database.

A handful of aggregate statements, each over whole tables, never a Python loop over vacancy or
offer rows. Six temporary tables hold the intermediate aggregates so that the run can
report progress between stages, and the final step writes every row of the report with
INSERT ... SELECT (ICS rows from the staged aggregates, region and national rows as their sums: on
PostgreSQL the three levels in one statement with GROUPING SETS, elsewhere region and national rows
summed from the stored ICS rows), and the supply behind the ICS rows by college (GapReportSupply) from
the same staged arrivals. The SQL runs on PostgreSQL and SQLite alike.

Since issue 13 (bench/floor.py measures the run against a floor of plain SQL written from DESIGN.md), on
PostgreSQL: each series' latest vacancy row is read in index order (DISTINCT ON) rather than grouped and
fetched back; no statement plans parallel workers; each stage is one round trip (settings, drop of a
leftover table, create) whose commit does not wait for the disk; the temporary tables go in one DROP.
Second round: the demand stage keeps the default work_mem (see _DEMAND_STAGE); the arrivals are summed by
college once (gap_tmp_college) for the rows' supply and the stored supply by college alike; the baseline's
statements carry no scenario joins (they would find nothing).

Every gap rule in these statements (where an offer lies, completers, completion and arrival dates,
which route matches which offer, the year windows, England's code) is a fragment of pathways.rules,
the module the dashboards and the drill-down build their queries from too.

Since issues 8.3 and 10, in the same pass:
- ranges (6.2): the low, central and high cases are columns of the same aggregates (suffixes "", _low,
  _high), never three runs; default completion rates come from the CompletionRate table;
- backfill (6.3): the staged arrivals through routes with a from_occupation are summed a second time,
  by that occupation, and added to its demand in each case;
- geography on a date (6.1): gap_tmp_shares (rules.board_shares_sql) says where each board's figures are
  counted on as_of; vacancy rows lie in their trust's board that day (rules.vacancy_board_sql), offers in
  their delivery ICS or their college's board that day (rules.offer_board_sql; a delivery ICS not yet open
  on as_of does not place an offer: it counts in its college's board);
- scenarios (6.4): the scenario's adjustments are LEFT JOINed where each rate or figure is read, and its
  offers are added to the real ones (with negative ids); for the baseline the joins find nothing.

Usage (the service `gap_report_compute` orchestrates it: stages with reads, then one short write):

    run = GapComputation(report_id=..., as_of=..., horizon_years=..., scenario_id=...)
    run.stage_geography(); run.stage_demand(); run.stage_supply(); counts = run.counts()
    run.write_rows(); run.write_supply(); run.drop()
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from colleges.models import College, CollegeBoard, CourseOffer
from pathways import rules
from pathways.models import CompletionRate, EntryRoute, Occupation
from trusts.models import BoardSuccession, IntegratedCareSystem, Region, TrustBoard, Vacancy

from .models import AdjustmentKind, GapReportRow, GapReportSupply, ScenarioAdjustment, ScenarioOffer

_TEMP_TABLES = ("gap_tmp_shares", "gap_tmp_demand", "gap_tmp_arrivals", "gap_tmp_college", "gap_tmp_supply",
                "gap_tmp_backfill")
_CASES = [("", ""), ("_low", "low"), ("_high", "high")]  # (column suffix, rules case): central, low, high


# PostgreSQL settings for the run's statements, each for its transaction only (SET LOCAL: to the end of the
# transaction, or of the multi-statement string outside one; the server's settings are left as they were).
# - No parallel workers. Measured (issue 13): launching them cost more than they saved at every size, and a
#   parallel plan rebuilt its hash aggregates in each worker (the demand stage's, 55% of a run).
# - Room for the sorts and hash tables of a run (England scale: the latest rows of the ICS series were
#   sorted on disk with the default 4 MB); measured 5-25% off the stages.
# - The stages' transactions (and the final drop) change nothing that must outlive a crash: temporary
#   tables, and the progress the service writes in them. Their commits need not wait for the WAL to reach
#   the disk (1-4 ms each). The transaction writing the rows keeps the server's synchronous_commit.
_SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL work_mem = '32MB'"
_STAGE = f"{_SERIAL}; SET LOCAL synchronous_commit = off"
# - Except the demand stage, which keeps PostgreSQL's default 4 MB: its DISTINCT ON reads the trust series in
#   the order of their unique index and sorts nothing, but with 32 MB the planner costs a sort of the whole
#   vacancy table (~390,000 rows) in memory as cheaper than that read, and the sort spills to disk anyway
#   (22 MB of temporary files). Measured at England scale (EXPLAIN ANALYZE, issue 13 second round): 1,387 ms
#   with 32 MB, 337 ms with 4 MB. Its other aggregates are small (a few thousand groups).
_DEMAND_STAGE = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL work_mem = '4MB'; " \
    "SET LOCAL synchronous_commit = off"


def _vendor() -> str:
    return connection.vendor


def _temp(table: str) -> str:
    """A temporary table's qualified name, so DROP can never reach a permanent table of that name."""
    return f"pg_temp.{table}" if _vendor() == "postgresql" else f"temp.{table}"


def _date(value: dt.date):
    return rules.date_param(value, _vendor())


def _text(column: str) -> str:
    """A column as text, to compare with a scenario adjustment's target (ids are targets as text)."""
    return f"CAST({column} AS VARCHAR(20))"


class GapComputation:
    """One run of the gap report's SQL on the current connection, for one report.

    `scenario_id` (DESIGN.md 6.4): the scenario whose offers and adjustments the figures read through;
    None for the baseline. The baseline runs the very same statements: its adjustment joins find nothing.
    """

    def __init__(self, *, report_id: int, as_of: dt.date, horizon_years: int, scenario_id: int | None = None):
        self.report_id = report_id
        self.as_of = as_of
        self.horizon_years = horizon_years
        self.scenario_id = scenario_id
        self.bounds = rules.horizon_bounds(as_of, horizon_years)
        self.ends = self.bounds[1:]  # the last day of each year's window

    # -- the scenario's adjustments, as joins (nothing joins for the baseline) -------------------

    def _adjusted_join(self, kind: str, alias: str, target: str) -> tuple[str, list]:
        """LEFT JOIN of the scenario's adjustments of `kind` as `alias` on `target`, with its parameters; for the
        baseline no join at all (it would find nothing: joining it cost a hash join per offer row, issue 13)."""
        if self.scenario_id is None:
            return "", []
        sql, params = self._adjustment(kind)
        return f"LEFT JOIN ({sql}) {alias} ON {alias}.target = {target}", params

    def _adjusted(self, alias: str, expression: str) -> str:
        """`expression` as the scenario's adjustment joined as `alias` overrides it (the baseline has none)."""
        return expression if self.scenario_id is None else f"COALESCE({alias}.value, {expression})"

    def _adjustment(self, kind: str) -> tuple[str, list]:
        """SQL subquery (target, value) of the scenario's adjustments of `kind`."""
        return (
            f"SELECT target, value FROM {ScenarioAdjustment._meta.db_table} WHERE scenario_id = %s AND kind = %s",
            [self.scenario_id, str(kind)],
        )

    # -- stages -------------------------------------------------------------------------

    def stage_geography(self) -> None:
        """Where figures lying in each board are counted on as_of (rules.board_shares_sql), staged once."""
        shares, params = rules.board_shares_sql(
            IntegratedCareSystem._meta.db_table, BoardSuccession._meta.db_table, self.as_of, _vendor()
        )
        # A temporary table has no statistics until analysed: plan on the real size (PostgreSQL).
        analyse = "; ANALYZE gap_tmp_shares" if _vendor() == "postgresql" else ""
        self._create("gap_tmp_shares", f"CREATE TEMPORARY TABLE gap_tmp_shares AS {shares}{analyse}", params)

    def stage_demand(self) -> None:
        """Per ICS and occupation: vacancies and yearly replacement (each case) from each series' latest period.

        A series is sector + trust + occupation, or sector + ICS + occupation for rows naming no
        trust. Each series' row of its latest month on or before as_of comes from `_latest_rows_sql`. Each
        row lies in its trust's board on as_of (else its ICS) and is counted where that board's figures are
        (gap_tmp_shares).
        """
        vacancy = Vacancy._meta.db_table
        occupation = Occupation._meta.db_table
        trust_boards, trust_board_params = rules.membership_on_sql(
            TrustBoard._meta.db_table, "trust_id", self.as_of, _vendor()
        )
        leaver, leaver_params = self._adjusted_join(AdjustmentKind.LEAVER_RATE, "lr", "o.code")
        factor, factor_params = self._adjusted_join(AdjustmentKind.VACANCIES_FACTOR, "vf", "o.code")
        replacement = ", ".join(
            f"SUM(COALESCE(r.staff_in_post_fte, 0) * {self._adjusted('lr', f'o.annual_leaver_rate{suffix}')} "
            "* s.share) "
            f"AS replacement{suffix}"
            for suffix, _ in _CASES
        )
        self._create(
            "gap_tmp_demand",
            f"""
            CREATE TEMPORARY TABLE gap_tmp_demand AS
            WITH {self._latest_rows_sql(vacancy)}
            SELECT s.ics_id, r.occupation_id,
                   SUM(s.share) AS vacancy_rows,
                   SUM(r.vacancies_fte{"" if self.scenario_id is None else " * COALESCE(vf.value, 1)"} * s.share)
                       AS vacancies,
                   {replacement}
            FROM latest_rows r
            LEFT JOIN ({trust_boards}) tb ON tb.member_id = r.trust_id
            JOIN gap_tmp_shares s ON s.from_ics_id = {rules.vacancy_board_sql("r", "tb")}
            JOIN {occupation} o ON o.id = r.occupation_id
            {leaver}
            {factor}
            GROUP BY s.ics_id, r.occupation_id
            """,
            [_date(self.as_of), _date(self.as_of), *trust_board_params, *leaver_params, *factor_params],
            settings=_DEMAND_STAGE,
        )

    @staticmethod
    def _latest_rows_sql(vacancy: str) -> str:
        """CTEs ending in `latest_rows`: each series' row of its latest period on or before as_of (two
        parameters, as_of). The series of rows naming a trust are most of the table: on PostgreSQL they are
        read in the order of their unique index (sector, trust, occupation, period), newest first, keeping
        each series' first row (DISTINCT ON: one ordered pass, no aggregate to build, no second scan).
        Otherwise, and for the few series naming an ICS only (PostgreSQL plans their DISTINCT ON with a sort,
        measured 3-4 times slower), one grouped scan finds each series' latest month and its row is fetched
        back by the series' unique key.
        """
        columns = "v.ics_id, v.trust_id, v.occupation_id, v.vacancies_fte, v.staff_in_post_fte"
        ics_series = f"""ics_series AS (
                SELECT sector, ics_id, occupation_id, MAX(period) AS period
                FROM {vacancy}
                WHERE period <= %s AND trust_id IS NULL
                GROUP BY sector, ics_id, occupation_id
            )"""
        ics_rows = f"""SELECT {columns}
                FROM ics_series s
                JOIN {vacancy} v ON v.ics_id = s.ics_id AND v.sector = s.sector
                                AND v.occupation_id = s.occupation_id AND v.period = s.period AND v.trust_id IS NULL"""
        if _vendor() == "postgresql":
            return f"""trust_rows AS (
                SELECT DISTINCT ON (v.sector, v.trust_id, v.occupation_id) {columns}
                FROM {vacancy} v
                WHERE v.period <= %s AND v.trust_id IS NOT NULL
                ORDER BY v.sector DESC, v.trust_id DESC, v.occupation_id DESC, v.period DESC
            ),
            {ics_series},
            latest_rows AS (
                SELECT * FROM trust_rows
                UNION ALL
                {ics_rows}
            )"""
        return f"""trust_series AS (
                SELECT sector, trust_id, occupation_id, MAX(period) AS period
                FROM {vacancy}
                WHERE period <= %s AND trust_id IS NOT NULL
                GROUP BY sector, trust_id, occupation_id
            ),
            {ics_series},
            latest_rows AS (
                SELECT {columns}
                FROM trust_series s
                JOIN {vacancy} v ON v.trust_id = s.trust_id AND v.sector = s.sector
                                AND v.occupation_id = s.occupation_id AND v.period = s.period
                UNION ALL
                {ics_rows}
            )"""

    def stage_supply(self) -> None:
        """Entrants (each case) per ICS, occupation and year of the horizon, cumulative through each year,
        and the backfill they open in the occupations their routes take them from (DESIGN.md 6.3).

        gap_tmp_arrivals holds each (offer, matching route, board it is counted in) whose entrants arrive
        in the horizon, with the year they arrive in; gap_tmp_college sums them per ICS, college,
        occupation and year (the supply by college that write_supply stores as it is), gap_tmp_supply sums
        those per year and then cumulatively, and gap_tmp_backfill sums the arrivals by the occupation their
        route takes people from. The scenario's offers join the real ones (negative ids), with its places,
        conversion and completion rates.

        The sums are exact (numeric), so summing by college first changes no figure; it means the ~60,000
        arrivals at England scale are grouped once, for the rows' supply and the supply by college alike,
        and the transaction writing the report inserts the supply by college without aggregating.
        """
        offer, college, route = CourseOffer._meta.db_table, College._meta.db_table, EntryRoute._meta.db_table
        vendor = _vendor()
        college_boards, college_board_params = rules.membership_on_sql(
            CollegeBoard._meta.db_table, "college_id", self.as_of, vendor
        )
        places, places_params = self._adjusted_join(AdjustmentKind.OFFER_PLACES, "p", _text("f.id"))
        conversion, conversion_params = self._adjusted_join(AdjustmentKind.CONVERSION_RATE, "a", _text("r.id"))
        completion, completion_params = self._adjusted_join(
            AdjustmentKind.COMPLETION_RATE, "a", "cr.qualification_type"
        )
        rates, rates_params = rules.completion_rates_sql(CompletionRate._meta.db_table, vendor)
        completers = ", ".join(
            f"{rules.completers_sql('o', f'cr.rate{suffix}')} * s.share AS completers{suffix}" for suffix, _ in _CASES
        )
        completion_rates = ", ".join(
            f"{self._adjusted('a', f'cr.rate{suffix}')} AS rate{suffix}" for suffix, _ in _CASES
        )
        routes = ", ".join(
            f"{self._adjusted('a', f'r.conversion_rate{suffix}')} AS conversion_rate{suffix}" for suffix, _ in _CASES
        )
        arrival = rules.arrival_date_sql("o.completed_on", "r.lag_months", vendor)
        by_standard, by_type_and_level = rules.route_match_sql("r", "o")
        entrants = ", ".join(f"o.completers{suffix} * r.conversion_rate{suffix} AS entrants{suffix}"
                             for suffix, _ in _CASES)
        matched_columns = (
            "o.offer_id, o.college_id, r.id AS route_id, o.ics_id, r.occupation_id, r.from_occupation_id, "
            f"{entrants}, {arrival} AS arrives_on"
        )
        offer_columns = (
            "college_id, delivery_ics_id, qualification_type, level, apprenticeship_standard_id, start_date, "
            "duration_months, expected_completion_rate"
        )
        year, year_params = rules.window_case_sql("arrives_on", self.bounds, vendor)
        in_horizon, in_horizon_params = rules.in_horizon_sql("arrives_on", self.bounds, vendor)
        last_day = _date(self.ends[-1])
        # The scenario's offers, added to the real ones (none for the baseline: no branch at all).
        scenario_offers, scenario_offers_params = ("", []) if self.scenario_id is None else (
            f"""UNION ALL
                SELECT -h.id, h.planned_places, {", ".join(f"h.{column}" for column in offer_columns.split(", "))}
                FROM {ScenarioOffer._meta.db_table} h
                WHERE h.scenario_id = %s AND h.start_date < %s""",
            [self.scenario_id, last_day],
        )
        self._create(
            "gap_tmp_arrivals",
            f"""
            CREATE TEMPORARY TABLE gap_tmp_arrivals AS
            WITH source AS (
                SELECT f.id AS offer_id, {self._adjusted("p", "f.planned_places")} AS planned_places,
                       {", ".join(f"f.{column}" for column in offer_columns.split(", "))}
                FROM {offer} f
                {places}
                WHERE f.start_date < %s
                {scenario_offers}
            ),
            completion_rates AS (
                SELECT cr.qualification_type, {completion_rates}
                FROM ({rates}) cr
                {completion}
            ),
            placed AS (SELECT DISTINCT from_ics_id FROM gap_tmp_shares),
            offers AS (
                SELECT o.offer_id, o.college_id, s.ics_id,
                       o.qualification_type, o.level, o.apprenticeship_standard_id,
                       {completers},
                       {rules.completion_date_sql("o", vendor)} AS completed_on
                FROM source o
                JOIN {college} c ON c.id = o.college_id
                LEFT JOIN ({college_boards}) cb ON cb.member_id = o.college_id
                LEFT JOIN placed dp ON dp.from_ics_id = o.delivery_ics_id
                JOIN gap_tmp_shares s ON s.from_ics_id = {rules.offer_board_sql("o", "c", "cb", "dp")}
                {rules.completion_rates_join_sql("o", "cr", "completion_rates")}
            ),
            routes AS (
                SELECT r.id, r.occupation_id, r.from_occupation_id, r.lag_months, r.apprenticeship_standard_id,
                       r.qualification_type, r.level, {routes}
                FROM {route} r
                {conversion}
            ),
            matched AS (
                SELECT {matched_columns}
                FROM offers o
                JOIN routes r ON {by_standard}
                UNION ALL
                SELECT {matched_columns}
                FROM offers o
                JOIN routes r ON {by_type_and_level}
            )
            SELECT offer_id, college_id, route_id, ics_id, occupation_id, from_occupation_id,
                   entrants, entrants_low, entrants_high, {year} AS year
            FROM matched
            WHERE {in_horizon}
            """,
            # Nothing starting after the horizon's last day can complete within it.
            [*places_params, last_day, *scenario_offers_params, *rates_params, *completion_params,
             *college_board_params,
             *conversion_params, *year_params, *in_horizon_params],
        )
        by_college = ", ".join(f"SUM(entrants{suffix}) AS entrants{suffix}" for suffix, _ in _CASES)
        self._create(
            "gap_tmp_college",
            f"""
            CREATE TEMPORARY TABLE gap_tmp_college AS
            SELECT ics_id, college_id, occupation_id, year, {by_college}
            FROM gap_tmp_arrivals
            GROUP BY ics_id, college_id, occupation_id, year
            """,
            [],
        )
        years = "VALUES " + ", ".join("(%s)" for _ in self.ends)
        sums = ", ".join(f"SUM(b.entrants{suffix}) AS {{name}}{suffix}" for suffix, _ in _CASES)
        for table, source, occupation_column, where in (
            ("gap_tmp_supply", "gap_tmp_college", "occupation_id", ""),
            ("gap_tmp_backfill", "gap_tmp_arrivals", "from_occupation_id", "WHERE from_occupation_id IS NOT NULL"),
        ):
            name = "supply" if table == "gap_tmp_supply" else "backfill"
            by_year = ", ".join(f"SUM(entrants{suffix}) AS entrants{suffix}" for suffix, _ in _CASES)
            self._create(
                table,
                f"""
                CREATE TEMPORARY TABLE {table} AS
                WITH years (year) AS ({years}),
                by_year AS (
                    SELECT ics_id, {occupation_column} AS occupation_id, year, {by_year}
                    FROM {source}
                    {where}
                    GROUP BY ics_id, {occupation_column}, year
                )
                SELECT b.ics_id, b.occupation_id, y.year, {sums.format(name=name)}
                FROM by_year b
                JOIN years y ON b.year <= y.year
                GROUP BY b.ics_id, b.occupation_id, y.year
                """,
                list(range(1, self.horizon_years + 1)),
            )

    def counts(self) -> dict:
        """What the figures rest on: latest-period vacancy rows, offers and routes with entrants in the horizon."""
        settings = f"{_STAGE}; " if _vendor() == "postgresql" else ""  # in a stage's transaction
        with connection.cursor() as cursor:
            cursor.execute(
                f"{settings}SELECT (SELECT COALESCE(SUM(vacancy_rows), 0) FROM gap_tmp_demand), "
                "COUNT(DISTINCT offer_id), COUNT(DISTINCT route_id) FROM gap_tmp_arrivals", []
            )
            vacancy_rows, offers, routes = cursor.fetchone()
        # A row split between successors counts once (its shares sum to 1).
        return {"vacancy_rows": round(vacancy_rows), "course_offers": int(offers), "entry_routes": int(routes)}

    def write_rows(self) -> int:
        """Insert every row of the report; returns how many. Call inside the transaction that marks success."""
        row_table = GapReportRow._meta.db_table
        ics, region = IntegratedCareSystem._meta.db_table, Region._meta.db_table
        figures = ["demand_fte", "supply_fte", "gap_fte", "coverage", "demand_low_fte", "demand_high_fte",
                   "supply_low_fte", "supply_high_fte", "gap_low_fte", "gap_high_fte", "backfill_fte"]
        columns = (
            f"INSERT INTO {row_table} (report_id, level, code, name, occupation_id, year, {', '.join(figures)})"
        )
        years = "VALUES " + ", ".join("(%s)" for _ in self.ends)
        year_params = list(range(1, self.horizon_years + 1))
        any_demand = " OR ".join(f"replacement{suffix} > 0" for suffix, _ in _CASES)
        any_supply = " OR ".join(f"supply{suffix} > 0" for suffix, _ in _CASES)
        any_backfill = " OR ".join(f"backfill{suffix} > 0" for suffix, _ in _CASES)
        cases = ", ".join(
            f"ROUND(COALESCE(d.vacancies, 0) + y.year * COALESCE(d.replacement{suffix}, 0) "
            f"+ COALESCE(b.backfill{suffix}, 0), 6) AS demand{suffix}, "
            f"ROUND(COALESCE(s.supply{suffix}, 0), 6) AS supply{suffix}"
            for suffix, _ in _CASES
        )
        ics_rows = f"""
            {columns}
            WITH years (year) AS ({years}),
            pairs AS (
                SELECT ics_id, occupation_id FROM gap_tmp_demand WHERE vacancies > 0 OR {any_demand}
                UNION
                SELECT ics_id, occupation_id FROM gap_tmp_supply WHERE {any_supply}
                UNION
                SELECT ics_id, occupation_id FROM gap_tmp_backfill WHERE {any_backfill}
            ),
            figures AS (
                SELECT p.ics_id, p.occupation_id, y.year, {cases},
                       ROUND(COALESCE(b.backfill, 0), 6) AS backfill
                FROM pairs p
                CROSS JOIN years y
                LEFT JOIN gap_tmp_demand d ON d.ics_id = p.ics_id AND d.occupation_id = p.occupation_id
                LEFT JOIN gap_tmp_supply s
                       ON s.ics_id = p.ics_id AND s.occupation_id = p.occupation_id AND s.year = y.year
                LEFT JOIN gap_tmp_backfill b
                       ON b.ics_id = p.ics_id AND b.occupation_id = p.occupation_id AND b.year = y.year
            )
            {{levels}}
            """
        if _vendor() == "postgresql":
            # The three levels in one pass (GROUPING SETS): an ICS row is its own group; region and national
            # rows sum the ICS rows' figures (rounded to 6 decimals), as the statements below do elsewhere.
            sums = (
                "ROUND(SUM(f.demand), 6), ROUND(SUM(f.supply), 6), ROUND(SUM(f.demand) - SUM(f.supply), 6), "
                "CASE WHEN SUM(f.demand) = 0 THEN NULL ELSE ROUND(1.0 * SUM(f.supply) / SUM(f.demand), 6) END, "
                "ROUND(SUM(f.demand_low), 6), ROUND(SUM(f.demand_high), 6), ROUND(SUM(f.supply_low), 6), "
                "ROUND(SUM(f.supply_high), 6), ROUND(SUM(f.demand_low) - SUM(f.supply_high), 6), "
                "ROUND(SUM(f.demand_high) - SUM(f.supply_low), 6), ROUND(SUM(f.backfill), 6)"
            )
            levels = f"""
            SELECT %s, CASE WHEN GROUPING(i.code) = 0 THEN 'ics' WHEN GROUPING(g.code) = 0 THEN 'region'
                            ELSE 'national' END,
                   COALESCE(i.code, g.code, %s), COALESCE(i.name, g.name, %s), f.occupation_id, f.year, {sums}
            FROM figures f
            JOIN {ics} i ON i.id = f.ics_id
            JOIN {region} g ON g.id = i.region_id
            GROUP BY GROUPING SETS ((i.code, i.name, g.code, g.name, f.occupation_id, f.year),
                                    (g.code, g.name, f.occupation_id, f.year), (f.occupation_id, f.year))
            """
            return self._execute(
                self._serial(ics_rows.format(levels=levels)),
                [*year_params, self.report_id, rules.NATIONAL_CODE, rules.NATIONAL_NAME],
            )
        written = self._execute(
            ics_rows.format(levels=f"""
            SELECT %s, 'ics', i.code, i.name, f.occupation_id, f.year, f.demand, f.supply, f.demand - f.supply,
                   CASE WHEN f.demand = 0 THEN NULL ELSE ROUND(1.0 * f.supply / f.demand, 6) END,
                   f.demand_low, f.demand_high, f.supply_low, f.supply_high,
                   f.demand_low - f.supply_high, f.demand_high - f.supply_low, f.backfill
            FROM figures f
            JOIN {ics} i ON i.id = f.ics_id
            """),
            [*year_params, self.report_id],
        )
        sums = (
            "ROUND(SUM(r.demand_fte), 6), ROUND(SUM(r.supply_fte), 6), "
            "ROUND(SUM(r.demand_fte) - SUM(r.supply_fte), 6), "
            "CASE WHEN SUM(r.demand_fte) = 0 THEN NULL "
            "ELSE ROUND(1.0 * SUM(r.supply_fte) / SUM(r.demand_fte), 6) END, "
            + ", ".join(f"ROUND(SUM(r.{figure}), 6)" for figure in figures[4:])
        )
        written += self._execute(
            f"""
            {columns}
            SELECT %s, 'region', g.code, g.name, r.occupation_id, r.year, {sums}
            FROM {row_table} r
            JOIN {ics} i ON i.code = r.code
            JOIN {region} g ON g.id = i.region_id
            WHERE r.report_id = %s AND r.level = 'ics'
            GROUP BY g.code, g.name, r.occupation_id, r.year
            """,
            [self.report_id, self.report_id],
        )
        written += self._execute(
            f"""
            {columns}
            SELECT %s, 'national', %s, %s, r.occupation_id, r.year, {sums}
            FROM {row_table} r
            WHERE r.report_id = %s AND r.level = 'ics'
            GROUP BY r.occupation_id, r.year
            """,
            [self.report_id, rules.NATIONAL_CODE, rules.NATIONAL_NAME, self.report_id],
        )
        return written

    def write_supply(self) -> int:
        """Insert the supply behind the ICS rows, by college and year (GapReportSupply); returns how many.

        The staged sums by college (gap_tmp_college) that the rows' supply is summed from, unrounded, so
        that for each ICS, occupation and year y the sums over colleges and years 1..y are the rows'
        supply. Call inside the transaction that writes the rows.
        """
        supply_table, ics = GapReportSupply._meta.db_table, IntegratedCareSystem._meta.db_table
        return self._execute(
            self._serial(f"""
            INSERT INTO {supply_table} (report_id, ics_code, college_id, occupation_id, year, supply_fte)
            SELECT %s, i.code, a.college_id, a.occupation_id, a.year, a.entrants
            FROM gap_tmp_college a
            JOIN {ics} i ON i.id = a.ics_id
            WHERE a.entrants > 0
            """),
            [self.report_id],
        )

    def drop(self) -> None:
        if _vendor() == "postgresql":  # one statement (and, outside a transaction, one commit)
            tables = ", ".join(_temp(table) for table in _TEMP_TABLES)
            self._execute(f"{_STAGE}; DROP TABLE IF EXISTS {tables}", [])
            return
        for table in _TEMP_TABLES:
            self._execute(f"DROP TABLE IF EXISTS {_temp(table)}", [])

    # -- helpers ------------------------------------------------------------------------

    def _create(self, table: str, sql: str, params: list, settings: str = _STAGE) -> None:
        """Create the temporary table `table` from `sql` (a table left by an earlier run on this connection
        is dropped first). On PostgreSQL in the same round trip as the drop and the settings (`_STAGE`)."""
        if _vendor() == "postgresql":
            self._execute(f"{settings}; DROP TABLE IF EXISTS {_temp(table)}; {sql}", params)
            return
        self._execute(f"DROP TABLE IF EXISTS {_temp(table)}", [])
        self._execute(sql, params)

    @staticmethod
    def _serial(sql: str) -> str:
        """`sql` run with `_SERIAL` first on PostgreSQL (one round trip; the result is `sql`'s)."""
        return f"{_SERIAL}; {sql}" if _vendor() == "postgresql" else sql

    @staticmethod
    def _execute(sql: str, params: list) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)
