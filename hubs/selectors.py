"""Reads for hubs, partnerships, activities and case studies: one base queryset per model,
shared by the pages and the API, and the few aggregations the pages show.

Every function here runs a fixed number of queries whatever the number of rows.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from colleges.models import College
from core.roles import Role
from pathways.models import Occupation
from trusts.models import IntegratedCareSystem, Trust

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
