"""core.upsert.build: an unsaved instance made as `model(**values)` makes it, without Django's
per-field descriptor work (bulk requests build thousands)."""

import datetime as dt
from decimal import Decimal

import pytest

from colleges.models import College, CourseOffer
from core.upsert import build
from pathways.models import ApprenticeshipStandard
from tests.factories import ApprenticeshipStandardFactory, CollegeFactory, IntegratedCareSystemFactory
from trusts.models import IntegratedCareSystem


def _state(obj) -> tuple:
    attributes = {name: value for name, value in vars(obj).items() if name != "_state"}
    return attributes, obj._state.adding, obj._state.db, dict(obj._state.fields_cache)


def _offer_values(**changes) -> dict:
    return {
        "course_code": "HSC-1", "title": "Health", "qualification_type": "t_level", "level": 3,
        "academic_year": "2026/27", "start_date": dt.date(2026, 9, 7), "duration_months": 24,
        "planned_places": 20, "expected_completion_rate": Decimal("0.8500"), **changes,
    }


def test_an_offer_built_is_the_offer_the_model_makes_with_related_objects_cached(db):
    # given saved related objects, one relation left null
    values = _offer_values(college=CollegeFactory(), delivery_ics=IntegratedCareSystemFactory(),
                           apprenticeship_standard=None)
    # when
    built, made = build(CourseOffer, values), CourseOffer(**values)
    # then
    assert _state(built) == _state(made)
    assert built.college is values["college"]
    assert built.apprenticeship_standard is None


def test_fields_left_out_take_their_defaults_and_related_keys_may_be_given_by_attname(db):
    # given
    college = CollegeFactory()
    values = {"college_id": college.pk, "course_code": "X", "academic_year": "2026/27"}
    # when
    built, made = build(CourseOffer, values), CourseOffer(**values)
    # then
    assert _state(built) == _state(made)
    assert built.college == college  # fetched, as the model's own instance fetches it


def test_unsaved_related_objects_get_the_database_state_the_model_gives_them():
    # given (no database: the objects are never saved)
    left, right = ApprenticeshipStandard(reference="ST0001", level=3), ApprenticeshipStandard(reference="ST0001",
                                                                                               level=3)
    # when
    built = build(CourseOffer, _offer_values(college=College(ukprn="10000001"), apprenticeship_standard=left))
    made = CourseOffer(**_offer_values(college=College(ukprn="10000001"), apprenticeship_standard=right))
    # then
    assert built._state.db == made._state.db
    assert left._state.db == right._state.db
    assert built.apprenticeship_standard_id is None and made.apprenticeship_standard_id is None


def test_a_related_object_of_the_wrong_kind_is_refused_as_the_model_refuses_it(db):
    with pytest.raises(ValueError, match="must be a \"College\" instance"):
        build(CourseOffer, _offer_values(college=ApprenticeshipStandardFactory()))


def test_an_unknown_field_is_refused_as_the_model_refuses_it():
    with pytest.raises(TypeError, match="unexpected keyword"):
        build(IntegratedCareSystem, {"code": "QE1", "colour": "blue"})
