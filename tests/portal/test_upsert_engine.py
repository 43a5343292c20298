"""core.upsert, the one upsert engine: the database decides created / changed / unchanged,
all or nothing, one history row per created or changed record and none for an unchanged one."""

import datetime as dt

import pytest

from colleges.models import College, CourseOffer
from colleges.services import OFFER_UPSERT
from core.upsert import NaturalKey, UpsertRefused, UpsertSpec, upsert
from tests.factories import CollegeFactory, HubFactory, UserFactory


def offer(college, code: str, places: int = 30, level: int = 3) -> CourseOffer:
    return CourseOffer(
        college=college, course_code=code, title=f"Course {code}", qualification_type="t_level", level=level,
        academic_year="2026/27", start_date=dt.date(2026, 9, 7), duration_months=24, planned_places=places,
    )


def test_the_counts_say_what_was_created_changed_and_left_alone(db):
    # given
    college = CollegeFactory()
    upsert(spec=OFFER_UPSERT, objs=[offer(college, "A"), offer(college, "B")], reason="test")
    # when
    result = upsert(spec=OFFER_UPSERT, objs=[offer(college, "A", places=99), offer(college, "B"), offer(college, "C")],
                    reason="test")
    # then
    assert (result.created, result.changed, result.unchanged) == (1, 1, 1)
    assert result.as_counts() == {"created": 1, "updated": 1, "unchanged": 1}
    assert dict(CourseOffer.objects.values_list("course_code", "planned_places")) == {"A": 99, "B": 30, "C": 30}


def test_one_history_row_per_create_and_change_naming_the_user_and_reason_none_for_unchanged(db):
    # given
    college, user = CollegeFactory(), UserFactory(staff=True)
    upsert(spec=OFFER_UPSERT, objs=[offer(college, "A"), offer(college, "B")], user=user, reason="first")
    # when
    upsert(spec=OFFER_UPSERT, objs=[offer(college, "A", places=5), offer(college, "B")], user=user, reason="second")
    # then
    rows = sorted(CourseOffer.history.values_list("course_code", "history_type", "planned_places",
                                                  "history_change_reason", "history_user_id"))
    assert rows == [
        ("A", "+", 30, "first", user.pk), ("A", "~", 5, "second", user.pk), ("B", "+", 30, "first", user.pk)
    ]


def test_a_record_the_database_refuses_writes_nothing_of_the_batch(db):
    # given a batch whose second record breaks a check constraint (level 9)
    college = CollegeFactory()
    upsert(spec=OFFER_UPSERT, objs=[offer(college, "A")], reason="test")
    # when
    with pytest.raises(UpsertRefused):
        upsert(spec=OFFER_UPSERT, objs=[offer(college, "A", places=7), offer(college, "B", level=9)], reason="test")
    # then
    assert list(CourseOffer.objects.values_list("course_code", "planned_places")) == [("A", 30)]
    assert CourseOffer.history.count() == 1


def test_fields_a_writer_does_not_give_and_fields_kept_on_update_keep_their_stored_values(db):
    # given a college whose hub and ICS a user set
    stored = CollegeFactory(ukprn="10000001", name="Old name", postcode="L1 1AA", hub=HubFactory())
    spec = UpsertSpec(model=College, keys=(NaturalKey(("ukprn",)),), fields=("ukprn", "name", "ics"),
                      keep_on_update=("ics",))
    other_board = CollegeFactory().ics
    # when
    result = upsert(spec=spec, objs=[College(ukprn="10000001", name="New name", ics=other_board)])
    # then
    college = College.objects.get(ukprn="10000001")
    assert result.changed == 1
    assert (college.name, college.postcode, college.hub_id, college.ics_id) == (
        "New name", "L1 1AA", stored.hub_id, stored.ics_id
    )


def test_a_change_only_in_a_field_kept_on_update_is_unchanged(db):
    stored = CollegeFactory(ukprn="10000001", name="Same")
    spec = UpsertSpec(model=College, keys=(NaturalKey(("ukprn",)),), fields=("ukprn", "name", "ics"),
                      keep_on_update=("ics",))
    result = upsert(spec=spec, objs=[College(ukprn="10000001", name="Same", ics=CollegeFactory().ics)])
    assert (result.created, result.changed, result.unchanged) == (0, 0, 1)
    assert College.objects.get(ukprn="10000001").ics_id == stored.ics_id


def test_text_with_tabs_newlines_and_backslashes_is_stored_as_given(db):
    # given titles holding what COPY's text format escapes, and text that is not printable
    college = CollegeFactory()
    titles = {"A": "one\ttwo", "B": "line\nbreak\r\n", "C": "back\\slash \\N", "D": "bell\x07 and é", "E": "\\"}
    objs = [offer(college, code) for code in titles]
    for obj in objs:
        obj.title = titles[obj.course_code]
    # when
    upsert(spec=OFFER_UPSERT, objs=objs, reason="test")
    # then
    assert dict(CourseOffer.objects.values_list("course_code", "title")) == titles
    assert upsert(spec=OFFER_UPSERT, objs=objs, reason="test").unchanged == len(titles)


def offer_row(college, code: str, places: int = 30) -> dict:
    """The same offer as `offer`, as the plain values (by attname) `upsert(rows=...)` takes."""
    return {
        "college_id": college.pk, "course_code": code, "title": f"Course {code}", "qualification_type": "t_level",
        "level": 3, "apprenticeship_standard_id": None, "academic_year": "2026/27", "start_date": dt.date(2026, 9, 7),
        "duration_months": 24, "planned_places": places, "expected_completion_rate": None, "delivery_ics_id": None,
    }


def test_plain_rows_are_written_as_instances_are_with_one_history_row_per_write(db):
    # given
    college, user = CollegeFactory(), UserFactory(staff=True)
    upsert(spec=OFFER_UPSERT, rows=[offer_row(college, "A"), offer_row(college, "B")], user=user, reason="first")
    # when
    result = upsert(spec=OFFER_UPSERT, rows=[offer_row(college, "A", places=5), offer_row(college, "B"),
                                             offer_row(college, "C")], user=user, reason="second")
    # then
    assert result.as_counts() == {"created": 1, "updated": 1, "unchanged": 1}
    assert sorted(CourseOffer.history.values_list("course_code", "history_type", "planned_places")) == [
        ("A", "+", 30), ("A", "~", 5), ("B", "+", 30), ("C", "+", 30)
    ]


def test_plain_rows_missing_a_writable_field_are_refused_before_anything_is_written(db):
    # given
    row = offer_row(CollegeFactory(), "A")
    del row["delivery_ics_id"]
    # when / then
    with pytest.raises(ValueError, match="delivery_ics_id"):
        upsert(spec=OFFER_UPSERT, rows=[row])
    assert not CourseOffer.objects.exists()


def test_plain_rows_with_the_same_natural_key_are_refused(db):
    # given
    college = CollegeFactory()
    # when / then
    with pytest.raises(ValueError, match="same natural key"):
        upsert(spec=OFFER_UPSERT, rows=[offer_row(college, "A"), offer_row(college, "A", places=3)])
    assert not CourseOffer.objects.exists()
