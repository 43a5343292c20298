"""Bad input at the edge of the API: bounded JSON, storable text, known query parameters.
Every answer is a 4xx with a JSON body naming the problem; nothing reaches the database."""

import json

import pytest
from django.conf import settings

from colleges.models import CourseOffer
from tests.factories import CollegeFactory, CourseOfferFactory


def _post_raw(client, path, body: str | bytes):
    return client.generic("POST", path, body, content_type="application/json")


def test_a_body_nested_100000_deep_answers_400_not_a_recursion_error(db, client_for, staff_user):
    # given
    body = "[" * 100_000 + "]" * 100_000
    # when
    response = _post_raw(client_for(staff_user), "/api/v1/course-offers/bulk/", body)
    # then
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_body_nested_past_the_bound_but_parseable_answers_400(db, client_for, staff_user):
    body = json.dumps([{"course_code": "[" * 30 + "]" * 30}]).replace('"[', "[").replace(']"', "]")
    response = _post_raw(client_for(staff_user), "/api/v1/course-offers/bulk/", body)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_an_oversized_body_answers_a_json_413(db, client_for, staff_user):
    # given a body just over Django's limit
    body = b"[" + b"1," * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2) + b"1]"
    # when
    response = _post_raw(client_for(staff_user), "/api/v1/course-offers/bulk/", body)
    # then
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]


@pytest.mark.parametrize("text", ["\ud800", "A\udfffB", "\x00", "ok\x00"])
def test_unstorable_text_in_a_bulk_field_answers_400_naming_where(db, client_for, staff_user, text):
    # given a lone surrogate or a NUL in a key field
    body = json.dumps([{"college": "10000001", "course_code": text, "qualification_type": text}])
    # when
    response = _post_raw(client_for(staff_user), "/api/v1/course-offers/bulk/", body)
    # then
    assert response.status_code == 400
    assert "item 0" in response.json()["detail"]
    assert not CourseOffer.objects.exists()


def test_a_lone_surrogate_in_a_field_name_answers_400(db, client_for, staff_user):
    body = '{"\\ud800": 1, "name": "x"}'
    response = _post_raw(client_for(staff_user), "/api/v1/regions/", body)
    assert response.status_code == 400
    assert "field name" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hubs/",
        "/api/v1/partnerships/",
        "/api/v1/activities/",
        "/api/v1/vacancies/",
        "/api/v1/entry-routes/",
        "/api/v1/trusts/",
        "/api/v1/colleges/",
        "/api/v1/course-offers/",
    ],
)
def test_a_lone_surrogate_in_any_choice_or_key_field_answers_400(db, client_for, staff_user, path):
    fields = ["region", "college", "trust", "ics", "kind", "sector", "occupation", "partnership", "qualification_type",
              "apprenticeship_standard", "status", "code", "ukprn", "ods_code"]
    body = "{" + ", ".join(f'"{name}": "\\ud800"' for name in fields) + "}"
    response = _post_raw(client_for(staff_user), path, body)
    assert response.status_code == 400


def test_a_bulk_body_of_null_answers_400_naming_item_0(db, client_for, staff_user):
    response = client_for(staff_user).post("/api/v1/course-offers/bulk/", [None], format="json")
    assert response.status_code == 400
    assert "0" in response.json()["errors"]


def test_a_nul_in_a_query_parameter_answers_400_naming_it(db, client_for, staff_user):
    response = client_for(staff_user).get("/api/v1/course-offers/", {"qualification_type": "t_level\x00"})
    assert response.status_code == 400
    assert "qualification_type" in response.json()["detail"]


def test_an_unknown_query_parameter_answers_400_naming_it(db, client_for, staff_user):
    # given a misspelt filter, which would otherwise return every row
    CollegeFactory()
    # when
    response = client_for(staff_user).get("/api/v1/colleges/", {"icss": "QE1"})
    # then
    assert response.status_code == 400
    assert "icss" in response.json()


def test_filters_ordering_and_pagination_parameters_are_all_understood(db, client_for, staff_user):
    CollegeFactory()
    params = {"ics": "QAA", "q": "college", "ordering": "name", "page": 1, "page_size": 10, "format": "json"}
    assert client_for(staff_user).get("/api/v1/colleges/", params).status_code == 200


def test_a_yes_no_filter_given_something_else_answers_400(db, client_for, staff_user):
    response = client_for(staff_user).get("/api/v1/trusts/", {"open": "perhaps"})
    assert response.status_code == 400
    assert "open" in response.json()


def test_a_page_size_that_is_not_a_number_answers_400(db, client_for, staff_user):
    response = client_for(staff_user).get("/api/v1/regions/", {"page_size": "many"})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_path_under_the_api_naming_no_endpoint_answers_a_json_404(db, client_for, staff_user):
    response = client_for(staff_user).post("/api/v1/course-offers/not-a-number/", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_course_offers_filter_by_course_code(db, client_for, staff_user):
    # given
    wanted = CourseOfferFactory(course_code="HSC-TL-26")
    CourseOfferFactory(course_code="OTHER-1")
    # when
    body = client_for(staff_user).get("/api/v1/course-offers/", {"course_code": "HSC-TL-26"}).json()
    # then
    assert [row["id"] for row in body["results"]] == [wanted.pk]
