"""The course offer list's default order (the natural key's index) and its keyset cursors."""

import pytest

from tests.factories import CollegeFactory, CourseOfferFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/course-offers/"


def test_the_default_order_is_by_college_then_course_code_then_year(staff_user, client_for):
    # given: the second college's name sorts first; it is the natural key's order that counts
    first, second = CollegeFactory(name="Zeta College"), CollegeFactory(name="Alpha College")
    later_year = CourseOfferFactory(college=first, course_code="A1", academic_year="2027/28", start_date="2027-09-01")
    other_college = CourseOfferFactory(college=second, course_code="A0")
    earlier_year = CourseOfferFactory(college=first, course_code="A1", academic_year="2026/27")
    other_code = CourseOfferFactory(college=first, course_code="B0")

    # when
    results = client_for(staff_user).get(LIST).json()["results"]

    # then
    assert [row["id"] for row in results] == [earlier_year.pk, later_year.pk, other_code.pk, other_college.pk]


def test_a_cursor_walk_visits_every_offer_once_in_the_default_order(staff_user, client_for):
    # given
    colleges = CollegeFactory.create_batch(3)
    for college in colleges:
        CourseOfferFactory.create_batch(3, college=college)
    client = client_for(staff_user)
    in_order = [row["id"] for row in client.get(LIST, {"page_size": 100}).json()["results"]]

    # when
    seen, body = [], client.get(LIST, {"cursor": "", "page_size": 4}).json()
    while True:
        seen += [row["id"] for row in body["results"]]
        assert body["count"] == 9
        if not body["next"]:
            break
        body = client.get(body["next"]).json()

    # then
    assert seen == in_order and len(seen) == 9


def test_a_filtered_cursor_walk_keeps_its_filter(staff_user, client_for):
    # given
    ours = CourseOfferFactory.create_batch(3, qualification_type="diploma")
    CourseOfferFactory.create_batch(2)
    client = client_for(staff_user)

    # when
    first = client.get(LIST, {"cursor": "", "page_size": 2, "qualification_type": "diploma"}).json()
    second = client.get(first["next"]).json()

    # then
    assert first["count"] == 3 and second["next"] is None
    assert {row["id"] for row in first["results"] + second["results"]} == {offer.pk for offer in ours}


@pytest.mark.parametrize("offers", [1, 30])
def test_list_pages_take_the_same_few_queries_whatever_the_offers(offers, staff_user, client_for,
                                                                  django_assert_max_num_queries):
    # given
    CourseOfferFactory.create_batch(offers)
    client = client_for(staff_user)

    # when / then: the token, the count, the page (with its related rows joined)
    with django_assert_max_num_queries(3):
        assert client.get(LIST, {"page_size": 100}).json()["count"] == offers
    with django_assert_max_num_queries(3):
        assert client.get(LIST, {"cursor": "", "page_size": 100}).json()["count"] == offers


def test_the_history_of_an_offer_stays_paged_by_number(staff_user, client_for):
    # given: an offer with its one history entry
    offer = CourseOfferFactory()

    # when: a cursor is asked of the history (a list, not a keyset)
    response = client_for(staff_user).get(f"{LIST}{offer.pk}/history/", {"cursor": ""})

    # then: page numbers as before
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)


def test_a_cursor_of_another_list_is_400_naming_it(staff_user, client_for):
    # given: a cursor of the vacancy list
    from tests.factories import VacancyFactory

    VacancyFactory.create_batch(2)
    CourseOfferFactory.create_batch(2)
    client = client_for(staff_user)
    vacancy_next = client.get("/api/v1/vacancies/", {"cursor": "", "page_size": 1}).json()["next"]
    token = vacancy_next.split("cursor=")[1].split("&")[0]

    # when
    response = client.get(LIST, {"cursor": token, "page_size": 1})

    # then
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]
