"""Base querysets for the geography and trusts: one per model, used by pages and API alike."""

from django.db.models import Count, F, Q

from .models import IntegratedCareSystem, Region, Trust, Vacancy, ics_short_name


def region_list():
    return Region.objects.annotate(ics_count=Count("integrated_care_systems", distinct=True)).order_by("name")


def integrated_care_system_list():
    return IntegratedCareSystem.objects.select_related("region", "succeeded_by").annotate(
        trust_count=Count("trusts", filter=Q(trusts__closed_on__isnull=True), distinct=True),
        college_count=Count("colleges", distinct=True),
    ).order_by("name")


def trust_list():
    return Trust.objects.select_related("ics", "ics__region")


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
    """(code, short name) of every board, for pickers and filters."""
    return [
        (code, ics_short_name(name))
        for code, name in IntegratedCareSystem.objects.order_by("name").values_list("code", "name")
    ]



def occupation_choices():
    from pathways.models import Occupation

    return list(Occupation.objects.order_by("name").values_list("code", "name"))
