"""Bulk items are checked with CourseOfferSerializer's own answers: the fast plan of
core.bulk_validation gives, item by item, exactly what the serializer gives."""

import pytest
from rest_framework import serializers

from colleges.api.serializers import CourseOfferSerializer, prefetch_natural_keys, validate_offer_items
from tests.factories import ApprenticeshipStandardFactory, CollegeFactory, IntegratedCareSystemFactory

BASE = {
    "course_code": "TL-1", "title": "T Level in Health", "qualification_type": "t_level", "level": 3,
    "academic_year": "2026/27", "start_date": "2026-09-07", "duration_months": 24, "planned_places": 30,
}
VARIANTS = [
    {}, {"level": "3"}, {"level": True}, {"level": 9}, {"level": None}, {"title": "  Padded title  "},
    {"title": "Santé et soins"}, {"title": "bad \ud800 text"}, {"title": "nul \x00 here"}, {"title": ""},
    {"title": "x" * 201}, {"course_code": 12}, {"qualification_type": "tlevel"}, {"qualification_type": None},
    {"academic_year": "2026-27"}, {"academic_year": " 2026/27 "}, {"start_date": "2026-9-7"},
    {"start_date": "07/09/2026"}, {"start_date": "2026-02-30"}, {"duration_months": 0}, {"duration_months": 72},
    {"duration_months": 73}, {"duration_months": 24.0}, {"planned_places": -1}, {"planned_places": "30"},
    {"expected_completion_rate": "0.85"}, {"expected_completion_rate": 0.85}, {"expected_completion_rate": "1.5"},
    {"expected_completion_rate": "0.12345"}, {"expected_completion_rate": "1"}, {"expected_completion_rate": None},
    {"expected_completion_rate": "NaN"}, {"apprenticeship_standard": "ST0216"}, {"apprenticeship_standard": "ST9999"},
    {"apprenticeship_standard": ["ST0216"]}, {"delivery_ics": "QE1"}, {"delivery_ics": ""}, {"college": "10000001"},
    {"college": "19999999"}, {"id": 5, "ics": "QE1", "completion_date": "2028-09-07"}, {"unknown": "ignored"},
]


@pytest.mark.parametrize("variant", VARIANTS, ids=[repr(v)[:40] for v in VARIANTS])
def test_each_item_gets_exactly_the_serializers_answer(db, variant):
    # given
    CollegeFactory(ukprn="10000001")
    ApprenticeshipStandardFactory(reference="ST0216", level=2)
    IntegratedCareSystemFactory(code="QE1")
    item = {**BASE, **variant}
    expected_context, context = {}, {}
    prefetch_natural_keys(CourseOfferSerializer, [item], expected_context)
    try:
        expected = ("valid", dict(CourseOfferSerializer(context=expected_context).run_validation(item)))
    except serializers.ValidationError as exc:
        expected = ("invalid", exc.detail)
    # when
    rows, errors = validate_offer_items([item], context=context)
    # then
    assert (("valid", dict(rows[0])) if rows else ("invalid", errors[0])) == expected


def test_a_required_field_left_out_gets_the_serializers_message(db):
    item = {name: value for name, value in BASE.items() if name != "title"}
    rows, errors = validate_offer_items([item], context={})
    assert not rows and errors[0]["title"] == ["This field is required."]
