"""BENCHMARK ONLY: the gap engine as it stood before ranges, backfill, scenarios and geography on a date
(planning/gap.py at commit 6688d28), kept so that bench/gap_report.py can time the new engine against it
on the same data through the same service. Not used by the portal.

The gap report's figures (DESIGN.md section 6), computed in the database.

A handful of aggregate statements, each over whole tables, never a Python loop over vacancy or
offer rows. Three temporary tables hold the small intermediate aggregates so that the run can
report progress between stages, and the final step writes every row of the report with
INSERT ... SELECT (ICS rows from the staged aggregates, then region and national rows as sums of
the stored ICS rows), and the supply behind the ICS rows by college (GapReportSupply) from the same
staged arrivals. The SQL runs on PostgreSQL and SQLite alike.

Every gap rule in these statements (where an offer lies, completers, completion and arrival dates,
which route matches which offer, the year windows, England's code) is a fragment of pathways.rules,
the module the dashboards and the drill-down build their queries from too.

Usage (the service `gap_report_compute` orchestrates it: stages with reads, then one short write):

    run = GapComputation(report_id=..., as_of=..., horizon_years=...)
    run.stage_demand(); run.stage_supply(); counts = run.counts()
    run.write_rows(); run.write_supply(); run.drop()
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from colleges.models import College, CourseOffer
from pathways import rules
from pathways.models import EntryRoute, Occupation
from pathways.vocabulary import DEFAULT_COMPLETION_RATES
from planning.models import GapReportRow, GapReportSupply
from trusts.models import IntegratedCareSystem, Region, Vacancy

_TEMP_TABLES = ("gap_tmp_demand", "gap_tmp_arrivals", "gap_tmp_supply")


def _vendor() -> str:
    return connection.vendor


def _temp(table: str) -> str:
    """A temporary table's qualified name, so DROP can never reach a permanent table of that name."""
    return f"pg_temp.{table}" if _vendor() == "postgresql" else f"temp.{table}"


def _date(value: dt.date):
    return rules.date_param(value, _vendor())


