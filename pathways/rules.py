"""The gap rules of DESIGN.md section 6, written once.

Which entry route matches which course offer, how many complete, when they complete and arrive
in the role, which year of the horizon they arrive in, where an offer lies, and the levels of the
report with England's one code. Each rule is here in the forms its readers need, built from the
same pieces:

- SQL fragments (`*_sql`) for the report's set-based statements (planning.gap);
- ORM expressions and conditions (`*_expr`, `*_q`, `AddMonths`) for the dashboards and the
  drill-down (planning.selectors), whose `AddMonths` compiles to the very SQL of `add_months_sql`;
- plain functions for one object on a page (a course offer's completion date, its rate).

It lives with the field's vocabulary (qualification types, default rates, month arithmetic) so
that every floor may use it: the course offer pages and API of `colleges` show an offer's
completion date and rate by these rules, and `planning` builds its report and dashboards on them.
It names columns, never imports the models of the floors above.

The plain-Python reading of section 6 in the tests (tests/planning/test_gap_report_reference.py)
is deliberately not built on this module: it is the independent check of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import DateField, DecimalField, ExpressionWrapper, F, Func, Q, TextChoices
from django.db.models.functions import Coalesce

from .vocabulary import DEFAULT_COMPLETION_RATES, add_months

# -- levels of the report ------------------------------------------------------------------

NATIONAL_CODE = "E92000001"  # England's ONS code: the one code of national rows, in the database and the API
NATIONAL_NAME = "England"
NATIONAL_URL_CODE = "england"  # the word the dashboard URLs use for England; E92000001 is accepted too


class Level(TextChoices):
    NATIONAL = "national", "England"
    REGION = "region", "Region"
    ICS = "ics", "ICS"


def is_national_code(code: str) -> bool:
    """England's code as a URL or a filter may spell it: `england` or `E92000001`, any case."""
    return (code or "").lower() in (NATIONAL_URL_CODE, NATIONAL_CODE.lower())


# Figures are computed and stored to 6 decimals, rounded to 2 only on output.
FTE = DecimalField(max_digits=20, decimal_places=6)
FIGURE_DECIMALS = 6

# -- year windows --------------------------------------------------------------------------


def horizon_bounds(as_of: dt.date, horizon_years: int) -> list[dt.date]:
    """[as_of, as_of + 1 year, ..., as_of + N years]: year y of the horizon is (bounds[y-1], bounds[y]]."""
    return [add_months(as_of, 12 * year) for year in range(horizon_years + 1)]


def window_of(day: dt.date, bounds: list[dt.date]) -> int | None:
    """The year of the horizon `day` falls in (the window's last day in, its first day out), or None."""
    for year in range(1, len(bounds)):
        if bounds[year - 1] < day <= bounds[year]:
            return year
    return None


def window_case_sql(column: str, bounds: list[dt.date], vendor: str) -> tuple[str, list]:
    """SQL for `window_of(column, bounds)` on a column known to lie in the horizon (bounds[0], bounds[-1]]."""
    whens = " ".join(f"WHEN {column} <= %s THEN %s" for _ in bounds[1:])
    params: list = []
    for year, end in enumerate(bounds[1:], start=1):
        params += [date_param(end, vendor), year]
    return f"CASE {whens} END", params


def in_horizon_sql(column: str, bounds: list[dt.date], vendor: str) -> tuple[str, list]:
    """SQL: the date in `column` falls in the horizon (after as_of, on or before its last day)."""
    return f"{column} > %s AND {column} <= %s", [date_param(bounds[0], vendor), date_param(bounds[-1], vendor)]


# -- month arithmetic in SQL ----------------------------------------------------------------


