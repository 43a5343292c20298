"""Pages of planning: the gap dashboards and their drill-downs, the methodology page, and the public
pathway pages (the ways into each occupation, with the course offers near you)."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from core import exports
from core.errors import ApplicationError
from core.exports import ExportTable
from core.permissions import can_write
from core.roles import Role, is_staff
from pathways import rules
from pathways.models import Occupation
from trusts.models import Sector, ics_short_name

from . import selectors, services
from .forms import GapReportRequestForm, ScenarioAdjustmentForm, ScenarioForm, ScenarioOfferForm
from .models import DEFAULT_HORIZON_YEARS, GapReport, GapReportRow, Scenario

# --------------------------------------------------------------------------------------
# Gap dashboards (DESIGN.md section 6): England, each region, each ICS, and an occupation's
# drill-down. Every figure a page shows sits in a table; the same tables are what the CSV
# and Excel downloads hold, so a download carries exactly the rows of its view.
# --------------------------------------------------------------------------------------

OFFERS_PER_PAGE = 50
CHART_COVERAGE_OCCUPATIONS = 5  # besides "all occupations", the coverage chart draws the largest gaps
SHEET_NAMES = {
    "occupations": "By occupation", "years": "Year by year", "coverage": "Coverage over the years",
    "regions": "Regions", "icss": "ICSs", "trusts": "Vacancies by employer", "colleges": "Colleges",
    "offers": "Course offers", "role_partnerships": "Partnerships on the role", "role_outcomes": "Role outcomes",
    "partnerships": "Partnerships", "backfill": "Backfill routes",
}


RANGE_KINDS = {"fte_range": "fte", "rate_range": "rate"}  # a range cell's value: (central, low, high)


@dataclass
class Column:
    label: str
    kind: str = "text"  # text, fte, percent, int, date, rate (per 100), fte_range, rate_range

    @property
    def numeric(self) -> bool:
        return self.kind in ("fte", "percent", "share", "int", "rate", *RANGE_KINDS)

    @property
    def export_label(self) -> str:
        return f"{self.label} (supply / demand)" if self.kind == "percent" else self.label

    def export_parts(self) -> list[tuple[str, str]]:
        """(label, kind) of each column a download carries: a range is three, central, low and high."""
        if self.kind not in RANGE_KINDS:
            return [(self.export_label, self.kind)]
        kind = RANGE_KINDS[self.kind]
        head, _, unit = self.label.partition(" (")
        unit = f" ({unit}" if unit else ""
        return [(self.label, kind), (f"{head} low{unit}", kind), (f"{head} high{unit}", kind)]


@dataclass
class Cell:
    value: object
    text: str
    href: str = ""
    tag: str = ""  # an NHS tag colour for a status cell; the text always carries the meaning
    numeric: bool = False


@dataclass
class Table:
    """A table of a dashboard page: its first column heads each row."""

    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    page_obj: object = None  # set when the page shows one page of the rows and the download all of them

    def body_html(self) -> str:
        """The rows as HTML, built here rather than in the template: a national page has over a
        thousand cells, and the template language would spend most of the page's time on them."""
        html = []
        for row in self.rows:
            first, *rest = row
            text = escape(first.text)
            if first.href:
                text = f'<a class="nhsuk-link" href="{escape(first.href)}">{text}</a>'
            html.append(f'<tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="row">{text}</th>')
            for cell in rest:
                css = "nhsuk-table__cell nhsuk-table__cell--numeric" if cell.numeric else "nhsuk-table__cell"
                text = escape(cell.text)
                if cell.tag:
                    text = f'<strong class="nhsuk-tag nhsuk-tag--{escape(cell.tag)}">{text}</strong>'
                html.append(f'<td class="{css}">{text}</td>')
            html.append("</tr>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped

    def export(self) -> ExportTable:
        """The table as its downloads carry it: a range column becomes three (central, low, high)."""
        columns = [part for column in self.columns for part in column.export_parts()]
        rows = (
            [value for cell, column in zip(row, self.columns, strict=True)
             for value in (cell.value if column.kind in RANGE_KINDS else (cell.value,))]
            for row in self.rows
        )
        return ExportTable(self.key, SHEET_NAMES.get(self.key, self.key), self.caption, columns, rows)

    def add(self, *values, href: str = "", tags: dict[int, str] | None = None) -> None:
        tags = tags or {}
        self.rows.append(
            [
                Cell(
                    value, _display(value, column.kind), href if index == 0 else "", tags.get(index, ""),
                    column.numeric,
                )
                for index, (column, value) in enumerate(zip(self.columns, values, strict=True))
            ]
        )


def _whole(value) -> str:
    """Whole FTE for pages (downloads and the API keep the decimals): 1234.5 -> "1,235"."""
    rounded = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{rounded + 0:,}"  # + 0 turns -0 into 0


def _one_decimal(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP) + 0:,}"


def _range_text(central, low=None, high=None, number=_whole) -> str:
    """ "340 (210 to 480)": the central figure with its range (DESIGN.md 6.2); the central figure alone
    when the report has no range (reports computed before ranges)."""
    if central is None:
        return "–"
    text = number(central)
    if low is not None and high is not None:
        text += f" ({number(low)} to {number(high)})"
    return text


def _display(value, kind: str) -> str:
    if kind in RANGE_KINDS:
        return _range_text(*value, number=_whole if kind == "fte_range" else _one_decimal)
    if value is None or value == "":
        return "–"
    if kind == "fte":
        return _whole(value)
    if kind == "rate":
        return _one_decimal(value)
    if kind in ("percent", "share"):
        return f"{value * 100:,.1f}%"
    if kind == "int":
        return f"{value:,}"
    if kind == "date":
        return f"{value.day} {value:%b %Y}"  # "1 Nov 2026", as dateformat's "j M Y", many times faster
    return str(value)


def _figure(row: dict | None, name: str) -> tuple:
    """(central, low, high) of a row's demand, supply or gap: a range cell's value."""
    if not row:
        return (None, None, None)
    return (row.get(f"{name}_fte"), row.get(f"{name}_low_fte"), row.get(f"{name}_high_fte"))


def _range_columns() -> list[Column]:
    return [Column("Demand (FTE)", "fte_range"), Column("Supply (FTE)", "fte_range"), Column("Gap (FTE)", "fte_range")]


def _year_label(year: int, bounds: list[dt.date]) -> str:
    return f"Year {year} (to {dateformat.format(bounds[year], 'j M Y')})"


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _england_url() -> str:
    """England's dashboard; the parameter keeps an ICS analyst there instead of on their own ICS."""
    return reverse("planning:dashboard") + "?view=england"


def geography_url(geography: selectors.Geography) -> str:
    if geography.is_national:
        return _england_url()
    return reverse(f"planning:dashboard_{geography.level}", args=[geography.url_code])


def _url_maker(name: str, *args) -> Callable[[str], str]:
    """A function of one last URL argument, reversing once: a national page links to hundreds of
    occupations and areas, and reverse() per link would be a good part of its time."""
    marker = "987654321"  # valid for the int, slug and str converters alike
    try:
        prefix, suffix = reverse(name, args=[*args, marker]).split(marker)
    except NoReverseMatch:  # the page belongs to an app that has not got it yet
        return lambda last: ""
    return lambda last: f"{prefix}{last}{suffix}"


def _may_request(user) -> bool:
    return GapReport.may_be_requested_by(user)


def _selected_year(request, report: GapReport) -> int:
    """?year= within the horizon; anything else shows year 1."""
    try:
        year = int(request.GET.get("year", "1"))
    except ValueError:
        return 1
    return year if 1 <= year <= report.horizon_years else 1


def _inputs(report: GapReport) -> list[tuple[str, str]]:
    """What the report rests on, for people: counts and the dates the data last changed."""
    shown = []
    for key, value in (report.inputs or {}).items():
        if key in ("as_of", "horizon_years"):
            continue
        label = key.replace("_", " ").capitalize()
        if isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                text = value
            else:
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                text = dateformat.format(moment, "j M Y, H:i")
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            text = f"{value:,}"
        elif value is None:
            text = "none"
        else:
            text = str(value)
        shown.append((label, text))
    return shown


def _report_context(request, report: GapReport | None, newer: GapReport | None) -> dict:
    progress_url = ""
    if newer is not None:
        progress_url = _url("api:gapreport-detail", newer.pk) or f"/api/v1/gap-reports/{newer.pk}/"
    return {
        "report": report,
        "newer": newer,
        "in_progress": newer is not None and newer.status in (GapReport.Status.PENDING, GapReport.Status.RUNNING),
        "progress_url": progress_url,
        "inputs": _inputs(report) if report else [],
        "may_request": _may_request(request.user),
        "bounds": selectors.horizon_bounds(report) if report else [],
    }


