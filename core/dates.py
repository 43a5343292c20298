"""The one plausible range for dates users enter: course starts, vacancy months, activities,
partnership starts and the `as_of` of a gap report. Outside it a date is a typing slip
(07/09/2062, 9999-12-31), not a plan, and is refused with a message naming the range."""

import datetime as dt

from django.core.exceptions import ValidationError

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 10


def latest(today: dt.date | None = None) -> dt.date:
    """31 December of the year ten years from today."""
    today = today or dt.date.today()
    return dt.date(today.year + YEARS_AHEAD, 12, 31)


def range_message(today: dt.date | None = None) -> str:
    return f"Enter a date between {EARLIEST:%-d %B %Y} and {latest(today):%-d %B %Y}."


def validate_planning_date(value: dt.date) -> None:
    """Model and form field validator: refuse dates outside EARLIEST..latest()."""
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    if not EARLIEST <= value <= latest():
        raise ValidationError(range_message(), code="date_out_of_range")
