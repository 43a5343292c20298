"""Base querysets for the geography and trusts: one per model, used by pages and API alike."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Prefetch, Q
from django.utils import timezone

from .models import (
    BoardSuccession,
    IntegratedCareSystem,
    Region,
    Trust,
    TrustBoard,
    Vacancy,
    ics_short_name,
    open_on_q,
)


def region_list():
    return Region.objects.annotate(ics_count=Count("integrated_care_systems", distinct=True)).order_by("name")


def successions_prefetch():
    """Each board's successors (largest share first) and predecessors, two queries for any number of boards:
    `ics.successors` and `ics.predecessor_rows` (lists of BoardSuccession with the other board loaded)."""
    return (
        Prefetch("successions_out", to_attr="successors",
                 queryset=BoardSuccession.objects.select_related("successor").order_by("-share", "successor__code")),
        Prefetch("successions_in", to_attr="predecessor_rows",
                 queryset=BoardSuccession.objects.select_related("predecessor").order_by("predecessor__code")),
    )


def integrated_care_system_list():
    return IntegratedCareSystem.objects.select_related("region").prefetch_related(*successions_prefetch()).annotate(
        trust_count=Count("trusts", filter=Q(trusts__closed_on__isnull=True), distinct=True),
        college_count=Count("colleges", distinct=True),
    ).order_by("name")


def memberships_prefetch(model):
    """A trust's or college's memberships in date order with their boards (`boards`), one query."""
    return Prefetch("boards", queryset=model.objects.select_related("ics").order_by(
        F("valid_from").asc(nulls_first=True)))


def trust_list():
    return Trust.objects.select_related("ics", "ics__region").prefetch_related(memberships_prefetch(TrustBoard))


def vacancy_list():
    return Vacancy.objects.select_related("trust", "ics", "ics__region", "occupation")


def vacancy_values(rows):
    """`rows` (vacancies) as dicts, for the API's list: the row's own columns and the natural keys
    `trust_code`, `ics_code`, `occupation_code`, with no model instances."""
    return rows.values(
        "id", "sector", "period", "vacancies_fte", "staff_in_post_fte", "synthetic",
        trust_code=F("trust__ods_code"), ics_code=F("ics__code"), occupation_code=F("occupation__code"),
    )


def region_choices():
    return list(Region.objects.order_by("name").values_list("code", "name"))


def ics_choices():
    """(code, short name) of every board, for filters: the boards open today, then the closed ones
    (marked closed), so that old records stay findable."""
    today = timezone.localdate()
    rows = IntegratedCareSystem.objects.annotate(is_open=ExpressionWrapper(open_on_q(today), BooleanField()))
    return [
        (code, ics_short_name(name) if is_open else f"{ics_short_name(name)} (closed)")
        for code, name, is_open in rows.order_by("-is_open", "name").values_list("code", "name", "is_open")
    ]


def current_ics_choices():
    """(code, short name) of the boards open today, for pickers that create new records."""
    return [
        (code, ics_short_name(name))
        for code, name in IntegratedCareSystem.objects.current().order_by("name").values_list("code", "name")
    ]



def occupation_choices():
    from pathways.models import Occupation

    return list(Occupation.objects.order_by("name").values_list("code", "name"))