def _totals_table(summary: selectors.DashboardSummary, bounds, geography) -> Table:
    table = Table(
        "years",
        f"All occupations together in {ics_short_name(geography.name)}, year by year",
        [Column("Year"), *_range_columns(), Column("Coverage", "percent")],
        note="Figures are cumulative: each year adds its replacement demand and its new entrants to the years before."
        + RANGE_NOTE,
    )
    for row in summary.totals:
        table.add(_year_label(row["year"], bounds), _figure(row, "demand"), _figure(row, "supply"),
                  _figure(row, "gap"), row["coverage"])
    return table


RANGE_NOTE = (
    " Figures in brackets are the range: the low and high cases, computed with every low and every high rate."
)


def _summary_table(occupations: list[dict], year: int, bounds, geography, query: str = "") -> Table:
    link = _url_maker("planning:dashboard_occupation", geography.level, geography.url_code)
    table = Table(
        "occupations",
        f"Demand, supply and gap by occupation in {ics_short_name(geography.name)}, {_year_label(year, bounds)}",
        [Column("Occupation"), *_range_columns(), Column("Coverage", "percent"), Column("Status")],
        note=(
            "Largest gap first; then occupations with entry routes or vacancy data but no figures in this report. "
            "A negative gap means local courses are expected to supply more than the demand. "
            "“No vacancy data recorded”: no vacancy return for the occupation here on or before the report's "
            "date; “No demand”: returns exist and their figures are zero." + RANGE_NOTE
        ),
    )
    for row in occupations:
        table.add(
            row["occupation_name"], _figure(row, "demand"), _figure(row, "supply"), _figure(row, "gap"),
            row["coverage"], row["status_text"], href=link(row["occupation_code"]) + query,
            tags={5: row["status_colour"]},
        )
    return table


def _coverage_table(summary: selectors.DashboardSummary, bounds, geography) -> Table:
    link = _url_maker("planning:dashboard_occupation", geography.level, geography.url_code)
    table = Table(
        "coverage",
        f"Coverage by occupation over the years in {ics_short_name(geography.name)}",
        [Column("Occupation"), *[Column(f"Year {year}", "percent") for year in summary.years]],
        note="Coverage is supply divided by demand; – means there is no demand to cover.",
    )
    for row in summary.coverage_by_year:
        table.add(row["name"], *row["coverage"], href=link(row["code"]))
    return table


def _areas_table(key: str, caption: str, rows: list[dict], level: str, with_region: bool, query: str = "") -> Table:
    columns = [Column("Region" if level == GapReportRow.Level.REGION else "ICS")]
    if with_region:
        columns.append(Column("Region"))
    columns += [*_range_columns(), Column("Coverage", "percent"), Column("Occupations with a gap", "int"),
                Column("Occupations", "int")]
    table = Table(key, caption, columns)
    link = _url_maker(f"planning:dashboard_{level}")
    for row in rows:
        name = ics_short_name(row["name"]) if level == GapReportRow.Level.ICS else row["name"]
        region = [row.get("region_name") or "–"] if with_region else []
        table.add(
            name, *region, _figure(row, "demand"), _figure(row, "supply"), _figure(row, "gap"), row["coverage"],
            row["occupations_with_gap"], row["occupations"],
            href=link(row["code"]) + query,
        )
    return table


def _chart_data(summary: selectors.DashboardSummary, bounds) -> dict:
    def number(value, scale=1):
        return None if value is None else round(float(value) * scale, 2)

    largest = sorted(
        summary.coverage_by_year,
        key=lambda row: -max((r["gap_fte"] for r in summary.by_occupation if r["occupation_code"] == row["code"]),
                             default=Decimal(0)),
    )[:CHART_COVERAGE_OCCUPATIONS]
    return {
        "gap": {
            "labels": [row["occupation_name"] for row in summary.by_occupation],
            "values": [number(row["gap_fte"]) for row in summary.by_occupation],
            # The range of each bar, drawn as an error bar (null without one: reports before ranges).
            "low": [number(row["gap_low_fte"]) for row in summary.by_occupation],
            "high": [number(row["gap_high_fte"]) for row in summary.by_occupation],
            "label": f"Gap (FTE), year {summary.year}",
        },
        "coverage": {
            "labels": [f"Year {year}" for year in summary.years],
            "series": [
                {"label": "All occupations", "values": [number(row["coverage"], 100) for row in summary.totals]},
                *[
                    {"label": row["name"], "values": [number(value, 100) for value in row["coverage"]]}
                    for row in largest
                ],
            ],
        },
    }


def _chart_summaries(summary: selectors.DashboardSummary) -> dict:
    """The aria-label of each chart: what a sighted reader takes from it at a glance."""
    gap = f"Bar chart of the gap in FTE by occupation in year {summary.year}."
    if summary.by_occupation:
        top = summary.by_occupation[0]
        gap += f" The largest gap is for {top['occupation_name']}, {_display(top['gap_fte'], 'fte')} FTE."
    coverage = "Line chart of coverage over the years for all occupations together and the largest gaps."
    if summary.totals:
        first, last = summary.totals[0], summary.totals[-1]
        coverage += (
            f" All occupations: {_display(first['coverage'], 'percent')} in year {first['year']},"
            f" {_display(last['coverage'], 'percent')} in year {last['year']}."
        )
    note = " Every figure is in the table that follows."
    return {"gap": gap + note, "coverage": coverage + note}


@dataclass
class DashboardParams:
    """What a dashboard URL asks for (?year=, ?scenario=, and on the comparison page ?area=), validated:
    a bad value becomes an error message on the page (answered 400) and the default is shown instead."""

    report: GapReport | None
    newer: GapReport | None
    scenario: object = None  # planning.Scenario
    year: int = 1
    errors: list[tuple[str, str]] = field(default_factory=list)  # (the field's id on the page, message)

    def query(self, **more) -> str:
        """The query string that keeps the year and the scenario in links to other dashboards."""
        from urllib.parse import urlencode

        params = {"year": self.year} if self.report is not None and self.year != 1 else {}
        if self.scenario is not None:
            params["scenario"] = self.scenario.pk
        params.update({key: value for key, value in more.items() if value is not None})
        return f"?{urlencode(params, doseq=True)}" if params else ""


def _whole_number(raw: str) -> int | None:
    """A whole number written in ASCII digits (str.isdigit alone lets "²" through, which int() refuses)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def _dashboard_params(request) -> DashboardParams:
    """?scenario= names a scenario the user may read (its newest report is shown); ?year= a year of the
    shown report's horizon. At most 2 queries (the scenario, the reports)."""
    errors = []
    scenario = None
    raw = request.GET.get("scenario", "").strip()
    if raw:
        number = _whole_number(raw)
        scenario = selectors.dashboard_scenario(user=request.user, scenario_id=number) if number else None
        if scenario is None:
            errors.append(("id_scenario", f"There is no scenario {raw} that you can see: the figures are the "
                                          "baseline's."))
    if scenario is not None:
        report, newer = selectors.dashboard_scenario_reports(scenario=scenario)
    else:
        report, newer = selectors.dashboard_reports()
    year = 1
    raw = request.GET.get("year", "").strip()
    if raw and report is not None:
        number = _whole_number(raw)
        if number is not None and 1 <= number <= report.horizon_years:
            year = number
        else:
            errors.append(("id_year", f"Choose a year from 1 to {report.horizon_years}: “{raw[:20]}” is not one. "
                                      "Year 1 is shown."))
    return DashboardParams(report, newer, scenario, year, errors)


def _render(request, template: str, context: dict, params: DashboardParams):
    context.update(param_errors=params.errors, scenario=params.scenario)
    return render(request, template, context, status=400 if params.errors else 200)


def _month(day: dt.date | None) -> str:
    return dateformat.format(day, "F Y") if day else ""


def _coverage_sentence(coverage: selectors.DataCoverage, geography) -> str:
    """ "8 of 10 trusts (80%) sent vacancy returns for December 2026." """
    if not coverage.trusts:
        return f"No NHS trust is recorded in {ics_short_name(geography.name)} on the report's date."
    months = _month(coverage.last_month)
    if coverage.first_month and coverage.first_month != coverage.last_month:
        months = f"their boards' latest months ({_month(coverage.first_month)} to {_month(coverage.last_month)})"
    if not coverage.reporting:
        return (f"None of the {coverage.trusts:,} NHS trusts in {ics_short_name(geography.name)} has sent a vacancy "
                "return on or before the report's date.")
    return (f"{coverage.reporting:,} of {coverage.trusts:,} NHS trusts ({_display(coverage.share, 'percent')}) "
            f"sent vacancy returns for {months}.")


