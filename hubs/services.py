"""Writes for partnerships, their agendas and contacts, activities and case studies.

Every function checks scope first (PermissionDenied -> 403, nothing written), then validates the
whole object with full_clean() (ApplicationError -> 400 / form errors), then saves in one
transaction, recording the acting user in the audit history.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Case, ProtectedError, When

from colleges.models import College
from core.errors import ApplicationError
from core.permissions import require_write
from pathways.models import Occupation

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
    PartnershipStatus,
)

PARTNERSHIP_FIELDS = ("college", "trust", "ics", "status", "started_on", "summary")
ACTIVITY_FIELDS = (
    "kind", "happened_on", "learners", "placements_offered", "placements_filled", "interviews_guaranteed", "hires",
    "notes",
)
CONTACT_FIELDS = ("side", "team", "name", "job_title", "email", "phone")
CASE_STUDY_FIELDS = ("hub", "title", "agenda", "summary", "learners", "placements_filled", "hires", "outcome")


def _validate(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors = {
            ("non_field_errors" if key == NON_FIELD_ERRORS else key): messages
            for key, messages in exc.message_dict.items()
        }
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors) from exc


def _set(instance, fields: Iterable[str], values: dict) -> None:
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def _clean_agendas(agendas: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(agendas or []))
    if not codes:
        raise ApplicationError("Choose at least one agenda.", {"agendas": ["Choose at least one agenda."]})
    unknown = [code for code in codes if code not in Agenda.values]
    if unknown:
        message = f"Unknown agenda: {', '.join(unknown)}."
        raise ApplicationError(message, {"agendas": [message]})
    return codes


def _sync_agendas(*, partnership: Partnership, agendas: list[str], user) -> None:
    current = {link.agenda: link for link in partnership.agenda_links.all()}
    for code, link in current.items():
        if code not in agendas:
            link._history_user = user
            link.delete()
    for code in agendas:
        if code not in current:
            link = PartnershipAgenda(partnership=partnership, agenda=code)
            link._history_user = user
            link.save()


def _sync_occupations(*, partnership: Partnership, occupations: Iterable, user) -> None:
    """Add and remove the partnership's roles one link at a time, so the history names each change."""
    wanted = {occupation.pk: occupation for occupation in occupations}
    current = {link.occupation_id: link for link in partnership.occupation_links.all()}
    for occupation_id, link in current.items():
        if occupation_id not in wanted:
            link._history_user = user
            link.delete()
    for occupation_id, occupation in wanted.items():
        if occupation_id not in current:
            link = PartnershipOccupation(partnership=partnership, occupation=occupation)
            link._history_user = user
            link.save()


# --- hubs ------------------------------------------------------------------------------


def _hub_members(*, hub: Hub, colleges: list) -> None:
    if hub.host_college_id is not None and hub.host_college_id not in {college.pk for college in colleges}:
        message = "The host college must be one of the hub's member colleges."
        raise ApplicationError(message, {"host_college": [message]})
    hub.save()
    member_ids = [college.pk for college in colleges]
    College.objects.filter(hub=hub).exclude(pk__in=member_ids).update(hub=None)
    College.objects.filter(pk__in=member_ids).update(hub=hub)


@transaction.atomic
def hub_create(*, user, region, name: str, host_college=None, colleges: Iterable = ()) -> Hub:
    hub = Hub(region=region, name=name, host_college=host_college)
    require_write(user, hub)
    _validate(hub)
    _hub_members(hub=hub, colleges=list(colleges))
    return hub


@transaction.atomic
def hub_update(*, user, hub: Hub, colleges: Iterable | None = None, **values) -> Hub:
    require_write(user, hub)
    _set(hub, ("region", "name", "host_college"), values)
    _validate(hub)
    members = list(colleges) if colleges is not None else list(hub.colleges.all())
    _hub_members(hub=hub, colleges=members)
    return hub


@transaction.atomic
def hub_delete(*, user, hub: Hub) -> None:
    require_write(user, hub)
    try:
        with transaction.atomic():
            hub.delete()
    except ProtectedError as exc:
        message = "This hub still has coordinators or case studies: move or delete them first."
        raise ApplicationError(message) from exc


# --- partnerships ----------------------------------------------------------------------


@transaction.atomic
def partnership_create(*, user, agendas: Iterable[str], occupations: Iterable = (), **values) -> Partnership:
    partnership = Partnership()
    _set(partnership, PARTNERSHIP_FIELDS, values)
    if partnership.status in (None, ""):
        partnership.status = PartnershipStatus.EXPLORING
    require_write(user, partnership)
    codes = _clean_agendas(agendas)
    _validate(partnership)
    partnership._history_user = user
    partnership.save()
    _sync_agendas(partnership=partnership, agendas=codes, user=user)
    _sync_occupations(partnership=partnership, occupations=occupations or (), user=user)
    return partnership


