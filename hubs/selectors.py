"""Reads for hubs, partnerships, activities and case studies: one base queryset per model,
shared by the pages and the API, and the few aggregations the pages show.

Every function here runs a fixed number of queries whatever the number of rows.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from colleges.models import College, CollegeBoard, CourseOffer
from core.roles import Role
from pathways import rules
from pathways.models import Occupation
from pathways.vocabulary import QualificationType, academic_year_bounds
from trusts.models import BoardSuccession, IntegratedCareSystem, Region, Trust, TrustBoard

from .models import (
    Activity,
    ActivityKind,
    Agenda,
    CaseStudy,
    CollegeTeam,
    Contact,
    ContactSide,
    Hub,
    Partnership,
    PartnershipAgenda,
    PartnershipOccupation,
)

ACTIVITY_FIGURES = ("learners", "placements_offered", "placements_filled", "interviews_guaranteed", "hires")


def hub_list() -> QuerySet[Hub]:
    return (
        Hub.objects.select_related("region", "host_college")
        .prefetch_related(
            Prefetch("colleges", queryset=College.objects.order_by("name").only("id", "ukprn", "name", "hub"))
        )
        .annotate(
            college_count=Count("colleges", distinct=True),
            partnership_count=Count("colleges__partnerships", distinct=True),
        )
        .order_by("name")
    )


def hub_detail_colleges(*, hub: Hub) -> QuerySet[College]:
    return (
        College.objects.filter(hub=hub)
        .select_related("ics")
        .annotate(partnership_count=Count("partnerships"))
        .order_by("name")
    )


def hub_coordinators(*, hub: Hub) -> QuerySet:
    users = get_user_model().objects.filter(hub=hub, role=Role.COORDINATOR, is_active=True)
    return users.order_by("last_name", "username")


def partnership_list(*, with_occupations: bool = True) -> QuerySet[Partnership]:
    """Partnerships with their college, hub, trust, ICS and agendas, and (unless told not to: one query
    fewer for lists that do not show them) the roles they work on."""
    prefetches = [Prefetch("agenda_links", queryset=PartnershipAgenda.objects.order_by("agenda"))]
    if with_occupations:
        prefetches.append(
            Prefetch("occupations", queryset=Occupation.objects.order_by("name").only("id", "code", "name"))
        )
    return Partnership.objects.select_related(
        "college", "college__hub", "college__hub__region", "trust", "ics"
    ).prefetch_related(*prefetches)


def partnership_relationship_map(*, partnership: Partnership) -> list[dict]:
    """Rows = the agendas the partnership covers; columns = college teams; cells = named contacts.

    Each row: {"agenda": code, "label": ..., "cells": [[contacts] per team], "nhs": [contacts]}.
    Two queries: the agendas with their contacts prefetched.
    """
    links = PartnershipAgenda.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("name"))
    )
    teams = CollegeTeam.values
    labels = dict(Agenda.choices)
    rows = []
    for link in sorted(links, key=lambda row: Agenda.values.index(row.agenda)):
        by_team = {team: [] for team in teams}
        nhs = []
        for contact in link.contacts.all():
            if contact.side == ContactSide.COLLEGE:
                by_team[contact.team].append(contact)
            else:
                nhs.append(contact)
        rows.append(
            {"agenda": link.agenda, "label": labels[link.agenda], "cells": [by_team[t] for t in teams], "nhs": nhs}
        )
    return rows


def contact_list(*, partnership: Partnership) -> QuerySet[Contact]:
    return Contact.objects.filter(partnership=partnership).prefetch_related("agenda_links").order_by("side", "name")


def activity_list() -> QuerySet[Activity]:
    return Activity.objects.select_related(
        "partnership", "partnership__college", "partnership__trust", "partnership__ics"
    )


def activity_totals(*, activities: QuerySet[Activity]) -> dict:
    """Totals by year and kind in one aggregate query: {"rows": [...], "years": [...], "grand": {...}}."""
    figures = {name: Sum(name) for name in ACTIVITY_FIGURES}
    rows = list(
        activities.order_by()
        .annotate(year=ExtractYear("happened_on"))
        .values("year", "kind")
        .annotate(count=Count("id"), **figures)
        .order_by("-year", "kind")
    )
    kinds = dict(ActivityKind.choices)
    grand = {name: 0 for name in ("count", *ACTIVITY_FIGURES)}
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        for name in grand:
            grand[name] += row[name] or 0
    by_year: dict[int, dict] = {}
    for row in rows:  # the aggregated rows: at most years x kinds, whatever the number of activities
        year = by_year.setdefault(row["year"], {"year": row["year"], **{name: 0 for name in grand}})
        for name in grand:
            year[name] += row[name] or 0
    return {
        "rows": rows,
        "years": sorted(by_year, reverse=True),
        "by_year": [by_year[year] for year in sorted(by_year)],
        "grand": grand,
    }


def case_study_list() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.select_related("hub", "hub__region", "written_by").prefetch_related(
        Prefetch("colleges", queryset=College.objects.order_by("name").only("id", "ukprn", "name")),
        Prefetch("trusts", queryset=Trust.objects.order_by("name").only("id", "ods_code", "name")),
    )


def history_entries(records, model) -> list[dict]:
    """Turn simple-history records (newest first) into who / when / what changed.

    `records` is one model's history ordered newest first with history_user selected. Related
    objects named in the changes are fetched with one query per foreign key field.
    """
    records = list(records)
    entries, related = [], {}
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if record.history_type == "~" and older is not None and older.id == record.id:
            delta = record.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                if field.is_relation:
                    related.setdefault(field.related_model, set()).update({change.old, change.new})
                changes.append({"field": field, "old": change.old, "new": change.new})
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "action": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                "changes": changes,
            }
        )
    names = {
        related_model: {obj.pk: str(obj) for obj in related_model._default_manager.filter(pk__in=ids - {None})}
        for related_model, ids in related.items()
    }
    for entry in entries:
        for change in entry["changes"]:
            field = change.pop("field")
            change["field"] = str(field.verbose_name).capitalize()
            for side in ("old", "new"):
                change[side] = _display(field, change[side], names.get(field.related_model, {}))
    return entries


def _display(field, value, names):
    if value in (None, ""):
        return "(empty)"
    if field.is_relation:
        return names.get(value, value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def partnership_history(*, partnership: Partnership) -> list[dict]:
    """The partnership's own changes, its agendas, roles and contacts being added, changed or removed, newest first."""
    own = history_entries(
        Partnership.history.filter(id=partnership.id).select_related("history_user").order_by("-history_date"),
        Partnership,
    )
    for entry in own:
        entry["subject"] = "Partnership"
    agenda_records = PartnershipAgenda.history.filter(partnership_id=partnership.id).select_related("history_user")
    labels = dict(Agenda.choices)
    agendas = [
        {
            "when": record.history_date,
            "who": record.history_user,
            "action": {"+": "Added agenda", "-": "Removed agenda", "~": "Changed agenda"}[record.history_type],
            "subject": labels.get(record.agenda, record.agenda),
            "changes": [],
        }
        for record in agenda_records
    ]
    occupation_records = list(
        PartnershipOccupation.history.filter(partnership_id=partnership.id).select_related("history_user")
    )
    occupation_names = dict(
        Occupation.objects.filter(pk__in={record.occupation_id for record in occupation_records}).values_list(
            "pk", "name"
        )
    ) if occupation_records else {}
    roles = [
        {
            "when": record.history_date,
            "who": record.history_user,
            "action": {"+": "Added role", "-": "Removed role", "~": "Changed role"}[record.history_type],
            "subject": occupation_names.get(record.occupation_id, "a role since removed from the portal"),
            "changes": [],
        }
        for record in occupation_records
    ]
    contact_records = Contact.history.filter(partnership_id=partnership.id).select_related("history_user")
    contacts = [
        {
            "when": record.history_date,
            "who": record.history_user,
            "action": {"+": "Added contact", "-": "Removed contact", "~": "Changed contact"}[record.history_type],
            "subject": f"{record.name}, {record.job_title}",
            "changes": [],
        }
        for record in contact_records
    ]
    return sorted(own + agendas + roles + contacts, key=lambda entry: entry["when"], reverse=True)


