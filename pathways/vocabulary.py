"""The field's vocabulary that is not a table: qualification types, their default completion
rates, levels and rates, and the month and academic-year arithmetic every rule uses."""

import calendar
import datetime as dt
import functools
import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

ACADEMIC_YEAR_RE = re.compile(r"^(20[0-9]{2})/([0-9]{2})$")


class QualificationType(models.TextChoices):
    T_LEVEL = "t_level", "T Level"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    DIPLOMA = "diploma", "Vocational diploma"
    ACCESS_TO_HE = "access_to_he", "Access to HE"
    FOUNDATION_DEGREE = "foundation_degree", "Foundation degree"
    HNC_HND = "hnc_hnd", "HNC / HND"
    SHORT_COURSE = "short_course", "Short course"
    OTHER = "other", "Other"


# Share of starters expected to complete when an offer gives no rate of its own. Indicative
# planning assumptions (stated on the methodology page), editable here in one place.
DEFAULT_COMPLETION_RATES = {
    QualificationType.T_LEVEL: Decimal("0.80"),
    QualificationType.APPRENTICESHIP: Decimal("0.55"),
    QualificationType.DIPLOMA: Decimal("0.80"),
    QualificationType.ACCESS_TO_HE: Decimal("0.75"),
    QualificationType.FOUNDATION_DEGREE: Decimal("0.75"),
    QualificationType.HNC_HND: Decimal("0.75"),
    QualificationType.SHORT_COURSE: Decimal("0.90"),
    QualificationType.OTHER: Decimal("0.70"),
}

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(8)]
RATE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(1)]


def add_months(day: dt.date, months: int) -> dt.date:
    """Add months keeping the day of the month, clipped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=256)  # a pure function of a short text, asked once per offer of a bulk request
def academic_year_bounds(academic_year: str) -> tuple[dt.date, dt.date]:
    """'2026/27' -> (1 August 2026, 31 July 2027). Raises ValueError when malformed."""
    match = ACADEMIC_YEAR_RE.match(academic_year or "")
    if not match:
        raise ValueError("An academic year is written like 2026/27.")
    first = int(match.group(1))
    if int(match.group(2)) != (first + 1) % 100:
        raise ValueError(f"The second part of {academic_year} must be the next year ({(first + 1) % 100:02d}).")
    return dt.date(first, 8, 1), dt.date(first + 1, 7, 31)