@transaction.atomic
def partnership_update(*, user, partnership: Partnership, agendas: Iterable[str] | None = None,
                       occupations: Iterable | None = None, **values) -> Partnership:
    require_write(user, partnership)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if "ics" not in values and values.get("trust", partnership.trust) is not None:
        # A trust partnership always carries its trust's current ICS (filled in by Partnership.clean),
        # also when the trust has moved to a successor board since the partnership was recorded.
        values["ics"] = None
    _set(partnership, PARTNERSHIP_FIELDS, values)
    require_write(user, partnership)  # the college may have moved: it must stay in scope
    codes = _clean_agendas(agendas) if agendas is not None else None
    _validate(partnership)
    partnership._history_user = user
    partnership.save()
    if codes is not None:
        _sync_agendas(partnership=partnership, agendas=codes, user=user)
    if occupations is not None:
        _sync_occupations(partnership=partnership, occupations=occupations, user=user)
    return partnership


@transaction.atomic
def partnership_delete(*, user, partnership: Partnership) -> None:
    require_write(user, partnership)
    for link in [*partnership.agenda_links.all(), *partnership.occupation_links.all()]:
        link._history_user = user
        link.delete()
    partnership._history_user = user
    partnership.delete()


# --- contacts --------------------------------------------------------------------------


def _agenda_links_for(*, partnership: Partnership, agendas: Iterable[str]) -> list[PartnershipAgenda]:
    codes = list(dict.fromkeys(agendas or []))
    links = {link.agenda: link for link in partnership.agenda_links.all()}
    missing = [code for code in codes if code not in links]
    if missing:
        labels = dict(Agenda.choices)
        message = "This partnership does not cover: " + ", ".join(labels.get(c, c) for c in missing) + "."
        raise ApplicationError(message, {"agendas": [message]})
    return [links[code] for code in codes]


@transaction.atomic
def contact_create(*, user, partnership: Partnership, agendas: Iterable[str] = (), **values) -> Contact:
    contact = Contact(partnership=partnership)
    _set(contact, CONTACT_FIELDS, values)
    require_write(user, contact)
    links = _agenda_links_for(partnership=partnership, agendas=agendas)
    _validate(contact)
    contact._history_user = user
    contact.save()
    contact.agenda_links.set(links)
    return contact


@transaction.atomic
def contact_update(*, user, contact: Contact, agendas: Iterable[str] | None = None, **values) -> Contact:
    require_write(user, contact)
    _set(contact, CONTACT_FIELDS, values)
    require_write(user, contact)  # a college user cannot move a contact to the NHS side
    links = _agenda_links_for(partnership=contact.partnership, agendas=agendas) if agendas is not None else None
    _validate(contact)
    contact._history_user = user
    contact.save()
    if links is not None:
        contact.agenda_links.set(links)
    return contact


@transaction.atomic
def contact_delete(*, user, contact: Contact) -> None:
    require_write(user, contact)
    contact._history_user = user
    contact.delete()


# --- activities ------------------------------------------------------------------------


@transaction.atomic
def activity_create(*, user, partnership: Partnership, **values) -> Activity:
    activity = Activity(partnership=partnership)
    _set(activity, ACTIVITY_FIELDS, values)
    require_write(user, activity)
    _validate(activity)
    activity._history_user = user
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, user, activity: Activity, **values) -> Activity:
    require_write(user, activity)
    if "partnership" in values:
        activity.partnership = values["partnership"]
        require_write(user, activity)
    _set(activity, ACTIVITY_FIELDS, values)
    _validate(activity)
    activity._history_user = user
    activity.save()
    return activity


@transaction.atomic
def activity_delete(*, user, activity: Activity) -> None:
    require_write(user, activity)
    activity._history_user = user
    activity.delete()


# --- case studies ----------------------------------------------------------------------


def _check_case_study_organisations(colleges, trusts) -> None:
    if not list(colleges or []) and not list(trusts or []):
        message = "Name at least one college or trust the case study is about."
        raise ApplicationError(message, {"colleges": [message]})


@transaction.atomic
def case_study_create(*, user, colleges: Iterable = (), trusts: Iterable = (), **values) -> CaseStudy:
    case_study = CaseStudy(written_by=user)
    _set(case_study, CASE_STUDY_FIELDS, values)
    require_write(user, case_study)
    colleges, trusts = list(colleges or []), list(trusts or [])
    _check_case_study_organisations(colleges, trusts)
    _validate(case_study)
    case_study.save()
    case_study.colleges.set(colleges)
    case_study.trusts.set(trusts)
    return case_study


@transaction.atomic
def case_study_update(*, user, case_study: CaseStudy, colleges: Iterable | None = None,
                      trusts: Iterable | None = None, **values) -> CaseStudy:
    require_write(user, case_study)
    _set(case_study, CASE_STUDY_FIELDS, values)
    require_write(user, case_study)  # a coordinator cannot hand a case study to another hub
    colleges = list(colleges) if colleges is not None else list(case_study.colleges.all())
    trusts = list(trusts) if trusts is not None else list(case_study.trusts.all())
    _check_case_study_organisations(colleges, trusts)
    _validate(case_study)
    case_study.save()
    case_study.colleges.set(colleges)
    case_study.trusts.set(trusts)
    return case_study