def add_months_sql(day: str, months: str, vendor: str) -> str:
    """SQL for `add_months(day, months)`: the same day of the month, clipped to the month's last day."""
    if vendor == "postgresql":
        # PostgreSQL's date + interval already clips to the month's last day.
        return f"CAST(({day}) + make_interval(months => ({months})) AS date)"
    # SQLite's '+N months' overflows into the next month (31 Jan + 1 month = 3 March), so take the
    # smaller of "same day in the target month" and "last day of the target month".
    return (
        f"min(date({day}, 'start of month', '+' || ({months}) || ' months', "
        f"'+' || (CAST(strftime('%%d', {day}) AS INTEGER) - 1) || ' days'), "
        f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day'))"
    )


def date_param(value: dt.date, vendor: str):
    """A date parameter as the vendor compares it with a date column (SQLite stores ISO text)."""
    return value if vendor == "postgresql" else value.isoformat()


def rate_param(value: Decimal, vendor: str):
    return value if vendor == "postgresql" else float(value)


class AddMonths(Func):
    """`add_months` as an ORM expression: compiles to `add_months_sql`, the SQL the report runs."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        day, day_params = compiler.compile(self.source_expressions[0])
        months, months_params = compiler.compile(self.source_expressions[1])
        sql = add_months_sql(day, months, connection.vendor)
        if connection.vendor == "postgresql":
            return sql, [*day_params, *months_params]
        # SQLite's form names the day three times and the months twice, in this order.
        return sql, [*day_params, *months_params, *day_params, *day_params, *months_params]


# -- completion: when, and how many ----------------------------------------------------------


def completion_date(start_date: dt.date, duration_months: int) -> dt.date:
    """An offer completes `duration_months` after it starts (day kept, clipped to the month's end)."""
    return add_months(start_date, duration_months)


def completion_date_sql(offer: str, vendor: str) -> str:
    return add_months_sql(f"{offer}.start_date", f"{offer}.duration_months", vendor)


def completion_date_expr(prefix: str = "") -> AddMonths:
    return AddMonths(F(f"{prefix}start_date"), F(f"{prefix}duration_months"))


def default_completion_rates(case: str = "") -> dict:
    """{qualification type: default completion rate} of one case ("", "low" or "high") from the
    pathways.CompletionRate table (1 query); a type missing from the table keeps its seed value."""
    from .models import CompletionRate  # the vocabulary's own floor; imported late (models use this module)

    column = f"rate_{case}" if case else "rate"
    rates = {str(kind): rate for kind, rate in DEFAULT_COMPLETION_RATES.items()}
    rates.update(CompletionRate.objects.values_list("qualification_type", column))
    return rates


def completion_rate(expected_completion_rate: Decimal | None, qualification_type: str,
                    default: Decimal | None = None) -> Decimal:
    """The offer's own expected completion rate, else the default of its qualification type: `default`
    when the caller has read it already (a list annotates it), else from the CompletionRate table."""
    if expected_completion_rate is not None:
        return expected_completion_rate
    if default is not None:
        return default
    return default_completion_rates()[str(qualification_type)]


CASES = ("", "low", "high")  # the central case and the two ends of the range (DESIGN.md 6.2)


def case_column(column: str, case: str) -> str:
    """A rate's column in one case: `conversion_rate`, `conversion_rate_low`, `conversion_rate_high`."""
    return f"{column}_{case}" if case else column


def completers_sql(offer: str, default_rate: str) -> str:
    """SQL: planned places x (own rate, else `default_rate`, the qualification type's default of the
    case, a column of the CompletionRate table joined by the caller: see `completion_rates_join_sql`)."""
    return f"{offer}.planned_places * COALESCE({offer}.expected_completion_rate, {default_rate})"


def completion_rates_sql(table: str, vendor: str) -> tuple[str, list]:
    """SQL subquery `(qualification_type, rate, rate_low, rate_high)` for every qualification type: the
    CompletionRate table's (`table`), else (a type missing from it) its seed value in all three cases."""
    seeds = " UNION ALL ".join("SELECT %s AS qualification_type, %s AS seed" for _ in DEFAULT_COMPLETION_RATES)
    params: list = []
    for qualification_type, rate in DEFAULT_COMPLETION_RATES.items():
        params += [str(qualification_type), rate_param(rate, vendor)]
    cases = ", ".join(f"COALESCE(t.{case_column('rate', case)}, s.seed) AS {case_column('rate', case)}"
                      for case in CASES)
    sql = (
        f"SELECT s.qualification_type, {cases} FROM ({seeds}) s "
        f"LEFT JOIN {table} t ON t.qualification_type = s.qualification_type"
    )
    return sql, params


def completion_rates_join_sql(offer: str, alias: str, rates: str) -> str:
    """SQL join giving each offer its qualification type's default rates (`alias`.rate, rate_low, rate_high)
    from `rates` (a table or CTE shaped as `completion_rates_sql`)."""
    return f"LEFT JOIN {rates} {alias} ON {alias}.qualification_type = {offer}.qualification_type"


def default_completion_rate_expr(prefix: str = "", case: str = ""):
    """ORM: the default completion rate of the offer's qualification type (a subquery of CompletionRate),
    else its seed value, as `completion_rates_sql`."""
    from django.db.models import Case, OuterRef, Subquery, Value, When

    from .models import CompletionRate

    seed = Case(
        *[When(**{f"{prefix}qualification_type": kind}, then=Value(rate)) for kind, rate in
          DEFAULT_COMPLETION_RATES.items()],
        default=None, output_field=FTE,
    )
    table = Subquery(
        CompletionRate.objects.filter(qualification_type=OuterRef(f"{prefix}qualification_type"))
        .values(case_column("rate", case))[:1],
        output_field=FTE,
    )
    return Coalesce(table, seed, output_field=FTE)


def completers_expr(prefix: str = "", case: str = "") -> ExpressionWrapper:
    """ORM: planned places x (own rate, else the qualification type's default); as `completers_sql`."""
    return ExpressionWrapper(
        F(f"{prefix}planned_places")
        * Coalesce(f"{prefix}expected_completion_rate", default_completion_rate_expr(prefix, case)),
        output_field=FTE,
    )


# -- arrival in the role ----------------------------------------------------------------------


def arrival_date(completed_on: dt.date, lag_months: int) -> dt.date:
    """Entrants start in the role `lag_months` after completing (day kept, clipped)."""
    return add_months(completed_on, lag_months)


def arrival_date_sql(completed_on: str, lag_months: str, vendor: str) -> str:
    return add_months_sql(completed_on, lag_months, vendor)


def latest_completion_arriving_by(bound: dt.date, lag_months: int) -> dt.date:
    """The last completion date whose entrants, `lag_months` later, arrive on or before `bound`.

    Arrival is completion + lag with the day clipped, which only ever moves forward with the
    completion date, so "arrives by `bound`" is "completes by this date": one comparison per row,
    which the drill-down uses to filter offers by route without computing each arrival.
    """
    if lag_months == 0:
        return bound
    earlier = add_months(bound, -lag_months)
    if bound.day == calendar.monthrange(bound.year, bound.month)[1]:
        # Every day of that month arrives on or before a month's last day.
        return earlier.replace(day=calendar.monthrange(earlier.year, earlier.month)[1])
    return earlier


def arrives_in_horizon_q(bounds: list[dt.date], lag_months: int, completed_on: str = "completed_on") -> Q:
    """ORM, on an annotated completion date: entrants `lag_months` later arrive within the horizon."""
    return Q(**{f"{completed_on}__gt": latest_completion_arriving_by(bounds[0], lag_months)}) & Q(
        **{f"{completed_on}__lte": latest_completion_arriving_by(bounds[-1], lag_months)}
    )


# -- which entry route matches which offer ----------------------------------------------------


def route_matches(route, offer) -> bool:
    """A route naming a standard matches offers of that standard; one without, offers of its type and level."""
    if route.apprenticeship_standard_id is not None:
        return route.apprenticeship_standard_id == offer.apprenticeship_standard_id
    return (route.qualification_type, route.level) == (offer.qualification_type, offer.level)


def route_match_sql(route: str, offer: str) -> tuple[str, str]:
    """SQL join conditions, (by standard, by type and level): a route matches an offer by exactly one."""
    return (
        f"{route}.apprenticeship_standard_id = {offer}.apprenticeship_standard_id",
        f"{route}.apprenticeship_standard_id IS NULL AND {route}.qualification_type = {offer}.qualification_type "
        f"AND {route}.level = {offer}.level",
    )


def route_matches_q(route, prefix: str = "") -> Q:
    """ORM condition on offers: those `route` matches."""
    if route.apprenticeship_standard_id is not None:
        return Q(**{f"{prefix}apprenticeship_standard_id": route.apprenticeship_standard_id})
    return Q(**{f"{prefix}qualification_type": route.qualification_type, f"{prefix}level": route.level})


# -- where an offer lies ----------------------------------------------------------------------


def offer_ics_sql(offer: str, college: str) -> str:
    """SQL: an offer lies in its delivery ICS if set, else in its college's ICS."""
    return f"COALESCE({offer}.delivery_ics_id, {college}.ics_id)"


def offers_in_q(ics_ids, college_ids=None, prefix: str = "") -> Q:
    """ORM: offers lying in the ICSs `ics_ids` (ids, or a queryset of them). Given the ids of the colleges
    whose ICS is one of them, both halves of the condition are index lookups; without, the college's
    ICS is joined."""
    own = (
        {f"{prefix}college_id__in": college_ids} if college_ids is not None
        else {f"{prefix}college__ics_id__in": ics_ids}
    )
    return Q(**{f"{prefix}delivery_ics_id__in": ics_ids}) | Q(**{f"{prefix}delivery_ics_id__isnull": True}, **own)


# -- geography on a date (DESIGN.md 6.1) -----------------------------------------------------
#
# These fragments name the tables they read (passed in by the floors above: trusts_integratedcaresystem,
# trusts_boardsuccession, trusts_trustboard, colleges_collegeboard) and never import their models.


def membership_on_sql(table: str, member: str, day, vendor: str) -> tuple[str, list]:
    """SQL subquery `(member_id, ics_id)`: each member's (trust's or college's) board on `day`, from its
    effective-dated memberships in `table` (valid_from, valid_to: first and last days, null ends open)."""
    d = date_param(day, vendor)
    return (
        f"SELECT {member} AS member_id, ics_id FROM {table} "
        "WHERE (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)"
    ), [d, d]


def membership_on_q(day, prefix: str = "") -> Q:
    """ORM reading of `membership_on_sql`: memberships (TrustBoard, CollegeBoard) valid on `day`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def board_shares_sql(board_table: str, succession_table: str, day, vendor: str) -> tuple[str, list]:
    """SQL subquery `(from_ics_id, ics_id, share)`: where figures lying in each board are counted on `day`.

    A board open on `day` keeps its figures (share 1). A board closed before `day` passes them to its
    successors, each by its share; a successor itself closed by then passes its share on (shares multiply)
    until boards open on `day` are reached. A board not yet open on `day` has no row: its figures are
    placed by the caller's own rule (an offer then lies in its college's board on the day).
    """
    d = date_param(day, vendor)
    sql = f"""
        WITH RECURSIVE chain (from_ics_id, ics_id, share, depth) AS (
            SELECT b.id, s.successor_id, CAST(s.share AS NUMERIC), 1
            FROM {board_table} b JOIN {succession_table} s ON s.predecessor_id = b.id
            WHERE b.closed_on IS NOT NULL AND b.closed_on < %s
            UNION ALL
            SELECT c.from_ics_id, s.successor_id, CAST(c.share * s.share AS NUMERIC), c.depth + 1
            FROM chain c
            JOIN {board_table} b ON b.id = c.ics_id
            JOIN {succession_table} s ON s.predecessor_id = b.id
            WHERE b.closed_on IS NOT NULL AND b.closed_on < %s AND c.depth < 20
        )
        SELECT c.from_ics_id, c.ics_id, SUM(c.share) AS share
        FROM chain c JOIN {board_table} b ON b.id = c.ics_id
        WHERE (b.opened_on IS NULL OR b.opened_on <= %s) AND (b.closed_on IS NULL OR b.closed_on >= %s)
        GROUP BY c.from_ics_id, c.ics_id
        UNION ALL
        SELECT b.id, b.id, CAST(1 AS NUMERIC) FROM {board_table} b
        WHERE (b.opened_on IS NULL OR b.opened_on <= %s) AND (b.closed_on IS NULL OR b.closed_on >= %s)
    """
    return sql, [d] * 6


def vacancy_board_sql(vacancy: str, trust_board: str) -> str:
    """SQL: the board a vacancy row lies in on the day: its trust's board then (`trust_board`, a row of
    `membership_on_sql` LEFT JOINed on the row's trust), else (no trust, or no board that day) the row's `ics`."""
    return f"COALESCE({trust_board}.ics_id, {vacancy}.ics_id)"


def offer_board_sql(offer: str, college: str, college_board: str, delivery_placed: str) -> str:
    """SQL: the board a course offer lies in on the day: its delivery ICS when set and placed on the day
    (`delivery_placed`, a row of the `board_shares_sql` boards LEFT JOINed on it: open, or closed with
    successors), else its college's board then (`college_board`, a row of `membership_on_sql` LEFT JOINed
    on the college), else the college's `ics`. A delivery ICS not yet open on the day is no place to
    count in, so such an offer counts in its college's board."""
    return (
        f"CASE WHEN {delivery_placed}.from_ics_id IS NOT NULL THEN {offer}.delivery_ics_id "
        f"ELSE COALESCE({college_board}.ics_id, {college}.ics_id) END"
    )


