"""course-offers/bulk/: natural-key upsert, all or nothing, history, cap and query counts."""

import pytest
from django.urls import reverse

from colleges.models import CourseOffer
from colleges.services import BULK_MAX_ITEMS
from tests.factories import ApprenticeshipStandardFactory, CollegeFactory, IntegratedCareSystemFactory, UserFactory

BULK = reverse("api:courseoffer-bulk")


def item(code="TL-1", **overrides):
    values = {
        "course_code": code,
        "title": f"Course {code}",
        "qualification_type": "t_level",
        "level": 3,
        "academic_year": "2026/27",
        "start_date": "2026-09-07",
        "duration_months": 24,
        "planned_places": 30,
    }
    values.update(overrides)
    return values


@pytest.fixture
def officer(college_user, client_for):
    return client_for(college_user)


def test_a_bulk_post_creates_then_a_repeat_is_unchanged_and_a_change_is_updated(officer):
    # given
    items = [item("A"), item("B"), item("C")]
    # when
    first = officer.post(BULK, items, format="json")
    repeat = officer.post(BULK, items, format="json")
    changed = officer.post(BULK, [item("A", planned_places=99), item("B"), item("C"), item("D")], format="json")
    # then
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    assert repeat.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert changed.json() == {"created": 1, "updated": 1, "unchanged": 2}
    assert CourseOffer.objects.get(course_code="A").planned_places == 99


def test_one_bad_item_writes_nothing_and_names_its_index_and_field(college_user, officer):
    # given
    officer.post(BULK, [item("A")], format="json")
    items = [item("A", planned_places=50), item("B"), item("C", start_date="2028-01-01"), item("D", level="x")]
    # when
    response = officer.post(BULK, items, format="json")
    # then
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"2", "3"}
    assert "start_date" in errors["2"]
    assert "level" in errors["3"]
    assert list(CourseOffer.objects.values_list("course_code", "planned_places")) == [("A", 30)]
    assert CourseOffer.history.count() == 1


def test_the_same_key_twice_in_one_request_is_an_error(officer):
    # when
    response = officer.post(BULK, [item("A"), item("A", title="Other")], format="json")
    # then
    assert response.status_code == 400
    assert "course_code" in response.json()["errors"]["1"]
    assert not CourseOffer.objects.exists()


@pytest.mark.parametrize("body", [{"course_code": "A"}, "text", [1, 2]])
def test_a_body_that_is_not_a_list_of_offers_is_400(officer, body):
    response = officer.post(BULK, body, format="json")
    assert response.status_code == 400
    assert not CourseOffer.objects.exists()


