"""Form fields to the NHS service manual (core.forms, rendered by {% nhs_field %}): the three-field
date input and its errors, the plausible range, character counts and checkboxes."""

import datetime as dt
import re

import pytest
from django import forms
from django.template import Context, Template

from core.dates import range_message
from core.forms import PlanningMonthField, ServiceManualFormMixin
from tests.form_data import date_parts


class _PlanForm(ServiceManualFormMixin, forms.Form):
    start_date = forms.DateField(label="Start date", help_text="For example, 7 9 2026")
    ended_on = forms.DateField(label="End date", required=False)
    period = PlanningMonthField(label="Month", required=False)
    summary = forms.CharField(label="Summary", max_length=2000, widget=forms.Textarea)
    title = forms.CharField(label="Title", max_length=20, required=False)
    agendas = forms.MultipleChoiceField(
        label="Agendas", choices=[("cpd", "CPD"), ("estates", "Estates")], widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _valid(**data) -> dict:
    return {**date_parts("start_date", 7, 9, 2026), "summary": "Placements", **data}


def _errors(data) -> dict:
    form = _PlanForm(data)
    assert not form.is_valid()
    return form.errors


def _render(data=None) -> str:
    template = Template(
        '{% load portal_tags %}{% include "includes/error_summary.html" %}'
        "{% for f in form %}{% nhs_field f %}{% endfor %}"
    )
    form = _PlanForm(data) if data is not None else _PlanForm()
    return re.sub(r"\s+", " ", template.render(Context({"form": form})))


# --- three-field dates: parsing --------------------------------------------------------------------


def test_a_date_is_read_from_its_day_month_and_year_inputs():
    form = _PlanForm(_valid())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == dt.date(2026, 9, 7)


@pytest.mark.parametrize(
    "day, month, year", [(" 07 ", "09", "2026"), ("7", "Sept", "2026"), ("7", "september", "2026")]
)
def test_leading_zeros_spaces_and_month_names_are_accepted(day, month, year):
    form = _PlanForm(_valid(**date_parts("start_date", day, month, year)))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == dt.date(2026, 9, 7)


@pytest.mark.parametrize("text", ["2026-09-07", "07/09/2026", "7/9/2026"])
def test_a_script_posting_one_value_under_the_fields_name_is_read_too(text):
    data = {"start_date": text, "summary": "Placements"}
    form = _PlanForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == dt.date(2026, 9, 7)


def test_an_optional_date_left_empty_is_none():
    form = _PlanForm(_valid(**date_parts("ended_on")))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["ended_on"] is None


# --- three-field dates: each error ----------------------------------------------------------------


def test_an_empty_required_date_asks_for_it_by_name():
    assert _errors(_valid(**date_parts("start_date")))["start_date"] == ["Enter the start date"]


@pytest.mark.parametrize(
    "parts, message",
    [
        ((7, "", 2026), "Start date must include a month"),
        (("", 9, 2026), "Start date must include a day"),
        ((7, 9, ""), "Start date must include a year"),
        (("", "", 2026), "Start date must include a day and month"),
    ],
)
def test_a_date_missing_a_part_says_which(parts, message):
    assert _errors(_valid(**date_parts("start_date", *parts)))["start_date"] == [message]


@pytest.mark.parametrize("parts", [(31, 2, 2026), (7, 13, 2026), ("seven", 9, 2026), (0, 9, 2026), (7, "9a", 2026)])
def test_a_date_that_does_not_exist_must_be_a_real_date(parts):
    assert _errors(_valid(**date_parts("start_date", *parts)))["start_date"] == ["Start date must be a real date"]


def test_a_two_digit_year_asks_for_four_numbers():
    errors = _errors(_valid(**date_parts("start_date", 7, 9, 26)))["start_date"]
    assert errors == [f"Start date must include a year with 4 numbers, like {dt.date.today().year}"]


def test_a_date_out_of_the_plausible_range_is_refused_with_the_range():
    # given a start in 2099, a typing slip for 2029
    errors = _errors(_valid(**date_parts("start_date", 1, 9, 2099)))
    # then the form refuses it before any model sees it
    assert errors["start_date"] == [range_message()]
    assert _errors(_valid(**date_parts("start_date", 31, 12, 1999)))["start_date"] == [range_message()]


def test_a_script_posting_an_impossible_single_value_gets_the_real_date_error():
    assert _errors({"start_date": "2026-02-30", "summary": "x"})["start_date"] == ["Start date must be a real date"]
    assert _errors({"start_date": "soon", "summary": "x"})["start_date"] == ["Start date must be a real date"]


# --- month and year only ------------------------------------------------------------------------


def test_a_month_is_read_from_month_and_year_as_its_first_day():
    form = _PlanForm(_valid(period_month="6", period_year="2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == dt.date(2026, 6, 1)


def test_a_month_missing_its_year_says_so():
    assert _errors(_valid(period_month="6", period_year=""))["period"] == ["Month must include a year"]


def test_a_month_posted_as_one_iso_date_is_read_as_its_month():
    form = _PlanForm(_valid(period="2026-06-01"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == dt.date(2026, 6, 1)


def test_a_month_renders_only_month_and_year_inputs():
    html = _render()
    assert 'name="period_month"' in html and 'name="period_year"' in html and 'name="period_day"' not in html


# --- character counts -----------------------------------------------------------------------------


def test_over_long_text_is_refused_naming_the_field_and_the_limit():
    errors = _errors(_valid(summary="x" * 2001, title="y" * 21))
    assert errors["summary"] == ["Summary must be 2,000 characters or fewer"]
    assert errors["title"] == ["Title must be 20 characters or fewer"]


def test_text_at_the_limit_is_kept_whole():
    form = _PlanForm(_valid(summary="x" * 2000))
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["summary"]) == 2000


def test_a_new_line_counts_as_one_character_as_the_page_counts_it():
    # given 2,000 characters typed, ten of them new lines, which the browser sends as CR LF
    text = ("x" * 199 + "\r\n") * 10
    form = _PlanForm(_valid(summary=text))
    # then
    assert form.is_valid(), form.errors
    assert form.cleaned_data["summary"] == ("x" * 199 + "\n") * 9 + "x" * 199  # the last new line is stripped


def test_a_text_area_with_a_limit_renders_the_nhs_character_count_and_no_maxlength():
    html = _render()
    assert (
        'class="nhsuk-form-group nhsuk-character-count" data-module="nhsuk-character-count" data-maxlength="2000"'
        in html
    )
    assert 'class="nhsuk-textarea nhsuk-js-character-count"' in html
    assert 'aria-describedby="id_summary-info"' in html
    assert '<div class="nhsuk-hint nhsuk-character-count__message" id="id_summary-info">You can enter up to 2,000 ' \
           "characters</div>" in html
    assert " maxlength=" not in html  # the browser never cuts text short


def test_an_over_long_text_area_shows_the_error_in_the_character_count():
    html = _render(_valid(summary="x" * 2001))
    assert "nhsuk-form-group--error nhsuk-character-count" in html
    assert 'class="nhsuk-textarea nhsuk-textarea--error nhsuk-js-character-count"' in html
    assert 'aria-describedby="id_summary-info id_summary-error"' in html
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>Summary must be 2,000 characters or fewer' in html
    assert '<a href="#id_summary">Summary must be 2,000 characters or fewer</a>' in html


# --- date input markup and the error summary ------------------------------------------------------


def test_a_date_renders_as_the_nhs_date_input_in_a_fieldset_with_a_legend():
    html = _render()
    assert (
        '<fieldset class="nhsuk-fieldset" role="group" aria-describedby="id_start_date-hint"> '
        '<legend class="nhsuk-fieldset__legend"> Start date </legend>' in html
    )
    assert '<div class="nhsuk-date-input" id="id_start_date">' in html
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        assert (
            f'<label class="nhsuk-label nhsuk-date-input__label" for="id_start_date_{part}">'
            f"{part.capitalize()}</label> "
            f'<input class="nhsuk-input nhsuk-input--width-{width} nhsuk-date-input__input" '
            f'id="id_start_date_{part}" name="start_date_{part}" type="text" inputmode="numeric">' in html
        )
    assert 'type="date"' not in html


def test_a_date_missing_its_month_marks_only_the_month_and_the_summary_links_to_it():
    html = _render(_valid(**date_parts("start_date", 7, "", 2026)))
    assert '<a href="#id_start_date_month">Start date must include a month</a>' in html
    assert 'aria-describedby="id_start_date-hint id_start_date-error"' in html
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>Start date must include a month' in html
    assert (
        'class="nhsuk-input nhsuk-input--error nhsuk-input--width-2 nhsuk-date-input__input" id="id_start_date_month"'
        in html
    )
    assert 'class="nhsuk-input nhsuk-input--width-2 nhsuk-date-input__input" id="id_start_date_day"' in html
    assert 'id="id_start_date_day" name="start_date_day" type="text" value="7"' in html  # what was typed stays


def test_a_whole_date_in_error_marks_every_input_and_the_summary_links_to_the_day():
    html = _render(_valid(**date_parts("start_date", 1, 9, 2099)))
    assert f'<a href="#id_start_date_day">{range_message()}</a>' in html
    assert html.count("nhsuk-input--error") == 3


def test_a_date_is_shown_back_in_its_three_inputs():
    form = _PlanForm(initial={"start_date": dt.date(2026, 9, 7)})
    html = re.sub(r"\s+", " ", Template("{% load portal_tags %}{% nhs_field form.start_date %}").render(
        Context({"form": form})))
    assert 'name="start_date_day" type="text" value="7"' in html
    assert 'name="start_date_month" type="text" value="9"' in html
    assert 'name="start_date_year" type="text" value="2026"' in html


# --- checkboxes -----------------------------------------------------------------------------------


def test_multiple_choices_render_as_nhs_checkboxes_not_radios():
    html = _render(_valid(agendas=["estates"]))
    assert '<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">' in html
    assert (
        '<div class="nhsuk-checkboxes__item"> <input class="nhsuk-checkboxes__input" id="id_agendas_1" '
        'name="agendas" type="checkbox" value="estates" checked> '
        '<label class="nhsuk-label nhsuk-checkboxes__label" for="id_agendas_1">Estates</label>' in html
    )
    assert "nhsuk-radios" not in html
    assert '<legend class="nhsuk-fieldset__legend"> Agendas (optional) </legend>' in html


def test_a_multiple_select_renders_as_nhs_checkboxes_and_reads_the_ticked_ones():
    # given a form written with Django's default multiple select
    class OccupationsForm(forms.Form):
        occupations = forms.MultipleChoiceField(
            label="Occupations", choices=[("nurse", "Registered nurse"), ("hcsw", "Healthcare support worker")]
        )

    form = OccupationsForm({"occupations": ["hcsw"]})
    # when
    html = re.sub(r"\s+", " ", Template("{% load portal_tags %}{% nhs_field form.occupations %}").render(
        Context({"form": form})))
    # then it is a fieldset of checkboxes, the ticked one checked, and the form reads it
    assert "<select" not in html and '<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">' in html
    assert '<legend class="nhsuk-fieldset__legend"> Occupations </legend>' in html
    assert 'id="id_occupations_1" name="occupations" type="checkbox" value="hcsw" checked' in html
    assert '<label class="nhsuk-label nhsuk-checkboxes__label" for="id_occupations_0">Registered nurse</label>' in html
    assert form.is_valid() and form.cleaned_data["occupations"] == ["hcsw"]


def test_a_one_line_text_input_with_a_limit_counts_from_three_quarters_of_it():
    html = _render()
    assert (
        'class="nhsuk-form-group nhsuk-character-count" data-module="nhsuk-character-count" data-maxlength="20" '
        'data-threshold="75"' in html
    )
    assert 'class="nhsuk-input nhsuk-js-character-count" aria-describedby="id_title-info"' in html
    assert 'id="id_title-info">You can enter up to 20 characters</div>' in html


def test_a_form_without_the_mixin_still_never_renders_maxlength():
    class LoginLikeForm(forms.Form):
        username = forms.CharField(label="Username", max_length=150)

    html = Template("{% load portal_tags %}{% nhs_field form.username %}").render(Context({"form": LoginLikeForm()}))
    assert " maxlength=" not in html and "nhsuk-character-count" not in html
