"""Reads of the field's vocabulary: occupations, apprenticeship standards, entry routes, progressions."""

from .models import ApprenticeshipStandard, EntryRoute, Occupation, Progression


def occupation_list():
    return Occupation.objects.all()


def apprenticeship_standard_list():
    return ApprenticeshipStandard.objects.all()


def entry_route_list():
    return EntryRoute.objects.select_related("occupation", "apprenticeship_standard")


def progression_list():
    return Progression.objects.select_related("from_occupation", "to_occupation")