def activity_history(*, activity: Activity) -> list[dict]:
    return history_entries(
        Activity.history.filter(id=activity.id).select_related("history_user").order_by("-history_date"), Activity
    )


def front_door_lookup(*, trust: Trust | None = None, college: College | None = None,
                      ics: IntegratedCareSystem | None = None, agenda: str = "") -> dict:
    """Named contacts for an organisation (and agenda), and the hub that covers the organisation.

    For a trust: partnerships with that trust. For a college: the college's partnerships. For an
    ICS: partnerships with the ICS as a whole and with its trusts. A fixed number of queries.
    """
    if trust is not None:
        condition, region_id = Q(partnership__trust=trust), trust.ics.region_id
    elif college is not None:
        condition, region_id = Q(partnership__college=college), None
    else:
        condition, region_id = Q(partnership__ics=ics), ics.region_id
    links = PartnershipAgenda.objects.filter(condition)
    if agenda:
        links = links.filter(agenda=agenda)
    links = links.select_related(
        "partnership", "partnership__college", "partnership__trust", "partnership__ics",
        "partnership__college__hub", "partnership__college__hub__region",
    ).prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("side", "name")))
    labels = dict(Agenda.choices)
    team_labels = dict(CollegeTeam.choices)
    results = []
    for link in sorted(links, key=lambda row: (Agenda.values.index(row.agenda), str(row.partnership))):
        contacts = list(link.contacts.all())
        results.append(
            {
                "agenda": link.agenda,
                "agenda_label": labels[link.agenda],
                "partnership": link.partnership,
                "college_contacts": [
                    {"contact": c, "team": team_labels.get(c.team, "")}
                    for c in contacts
                    if c.side == ContactSide.COLLEGE
                ],
                "nhs_contacts": [c for c in contacts if c.side == ContactSide.TRUST],
            }
        )
    if college is not None:
        hub = Hub.objects.select_related("region").filter(pk=college.hub_id).first()
    else:
        hub = Hub.objects.select_related("region").filter(region_id=region_id).first()
    coordinators = list(hub_coordinators(hub=hub)) if hub else []
    return {"results": results, "hub": hub, "coordinators": coordinators}


