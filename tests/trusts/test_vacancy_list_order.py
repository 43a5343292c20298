"""The vacancy list's default order (an index range) and its keyset cursors (`?cursor=`)."""

import datetime as dt

import pytest

from tests.factories import TrustFactory, VacancyFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/vacancies/"


def _months(count):
    trust = TrustFactory()
    return [VacancyFactory(trust=trust, period=dt.date(2020 + n // 12, n % 12 + 1, 1)) for n in range(count)]


def _walk(client, url, params=None):
    """Every page from `url` following `next`: [(ids, body)]."""
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(([row["id"] for row in body["results"]], body))
        if not body["next"]:
            return pages
        response = client.get(body["next"])


def test_the_default_order_is_newest_month_first_then_newest_row(staff_user, client_for):
    # given: two rows of June made one after the other, and one of May
    june_first = VacancyFactory(period=dt.date(2026, 6, 1))
    may = VacancyFactory(period=dt.date(2026, 5, 1))
    june_second = VacancyFactory(period=dt.date(2026, 6, 1))

    # when
    results = client_for(staff_user).get(LIST).json()["results"]

    # then
    assert [row["id"] for row in results] == [june_second.pk, june_first.pk, may.pk]


def test_a_cursor_walk_visits_every_row_once_in_the_default_order(staff_user, client_for):
    # given
    rows = _months(7)
    client = client_for(staff_user)
    in_order = [row["id"] for row in client.get(LIST, {"page_size": 100}).json()["results"]]

    # when
    pages = _walk(client, LIST, {"cursor": "", "page_size": 3})

    # then
    assert [ids for ids, _ in pages] == [in_order[0:3], in_order[3:6], in_order[6:7]]
    assert sorted(in_order) == sorted(row.pk for row in rows)
    assert [body["count"] for _, body in pages] == [7, 7, 7]
    assert pages[0][1]["previous"] is None


def test_previous_goes_back_to_the_page_before(staff_user, client_for):
    # given: on the third page of a walk
    _months(7)
    client = client_for(staff_user)
    pages = _walk(client, LIST, {"cursor": "", "page_size": 3})

    # when
    back = client.get(pages[2][1]["previous"]).json()
    first = client.get(back["previous"]).json()

    # then
    assert [row["id"] for row in back["results"]] == pages[1][0]
    assert [row["id"] for row in first["results"]] == pages[0][0]
    assert first["previous"] is None
    assert [row["id"] for row in client.get(first["next"]).json()["results"]] == pages[1][0]


def test_a_cursor_walk_keeps_the_filters(staff_user, client_for):
    # given: rows of two trusts
    ours = _months(4)
    _months(3)
    client = client_for(staff_user)

    # when
    pages = _walk(client, LIST, {"cursor": "", "page_size": 3, "trust": ours[0].trust.ods_code})

    # then
    assert sorted(sum((ids for ids, _ in pages), [])) == sorted(row.pk for row in ours)
    assert pages[0][1]["count"] == 4


@pytest.mark.parametrize("cursor", ["nonsense", "eyJrIjpbXX0:1tamper:ed"])
def test_a_cursor_the_list_did_not_give_is_400_naming_it(cursor, staff_user, client_for):
    response = client_for(staff_user).get(LIST, {"cursor": cursor})
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_a_cursor_used_with_other_filters_is_400_naming_it(staff_user, client_for):
    # given
    rows = _months(4)
    client = client_for(staff_user)
    next_url = client.get(LIST, {"cursor": "", "page_size": 2}).json()["next"]

    # when
    response = client.get(next_url + f"&trust={rows[0].trust.ods_code}")

    # then
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


@pytest.mark.parametrize("clash", [{"ordering": "id"}, {"page": "2"}])
def test_a_cursor_does_not_combine_with_ordering_or_page_numbers(clash, staff_user, client_for):
    response = client_for(staff_user).get(LIST, {"cursor": "", **clash})
    assert response.status_code == 400
    assert list(response.json()) == list(clash)


def test_page_numbers_still_answer_the_contract(staff_user, client_for):
    # given
    _months(5)

    # when
    body = client_for(staff_user).get(LIST, {"page": 2, "page_size": 2}).json()

    # then
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5 and len(body["results"]) == 2
    assert "page=3" in body["next"] and "cursor" not in body["next"]


@pytest.mark.parametrize("rows", [1, 30])
def test_a_cursor_page_takes_the_same_few_queries_whatever_the_rows(rows, staff_user, client_for,
                                                                      django_assert_max_num_queries):
    # given
    _months(rows)
    client = client_for(staff_user)
    first = client.get(LIST, {"cursor": "", "page_size": 10}).json()

    # when / then: a first page counts and reads; a next page only reads (the count rides in the cursor)
    with django_assert_max_num_queries(3):
        assert client.get(LIST, {"cursor": "", "page_size": 10}).status_code == 200
    if first["next"]:
        with django_assert_max_num_queries(2):
            assert client.get(first["next"]).json()["count"] == rows


def test_the_count_of_an_unfiltered_page_reads_the_vacancy_table_alone(staff_user, client_for):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _months(3)
    client = client_for(staff_user)

    # when
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"page_size": 2}).json()["count"] == 3

    # then: the natural keys are joined for the page of two, not for the count of all
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert len(counts) == 1 and "JOIN" not in counts[0]