def _answer(occupations: list[dict], year: int, bounds, geography, user, link=None) -> dict:
    """The answer-first sentence: the largest gap in the chosen year, its range and how much of it planned
    courses cover, with a link to the occupation's drill-down."""
    place = ics_short_name(geography.name)
    own = getattr(user, "role", None) == Role.ICS and geography.level == GapReportRow.Level.ICS and (
        getattr(getattr(user, "ics", None), "code", None) == geography.code)
    when = f"year {year} (to {dateformat.format(bounds[year], 'j M Y')})"
    gaps = [row for row in occupations if row["gap_fte"] is not None and row["gap_fte"] > 0]
    if not gaps:
        if any(row["has_row"] for row in occupations):
            return {"text": f"No occupation in {place} has a gap in {when}: planned courses cover the demand recorded."}
        return {"text": f"This report has no figures for {place}: no vacancy data recorded and no supply planned."}
    top = max(gaps, key=lambda row: (row["gap_fte"], row["occupation_name"]))
    subject = "Your largest gap" if own else f"The largest gap in {place}"
    gap = _range_text(top["gap_fte"], top["gap_low_fte"], top["gap_high_fte"]).replace(" (", " FTE (range ", 1)
    if not gap.endswith(")"):
        gap += " FTE"
    coverage = top["coverage"]
    if not top["supply_fte"]:
        covered = "with no supply planned"
    else:
        covered = f"{_display(coverage, 'percent').replace('.0%', '%')} covered by planned courses"
    return {
        "text": f"{subject} in {when} is {top['occupation_name']}: {gap}, {covered}.",
        "href": link(top["occupation_code"]) if link else "",
        "link_text": f"Who supplies {top['occupation_name']} and who already works on it",
    }


def _geography_page(request, geography: selectors.Geography):
    params = _dashboard_params(request)
    report, newer = params.report, params.newer
    context = {
        "geography": geography, "short_name": ics_short_name(geography.name), "england_url": _england_url(),
        **_report_context(request, report, newer), "params": params,
    }
    tables: list[Table] = []
    if report is not None:
        year = params.year
        bounds = context["bounds"]
        query = params.query()
        summary = selectors.dashboard_summary(report=report, geography=geography, year=year)
        occupations = selectors.dashboard_occupations(report=report, geography=geography, summary=summary)
        coverage = selectors.dashboard_data_coverage(geography=geography, as_of=report.as_of)
        tables = [
            _summary_table(occupations, year, bounds, geography, query),
            _totals_table(summary, bounds, geography),
            _coverage_table(summary, bounds, geography),
        ]
        if geography.is_national:
            regions = selectors.dashboard_area_totals(report=report, level=GapReportRow.Level.REGION, year=year)
            icss = selectors.dashboard_area_totals(report=report, level=GapReportRow.Level.ICS, year=year)
            tables += [
                _areas_table("regions", f"Regions, {_year_label(year, bounds)}", regions, "region", False, query),
                _areas_table("icss", f"Integrated care systems, {_year_label(year, bounds)}", icss, "ics", True, query),
            ]
        elif geography.level == GapReportRow.Level.REGION:
            icss = selectors.dashboard_area_totals(
                report=report, level=GapReportRow.Level.ICS, year=year, region_code=geography.code
            )
            tables.append(_areas_table(
                "icss", f"Integrated care systems in {geography.name}, {_year_label(year, bounds)}", icss, "ics", False,
                query,
            ))
        total = summary.total
        link = _url_maker("planning:dashboard_occupation", geography.level, geography.url_code)
        context.update(
            year=year,
            years=[(y, _year_label(y, bounds)) for y in summary.years],
            headline=[
                ("Demand", f"{_range_text(*_figure(total, 'demand'))} FTE"),
                ("Supply", f"{_range_text(*_figure(total, 'supply'))} FTE"),
                ("Gap", f"{_range_text(*_figure(total, 'gap'))} FTE"),
                ("Coverage", _display(total["coverage"], "percent")),
            ] if total else [],
            summary=summary,
            answer=_answer(occupations, year, bounds, geography, request.user, lambda code: link(code) + query),
            data_coverage=coverage,
            data_coverage_text=_coverage_sentence(coverage, geography),
            compare_url=_compare_url(geography, params),
            chart_data=_chart_data(summary, bounds),
            chart_summaries=_chart_summaries(summary),
        )
    context["tables"] = {table.key: table for table in tables}
    download = _download(request, tables, report, geography, context.get("year"))
    if download is not None:
        return download
    return _render(request, "planning/dashboard.html", context, params)


@login_required
def dashboard(request):
    """England. An ICS analyst opening the bare address lands on their own ICS."""
    user = request.user
    if user.role == Role.ICS and user.ics_id and not request.GET:
        return redirect("planning:dashboard_ics", code=user.ics.code)
    return _geography_page(request, selectors.ENGLAND)


@login_required
def dashboard_region(request, code: str):
    geography = selectors.dashboard_geography(level=GapReportRow.Level.REGION, code=code)
    if geography is None:
        raise Http404("No such region.")
    return _geography_page(request, geography)


@login_required
def dashboard_ics(request, code: str):
    geography = selectors.dashboard_geography(level=GapReportRow.Level.ICS, code=code)
    if geography is None:
        raise Http404("No such ICS.")
    return _geography_page(request, geography)


# --- Areas side by side, and vacancy trends (issue 11.3) ----------------------------------------

MAX_COMPARED_AREAS = 3


def _area_value(geography: selectors.Geography) -> str:
    """How a URL names an area: `england`, `region:Y62` or `ics:QE1`."""
    return rules.NATIONAL_URL_CODE if geography.is_national else f"{geography.level}:{geography.code}"


def _parse_area(value: str) -> selectors.Geography | None:
    if value.lower() == rules.NATIONAL_URL_CODE:
        return selectors.ENGLAND
    level, _, code = value.partition(":")
    if level not in (GapReportRow.Level.REGION, GapReportRow.Level.ICS) or not code or len(code) > 9:
        return None
    return selectors.dashboard_geography(level=level, code=code.upper())


def _compare_url(geography: selectors.Geography, params: DashboardParams) -> str:
    """The comparison of an ICS with its region and England, or of a region with England."""
    if geography.is_national:
        return ""
    areas = [_area_value(geography)]
    if geography.level == GapReportRow.Level.ICS:
        areas.append(f"region:{geography.parent.code}")
    areas.append(rules.NATIONAL_URL_CODE)
    return reverse("planning:dashboard_compare") + params.query(area=areas)


def _area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """England, the regions and the boards open today, for the area pickers (2 queries)."""
    from trusts.models import IntegratedCareSystem, Region

    regions = [(f"region:{code}", name) for code, name in Region.objects.order_by("name").values_list("code", "name")]
    boards = [
        (f"ics:{board.code}", ics_short_name(board.name))
        for board in IntegratedCareSystem.objects.current().order_by("name").only("code", "name")
    ]
    return [("England", [(rules.NATIONAL_URL_CODE, "England")]), ("NHS England regions", regions),
            ("Integrated care systems", boards)]


def _own_area(user) -> str:
    ics = getattr(user, "ics", None) if getattr(user, "role", None) == Role.ICS else None
    return f"ics:{ics.code}" if ics is not None else ""


@login_required
def dashboard_compare(request):
    """Two or three areas side by side (an ICS with another, or with its region and England): vacancies and
    the gap per 100 staff in post, so that areas of different sizes can be compared. ?area= (two or three),
    ?year=, ?scenario= keep the comparison in its URL."""
    params = _dashboard_params(request)
    raw_areas = [value.strip() for value in request.GET.getlist("area") if value.strip()]
    if not raw_areas and not request.GET.get("area") and _own_area(request.user):
        own = _parse_area(_own_area(request.user))
        raw_areas = [_area_value(own), f"region:{own.parent.code}", rules.NATIONAL_URL_CODE] if own else []
    geographies: list[selectors.Geography] = []
    for index, raw in enumerate(raw_areas[:MAX_COMPARED_AREAS], start=1):
        geography = _parse_area(raw)
        if geography is None:
            params.errors.append((f"id_area_{index}", f"Area {index}: there is no area “{raw[:20]}”. Choose England, "
                                                      "a region or an integrated care system from the list."))
        elif geography not in geographies:
            geographies.append(geography)
    if len(raw_areas) > MAX_COMPARED_AREAS:
        params.errors.append(("id_area_1", f"Compare at most {MAX_COMPARED_AREAS} areas at a time: the first "
                                           f"{MAX_COMPARED_AREAS} are shown."))
    if len(raw_areas) == 1 and geographies:
        params.errors.append(("id_area_2", "Choose a second area to compare with."))
    report = params.report
    context = {
        **_report_context(request, report, params.newer), "params": params, "england_url": _england_url(),
        "areas": geographies, "area_choices": _area_choices(),
    }
    values = ([_area_value(g) for g in geographies] + [""] * MAX_COMPARED_AREAS)[:MAX_COMPARED_AREAS]
    errors = dict(params.errors)
    context["area_fields"] = [
        {"number": number, "id": f"id_area_{number}", "value": value, "error": errors.get(f"id_area_{number}", "")}
        for number, value in enumerate(values, start=1)
    ]
    tables: list[Table] = []
    if report is not None and len(geographies) >= 2:
        bounds = context["bounds"]
        comparison = selectors.dashboard_comparison(report=report, geographies=geographies, year=params.year)
        tables = [_compare_areas_table(comparison, params.year, bounds),
                  _compare_rates_table(comparison, params.year, bounds)]
        context.update(
            year=params.year, years=[(y, _year_label(y, bounds)) for y in range(1, report.horizon_years + 1)],
            answer={"text": _compare_sentence(comparison, params.year, bounds)},
        )
    context["tables"] = {table.key: table for table in tables}
    if request.GET.get("format") and tables:
        names = "-".join(slugify(_area_value(g)) for g in geographies)
        return _download(request, tables, report, selectors.Geography("compare", names, "Comparison"), params.year)
    return _render(request, "planning/dashboard_compare.html", context, params)


