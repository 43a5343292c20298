"""Form fields to the NHS service manual, shared by every app's forms (ground: imports no app).

- `PlanningDateField` with the `DayMonthYearInput` widget: the three-field date input (day, month,
  year) instead of the browser's date picker, with the manual's errors ("Start date must include a
  month", "Start date must be a real date") and the plausible range of `core.dates`.
- `PlanningMonthField` with `MonthYearInput`: month and year only, for a month such as a vacancy
  period; its value is the first day of that month.
- `ServiceManualFormMixin`: put first in a form's bases. It gives every plain date field the date
  input above, and every text field with a maximum length a clear error naming the field and the
  limit ("Summary must be 2,000 characters or fewer") instead of the browser cutting the text.

The shared field template (`{% nhs_field %}`, templates/includes/form_field.html) chooses the NHS
component from the widget: these widgets render as `nhsuk-date-input`; a text area with a maximum
length (and a one-line text input this mixin limits) as `nhsuk-character-count`.
"""

import datetime as dt
import re

from django import forms
from django.core.validators import MaxLengthValidator

from core.dates import validate_planning_date

MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
PART_LABELS = {"day": "Day", "month": "Month", "year": "Year"}
PART_WIDTHS = {"day": 2, "month": 2, "year": 4}
_SEPARATORS = re.compile(r"[\s/.\-]+")


class DayMonthYearInput(forms.MultiWidget):
    """Three text inputs named `<name>_day`, `<name>_month`, `<name>_year`.

    A request that sends none of them but the field's own name (a script posting `2026-09-07`
    or `07/09/2026`) is read from that one value instead.
    """

    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(getattr(value, part)) for part in self.parts]
        if isinstance(value, str) and value:
            return _split(value, self.parts) or [value, *([""] * (len(self.parts) - 1))]
        return ["" for _ in self.parts]

    def value_from_datadict(self, data, files, name):
        names = [f"{name}_{part}" for part in self.parts]
        if not any(part_name in data for part_name in names) and name in data:
            return data.get(name)
        return [data.get(part_name, "") for part_name in names]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in self.parts)

    def part_values(self, value) -> list[tuple[str, str]]:
        """(part, text) for each input: what was typed, or the parts of a date."""
        values = value if isinstance(value, (list, tuple)) else self.decompress(value)
        return list(zip(self.parts, [("" if text is None else str(text)) for text in values], strict=False))


class MonthYearInput(DayMonthYearInput):
    parts = ("month", "year")


def _split(text: str, parts: tuple[str, ...]) -> list[str] | None:
    """'2026-09-07' or '7/9/2026' (a month also '2026-09' or '9/2026') as texts in `parts` order;
    None when the text has another shape."""
    pieces = [piece for piece in _SEPARATORS.split(text.strip()) if piece]
    if pieces and len(pieces[0]) == 4 and pieces[0].isdigit():  # ISO: year first
        pieces = pieces[::-1]
    if len(pieces) == 3 and parts == ("month", "year"):
        pieces = pieces[1:]  # a whole date names its month
    return pieces if len(pieces) == len(parts) else None


def _label(field) -> str:
    return (field.label or "Date").replace("%", "%%")


class PlanningDateField(forms.Field):
    """A date typed as day, month and year, inside the plausible range of `core.dates`."""

    widget = DayMonthYearInput
    default_validators = [validate_planning_date]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parts = self.widget.parts
        label = _label(self)
        if isinstance(value, str):
            value = _split(value, parts)
            if value is None:
                raise forms.ValidationError(f"{label} must be a real date", code="invalid", params={"parts": parts})
        texts = dict(zip(parts, [str(text or "").strip() for text in value], strict=False))
        missing = [part for part in parts if not texts.get(part)]
        if len(missing) == len(parts):
            return None
        if missing:
            raise forms.ValidationError(
                f"{label} must include a {' and '.join(missing)}", code="incomplete", params={"parts": missing}
            )
        numbers = {}
        for part in parts:
            text = texts[part]
            if part == "month" and text.lower() in MONTH_NAMES:
                numbers[part] = MONTH_NAMES[text.lower()]
            elif text.isdigit() and text.isascii():
                numbers[part] = int(text)
            else:
                raise forms.ValidationError(
                    f"{label} must be a real date", code="invalid", params={"parts": [part]}
                )
        if len(texts["year"]) != 4:
            raise forms.ValidationError(
                f"{label} must include a year with 4 numbers, like {dt.date.today().year}",
                code="invalid_year", params={"parts": ["year"]},
            )
        try:
            return dt.date(numbers["year"], numbers["month"], numbers.get("day", 1))
        except ValueError:
            if not 1 <= numbers["month"] <= 12:
                wrong = ["month"]
            elif "day" in numbers and numbers["year"] >= dt.MINYEAR:
                wrong = ["day"]
            else:
                wrong = list(parts)
            raise forms.ValidationError(
                f"{label} must be a real date", code="invalid", params={"parts": wrong}
            ) from None

    def validate(self, value):
        if value is None and self.required:
            message = self.error_messages["required"]
            if message == forms.Field.default_error_messages["required"]:
                label = self.label or "date"
                message = f"Enter the {label[:1].lower()}{label[1:]}"
            raise forms.ValidationError(message, code="required")


class PlanningMonthField(PlanningDateField):
    """A month typed as month and year; its value is the first day of that month."""

    widget = MonthYearInput


def _counted_message(label: str, limit: int) -> str:
    return f"{label.replace('%', '%%')} must be {limit:,} characters or fewer"


class LineCountingMaxLengthValidator(MaxLengthValidator):
    """Counts a new line as one character, as the browser (and the NHS character count) does."""

    def clean(self, x):
        return len(x.replace("\r\n", "\n"))


class ServiceManualFormMixin:
    """Put first in a form's bases (`class F(ServiceManualFormMixin, forms.ModelForm)`).

    - every plain `forms.DateField` becomes a `PlanningDateField` (its label, hint, required
      message and initial kept): the three-field date input with the plausible range;
    - every text field with a maximum length refuses longer text with an error naming the field
      and the limit. The page shows the limit (the NHS character count, on a one-line input only
      from 75% of it) and never lets the browser cut the text short.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._counted = []
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField):  # not a DateTimeField: that is no DateField
                self.fields[name] = field = self._planning_date(field)
            if isinstance(field, forms.CharField) and field.max_length is not None:
                self._limit_length(field, self[name].label)
                self._counted.append(name)

    def clean(self):
        # A browser sends each new line of a text area as CR LF, but counts it (and shows it) as one
        # character: keep one, so the limit the page counts is the limit the form checks.
        cleaned = super().clean()
        for name in self._counted:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned

    @staticmethod
    def _planning_date(field: forms.DateField) -> PlanningDateField:
        required = field.error_messages.get("required")
        messages = {} if required == forms.Field.default_error_messages["required"] else {"required": required}
        extra = [v for v in field.validators if v is not validate_planning_date]
        return PlanningDateField(
            required=field.required, label=field.label, help_text=field.help_text, initial=field.initial,
            error_messages=messages, validators=extra, disabled=field.disabled,
        )

    @staticmethod
    def _limit_length(field: forms.CharField, label: str) -> None:
        limit = int(field.max_length)
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(LineCountingMaxLengthValidator(limit, message=_counted_message(label, limit)))
        field.widget.attrs.pop("maxlength", None)
        field.character_count = True  # the page shows the NHS character count
        if field.required and field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
            field.error_messages["required"] = f"Enter the {label[:1].lower()}{label[1:]}"
