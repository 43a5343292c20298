"""Template helpers shared by every page: NHS.UK form fields, navigation items, pagination."""

import copy

from django import forms, template
from django.urls import NoReverseMatch, reverse

from core.forms import PART_LABELS, PART_WIDTHS, DayMonthYearInput

register = template.Library()


def _widget_kind(widget) -> str:
    """The NHS component for a widget. CheckboxSelectMultiple is a RadioSelect in Django: test it first.
    A multiple select has no NHS component: its choices are checkboxes too (the same data comes back)."""
    if isinstance(widget, DayMonthYearInput):
        return "date"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.SelectMultiple)):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):  # also SelectMultiple and NullBooleanSelect
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


def _parts_in_error(bound_field) -> list[str]:
    """The inputs of a date to mark: those its error names (a missing month), else all of them."""
    parts = bound_field.field.widget.parts
    if not bound_field.errors:
        return []
    named = []
    for error in bound_field.errors.as_data():
        named += (error.params or {}).get("parts") or parts
    return [part for part in parts if part in named]


@register.filter
def field_anchor(bound_field) -> str:
    """The id the error summary links to: the input itself, the first option of a group, or the
    first input of a date that is in error (the day when the whole date is)."""
    kind = _widget_kind(bound_field.field.widget)
    if kind in ("radios", "checkboxes"):
        return f"{bound_field.auto_id}_0"
    if kind == "date":
        parts = _parts_in_error(bound_field) or bound_field.field.widget.parts
        return f"{bound_field.auto_id}_{parts[0]}"
    return bound_field.id_for_label or bound_field.auto_id


def _date_inputs(bound_field) -> list[dict]:
    widget = bound_field.field.widget
    wrong = _parts_in_error(bound_field)
    return [
        {
            "id": f"{bound_field.auto_id}_{part}",
            "name": f"{bound_field.html_name}_{part}",
            "label": PART_LABELS[part],
            "width": PART_WIDTHS[part],
            "value": text,
            "error": part in wrong,
        }
        for part, text in widget.part_values(bound_field.value())
    ]


def _options(bound_field, kind: str) -> list[dict]:
    return [
        {
            "id": option.id_for_label or f"{bound_field.auto_id}_{index}",
            "name": bound_field.html_name,
            "type": "checkbox" if kind == "checkboxes" else "radio",
            "value": option.data["value"],
            "checked": option.data["selected"],
            "label": option.choice_label,
        }
        for index, option in enumerate(bound_field.subwidgets)
    ]


def _character_limit(bound_field) -> tuple[int | None, int | None]:
    """(limit, threshold) of the NHS character count: every text area with a maximum length; a
    one-line text input when its form counts it (core.forms.ServiceManualFormMixin), the count then
    shown only from 75% of the limit."""
    field = bound_field.field
    limit = getattr(field, "max_length", None)
    if not limit:
        return None, None
    if isinstance(field.widget, forms.Textarea):
        return int(limit), None
    if isinstance(field.widget, forms.TextInput) and getattr(field, "character_count", False):
        return int(limit), 75
    return None, None


@register.inclusion_tag("includes/form_field.html")
def nhs_field(bound_field, label_size="", width="", show_optional=True, **attrs):
    """Render a Django form field as an NHS.UK form group: label, hint, inline error, control.

    `{% nhs_field form.name %}`; options: label_size="s|m|l", width="10" (nhsuk-input--width-10),
    show_optional=False drops the "(optional)" suffix (filter forms, where every field is optional),
    and any extra HTML attributes for the control, e.g. autocomplete="username".
    """
    widget = bound_field.field.widget
    kind = _widget_kind(widget)
    field_id = bound_field.auto_id
    limit, threshold = _character_limit(bound_field)
    described_by = [f"{field_id}-info"] if limit else []
    if bound_field.help_text:
        described_by.append(f"{field_id}-hint")
    if bound_field.errors:
        described_by.append(f"{field_id}-error")
    control = None
    if kind in ("input", "select", "textarea"):
        css = {"input": "nhsuk-input", "select": "nhsuk-select", "textarea": "nhsuk-textarea"}[kind]
        if bound_field.errors:
            css += f" {css}--error"
        if width and kind == "input":
            css += f" nhsuk-input--width-{width}"
        if widget.attrs.get("class"):  # the form's own, such as nhsuk-input--width-10
            css += f" {widget.attrs['class']}"
        widget_attrs = {"class": css, **attrs}
        if described_by:
            widget_attrs["aria-describedby"] = " ".join(described_by)
        if limit:
            widget_attrs["class"] += " nhsuk-js-character-count"
        if isinstance(widget, forms.DateInput) and not isinstance(widget, forms.DateTimeInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        # Never the maxlength attribute: a browser cuts longer text silently, the form says why it is refused.
        if "maxlength" in widget.attrs:
            widget = copy.copy(widget)
            widget.attrs = {name: value for name, value in widget.attrs.items() if name != "maxlength"}
        control = bound_field.as_widget(widget=widget, attrs=widget_attrs)
    elif kind == "checkbox":
        checkbox_attrs = {"class": "nhsuk-checkboxes__input", **attrs}
        if described_by:
            checkbox_attrs["aria-describedby"] = " ".join(described_by)
        control = bound_field.as_widget(attrs=checkbox_attrs)
    return {
        "field": bound_field,
        "kind": kind,
        "field_id": field_id,
        "control": control,
        "options": _options(bound_field, kind) if kind in ("radios", "checkboxes") else [],
        "date_inputs": _date_inputs(bound_field) if kind == "date" else [],
        "limit": limit,
        "threshold": threshold,
        "described_by": " ".join(described_by),
        "label_size": label_size,
        "optional": show_optional and not bound_field.field.required,
    }


@register.inclusion_tag("includes/nav_item.html", takes_context=True)
def nav_item(context, url_name, text, public=False, exact=False):
    """One primary-navigation link, shown only when its URL exists (apps may not be built yet)
    and, for anonymous visitors, only when the page is public. Marks the current section."""
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        href = reverse(url_name)
    except NoReverseMatch:
        href = None
    if href and not public and not (user and user.is_authenticated):
        href = None
    path = request.path if request else ""
    current = bool(href) and (path == href if exact or href == "/" else path.startswith(href))
    return {"href": href, "text": text, "current": current, "page": path == href}


@register.simple_tag
def elided_pages(page_obj, on_each_side=1, on_ends=1):
    """Page numbers with None where a gap (ellipsis) goes, for the NHS numbered pagination."""
    ellipsis = page_obj.paginator.ELLIPSIS
    return [
        None if number == ellipsis else number
        for number in page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    ]


@register.simple_tag
def url_or_empty(url_name, *args):
    """reverse() that answers "" instead of failing: for links to pages another app may not have yet."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def duration_in_words(value) -> str:
    """A timedelta as "30 minutes" or "2 hours" (for the sign-in lockout page)."""
    try:
        minutes = max(1, round(value.total_seconds() / 60))
    except AttributeError:
        return ""
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