def _area_name(geography: selectors.Geography) -> str:
    return ics_short_name(geography.name)


def _compare_areas_table(comparison: dict, year: int, bounds) -> Table:
    table = Table(
        "areas",
        f"All occupations together in each area, {_year_label(year, bounds)}",
        [Column("Area"), Column("Vacancies (FTE)", "fte"), Column("Staff in post (FTE)", "fte"),
         Column("Vacancies per 100 staff in post", "rate"), Column("Gap (FTE)", "fte_range"),
         Column("Gap per 100 staff in post", "rate_range"), Column("Coverage", "percent")],
        note=(
            "Vacancies and staff in post: each series' latest month on or before the report's date. Vacancies per "
            "100 staff in post count the vacancies of returns that record staff in post (a social-care estimate "
            "without it is left out of the rate, not the vacancies)." + RANGE_NOTE
        ),
    )
    for area in comparison["areas"]:
        line = area["total"]
        table.add(
            _area_name(area["geography"]), line["vacancies_fte"], line["staff_in_post_fte"], line["vacancies_per_100"],
            _figure(line, "gap"), (line["gap_per_100"], line["gap_low_per_100"], line["gap_high_per_100"]),
            line["coverage"], href=geography_url(area["geography"]),
        )
    return table


def _compare_rates_table(comparison: dict, year: int, bounds) -> Table:
    columns = [Column("Occupation")]
    for area in comparison["areas"]:
        name = _area_name(area["geography"])
        columns += [Column(f"Vacancies per 100 staff in post, {name}", "rate"),
                    Column(f"Gap per 100 staff in post, {name}", "rate_range")]
    table = Table("rates", f"Each occupation per 100 staff in post, {_year_label(year, bounds)}", columns,
                  note="– where an area records no staff in post for the occupation.")
    for code, name in comparison["occupations"]:
        values = []
        for area in comparison["areas"]:
            line = area["occupations"].get(code) or {}
            values += [line.get("vacancies_per_100"),
                       (line.get("gap_per_100"), line.get("gap_low_per_100"), line.get("gap_high_per_100"))]
        table.add(name, *values)
    return table


def _compare_sentence(comparison: dict, year: int, bounds) -> str:
    first, *others = comparison["areas"]

    def rate(area) -> str:
        value = area["total"]["gap_per_100"]
        return "no figure" if value is None else _one_decimal(value)

    against = " and ".join(f"{rate(area)} in {_area_name(area['geography'])}" for area in others)
    return (
        f"In year {year} (to {dateformat.format(bounds[year], 'j M Y')}), {_area_name(first['geography'])} "
        f"has a gap of {rate(first)} FTE "
        f"per 100 staff in post, against {against}."
    )


@login_required
def dashboard_trend(request):
    """Monthly vacancies and the vacancy rate of one occupation in an area (?area=, ?occupation=), with the
    table of every figure the chart draws, as the area's boards stand on the report's date (or today)."""
    params = _dashboard_params(request)
    raw_area = request.GET.get("area", "").strip() or _own_area(request.user) or rules.NATIONAL_URL_CODE
    geography = _parse_area(raw_area)
    if geography is None:
        params.errors.append(("id_area", f"There is no area “{raw_area[:20]}”. Choose England, a region or an "
                                         "integrated care system from the list."))
    raw_occupation = request.GET.get("occupation", "").strip()
    occupations = list(Occupation.objects.order_by("name").values_list("code", "name"))
    occupation = None
    if raw_occupation:
        occupation = Occupation.objects.filter(code=raw_occupation).first()
        if occupation is None:
            params.errors.append(("id_occupation", f"There is no occupation “{raw_occupation[:40]}”. Choose one from "
                                                   "the list."))
    report = params.report
    day = report.as_of if report is not None else timezone.localdate()
    context = {
        **_report_context(request, report, params.newer), "params": params, "england_url": _england_url(),
        "geography": geography, "occupation": occupation, "occupations": occupations,
        "area_choices": _area_choices(), "area_value": _area_value(geography) if geography else raw_area,
        "day": day,
    }
    tables: list[Table] = []
    if geography is not None and occupation is not None:
        trend = selectors.vacancy_trend(geography=geography, occupation=occupation, day=day)
        table = Table(
            "trend",
            f"Vacancies for {occupation.name} in {_area_name(geography)}, month by month",
            [Column("Month"), Column("Vacancies (FTE)", "fte"), Column("Staff in post (FTE)", "fte"),
             Column("Vacancy rate", "share"), Column("Returns", "int")],
            note=(
                "Vacancy rate = vacancies / (staff in post + vacancies), over the returns that record staff in "
                "post. Returns: the vacancy rows summed for the month."
            ),
        )
        for row in trend:
            table.add(_month(row["period"]), row["vacancies_fte"], row["staff_in_post_fte"], row["vacancy_rate"],
                      row["series"])
        tables.append(table)
        context["chart_data"] = {"trend": {
            "labels": [_month(row["period"]) for row in trend],
            "vacancies": [None if row["vacancies_fte"] is None else round(float(row["vacancies_fte"]), 2)
                          for row in trend],
            "rates": [None if row["vacancy_rate"] is None else round(float(row["vacancy_rate"]) * 100, 2)
                      for row in trend],
        }}
        context["trend_summary"] = _trend_summary(trend, occupation, geography)
    context["tables"] = {table.key: table for table in tables}
    if request.GET.get("format") == "csv" and tables:
        return _csv_response(tables[0], f"vacancy-trend-{slugify(raw_area)}-{occupation.code}.csv")
    return _render(request, "planning/dashboard_trend.html", context, params)


def _trend_summary(trend: list[dict], occupation, geography) -> str:
    if not trend:
        return f"No vacancy data recorded for {occupation.name} in {_area_name(geography)}."
    last = trend[-1]
    rate = _display(last["vacancy_rate"], "share")
    return (
        f"Line chart of monthly vacancies for {occupation.name} in {_area_name(geography)}, "
        f"{_month(trend[0]['period'])} to {_month(last['period'])}. In {_month(last['period'])}: "
        f"{_whole(last['vacancies_fte'])} FTE vacancies, a vacancy rate of {rate}. Every figure is in the table "
        "that follows."
    )


# --- Drill-down: one occupation in one geography ------------------------------------------


def _occupation_years_table(rows, bounds, occupation, geography, has_vacancy_data: bool) -> Table:
    table = Table(
        "years",
        f"{occupation.name} in {ics_short_name(geography.name)}, year by year",
        [Column("Year"), *_range_columns(), Column("Coverage", "percent"), Column("Status"),
         Column("Of the demand, backfill (FTE)", "fte")],
        note=RANGE_NOTE.strip() + " Backfill: posts left by staff who train for another role (DESIGN.md 6.3).",
    )
    for row in rows:
        _, status, colour = selectors.occupation_status(
            demand=row["demand_fte"], supply=row["supply_fte"], gap=row["gap_fte"], has_vacancy_data=has_vacancy_data
        )
        table.add(_year_label(row["year"], bounds), _figure(row, "demand"), _figure(row, "supply"),
                  _figure(row, "gap"), row["coverage"], status, row.get("backfill_fte"), tags={5: colour})
    return table


def _backfill_table(backfill: selectors.Backfill, occupation, geography, params) -> Table:
    """The routes that train people from the occupation into another role (DESIGN.md 6.3): each entrant
    leaves a post behind, counted in this occupation's demand."""
    occupation_link = _url_maker("planning:dashboard_occupation", geography.level, geography.url_code)
    query = params.query()
    table = Table(
        "backfill",
        f"Training routes that take people from {occupation.name} in {ics_short_name(geography.name)}",
        [Column("Role they train for"), Column("Route"), Column("Entrants over the horizon (FTE)", "fte")],
        note="Each entrant leaves a post behind them, counted as backfill in this occupation's demand. Entrants "
             "are worked out by the report's rules from the course offers as they are now.",
    )
    for row in backfill.routes:
        route = row["route"]
        how = (f"Apprenticeship standard {route.apprenticeship_standard}" if route.apprenticeship_standard_id
               else f"{route.get_qualification_type_display()} at level {route.level}")
        table.add(row["occupation_name"], how, row["entrants"], href=occupation_link(row["occupation_code"]) + query)
    return table