# --- T Level industry placements (DESIGN.md 6.5) ---------------------------------------------------
#
# Need: planned places of T Level offers completing in an academic year (1 August to 31 July), each lying
# in its delivery ICS, else its college's board on the year's first day (CollegeBoard, the college's ICS
# when it has no membership then). Offered and filled: industry placement activities in the year, each
# lying in its partnership trust's board on the day it happened (TrustBoard; the partnership's ICS when
# it names no trust or the trust has no membership then). A board closed on that day passes its figures
# to its successors by share. Every geography-on-a-date rule is a fragment of pathways.rules.
#
# Activities happen on many days; the rules' fragments place figures on one day. A trust's board can only
# change on a day one of its memberships starts or ends, and a board's shares on a day one board opens or
# closes. So the time is cut at those days into spans, each read by the fragments on its first day: the
# trusts' boards once per membership span (a small table of trust, span, board), the boards' shares once
# per board span, and each activity is joined to the spans holding its day. Two queries in all: the
# calendar (those days and the years with any figure), then every row at once.

PLACEMENT_FIGURES = ("need", "offered", "filled")


def academic_year_start(day: dt.date) -> int:
    """The year in which the academic year holding `day` begins (1 August)."""
    return day.year if day.month >= 8 else day.year - 1


def academic_year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _tables() -> dict:
    return {
        "offer": CourseOffer._meta.db_table, "college": College._meta.db_table,
        "college_board": CollegeBoard._meta.db_table, "trust_board": TrustBoard._meta.db_table,
        "ics": IntegratedCareSystem._meta.db_table, "succession": BoardSuccession._meta.db_table,
        "region": Region._meta.db_table, "activity": Activity._meta.db_table,
        "partnership": Partnership._meta.db_table,
    }