def offer_board_in_year_sql(offer: str, college: str, college_board: str) -> str:
    """SQL: the board a course offer lies in over an academic year (T Level placements, DESIGN.md 6.5): its
    delivery ICS when set, even one that opens during the year, else its college's board on the year's
    first day (`college_board`, a row of `membership_on_sql` LEFT JOINed on the college), else the
    college's `ics`. `offer_board_sql` is the report's reading on one day."""
    return f"COALESCE({offer}.delivery_ics_id, {college_board}.ics_id, {college}.ics_id)"


def offer_board(delivery_ics_id, college_board_id, college_ics_id, placed) -> int:
    """Python reading of `offer_board_sql`: `placed` the ids of boards placed on the day (keys of `board_shares`)."""
    if delivery_ics_id is not None and delivery_ics_id in placed:
        return delivery_ics_id
    return college_board_id if college_board_id is not None else college_ics_id


def board_is_open(opened_on: dt.date | None, closed_on: dt.date | None, day: dt.date) -> bool:
    return (opened_on is None or opened_on <= day) and (closed_on is None or closed_on >= day)


def board_shares(boards: dict, successions: dict, day: dt.date) -> dict:
    """Python reading of `board_shares_sql` for one page: {from_id: {ics_id: share}}.

    `boards` maps id -> (opened_on, closed_on); `successions` maps a predecessor id -> [(successor id, share)].
    """
    result: dict = {}
    for board, (opened_on, closed_on) in boards.items():
        if board_is_open(opened_on, closed_on, day):
            result[board] = {board: Decimal(1)}
            continue
        if closed_on is None or closed_on >= day:
            continue  # not yet open on the day
        shares: dict = {}
        frontier = [(board, Decimal(1))]
        for _ in range(20):
            following = []
            for current, share in frontier:
                for successor, part in successions.get(current, []):
                    opened, closed = boards[successor]
                    if board_is_open(opened, closed, day):
                        shares[successor] = shares.get(successor, Decimal(0)) + share * part
                    elif closed is not None and closed < day:
                        following.append((successor, share * part))
            frontier = following
            if not frontier:
                break
        if shares:
            result[board] = shares
    return result