def _backfill_sentence(backfill: selectors.Backfill, year: int, bounds, occupation) -> str:
    """How much of the chosen year's demand is backfill, in words ("" when the report has none)."""
    row = next((r for r in backfill.years if r["year"] == year), None)
    if row is None or row.get("backfill_fte") is None:  # no row, or a report computed before backfill
        return ""
    when = f"year {year} (to {dateformat.format(bounds[year], 'j M Y')})"
    amount = row["backfill_fte"]
    if not amount:
        return f"None of the demand for {occupation.name} in {when} is backfill."
    share = f" ({amount / row['demand_fte'] * 100:,.0f}%)" if row.get("demand_fte") else ""
    return (f"{_whole(amount)} FTE{share} of the demand for {occupation.name} in {when} is backfill: posts left "
            f"by staff who train for another role.")


def _occupation_answer(rows, year: int, bounds, occupation, geography, colleges: int, partnerships: int,
                       has_vacancy_data: bool) -> dict:
    """The drill-down's answer first: the gap in the chosen year with its range and coverage, how many
    colleges supply the role and how many partnerships already work on it."""
    place = ics_short_name(geography.name)
    when = f"year {year} (to {dateformat.format(bounds[year], 'j M Y')})"
    row = next((r for r in rows if r["year"] == year), None)
    working = (f"{partnerships} partnership{'s' if partnerships != 1 else ''} already "
               f"work{'s' if partnerships == 1 else ''} on the role")
    if row is None or not row["demand_fte"]:
        _, status, _ = selectors.occupation_status(
            demand=None, supply=row["supply_fte"] if row else None, gap=None, has_vacancy_data=has_vacancy_data
        )
        return {"text": f"{occupation.name} in {place}, {when}: {status.lower()}; {working}."}
    gap = _range_text(row["gap_fte"], row["gap_low_fte"], row["gap_high_fte"]).replace(" (", " FTE (range ", 1)
    if not gap.endswith(")"):
        gap += " FTE"
    if row["gap_fte"] <= 0:
        gap += " (planned courses supply at least the demand)"
    covered = (f"{_display(row['coverage'], 'percent').replace('.0%', '%')} covered by planned courses from "
               f"{colleges} college{'s' if colleges != 1 else ''}") if row["supply_fte"] else "no supply planned"
    return {"text": f"The gap for {occupation.name} in {place} in {when} is {gap}, {covered}; {working}."}


def _trusts_table(rows, report, occupation) -> Table:
    trust_link = _url_maker("trusts:trust_detail")
    table = Table(
        "trusts",
        f"Who carries the vacancies for {occupation.name}",
        [Column("Employer"), Column("ODS code"), Column("ICS"), Column("Sector"), Column("Latest month", "date"),
         Column("Vacancies (FTE)", "fte"), Column("Staff in post (FTE)", "fte")],
        note=(
            f"Each series' latest month on or before {dateformat.format(report.as_of, 'j M Y')}, largest first. "
            "Social care figures are estimates for the whole ICS area, not one employer's."
        ),
    )
    sectors = dict(Sector.choices)
    for row in rows:
        if row["trust_code"]:
            employer, href = row["trust_name"], trust_link(row["trust_code"])
        else:
            employer, href = f"Social care in {ics_short_name(row['ics_name'])} (area estimate)", ""
        table.add(
            employer, row["trust_code"] or "", ics_short_name(row["ics_name"]),
            sectors.get(row["sector"], row["sector"]), row["period"], row["vacancies_fte"], row["staff_in_post_fte"],
            href=href,
        )
    return table


def _colleges_table(rows, occupation, report=None, stored: bool = False) -> Table:
    college_link = _url_maker("colleges:college_detail")
    note = "Entrants expected to start in the role within the report's horizon, most first."
    if stored and report is not None:
        note += (
            f" Entrants are those report {report.pk} counted, so they add up to its supply figures;"
            " offers and planned places are today's."
        )
    table = Table(
        "colleges",
        f"Colleges whose courses lead to {occupation.name}",
        [Column("College"), Column("UKPRN"), Column("College's ICS"), Column("Offers", "int"),
         Column("Planned places", "int"), Column("Expected entrants (FTE)", "fte")],
        note=note,
    )
    for row in rows:
        table.add(
            row["college_name"], row["college_ukprn"], ics_short_name(row["college_ics_name"]), row["offers"],
            row["places"], row["entrants"], href=college_link(row["college_ukprn"]),
        )
    return table


def _offers_table(offers, supply: selectors.OfferSupply, occupation, page_obj=None, total: int = 0) -> Table:
    table = Table(
        "offers",
        f"Course offers supplying {occupation.name}",
        [Column("Course"), Column("College"), Column("Taught in ICS"), Column("Qualification"), Column("Level", "int"),
         Column("Academic year"), Column("Start", "date"), Column("Completion", "date"),
         Column("Planned places", "int"), Column("Expected entrants (FTE)", "fte"), Column("Entrants arrive in")],
        note="Planned places x expected completion rate x the entry route's conversion rate, within the horizon.",
        page_obj=page_obj,
    )
    if page_obj is not None and page_obj.paginator.num_pages > 1:
        table.note += (
            f" Showing offers {page_obj.start_index():,} to {page_obj.end_index():,} of {total:,}; "
            "the downloads hold all of them."
        )
    for offer in offers:
        years = supply.arrival_years(offer)
        table.add(
            f"{offer.title} ({offer.course_code})", offer.college.name, ics_short_name(offer.ics.name),
            offer.get_qualification_type_display(), offer.level, offer.academic_year, offer.start_date,
            offer.completion_date, offer.planned_places, offer.entrants,
            ", ".join(f"year {year}" for year in years),
        )
    return table


def _occupation_areas_table(rows, bounds, occupation, geography) -> Table:
    with_region = geography.is_national
    columns = [Column("ICS"), *([Column("Region")] if with_region else []), *_range_columns(),
               Column("Coverage", "percent")]
    table = Table(
        "icss",
        f"{occupation.name} in each ICS of {ics_short_name(geography.name)}, {_year_label(len(bounds) - 1, bounds)}",
        columns,
        note="Over the whole horizon. Follow an ICS to see each course offer there.",
    )
    for row in rows:
        region = [row["region_name"] or "–"] if with_region else []
        table.add(
            ics_short_name(row["name"]), *region, _figure(row, "demand"), _figure(row, "supply"), _figure(row, "gap"),
            row["coverage"],
            href=reverse("planning:dashboard_occupation", args=["ics", row["code"], occupation.code]),
        )
    return table


def _role_outcomes_table(outcomes: dict, occupation, geography) -> Table:
    table = Table(
        "role_outcomes",
        f"What the partnerships working on {occupation.name} in {ics_short_name(geography.name)} have achieved",
        [
            Column("Role"), Column("Activities", "int"), Column("Learners", "int"), Column("Placements offered", "int"),
            Column("Placements filled", "int"), Column("Guaranteed interviews", "int"), Column("Hires", "int"),
        ],
        note="Totals of every activity the partnerships have logged, whenever it happened.",
    )
    if outcomes["activities"]:
        table.add(
            occupation.name, outcomes["activities"], outcomes["learners"], outcomes["placements_offered"],
            outcomes["placements_filled"], outcomes["interviews_guaranteed"], outcomes["hires"],
        )
    return table


def _partnerships_table(partnerships, occupation, key: str = "partnerships", caption: str = "") -> Table:
    partnership_link = _url_maker("hubs:partnership_detail")
    table = Table(
        key,
        caption or f"Partnerships already joining these colleges and employers for {occupation.name}",
        [Column("College"), Column("NHS partner"), Column("Status"), Column("Agendas"), Column("Started", "date")],
    )
    for partnership in partnerships:
        partner = (
            partnership.trust.name if partnership.trust_id else f"{ics_short_name(partnership.ics.name)} (whole ICS)"
        )
        agendas = ", ".join(link.get_agenda_display() for link in partnership.agenda_links.all())
        table.add(
            partnership.college.name, partner, partnership.get_status_display(), agendas, partnership.started_on,
            href=partnership_link(partnership.pk),
        )
    return table