@transaction.atomic
def case_study_delete(*, user, case_study: CaseStudy) -> None:
    require_write(user, case_study)
    case_study.delete()


# --- demo data -------------------------------------------------------------------------

DEMO_PREFIX = "[Demo]"


@transaction.atomic
def hubs_demo_data_create(*, per_hub: int = 3) -> dict:
    """Generated partnerships, contacts, activities and case studies for every hub, labelled as demo.

    Safe to run again: once a hub has demo partnerships it gets no more. Returns what was added.
    """
    from trusts.models import Trust

    created = case_studies = 0
    today = dt.date.today()
    agendas_cycle = [
        [Agenda.WORKFORCE_AND_LEARNING, Agenda.APPRENTICESHIPS],
        [Agenda.LEADERSHIP, Agenda.ESTATES, Agenda.STUDENT_WELLBEING],
        [Agenda.WIDENING_PARTICIPATION, Agenda.CLINICAL_SERVICES],
    ]
    kinds = [ActivityKind.INDUSTRY_PLACEMENT, ActivityKind.CAREERS_EVENT, ActivityKind.GUARANTEED_INTERVIEWS]
    # Demo partnerships work on roles a college can train for (those with entry routes), in turn.
    roles = list(Occupation.objects.filter(entry_routes__isnull=False).distinct().order_by("name")[:6])
    teams = [CollegeTeam.SENIOR_LEADERSHIP, CollegeTeam.SENIOR_CURRICULUM_LEADERSHIP, CollegeTeam.STUDENT_SERVICES]
    for hub in Hub.objects.select_related("region"):
        if Partnership.objects.filter(college__hub=hub, summary__startswith=DEMO_PREFIX).exists():
            continue
        colleges = list(
            College.objects.filter(hub=hub, partnerships__isnull=True)
            .select_related("ics")
            .order_by(Case(When(pk=hub.host_college_id, then=0), default=1), "name")[:per_hub]
        )
        for number, college in enumerate(colleges):
            trust = Trust.objects.filter(ics=college.ics, closed_on__isnull=True).order_by("ods_code").first()
            partnership = Partnership(
                college=college, trust=trust, ics=college.ics,
                status=[PartnershipStatus.ACTIVE, PartnershipStatus.STRATEGIC, PartnershipStatus.EXPLORING][number % 3],
                started_on=today.replace(day=1) - dt.timedelta(days=400 + 90 * number),
                summary=f"{DEMO_PREFIX} Generated example partnership for trying the portal; not a real relationship.",
            )
            partnership.full_clean()
            partnership.save()
            created += 1
            codes = agendas_cycle[number % len(agendas_cycle)]
            links = [PartnershipAgenda.objects.create(partnership=partnership, agenda=code) for code in codes]
            if roles:
                PartnershipOccupation.objects.create(partnership=partnership, occupation=roles[created % len(roles)])
            college_contact = Contact.objects.create(
                partnership=partnership, side=ContactSide.COLLEGE, team=teams[number % len(teams)],
                name=f"Demo College Lead {number + 1}", job_title="Director of health curriculum (demo)",
                email=f"demo.college.{partnership.pk}@example.org",
            )
            nhs_contact = Contact.objects.create(
                partnership=partnership, side=ContactSide.TRUST, name=f"Demo NHS Lead {number + 1}",
                job_title="Head of widening participation (demo)", email=f"demo.nhs.{partnership.pk}@example.org",
            )
            for link in links:
                link.contacts.add(college_contact, nhs_contact)
            for year_back in range(2):
                for index, kind in enumerate(kinds):
                    offered = 10 + 5 * index
                    Activity.objects.create(
                        partnership=partnership, kind=kind,
                        happened_on=today.replace(day=1) - dt.timedelta(days=365 * year_back + 30 * index),
                        learners=20 + 10 * index, placements_offered=offered if kind == kinds[0] else 0,
                        placements_filled=offered - 2 if kind == kinds[0] else 0,
                        interviews_guaranteed=12 if kind == ActivityKind.GUARANTEED_INTERVIEWS else 0,
                        hires=3 * index, notes=f"{DEMO_PREFIX} generated figures.",
                    )
        if colleges and not CaseStudy.objects.filter(hub=hub, title__startswith=DEMO_PREFIX).exists():
            case_study = CaseStudy.objects.create(
                hub=hub,
                title=f"{DEMO_PREFIX} T Level placements shared across a hub",
                agenda=Agenda.WORKFORCE_AND_LEARNING,
                summary=f"{DEMO_PREFIX} A generated case study showing how the library reads; not a real account.",
                learners=60, placements_filled=40, hires=6,
            )
            case_study.colleges.set(colleges[:2])
            case_studies += 1
    return {"partnerships added": created, "case studies added": case_studies}
