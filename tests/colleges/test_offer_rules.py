"""colleges.models.offer_rules: the rules across an offer's fields, over plain values, as CourseOffer.clean
applies them (one place for both the single write and the bulk path)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from colleges.models import CourseOffer, offer_rules
from tests.factories import ApprenticeshipStandardFactory


def rules(**values):
    given = {"academic_year": "2026/27", "start_date": dt.date(2026, 9, 7), "qualification_type": "t_level",
             "standard": None, "level": 3, **values}
    return offer_rules(**given)


def test_a_valid_offer_keeps_its_level_and_breaks_no_rule():
    assert rules() == (3, {})


def test_an_apprenticeship_without_a_level_takes_its_standards_level(db):
    standard = ApprenticeshipStandardFactory(level=5)
    assert rules(qualification_type="apprenticeship", standard=standard, level=None) == (5, {})


def test_a_start_date_outside_the_academic_year_is_named_with_the_years_bounds():
    _, errors = rules(start_date=dt.date(2027, 8, 1))
    assert errors == {"start_date": "The start date must fall inside 2026/27 (1 August 2026 to 31 July 2027)."}


def test_clean_raises_what_the_rules_say_field_by_field():
    offer = CourseOffer(academic_year="2026/27", start_date=dt.date(2026, 9, 7), qualification_type="apprenticeship",
                        level=None)
    with pytest.raises(ValidationError) as caught:
        offer.clean()
    assert caught.value.message_dict == {
        "apprenticeship_standard": ["An apprenticeship offer must name its apprenticeship standard."]
    }