@login_required
def dashboard_occupation(request, level: str, code: str, occupation: str):
    geography = selectors.dashboard_geography(level=level, code=code)
    if geography is None:
        raise Http404("No such geography.")
    occupation = get_object_or_404(Occupation, code=occupation)
    params = _dashboard_params(request)
    report, newer = params.report, params.newer
    context = {
        "geography": geography, "short_name": ics_short_name(geography.name), "occupation": occupation,
        "geography_url": geography_url(geography) + params.query().replace("?", "&" if geography.is_national else "?"),
        "england_url": _england_url(), **_report_context(request, report, newer), "params": params,
        "trend_url": reverse("planning:dashboard_trend") + params.query(
            area=_area_value(geography), occupation=occupation.code),
    }
    tables: list[Table] = []
    if report is not None:
        bounds = context["bounds"]
        rows = selectors.dashboard_occupation_years(report=report, geography=geography, occupation=occupation)
        trusts = selectors.dashboard_trusts(report=report, geography=geography, occupation=occupation)
        supply = selectors.dashboard_offers(report=report, geography=geography, occupation=occupation)
        role_partnerships = selectors.dashboard_role_partnerships(geography=geography, occupation=occupation)
        outcomes = selectors.dashboard_role_outcomes(geography=geography, occupation=occupation)
        partnerships = selectors.dashboard_partnerships(
            report=report, geography=geography, occupation=occupation, supply=supply, exclude=role_partnerships
        )
        backfill = selectors.dashboard_backfill(report=report, geography=geography, occupation=occupation, years=rows)
        has_vacancy_data = bool(trusts)
        tables = [
            _occupation_years_table(rows, bounds, occupation, geography, has_vacancy_data),
            _backfill_table(backfill, occupation, geography, params),
            _trusts_table(trusts, report, occupation),
            _colleges_table(supply.colleges(), occupation, report, supply.from_stored_supply),
        ]
        if geography.level == GapReportRow.Level.ICS:
            # Each course offer is listed for one ICS; a region or England lists its ICSs instead.
            if request.GET.get("format"):
                tables.append(_offers_table(supply.offers, supply, occupation))
            else:
                paginator = Paginator(supply.offers, OFFERS_PER_PAGE)
                paginator.count = supply.count  # known from the sums by college: no COUNT query
                page_obj = paginator.get_page(request.GET.get("page"))
                tables.append(_offers_table(page_obj.object_list, supply, occupation, page_obj, paginator.count))
        else:
            areas = selectors.dashboard_area_totals(
                report=report, level=GapReportRow.Level.ICS, year=report.horizon_years, occupation=occupation,
                region_code=None if geography.is_national else geography.code,
            )
            tables.append(_occupation_areas_table(areas, bounds, occupation, geography))
        tables.append(
            _partnerships_table(
                role_partnerships, occupation, "role_partnerships",
                f"Partnerships working on {occupation.name} in {ics_short_name(geography.name)}",
            )
        )
        tables.append(_role_outcomes_table(outcomes, occupation, geography))
        tables.append(_partnerships_table(partnerships, occupation))
        context.update(
            routes=supply.routes, has_rows=bool(rows), year=params.year, backfill=backfill,
            backfill_text=_backfill_sentence(backfill, params.year, bounds, occupation),
            years=[(y, _year_label(y, bounds)) for y in range(1, report.horizon_years + 1)],
            answer=_occupation_answer(rows, params.year, bounds, occupation, geography, len(supply.colleges()),
                                      len(role_partnerships), has_vacancy_data),
        )
    context["tables"] = {table.key: table for table in tables}
    download = _download(request, tables, report, geography, None, occupation)
    if download is not None:
        return download
    return _render(request, "planning/dashboard_occupation.html", context, params)


# --- Asking for a new report -------------------------------------------------------------