def test_more_than_the_cap_is_refused(officer):
    response = officer.post(BULK, [item(f"C{i}") for i in range(BULK_MAX_ITEMS + 1)], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not CourseOffer.objects.exists()


def test_a_college_user_cannot_bulk_write_for_another_college(officer):
    # given
    other = CollegeFactory()
    # when
    response = officer.post(BULK, [item("A"), item("B", college=other.ukprn)], format="json")
    # then
    assert response.status_code == 400
    assert "college" in response.json()["errors"]["1"]
    assert not CourseOffer.objects.exists()


def test_staff_bulk_write_names_each_items_college(staff_user, client_for):
    # given
    first, second = CollegeFactory(), CollegeFactory()
    client = client_for(staff_user)
    # when
    response = client.post(
        BULK, [item("A", college=first.ukprn), item("A", college=second.ukprn), item("B")], format="json"
    )
    # then
    assert response.status_code == 400
    assert "college" in response.json()["errors"]["2"]
    ok = client.post(BULK, [item("A", college=first.ukprn), item("A", college=second.ukprn)], format="json")
    assert ok.json() == {"created": 2, "updated": 0, "unchanged": 0}


@pytest.mark.parametrize("role", ["coordinator_user", "ics_user"])
def test_roles_without_offers_cannot_bulk_write(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    response = client.post(BULK, [item("A", college=CollegeFactory().ukprn)], format="json")
    assert response.status_code == 403
    assert not CourseOffer.objects.exists()


def test_each_created_or_updated_offer_gets_one_history_entry_and_unchanged_none(college_user, officer):
    # given
    officer.post(BULK, [item("A"), item("B")], format="json")
    # when
    officer.post(BULK, [item("A", title="Renamed"), item("B")], format="json")
    # then
    a, b = CourseOffer.objects.get(course_code="A"), CourseOffer.objects.get(course_code="B")
    assert [h.history_type for h in a.history.order_by("history_date")] == ["+", "~"]
    assert [h.history_type for h in b.history.all()] == ["+"]
    assert {h.history_user for h in CourseOffer.history.all()} == {college_user}
    assert {h.history_change_reason for h in CourseOffer.history.all()} == {"API bulk upsert"}
    entries = officer.get(reverse("api:courseoffer-history", args=[a.pk])).json()["results"]
    assert entries[0]["changes"] == [{"field": "title", "old": "Course A", "new": "Renamed"}]


def test_an_apprenticeship_item_takes_its_standards_level(officer):
    # given
    ApprenticeshipStandardFactory(reference="ST0216", level=2)
    payload = item("A", qualification_type="apprenticeship", apprenticeship_standard="ST0216")
    del payload["level"]
    # when
    response = officer.post(BULK, [payload], format="json")
    repeat = officer.post(BULK, [payload], format="json")
    # then
    assert response.status_code == 200, response.json()
    assert CourseOffer.objects.get().level == 2
    assert repeat.json()["unchanged"] == 1


@pytest.mark.parametrize("size", [10, 200])
def test_bulk_queries_do_not_grow_with_items(size, db, client_for, django_assert_max_num_queries):
    # given: half of the items already exist, a quarter of which change
    user = UserFactory(college_officer=True)
    client = client_for(user)
    ApprenticeshipStandardFactory(reference="ST0216", level=2)
    icss = [IntegratedCareSystemFactory().code for _ in range(3)]

    def items(places):
        return [
            item(f"C{i}", planned_places=places if i % 4 == 0 else 30, delivery_ics=icss[i % 3],
                 **({"qualification_type": "apprenticeship", "apprenticeship_standard": "ST0216"} if i % 2 else {}))
            for i in range(size)
        ]

    client.post(BULK, items(30)[: size // 2], format="json")
    # when
    with django_assert_max_num_queries(16):
        response = client.post(BULK, items(31), format="json")
    # then
    assert response.json() == {"created": size - size // 2, "updated": len(range(0, size // 2, 4)),
                               "unchanged": size // 2 - len(range(0, size // 2, 4))}


def test_a_bulk_item_whose_reference_is_not_text_is_named_not_a_server_error(db, client_for, staff_user):
    # given a college reference sent as a list (found by schemathesis)
    body = [{"college": ["10000001"], "course_code": "X1"}]
    # when
    response = client_for(staff_user).post("/api/v1/course-offers/bulk/", body, format="json")
    # then
    assert response.status_code == 400
    assert "college" in response.json()["errors"]["0"]


def test_text_with_tabs_newlines_and_backslashes_is_stored_exactly_with_its_history(officer):
    # given a title using every character the bulk write path must escape (PostgreSQL COPY)
    title = "Health\tand care\nlevel 3 \\N C:\\course \\\\ end"
    # when
    response = officer.post(BULK, [item(title=title)], format="json")
    # then
    assert response.status_code == 200, response.json()
    offer = CourseOffer.objects.get(course_code="TL-1")
    assert offer.title == title
    assert offer.history.get().title == title


@pytest.mark.parametrize("body", [[None], [None, "text"], [[]]])
def test_a_bulk_body_of_items_that_are_not_objects_is_400_naming_each_item(officer, body):
    response = officer.post(BULK, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {str(index) for index in range(len(body))}
    assert not CourseOffer.objects.exists()