class GapComputation:
    """One run of the gap report's SQL on the current connection, for one report."""

    def __init__(self, *, report_id: int, as_of: dt.date, horizon_years: int, scenario_id=None):
        self.report_id = report_id
        self.as_of = as_of
        self.horizon_years = horizon_years
        self.bounds = rules.horizon_bounds(as_of, horizon_years)
        self.ends = self.bounds[1:]  # the last day of each year's window

    # -- stages -------------------------------------------------------------------------

    def stage_geography(self) -> None:
        """No geography on a date before: the service's call is a no-op here."""

    def stage_demand(self) -> None:
        """Per ICS and occupation: vacancies and yearly replacement from each series' latest period.

        A series is sector + trust + occupation, or sector + ICS + occupation for rows naming no
        trust. Each series' latest month on or before as_of is found by one grouped scan, and its row
        fetched back by the series' unique key (no sort of the whole table).
        """
        vacancy = Vacancy._meta.db_table
        occupation = Occupation._meta.db_table
        self._execute(f"DROP TABLE IF EXISTS {_temp('gap_tmp_demand')}", [])
        self._execute(
            f"""
            CREATE TEMPORARY TABLE gap_tmp_demand AS
            WITH trust_series AS (
                SELECT sector, trust_id, occupation_id, MAX(period) AS period
                FROM {vacancy}
                WHERE period <= %s AND trust_id IS NOT NULL
                GROUP BY sector, trust_id, occupation_id
            ),
            ics_series AS (
                SELECT sector, ics_id, occupation_id, MAX(period) AS period
                FROM {vacancy}
                WHERE period <= %s AND trust_id IS NULL
                GROUP BY sector, ics_id, occupation_id
            ),
            latest_rows AS (
                SELECT v.ics_id, v.occupation_id, v.vacancies_fte, v.staff_in_post_fte
                FROM trust_series s
                JOIN {vacancy} v ON v.trust_id = s.trust_id AND v.sector = s.sector
                                AND v.occupation_id = s.occupation_id AND v.period = s.period
                UNION ALL
                SELECT v.ics_id, v.occupation_id, v.vacancies_fte, v.staff_in_post_fte
                FROM ics_series s
                JOIN {vacancy} v ON v.ics_id = s.ics_id AND v.sector = s.sector
                                AND v.occupation_id = s.occupation_id AND v.period = s.period AND v.trust_id IS NULL
            )
            SELECT r.ics_id, r.occupation_id,
                   COUNT(*) AS vacancy_rows,
                   SUM(r.vacancies_fte) AS vacancies,
                   SUM(COALESCE(r.staff_in_post_fte, 0) * o.annual_leaver_rate) AS replacement
            FROM latest_rows r
            JOIN {occupation} o ON o.id = r.occupation_id
            GROUP BY r.ics_id, r.occupation_id
            """,
            [_date(self.as_of), _date(self.as_of)],
        )

    def stage_supply(self) -> None:
        """Entrants per ICS, occupation and year of the horizon, cumulative through each year.

        gap_tmp_arrivals holds each (offer, matching route) whose entrants arrive in the horizon, with
        the year they arrive in; gap_tmp_supply sums them per year and then cumulatively.
        """
        offer, college, route = CourseOffer._meta.db_table, College._meta.db_table, EntryRoute._meta.db_table
        vendor = _vendor()
        completers, completers_params = _completers_sql("f", vendor)
        arrival = rules.arrival_date_sql("o.completed_on", "r.lag_months", vendor)
        by_standard, by_type_and_level = rules.route_match_sql("r", "o")
        matched_columns = (
            "o.offer_id, o.college_id, r.id AS route_id, o.ics_id, r.occupation_id, "
            f"o.completers * r.conversion_rate AS entrants, {arrival} AS arrives_on"
        )
        year, year_params = rules.window_case_sql("arrives_on", self.bounds, vendor)
        in_horizon, in_horizon_params = rules.in_horizon_sql("arrives_on", self.bounds, vendor)
        self._execute(f"DROP TABLE IF EXISTS {_temp('gap_tmp_arrivals')}", [])
        self._execute(
            f"""
            CREATE TEMPORARY TABLE gap_tmp_arrivals AS
            WITH offers AS (
                SELECT f.id AS offer_id, f.college_id,
                       {rules.offer_ics_sql("f", "c")} AS ics_id,
                       f.qualification_type, f.level, f.apprenticeship_standard_id,
                       {completers} AS completers,
                       {rules.completion_date_sql("f", vendor)} AS completed_on
                FROM {offer} f
                JOIN {college} c ON c.id = f.college_id
                WHERE f.start_date < %s
            ),
            matched AS (
                SELECT {matched_columns}
                FROM offers o
                JOIN {route} r ON {by_standard}
                UNION ALL
                SELECT {matched_columns}
                FROM offers o
                JOIN {route} r ON {by_type_and_level}
            )
            SELECT offer_id, college_id, route_id, ics_id, occupation_id, entrants, {year} AS year
            FROM matched
            WHERE {in_horizon}
            """,
            # Nothing starting after the horizon's last day can complete within it.
            [*completers_params, _date(self.ends[-1]), *year_params, *in_horizon_params],
        )
        years = "VALUES " + ", ".join("(%s)" for _ in self.ends)
        self._execute(f"DROP TABLE IF EXISTS {_temp('gap_tmp_supply')}", [])
        self._execute(
            f"""
            CREATE TEMPORARY TABLE gap_tmp_supply AS
            WITH years (year) AS ({years}),
            by_year AS (
                SELECT ics_id, occupation_id, year, SUM(entrants) AS entrants
                FROM gap_tmp_arrivals
                GROUP BY ics_id, occupation_id, year
            )
            SELECT b.ics_id, b.occupation_id, y.year, SUM(b.entrants) AS supply
            FROM by_year b
            JOIN years y ON b.year <= y.year
            GROUP BY b.ics_id, b.occupation_id, y.year
            """,
            list(range(1, self.horizon_years + 1)),
        )

    def counts(self) -> dict:
        """What the figures rest on: latest-period vacancy rows, offers and routes with entrants in the horizon."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(SUM(vacancy_rows), 0) FROM gap_tmp_demand", [])
            (vacancy_rows,) = cursor.fetchone()
            cursor.execute("SELECT COUNT(DISTINCT offer_id), COUNT(DISTINCT route_id) FROM gap_tmp_arrivals", [])
            offers, routes = cursor.fetchone()
        return {"vacancy_rows": int(vacancy_rows), "course_offers": int(offers), "entry_routes": int(routes)}

    def write_rows(self) -> int:
        """Insert every row of the report; returns how many. Call inside the transaction that marks success."""
        row_table = GapReportRow._meta.db_table
        ics, region = IntegratedCareSystem._meta.db_table, Region._meta.db_table
        columns = (
            f"INSERT INTO {row_table} (report_id, level, code, name, occupation_id, year, "
            "demand_fte, supply_fte, gap_fte, coverage)"
        )
        years = "VALUES " + ", ".join("(%s)" for _ in self.ends)
        year_params = list(range(1, self.horizon_years + 1))
        written = self._execute(
            f"""
            {columns}
            WITH years (year) AS ({years}),
            pairs AS (
                SELECT ics_id, occupation_id FROM gap_tmp_demand WHERE vacancies > 0 OR replacement > 0
                UNION
                SELECT ics_id, occupation_id FROM gap_tmp_supply WHERE supply > 0
            ),
            figures AS (
                SELECT p.ics_id, p.occupation_id, y.year,
                       ROUND(COALESCE(d.vacancies, 0) + y.year * COALESCE(d.replacement, 0), 6) AS demand,
                       ROUND(COALESCE(s.supply, 0), 6) AS supply
                FROM pairs p
                CROSS JOIN years y
                LEFT JOIN gap_tmp_demand d ON d.ics_id = p.ics_id AND d.occupation_id = p.occupation_id
                LEFT JOIN gap_tmp_supply s
                       ON s.ics_id = p.ics_id AND s.occupation_id = p.occupation_id AND s.year = y.year
            )
            SELECT %s, 'ics', i.code, i.name, f.occupation_id, f.year, f.demand, f.supply, f.demand - f.supply,
                   CASE WHEN f.demand = 0 THEN NULL ELSE ROUND(1.0 * f.supply / f.demand, 6) END
            FROM figures f
            JOIN {ics} i ON i.id = f.ics_id
            """,
            [*year_params, self.report_id],
        )
        sums = (
            "ROUND(SUM(r.demand_fte), 6), ROUND(SUM(r.supply_fte), 6), "
            "ROUND(SUM(r.demand_fte) - SUM(r.supply_fte), 6), "
            "CASE WHEN SUM(r.demand_fte) = 0 THEN NULL "
            "ELSE ROUND(1.0 * SUM(r.supply_fte) / SUM(r.demand_fte), 6) END"
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

        Grouped from the same staged arrivals as the rows' supply, unrounded, so that for each ICS,
        occupation and year y the sums over colleges and years 1..y are the rows' supply. Call inside
        the transaction that writes the rows.
        """
        supply_table, ics = GapReportSupply._meta.db_table, IntegratedCareSystem._meta.db_table
        return self._execute(
            f"""
            INSERT INTO {supply_table} (report_id, ics_code, college_id, occupation_id, year, supply_fte)
            SELECT %s, i.code, a.college_id, a.occupation_id, a.year, SUM(a.entrants)
            FROM gap_tmp_arrivals a
            JOIN {ics} i ON i.id = a.ics_id
            GROUP BY i.code, a.college_id, a.occupation_id, a.year
            HAVING SUM(a.entrants) > 0
            """,
            [self.report_id],
        )

    def drop(self) -> None:
        for table in _TEMP_TABLES:
            self._execute(f"DROP TABLE IF EXISTS {_temp(table)}", [])

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _execute(sql: str, params: list) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)


def _completers_sql(offer: str, vendor: str) -> tuple[str, list]:
    """The rule as it stood: planned places x (own rate, else the constant default of its type)."""
    whens = " ".join("WHEN %s THEN %s" for _ in DEFAULT_COMPLETION_RATES)
    params: list = []
    for qualification_type, rate in DEFAULT_COMPLETION_RATES.items():
        params += [str(qualification_type), rules.rate_param(rate, vendor)]
    sql = (
        f"{offer}.planned_places * COALESCE({offer}.expected_completion_rate, "
        f"CASE {offer}.qualification_type {whens} END)"
    )
    return sql, params