@dataclass(frozen=True)
class PlacementCalendar:
    years: list[int]  # the academic years (by their first calendar year) to compute
    board_changes: list[dt.date]  # days a board opens, or the day after one closes
    membership_changes: list[dt.date]  # days a trust's membership starts, or the day after one ends


def _placement_calendar(years: list[int] | None) -> PlacementCalendar:
    """The academic years with any figure (or `years`) and the days a placement's board may change. One query."""
    t, vendor = _tables(), connection.vendor
    done, none = rules.completion_date_sql("f", vendor), "CAST(NULL AS DATE)"
    sql = f"""
        SELECT CAST('span' AS VARCHAR(10)) AS kind, MIN(d) AS first_day, MAX(d) AS last_day FROM (
            SELECT {done} AS d FROM {t['offer']} f WHERE f.qualification_type = %s
            UNION ALL SELECT a.happened_on FROM {t['activity']} a WHERE a.kind = %s
        ) span
        UNION ALL SELECT DISTINCT 'b_open', opened_on, {none} FROM {t['ics']} WHERE opened_on IS NOT NULL
        UNION ALL SELECT DISTINCT 'b_close', closed_on, {none} FROM {t['ics']} WHERE closed_on IS NOT NULL
        UNION ALL SELECT DISTINCT 'm_open', valid_from, {none} FROM {t['trust_board']} WHERE valid_from IS NOT NULL
        UNION ALL SELECT DISTINCT 'm_close', valid_to, {none} FROM {t['trust_board']} WHERE valid_to IS NOT NULL
    """
    changes: dict[str, set[dt.date]] = {"b": set(), "m": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(QualificationType.T_LEVEL), str(ActivityKind.INDUSTRY_PLACEMENT)])
        for kind, first, last in cursor.fetchall():
            first, last = _day(first), _day(last)
            if kind == "span":
                if years is None:
                    years = (
                        list(range(academic_year_start(first), academic_year_start(last) + 1)) if first else []
                    )
            elif first is not None:
                # Open from its first day; closed (or ended) from the day after its last.
                changes[kind[0]].add(first if kind.endswith("open") else first + dt.timedelta(days=1))
    return PlacementCalendar(years or [], sorted(changes["b"]), sorted(changes["m"]))