@require_POST
@login_required
def dashboard_request(request):
    """An ICS analyst or staff asks for a new report; its progress then shows on the dashboard."""
    if not _may_request(request.user):
        raise PermissionDenied("Only ICS analysts and portal staff may ask for a gap report.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("planning:dashboard")
    try:
        report = services.gap_report_request(
            as_of=None, horizon_years=DEFAULT_HORIZON_YEARS, user=request.user
        )
    except ApplicationError as exc:
        messages.error(request, f"The report could not be requested: {exc.message}")
        return redirect(target)
    if report.status == GapReport.Status.SUCCEEDED:
        messages.success(request, f"Report {report.pk} is ready: the figures below come from it.")
    elif report.status == GapReport.Status.FAILED:
        messages.error(request, f"Report {report.pk} failed: {report.error}")
    else:
        messages.success(request, f"Report {report.pk} has been requested. Its progress shows below.")
    return redirect(target)


# --- Downloads ---------------------------------------------------------------------------


def _download(request, tables: list[Table], report, geography, year, occupation=None) -> HttpResponse | None:
    """?format=csv (one table: ?table=, else the first) or ?format=xlsx (every table, one sheet each)."""
    kind = exports.requested_format(request)
    if not kind:
        return None
    if report is None or not tables:
        raise Http404("There is no report to download yet.")
    parts = ["gap", geography.level, slugify(geography.url_code)]
    if occupation is not None:
        parts.append(occupation.code)
    if year:
        parts.append(f"year-{year}")
    name = "-".join(parts)
    if kind == "csv":
        table = exports.chosen_table(request, tables)
        return _csv_response(table, f"{name}-{table.key}.csv")
    return _xlsx_response(tables, report, geography, occupation, f"{name}.xlsx")


def _csv_response(table: Table, filename: str) -> HttpResponse:
    return exports.csv_response(table.export(), filename)


def _xlsx_response(tables: list[Table], report, geography, occupation, filename: str) -> HttpResponse:
    about = [
        ("Gap dashboard", geography.name + (f", {occupation.name}" if occupation else "")),
        ("Report", report.pk),
        ("As of", report.as_of),
        ("Horizon (years)", report.horizon_years),
        ("Computed at", timezone.localtime(report.finished_at).replace(tzinfo=None) if report.finished_at else None),
        ("Method", "See the methodology page of the portal: /methodology/"),
    ]
    return exports.xlsx_response([table.export() for table in tables], about, filename)


# --- Methodology -------------------------------------------------------------------------


def methodology(request):
    """How the gap report is worked out, from which data, and what to be careful about (public). The usual
    completion rates are the CompletionRate table's (the seed values only while it is empty)."""
    from pathways.selectors import completion_rates_shown

    return render(request, "planning/methodology.html", {"completion_rates": completion_rates_shown()})


@login_required
def completion_rates(request):
    """Signed in: the default completion rates with their low and high values (DESIGN.md 6.2); staff get a
    link to change each one in the admin (the one place they are written from a page)."""
    from pathways.selectors import completion_rates_shown

    rates = completion_rates_shown()
    return render(request, "planning/completion_rates.html", {
        "completion_rates": rates, "stored": any(rate.pk for rate in rates), "is_staff": is_staff(request.user),
        "parent_url": reverse("planning:methodology"), "parent_text": "How the gap is worked out",
    })


# --- Public pathway pages: "how to become a healthcare support worker" ----------------------------


def _months_in_words(months: int | None) -> str:
    if not months:
        return "straight away"
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return "after about " + " and ".join(parts)


def _academic_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def pathway_list(request):
    """Public: every occupation, with a link to how to get into it."""
    from pathways.filtersets import OccupationFilterSet

    filterset = OccupationFilterSet(request.GET, queryset=selectors.pathway_occupation_list().order_by("name"))
    from pathways.models import OccupationSector

    return render(request, "planning/pathway_list.html", {
        "filter": filterset, "occupations": filterset.qs, "sector_choices": OccupationSector.choices,
        "q": request.GET.get("q", ""), "sector": request.GET.get("sector", ""),
    })


def _percent(rate) -> str:
    value = (Decimal(rate) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _rate_in_words(route) -> str:
    """A route's conversion rate with its low to high range: "30% (20% to 40%)", or "30%" when the
    range is the rate itself."""
    central, low, high = (_percent(route.conversion_rate), _percent(route.conversion_rate_low),
                          _percent(route.conversion_rate_high))
    return central if low == central == high else f"{central} ({low} to {high})"


def _lag_in_words(months: int | None) -> str:
    if not months:
        return "straight after the course"
    return _months_in_words(months).removeprefix("after ") + " after the course"


def _ladder(occupation) -> dict:
    """The career ladder around one occupation: the rungs below (roles people step up from, by a
    progression or by a course that trains people working in them) and above (roles people move on
    to), each with how, the share who make the step where the portal has one, and the typical time.
    Read from the prefetched routes and progressions: no query of its own."""
    below = [{"role": step.from_occupation, "how": step.via or "Experience and training at work",
              "share": "", "when": _months_in_words(step.typical_months) if step.typical_months else ""}
             for step in occupation.steps_in]
    below += [{"role": route.from_occupation, "how": route.how, "share": _rate_in_words(route),
               "when": _lag_in_words(route.lag_months)}
              for route in occupation.route_list if route.from_occupation_id]
    above = [{"role": step.to_occupation, "how": step.via or "Experience and training at work",
              "share": "", "when": _months_in_words(step.typical_months) if step.typical_months else ""}
             for step in occupation.steps_out]
    above += [{"role": route.occupation, "how": route.how, "share": _rate_in_words(route),
               "when": _lag_in_words(route.lag_months)}
              for route in occupation.routes_out]

    def by_role(rung):
        return rung["role"].name

    return {"below": sorted(below, key=by_role), "above": sorted(above, key=by_role)}


def pathway_detail(request, code: str):
    """Public: the ways into one occupation, its career ladder (the roles below and above it, with the
    shares and typical times), and with `?area=` (a council area; `?ics=` an ICS) the course offers in
    or near that area's board that lead to it. An unknown council area answers 400 naming the field."""
    from trusts.models import ICB_CODE_PATTERN, IntegratedCareSystem

    from .forms import CouncilAreaForm

    occupation = selectors.pathway_occupation(code=code)
    if occupation is None:
        raise Http404("No such occupation.")
    form = CouncilAreaForm(request.GET if "area" in request.GET else None, areas=selectors.council_area_list())
    area = form.chosen()
    ics_code = request.GET.get("ics", "").strip()
    ics = area.ics if area else None
    if ics is not None and not ics.is_open_today:  # the area's board closed since the districts were loaded
        from trusts.services import board_successor_today

        ics = board_successor_today(ics)
    if ics is None and re.fullmatch(ICB_CODE_PATTERN, ics_code) and not form.errors:
        ics = IntegratedCareSystem.objects.current().filter(code=ics_code).first()
    since = _academic_year_start(timezone.localdate())
    offers = selectors.pathway_offers(routes=occupation.route_list, ics=ics, since=since) if ics else None
    routes = [
        {"route": route, "when": _months_in_words(route.lag_months), "share": _rate_in_words(route)}
        for route in occupation.route_list
    ]
    return render(request, "planning/pathway_detail.html", {
        "occupation": occupation, "routes": routes, "form": form, "area": area, "ics": ics, "ics_code": ics_code,
        "offers": offers, "since": since, "ladder": _ladder(occupation),
    }, status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------
# Scenarios (DESIGN.md 6.4, issue 10.3): a list (mine, and those shared in my ICS), create, edit,
# offers and adjustments added one at a time, copy, share, delete; a scenario's report asked for
# with its progress shown; its comparison with the baseline of the same as_of and horizon, with a
# chart, a table and downloads. And the report request page (issue 10.4).
# --------------------------------------------------------------------------------------

SCENARIO_SHEETS = {"comparison": "Gap by occupation and year", "totals": "All occupations by year"}
SHEET_NAMES.update(SCENARIO_SHEETS)  # the downloads name their sheets from it


def _scenario_visible(request, pk: int) -> Scenario:
    """The scenario if the user may see it; 404 otherwise (private scenarios stay hidden)."""
    return get_object_or_404(selectors.scenario_list(request.user), pk=pk)


def _scenario_writable(request, pk: int) -> Scenario:
    scenario = _scenario_visible(request, pk)
    if not can_write(request.user, scenario):
        raise PermissionDenied("Only the scenario's ICS analysts and portal staff change it.")
    return scenario


def _form_errors(form, exc: ApplicationError) -> None:
    """A service's field errors on the form's fields (others at the top of the error summary)."""
    errors = exc.errors if isinstance(exc.errors, dict) else {"non_field_errors": exc.errors}
    for name, problems in errors.items():
        target = name if name in form.fields else None
        for problem in problems if isinstance(problems, list) else [problems]:
            form.add_error(target, str(problem))


def _progress_url(report: GapReport) -> str:
    return _url("api:gapreport-detail", report.pk) or f"/api/v1/gap-reports/{report.pk}/"


@login_required
def scenario_list(request):
    """The scenarios the user may see: their own first, then those shared in their ICS (staff: all)."""
    scenarios = list(selectors.scenario_summaries(request.user)[:SCENARIO_LIST_LIMIT])
    mine = [scenario for scenario in scenarios if scenario.created_by_id == request.user.pk]
    others = [scenario for scenario in scenarios if scenario.created_by_id != request.user.pk]
    return render(request, "planning/scenario_list.html", {
        "mine": mine, "others": others, "may_create": services.scenario_may_be_created_by(request.user),
        "is_staff": is_staff(request.user), "limit": SCENARIO_LIST_LIMIT,
        "truncated": len(scenarios) >= SCENARIO_LIST_LIMIT,
    })


SCENARIO_LIST_LIMIT = 200


def _scenario_form_page(request, form, title: str, submit: str, cancel_url: str):
    return render(request, "planning/scenario_form.html", {
        "form": form, "page_title": title, "submit_label": submit, "cancel_url": cancel_url,
    })


@login_required
def scenario_create(request):
    if not services.scenario_may_be_created_by(request.user):
        raise PermissionDenied("Only ICS analysts and portal staff create scenarios.")
    staff = is_staff(request.user)
    form = ScenarioForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(user=request.user, data=form.cleaned_data, source="page")
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Scenario “{scenario.name}” was created. Add offers and adjustments below.")
            return redirect("planning:scenario_detail", pk=scenario.pk)
    return _scenario_form_page(
        request, form, "Create a scenario", "Create the scenario", reverse("planning:scenario_list")
    )


@login_required
def scenario_update(request, pk: int):
    scenario = _scenario_writable(request, pk)
    staff = is_staff(request.user)
    form = ScenarioForm(request.POST or None, instance=copy.copy(scenario), staff=staff)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            services.scenario_update(scenario=scenario, user=request.user, data=data, source="page")
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Scenario “{scenario.name}” was saved.")
            return redirect("planning:scenario_detail", pk=scenario.pk)
    return _scenario_form_page(
        request, form, f"Change {scenario.name}", "Save changes", reverse("planning:scenario_detail", args=[pk])
    )


@login_required
def scenario_detail(request, pk: int):
    scenario = _scenario_visible(request, pk)
    reports = selectors.scenario_reports(scenario)
    latest = next((report for report in reports if report.status == GapReport.Status.SUCCEEDED), None)
    newest = reports[0] if reports else None
    in_progress = newest is not None and newest.status in GapReport.IN_FLIGHT
    request_form = GapReportRequestForm(initial={
        "as_of": latest.as_of if latest else None,
        "horizon_years": latest.horizon_years if latest else DEFAULT_HORIZON_YEARS,
    })
    del request_form.fields["scenario"]
    return render(request, "planning/scenario_detail.html", {
        "scenario": scenario, "offers": list(scenario.offers.all()), "adjustments": list(scenario.adjustments.all()),
        "can_write": can_write(request.user, scenario),
        "may_copy": services.scenario_may_be_created_by(request.user),
        "may_request": GapReport.may_be_requested_by(request.user),
        "reports": reports, "latest": latest, "newer": newest if in_progress else None, "in_progress": in_progress,
        "failed": newest if newest is not None and newest.status == GapReport.Status.FAILED else None,
        "progress_url": _progress_url(newest) if in_progress else "",
        "request_form": request_form, "history": selectors.scenario_history(scenario_id=scenario.pk),
    })


def _scenario_part_add(request, pk: int, form_class, add: Callable, noun: str, anchor: str):
    """Add one offer or adjustment to a scenario from its form (`add`: the service, taking `data`)."""
    scenario = _scenario_writable(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(scenario=scenario, user=request.user, data=form.cleaned_data, source="page")
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"The {noun} was added to the scenario.")
            return redirect(reverse("planning:scenario_detail", args=[pk]) + anchor)
    article = "an" if noun[0] in "aeiou" else "a"
    return _scenario_form_page(
        request, form, f"Add {article} {'course ' if noun == 'offer' else ''}{noun} to {scenario.name}",
        f"Add the {noun}", reverse("planning:scenario_detail", args=[pk]),
    )


def _scenario_part_remove(request, pk: int, part_pk: int, related: str, remove: Callable, noun: str, anchor: str):
    """Remove one offer or adjustment (`related`: the scenario's relation holding it; 404 when it is not there)."""
    scenario = _scenario_writable(request, pk)
    get_object_or_404(getattr(scenario, related).all(), pk=part_pk)
    remove(scenario, part_pk)
    messages.success(request, f"The {noun} was removed from the scenario.")
    return redirect(reverse("planning:scenario_detail", args=[pk]) + anchor)


@login_required
def scenario_offer_add(request, pk: int):
    return _scenario_part_add(request, pk, ScenarioOfferForm, services.scenario_offer_add, "offer", "#offers")


@require_POST
@login_required
def scenario_offer_remove(request, pk: int, offer_pk: int):
    return _scenario_part_remove(
        request, pk, offer_pk, "offers", lambda scenario, part: services.scenario_offer_remove(
            scenario=scenario, user=request.user, offer_id=part, source="page"), "offer", "#offers",
    )


@login_required
def scenario_adjustment_add(request, pk: int):
    return _scenario_part_add(
        request, pk, ScenarioAdjustmentForm, services.scenario_adjustment_add, "adjustment", "#adjustments"
    )


@require_POST
@login_required
def scenario_adjustment_remove(request, pk: int, adjustment_pk: int):
    return _scenario_part_remove(
        request, pk, adjustment_pk, "adjustments", lambda scenario, part: services.scenario_adjustment_remove(
            scenario=scenario, user=request.user, adjustment_id=part, source="page"), "adjustment", "#adjustments",
    )


@require_POST
@login_required
def scenario_copy(request, pk: int):
    scenario = _scenario_visible(request, pk)
    if not services.scenario_may_be_created_by(request.user):
        raise PermissionDenied("Only ICS analysts and portal staff create scenarios.")
    copied = services.scenario_copy(scenario=scenario, user=request.user, source="page")
    messages.success(request, f"“{copied.name}” is your own copy: change it as you like.")
    return redirect("planning:scenario_detail", pk=copied.pk)


@require_POST
@login_required
def scenario_share(request, pk: int):
    scenario = _scenario_writable(request, pk)
    shared = request.POST.get("shared") == "true"
    services.scenario_share(scenario=scenario, user=request.user, shared=shared, source="page")
    messages.success(
        request, "The scenario is now shared with your ICS." if shared else "The scenario is now private."
    )
    return redirect("planning:scenario_detail", pk=pk)


@login_required
def scenario_delete(request, pk: int):
    scenario = _scenario_writable(request, pk)
    if request.method == "POST":
        name = scenario.name
        services.scenario_delete(scenario=scenario, user=request.user, source="page")
        messages.success(request, f"Scenario “{name}” was deleted.")
        return redirect("planning:scenario_list")
    return render(request, "planning/scenario_confirm_delete.html", {
        "object": scenario, "cancel_url": reverse("planning:scenario_detail", args=[pk]),
    })


def _report_requested_message(request, report: GapReport) -> None:
    if report.status == GapReport.Status.SUCCEEDED:
        messages.success(request, f"Report {report.pk} is ready.")
    elif report.status == GapReport.Status.FAILED:
        messages.error(request, f"Report {report.pk} failed: {report.error}")
    else:
        messages.success(request, f"Report {report.pk} has been requested. Its progress shows below.")


@login_required
def gap_report_request_page(request):
    """Issue 10.4: choose as_of, horizon and (optionally) a scenario, and ask for the report."""
    if not GapReport.may_be_requested_by(request.user):
        raise PermissionDenied("Only ICS analysts and portal staff may ask for a gap report.")
    scenarios = Scenario.objects.visible_to(request.user).order_by("name")
    initial = {"horizon_years": DEFAULT_HORIZON_YEARS}
    for name in ("as_of", "horizon_years", "scenario"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = GapReportRequestForm(request.POST or None, scenarios=scenarios, initial=initial)
    if request.method == "POST" and form.is_valid():
        scenario = form.cleaned_data.get("scenario")
        try:
            report = services.gap_report_request(
                as_of=form.cleaned_data.get("as_of"), horizon_years=form.cleaned_data["horizon_years"],
                user=request.user, scenario=scenario,
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            _report_requested_message(request, report)
            target = request.POST.get("next", "")
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            if scenario is not None:
                return redirect("planning:scenario_detail", pk=scenario.pk)
            return redirect("planning:dashboard")
    return render(request, "planning/gap_report_request.html", {"form": form, "page_title": "Ask for a gap report"})


@require_POST
@login_required
def scenario_report_request(request, pk: int):
    scenario = _scenario_visible(request, pk)
    if not GapReport.may_be_requested_by(request.user):
        raise PermissionDenied("Only ICS analysts and portal staff may ask for a gap report.")
    form = GapReportRequestForm(request.POST)
    del form.fields["scenario"]
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, f"The report could not be requested: {problem}")
        return redirect("planning:scenario_detail", pk=pk)
    try:
        report = services.gap_report_request(
            as_of=form.cleaned_data.get("as_of"), horizon_years=form.cleaned_data["horizon_years"],
            user=request.user, scenario=scenario,
        )
    except ApplicationError as exc:
        messages.error(request, f"The report could not be requested: {exc.message}")
    else:
        _report_requested_message(request, report)
    return redirect("planning:scenario_detail", pk=pk)


def _comparison_tables(comparison: selectors.ScenarioComparison, year: int, bounds) -> list[Table]:
    where = ics_short_name(comparison.name)
    by_year = Table(
        "comparison",
        f"Gap by occupation and year in {where}: baseline, scenario and the difference",
        [Column("Occupation"), Column("Year", "int"), Column("Baseline gap (FTE)", "fte"),
         Column("Scenario gap (FTE)", "fte"), Column("Difference (FTE)", "fte"),
         Column("Baseline supply (FTE)", "fte"), Column("Scenario supply (FTE)", "fte")],
        note="Figures are cumulative to the end of each year. A difference below zero means the scenario closes "
        "part of the gap. Pages show whole FTE; the downloads keep 2 decimals.",
    )
    for row in comparison.rows:
        by_year.add(
            row["occupation_name"], row["year"], row["baseline_gap"], row["scenario_gap"], row["difference"],
            row["baseline_supply"], row["scenario_supply"],
        )
    totals = Table(
        "totals",
        f"All occupations together in {where}, year by year",
        [Column("Year"), Column("Baseline gap (FTE)", "fte"), Column("Scenario gap (FTE)", "fte"),
         Column("Difference (FTE)", "fte")],
    )
    for row in comparison.totals:
        totals.add(_year_label(row["year"], bounds), row["baseline_gap"], row["scenario_gap"], row["difference"])
    return [by_year, totals]


def _comparison_areas(scenario: Scenario) -> dict[str, tuple[str, str, str]]:
    """Where the comparison may look, by ?area=: the scenario's ICS (first), its region and England."""
    areas = {}
    if scenario.ics_id:
        ics = scenario.ics
        areas["ics"] = (ics_short_name(ics.name), GapReportRow.Level.ICS, ics.code)
        areas["region"] = (ics.region.name, GapReportRow.Level.REGION, ics.region.code)
    areas["england"] = ("England", GapReportRow.Level.NATIONAL, selectors.rules.NATIONAL_CODE)
    return areas


def _comparison_chart(comparison: selectors.ScenarioComparison, year: int) -> dict:
    rows = sorted((row for row in comparison.rows if row["year"] == year), key=lambda row: -row["baseline_gap"])
    return {
        "labels": [row["occupation_name"] for row in rows],
        "baseline": [round(float(row["baseline_gap"]), 2) for row in rows],
        "scenario": [round(float(row["scenario_gap"]), 2) for row in rows],
        "year": year,
    }


@login_required
def scenario_compare(request, pk: int):
    """The scenario's report beside the baseline of the same as_of and horizon, in the scenario's ICS
    (England for an England scenario): both gaps and the difference by occupation and year, a chart of
    the chosen year, and the downloads (?format=csv&table=..., ?format=xlsx)."""
    scenario = _scenario_visible(request, pk)
    reports = [report for report in selectors.scenario_reports(scenario) if report.status == GapReport.Status.SUCCEEDED]
    report = reports[0] if reports else None
    if request.GET.get("report", "").isdigit():
        report = next((r for r in reports if r.pk == int(request.GET["report"])), None)
        if report is None:
            raise Http404("No succeeded report of this scenario has this id.")
    context = {"scenario": scenario, "report": report, "reports": reports,
               "may_request": GapReport.may_be_requested_by(request.user)}
    if report is None:
        if request.GET.get("format"):
            raise Http404("There is no report of this scenario to download yet.")
        return render(request, "planning/scenario_compare.html", context)
    areas = _comparison_areas(scenario)
    area = request.GET.get("area") if request.GET.get("area") in areas else next(iter(areas))
    _, level, code = areas[area]
    comparison = selectors.scenario_comparison(report=report, level=level, code=code)
    year = _selected_year(request, report)
    bounds = selectors.horizon_bounds(report)
    tables = _comparison_tables(comparison, year, bounds)
    kind = exports.requested_format(request)
    if kind:
        name = f"scenario-{scenario.pk}-report-{report.pk}-comparison"
        if kind == "csv":
            table = exports.chosen_table(request, tables)
            return _csv_response(table, f"{name}-{table.key}.csv")
        where = selectors.Geography(level, code, f"{scenario.name} beside the baseline, {comparison.name}")
        return _xlsx_response(tables, report, where, None, f"{name}.xlsx")
    baseline_in_flight = None if comparison.baseline else selectors.gap_report_baseline_in_flight(report)
    context.update(
        comparison=comparison, tables={table.key: table for table in tables}, year=year, bounds=bounds,
        years=[(y, _year_label(y, bounds)) for y in range(1, report.horizon_years + 1)],
        chart=_comparison_chart(comparison, year), short_name=ics_short_name(comparison.name),
        areas=[(key, label) for key, (label, _, _) in areas.items()], area=area,
        baseline_in_flight=baseline_in_flight,
        baseline_progress_url=_progress_url(baseline_in_flight) if baseline_in_flight else "",
        chart_summary=(
            f"Bar chart of the gap by occupation in year {year}: the baseline beside the scenario. "
            "Every figure is in the table that follows."
        ),
    )
    return render(request, "planning/scenario_compare.html", context)
