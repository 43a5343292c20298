"""Reads of the field's vocabulary: occupations, apprenticeship standards, entry routes, progressions and the
default completion rates."""

from dataclasses import dataclass
from decimal import Decimal

from .models import ApprenticeshipStandard, CompletionRate, EntryRoute, Occupation, Progression
from .vocabulary import DEFAULT_COMPLETION_RATES, QualificationType


def occupation_list():
    return Occupation.objects.all()


def apprenticeship_standard_list():
    return ApprenticeshipStandard.objects.all()


def entry_route_list():
    return EntryRoute.objects.select_related("occupation", "apprenticeship_standard")


def progression_list():
    return Progression.objects.select_related("from_occupation", "to_occupation")


def completion_rate_list():
    return CompletionRate.objects.all()


@dataclass(frozen=True)
class CompletionRateShown:
    """A default completion rate as the pages show it: from the table, or the seed value."""

    qualification_type: str
    label: str
    rate: Decimal
    rate_low: Decimal
    rate_high: Decimal
    basis: str = ""
    pk: int | None = None  # None for a seed value (no row to edit)


def completion_rates_shown() -> list[CompletionRateShown]:
    """The default completion rates of the CompletionRate table (1 query); only when the table is empty, the
    seed values of vocabulary.DEFAULT_COMPLETION_RATES, each with its range equal to it."""
    rows = [
        CompletionRateShown(rate.qualification_type, rate.get_qualification_type_display(), rate.rate,
                            rate.rate_low, rate.rate_high, rate.basis, rate.pk)
        for rate in completion_rate_list()
    ]
    if rows:
        return rows
    return [
        CompletionRateShown(str(kind), QualificationType(kind).label, rate, rate, rate,
                            "The portal's seed value (no rate is stored).")
        for kind, rate in DEFAULT_COMPLETION_RATES.items()
    ]