def _spans(first: dt.date, last: dt.date, changes: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """[first, last] cut at the change days into spans [start, end) (end: the next span's first day)."""
    cuts = [first, *[day for day in changes if first < day <= last], last + dt.timedelta(days=1)]
    return list(zip(cuts, cuts[1:], strict=False))


def _union(arms: list[tuple[str, list]]) -> tuple[str, list]:
    return " UNION ALL ".join(sql for sql, _ in arms), [param for _, params in arms for param in params]


def _placement_facts_sql(calendar: PlacementCalendar) -> tuple[str, list]:
    """SQL of every placed figure: (year_start, ics_id, college_id, partnership_id, need, offered, filled).

    Need rows have no partnership; placement rows name theirs. Each figure lies in a board by the rules of
    `pathways.rules` (DESIGN.md 6.1): an offer in its delivery ICS, else its college's board on the academic
    year's first day (`rules.offer_board_in_year_sql`); an activity in its trust's board on the day it
    happened, else the partnership's ICS (`rules.vacancy_board_sql`, the vacancy rows' rule). Figures are
    then multiplied by the share of each board they are counted in (1 for a board open on the day). Unlike
    the report, which is read on one day, a year's page keeps a figure lying in a board that opens later:
    that board is open during the year and has a row of its own (`rules.board_shares_sql`'s docstring).
    Offers and activities are read once each and
    summed by college (and partnership) before the shares are joined.
    """
    t, vendor = _tables(), connection.vendor
    day = lambda value: rules.date_param(value, vendor)  # noqa: E731
    years = calendar.years
    first_day = academic_year_bounds(academic_year_label(years[0]))[0]
    last_day = academic_year_bounds(academic_year_label(years[-1]))[1]
    done = rules.completion_date_sql("f", vendor)
    # The completion date is worked out once per offer (PostgreSQL would otherwise inline the expression
    # into the join with the years and work it out once per year).
    materialized = "MATERIALIZED" if vendor == "postgresql" else ""
    offer_board = rules.offer_board_in_year_sql("f", "f", "m")  # f.ics_id: the college's `ics`
    activity_board = rules.vacancy_board_sql("p", "m")

    year_rows, college_boards, year_shares = [], [], []
    for year in years:
        first, last = academic_year_bounds(academic_year_label(year))
        year_rows.append(("SELECT %s AS year_start, %s AS first_day, %s AS last_day", [year, day(first), day(last)]))
        members, members_params = rules.membership_on_sql(t["college_board"], "college_id", first, vendor)
        college_boards.append((f"SELECT %s AS year_start, m.member_id, m.ics_id FROM ({members}) m",
                               [year, *members_params]))
        shares, shares_params = rules.board_shares_sql(t["ics"], t["succession"], first, vendor)
        year_shares.append((f"SELECT %s AS year_start, s.from_ics_id, s.ics_id, s.share FROM ({shares}) s",
                            [year, *shares_params]))
    trust_spans, board_spans, board_shares = [], [], []
    for start, end in _spans(first_day, last_day, calendar.membership_changes):
        members, members_params = rules.membership_on_sql(t["trust_board"], "trust_id", start, vendor)
        trust_spans.append((f"SELECT %s AS span_start, %s AS span_end, m.member_id, m.ics_id FROM ({members}) m",
                            [day(start), day(end), *members_params]))
    for start, end in _spans(first_day, last_day, calendar.board_changes):
        board_spans.append(("SELECT %s AS span_start, %s AS span_end", [day(start), day(end)]))
        shares, shares_params = rules.board_shares_sql(t["ics"], t["succession"], start, vendor)
        board_shares.append((f"SELECT %s AS span_start, s.from_ics_id, s.ics_id, s.share FROM ({shares}) s",
                             [day(start), *shares_params]))

    parts = {name: _union(arms) for name, arms in (
        ("years", year_rows), ("college_boards", college_boards), ("year_shares", year_shares),
        ("trust_spans", trust_spans), ("board_spans", board_spans), ("board_shares", board_shares),
    )}
    sql = f"""
        WITH academic_years AS ({parts['years'][0]}),
        college_boards AS ({parts['college_boards'][0]}),
        year_shares AS ({parts['year_shares'][0]}),
        trust_spans AS ({parts['trust_spans'][0]}),
        board_spans AS ({parts['board_spans'][0]}),
        board_shares AS ({parts['board_shares'][0]}),
        t_level_offers AS {materialized} (
            SELECT f.college_id, f.planned_places, f.delivery_ics_id, c.ics_id, {done} AS done
            FROM {t['offer']} f JOIN {t['college']} c ON c.id = f.college_id
            WHERE f.qualification_type = %s AND {done} >= %s AND {done} <= %s
        ),
        need AS (
            SELECT y.year_start, f.college_id, {offer_board} AS ics_id, SUM(f.planned_places) AS places
            FROM t_level_offers f
            JOIN academic_years y ON f.done >= y.first_day AND f.done <= y.last_day
            LEFT JOIN college_boards m ON m.year_start = y.year_start AND m.member_id = f.college_id
            GROUP BY y.year_start, f.college_id, {offer_board}
        ),
        placed AS (
            SELECT y.year_start, p.college_id, p.id AS partnership_id, {activity_board} AS ics_id,
                   b.span_start, SUM(a.placements_offered) AS offered, SUM(a.placements_filled) AS filled
            FROM {t['activity']} a
            JOIN {t['partnership']} p ON p.id = a.partnership_id
            JOIN academic_years y ON a.happened_on >= y.first_day AND a.happened_on <= y.last_day
            JOIN board_spans b ON a.happened_on >= b.span_start AND a.happened_on < b.span_end
            LEFT JOIN trust_spans m
                ON m.member_id = p.trust_id AND a.happened_on >= m.span_start AND a.happened_on < m.span_end
            WHERE a.kind = %s AND a.happened_on >= %s AND a.happened_on <= %s
            GROUP BY y.year_start, p.college_id, p.id, {activity_board}, b.span_start
        )
        SELECT n.year_start, COALESCE(s.ics_id, n.ics_id) AS ics_id, n.college_id,
               CAST(NULL AS INTEGER) AS partnership_id, n.places * COALESCE(s.share, 1) AS need,
               0 AS offered, 0 AS filled
        FROM need n LEFT JOIN year_shares s ON s.year_start = n.year_start AND s.from_ics_id = n.ics_id
        UNION ALL
        SELECT x.year_start, COALESCE(s.ics_id, x.ics_id), x.college_id, x.partnership_id, 0,
               x.offered * COALESCE(s.share, 1), x.filled * COALESCE(s.share, 1)
        FROM placed x LEFT JOIN board_shares s ON s.span_start = x.span_start AND s.from_ics_id = x.ics_id
    """
    params = [param for part in parts.values() for param in part[1]]
    params += [str(QualificationType.T_LEVEL), day(first_day), day(last_day),
               str(ActivityKind.INDUSTRY_PLACEMENT), day(first_day), day(last_day)]
    return sql, params


def _figure(value) -> Decimal:
    return Decimal(str(value or 0))


def placement_rows(*, level: str = "", code: str = "", academic_year: str = "") -> list[dict]:
    """Rows `level, code, name, region_code, academic_year, need, offered, filled, shortfall`, England first,
    then regions, then ICSs, by academic year. ICS rows where any figure is not zero; region and national
    rows are sums of the ICS rows. Filters as the API's (already valid). Two queries."""
    years = [academic_year_bounds(academic_year)[0].year] if academic_year else None
    calendar = _placement_calendar(years)
    if not calendar.years:
        return []
    t = _tables()
    facts, params = _placement_facts_sql(calendar)
    figures = "SUM(b.need) AS need, SUM(b.offered) AS offered, SUM(b.filled) AS filled"
    sql = f"""
        WITH facts AS ({facts}),
        by_ics AS (
            SELECT year_start, ics_id, SUM(need) AS need, SUM(offered) AS offered, SUM(filled) AS filled
            FROM facts GROUP BY year_start, ics_id
            HAVING SUM(need) <> 0 OR SUM(offered) <> 0 OR SUM(filled) <> 0
        ),
        area_rows AS (
            SELECT 0 AS rank, CAST(%s AS VARCHAR(10)) AS level, CAST(%s AS VARCHAR(9)) AS code,
                   CAST(%s AS VARCHAR(200)) AS name, CAST(NULL AS VARCHAR(3)) AS region_code, b.year_start, {figures}
            FROM by_ics b GROUP BY b.year_start
            UNION ALL
            SELECT 1, %s, r.code, r.name, r.code, b.year_start, {figures}
            FROM by_ics b JOIN {t['ics']} i ON i.id = b.ics_id JOIN {t['region']} r ON r.id = i.region_id
            GROUP BY r.code, r.name, b.year_start
            UNION ALL
            SELECT 2, %s, i.code, i.name, r.code, b.year_start, b.need, b.offered, b.filled
            FROM by_ics b JOIN {t['ics']} i ON i.id = b.ics_id JOIN {t['region']} r ON r.id = i.region_id
        )
        SELECT level, code, name, region_code, year_start, need, offered, filled FROM area_rows
    """
    params += [rules.Level.NATIONAL.value, rules.NATIONAL_CODE, rules.NATIONAL_NAME, rules.Level.REGION.value,
               rules.Level.ICS.value]
    conditions = []
    if level:
        conditions.append("level = %s")
        params.append(level)
    if code:
        if rules.is_national_code(code):
            code = rules.NATIONAL_CODE
        conditions.append("UPPER(code) = UPPER(%s)")
        params.append(code)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += " ORDER BY year_start, rank, name"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = []
    for row_level, row_code, name, region_code, year_start, need, offered, filled in found:
        need, offered, filled = _figure(need), _figure(offered), _figure(filled)
        rows.append({
            "level": row_level, "code": row_code, "name": name, "region_code": region_code,
            "academic_year": academic_year_label(year_start), "need": need, "offered": offered, "filled": filled,
            "shortfall": need - offered,
        })
    return rows


def placement_contributors(*, level: str, code: str, academic_year: str) -> dict:
    """Who makes up an ICS's or a region's figures in one academic year: the colleges whose T Level offers
    make the need (with the need counted there), and the partnerships whose placement activities make
    the offered and filled (figures as counted there, shares applied). Three queries."""
    start = academic_year_bounds(academic_year)[0].year
    t = _tables()
    facts, params = _placement_facts_sql(_placement_calendar([start]))
    where = "i.code = %s" if level == rules.Level.ICS else "r.code = %s"
    sql = f"""
        WITH facts AS ({facts})
        SELECT c.ukprn, c.name, x.partnership_id, SUM(x.need), SUM(x.offered), SUM(x.filled)
        FROM facts x
        JOIN {t['ics']} i ON i.id = x.ics_id JOIN {t['region']} r ON r.id = i.region_id
        JOIN {t['college']} c ON c.id = x.college_id
        WHERE {where}
        GROUP BY c.ukprn, c.name, x.partnership_id
        HAVING SUM(x.need) <> 0 OR SUM(x.offered) <> 0 OR SUM(x.filled) <> 0
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, code])
        found = cursor.fetchall()
    colleges, figures = [], {}
    for ukprn, name, partnership_id, need, offered, filled in found:
        if partnership_id is None:
            colleges.append({"ukprn": ukprn, "name": name, "need": _figure(need)})
        else:
            figures[partnership_id] = (_figure(offered), _figure(filled))
    colleges.sort(key=lambda row: (-row["need"], row["name"]))
    partnerships = []
    if figures:
        for partnership in Partnership.objects.filter(pk__in=figures).select_related("college", "trust", "ics"):
            offered, filled = figures[partnership.pk]
            partnerships.append({"partnership": partnership, "offered": offered, "filled": filled})
    partnerships.sort(key=lambda row: (-row["offered"], str(row["partnership"])))
    return {"colleges": colleges, "partnerships": partnerships}


def region_role_map(*, region: Region) -> list[dict]:
    """The roles the region's partnerships work on, each with its partnerships (college and NHS partner):
    [{"occupation": Occupation, "links": [PartnershipOccupation, ...]}], roles and colleges by name. A
    partnership lies in the region of its ICS. One query."""
    links = (
        PartnershipOccupation.objects.filter(partnership__ics__region=region)
        .select_related("occupation", "partnership__college", "partnership__trust", "partnership__ics")
        .order_by("occupation__name", "partnership__college__name", "partnership__trust__name", "partnership_id")
    )
    rows: list[dict] = []
    for link in links:
        if not rows or rows[-1]["occupation"].pk != link.occupation_id:
            rows.append({"occupation": link.occupation, "links": []})
        rows[-1]["links"].append(link)
    return rows
