"""Vacancies through the API: field checks, the ICS analyst's scope from both sides, and the
all-or-nothing bulk upsert (DESIGN.md section 5)."""

import datetime as dt
from decimal import Decimal

import pytest

from pathways.models import OccupationSector
from tests.factories import (
    IntegratedCareSystemFactory,
    OccupationFactory,
    TrustFactory,
    UserFactory,
    VacancyFactory,
)
from trusts.models import Sector, Vacancy

LIST = "/api/v1/vacancies/"
BULK = "/api/v1/vacancies/bulk/"


@pytest.fixture
def world(db):
    ics = IntegratedCareSystemFactory(code="QE1")
    other_ics = IntegratedCareSystemFactory(code="QWE", region=ics.region)
    return {
        "ics": ics,
        "other_ics": other_ics,
        "trust": TrustFactory(ods_code="RXN", ics=ics),
        "other_trust": TrustFactory(ods_code="RYJ", ics=other_ics),
        "nurses": OccupationFactory(code="registered-nurses", sector=OccupationSector.BOTH),
        "midwives": OccupationFactory(code="midwives", sector=OccupationSector.NHS),
        "carers": OccupationFactory(code="care-workers", sector=OccupationSector.SOCIAL_CARE),
        "analyst": UserFactory(ics_analyst=True, ics=ics, username="qe1-analyst"),
    }


def nhs_row(**changes):
    row = {
        "sector": "nhs", "trust": "RXN", "occupation": "registered-nurses", "period": "2026-06-01",
        "vacancies_fte": "12.50", "staff_in_post_fte": "310.00",
    }
    row.update(changes)
    return row


def care_row(**changes):
    row = {"sector": "social_care", "ics": "QE1", "occupation": "care-workers", "period": "2026-06-01",
           "vacancies_fte": "240", "staff_in_post_fte": None}
    row.update(changes)
    return row


# --------------------------------------------------------------------------------------
# One row
# --------------------------------------------------------------------------------------


def test_staff_create_an_nhs_row_which_takes_its_trusts_ics(world, staff_user, client_for):
    # given
    client = client_for(staff_user)
    # when
    response = client.post(LIST, nhs_row(), format="json")
    # then
    assert response.status_code == 201, response.data
    assert response.data["ics"] == "QE1"
    assert response.data["trust"] == "RXN"
    assert response.data["vacancies_fte"] == "12.50"
    vacancy = Vacancy.objects.get()
    assert vacancy.ics == world["ics"]
    assert vacancy.history.get().history_user == staff_user


def test_a_social_care_row_is_for_a_whole_ics(world, staff_user, client_for):
    # when
    response = client_for(staff_user).post(LIST, care_row(), format="json")
    # then
    assert response.status_code == 201, response.data
    assert response.data["trust"] is None
    assert response.data["staff_in_post_fte"] is None


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (nhs_row(sector="private"), "sector", "is not one of"),
        (nhs_row(sector=""), "sector", "required"),
        (nhs_row(trust="RZZ"), "trust", "No NHS trust"),
        (nhs_row(trust=None), "trust", "must name its trust"),
        (care_row(trust="RXN"), "trust", "leave the trust blank"),
        (care_row(ics=None), "ics", "needs the ICS"),
        (care_row(ics="QZZ"), "ics", "No ICS"),
        (nhs_row(ics="QWE"), "ics", "lies in ICS QE1"),
        (nhs_row(occupation="astronauts"), "occupation", "No occupation"),
        (nhs_row(occupation=""), "occupation", "required"),
        (nhs_row(occupation="care-workers"), "occupation", "not counted in NHS vacancies"),
        (care_row(occupation="midwives"), "occupation", "not counted in social-care vacancies"),
        (nhs_row(period="2026-06-15"), "period", "first day of the month"),
        (nhs_row(period="June 2026"), "period", "is not a month"),
        (nhs_row(period=None), "period", "required"),
        (nhs_row(vacancies_fte="-1"), "vacancies_fte", "negative"),
        (nhs_row(vacancies_fte="lots"), "vacancies_fte", "is not a number"),
        (nhs_row(vacancies_fte="1.234"), "vacancies_fte", "decimal places"),
        (nhs_row(vacancies_fte=None), "vacancies_fte", "required"),
        (nhs_row(vacancies_fte="1e12"), "vacancies_fte", "too large"),
        (nhs_row(staff_in_post_fte="-3"), "staff_in_post_fte", "negative"),
        (nhs_row(staff_in_post_fte="NaN"), "staff_in_post_fte", "is not a number"),
    ],
)
def test_a_bad_field_is_refused_with_its_name_and_nothing_is_written(world, staff_user, client_for, row, field, words):
    # when
    response = client_for(staff_user).post(LIST, row, format="json")
    # then
    assert response.status_code == 400
    assert field in response.data, response.data
    assert words in " ".join(str(message) for message in response.data[field])
    assert not Vacancy.objects.exists()


def test_a_row_for_a_closed_trust_after_it_closed_is_refused(world, staff_user, client_for):
    # given
    TrustFactory(ods_code="R0C", ics=world["ics"], closed_on=dt.date(2020, 3, 26))
    # when
    response = client_for(staff_user).post(LIST, nhs_row(trust="R0C"), format="json")
    # then
    assert response.status_code == 400
    assert "closed" in str(response.data["period"])


def test_creating_a_second_row_for_the_same_series_and_month_is_refused(world, staff_user, client_for):
    # given
    client = client_for(staff_user)
    assert client.post(LIST, nhs_row(), format="json").status_code == 201
    # when
    response = client.post(LIST, nhs_row(vacancies_fte="3"), format="json")
    # then
    assert response.status_code == 400
    assert "already exists" in str(response.data["period"])
    assert Vacancy.objects.get().vacancies_fte == Decimal("12.50")


def test_update_changes_figures_and_keeps_one_history_entry_per_write(world, staff_user, client_for):
    # given
    vacancy = VacancyFactory(trust=world["trust"], occupation=world["nurses"], period=dt.date(2026, 6, 1))
    # when
    response = client_for(staff_user).patch(f"{LIST}{vacancy.pk}/", {"vacancies_fte": "7.25"}, format="json")
    # then
    assert response.status_code == 200, response.data
    vacancy.refresh_from_db()
    assert vacancy.vacancies_fte == Decimal("7.25")
    assert vacancy.history.count() == 2  # the factory's save and this change


# --------------------------------------------------------------------------------------
# Scope: who writes what
# --------------------------------------------------------------------------------------


def test_an_ics_analyst_writes_rows_of_their_own_ics(world, client_for):
    # given
    client = client_for(world["analyst"])
    # when
    nhs = client.post(LIST, nhs_row(), format="json")
    care = client.post(LIST, care_row(ics=None), format="json")
    # then
    assert nhs.status_code == 201, nhs.data
    assert care.status_code == 201, care.data
    assert care.data["ics"] == "QE1"


def test_an_ics_analyst_may_not_write_a_trust_outside_their_ics(world, client_for):
    # when
    response = client_for(world["analyst"]).post(LIST, nhs_row(trust="RYJ"), format="json")
    # then
    assert response.status_code == 403
    assert "outside your ICS" in str(response.data["detail"])
    assert not Vacancy.objects.exists()


def test_an_ics_analyst_may_not_write_social_care_rows_of_another_ics(world, client_for):
    # when
    response = client_for(world["analyst"]).post(LIST, care_row(ics="QWE"), format="json")
    # then
    assert response.status_code == 403
    assert not Vacancy.objects.exists()


def test_an_ics_analyst_may_not_change_or_delete_another_ics_rows(world, client_for):
    # given
    theirs = VacancyFactory(trust=world["other_trust"], occupation=world["nurses"])
    client = client_for(world["analyst"])
    # when
    patched = client.patch(f"{LIST}{theirs.pk}/", {"vacancies_fte": "1"}, format="json")
    deleted = client.delete(f"{LIST}{theirs.pk}/")
    # then
    assert patched.status_code == 403
    assert deleted.status_code == 403
    theirs.refresh_from_db()
    assert theirs.vacancies_fte == Decimal("10.00")


def test_an_ics_analyst_may_not_move_their_row_into_another_ics(world, client_for):
    # given
    mine = VacancyFactory(trust=world["trust"], occupation=world["nurses"])
    # when
    response = client_for(world["analyst"]).patch(f"{LIST}{mine.pk}/", {"trust": "RYJ"}, format="json")
    # then
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.trust == world["trust"]


def test_an_ics_analyst_deletes_their_own_row(world, client_for):
    # given
    mine = VacancyFactory(trust=world["trust"], occupation=world["nurses"])
    # when
    response = client_for(world["analyst"]).delete(f"{LIST}{mine.pk}/")
    # then
    assert response.status_code == 204
    assert not Vacancy.objects.exists()


@pytest.mark.parametrize("fixture", ["coordinator_user", "college_user"])
def test_coordinators_and_college_users_read_but_do_not_write_vacancies(world, client_for, request, fixture):
    # given
    user = request.getfixturevalue(fixture)
    VacancyFactory(trust=world["trust"], occupation=world["nurses"])
    client = client_for(user)
    # when
    read = client.get(LIST)
    written = client.post(BULK, [nhs_row(period="2026-07-01")], format="json")
    # then
    assert read.status_code == 200
    assert read.data["count"] == 1
    assert written.status_code == 403
    assert Vacancy.objects.count() == 1


def test_anonymous_users_may_not_read_vacancies(world, api_client):
    assert api_client.get(LIST).status_code == 401


# --------------------------------------------------------------------------------------
# Bulk: all or nothing
# --------------------------------------------------------------------------------------


def test_bulk_creates_then_updates_then_leaves_unchanged(world, client_for):
    # given
    client = client_for(world["analyst"])
    rows = [nhs_row(period=f"2026-{month:02d}-01") for month in range(1, 7)] + [care_row()]
    # when
    first = client.post(BULK, rows, format="json")
    rows[0]["vacancies_fte"] = "99"
    second = client.post(BULK, rows, format="json")
    third = client.post(BULK, rows, format="json")
    # then
    assert first.data == {"created": 7, "updated": 0, "unchanged": 0}
    assert second.data == {"created": 0, "updated": 1, "unchanged": 6}
    assert third.data == {"created": 0, "updated": 0, "unchanged": 7}
    assert Vacancy.objects.count() == 7
    assert Vacancy.objects.get(period=dt.date(2026, 1, 1), sector=Sector.NHS).vacancies_fte == Decimal("99")


def test_one_bad_item_refuses_the_whole_bulk_naming_its_index_and_field(world, staff_user, client_for):
    # given
    rows = [nhs_row(), nhs_row(period="2026-07-01", vacancies_fte="-4"), care_row(occupation="nobody")]
    # when
    response = client_for(staff_user).post(BULK, rows, format="json")
    # then
    assert response.status_code == 400
    errors = response.data["errors"]
    assert set(errors) == {"1", "2"}
    assert "vacancies_fte" in errors["1"]
    assert "occupation" in errors["2"]
    assert not Vacancy.objects.exists()


def test_the_same_series_and_month_twice_in_one_bulk_is_refused(world, staff_user, client_for):
    # when
    response = client_for(staff_user).post(BULK, [nhs_row(), nhs_row(vacancies_fte="1")], format="json")
    # then
    assert response.status_code == 400
    assert "Item 0 already gives" in str(response.data["errors"]["1"]["period"])
    assert not Vacancy.objects.exists()


def test_one_row_outside_the_analysts_ics_refuses_the_whole_bulk(world, client_for):
    # given
    rows = [nhs_row(), care_row(), nhs_row(trust="RYJ", period="2026-07-01")]
    # when
    response = client_for(world["analyst"]).post(BULK, rows, format="json")
    # then
    assert response.status_code == 403
    assert "Item 2: trust: RYJ lies in ICS QWE" in response.data["detail"]
    assert not Vacancy.objects.exists()


def test_bulk_replaces_a_synthetic_row_with_real_figures(world, staff_user, client_for):
    # given
    VacancyFactory(trust=world["trust"], occupation=world["nurses"], period=dt.date(2026, 6, 1), synthetic=True)
    # when
    response = client_for(staff_user).post(BULK, [nhs_row()], format="json")
    # then
    assert response.data["updated"] == 1
    assert Vacancy.objects.get().synthetic is False


def test_bulk_answers_a_non_list_with_400(world, staff_user, client_for):
    response = client_for(staff_user).post(BULK, nhs_row(), format="json")
    assert response.status_code == 400


def test_bulk_queries_do_not_grow_with_rows(world, staff_user, client_for, django_assert_max_num_queries):
    # given
    client = client_for(staff_user)
    rows = [nhs_row(period=f"{2020 + month // 12}-{month % 12 + 1:02d}-01") for month in range(60)]
    # then: lookups, existing rows, batched inserts of rows and history, savepoints, session
    with django_assert_max_num_queries(20):
        response = client.post(BULK, rows, format="json")
    assert response.data["created"] == 60


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def test_filters_by_ics_region_trust_occupation_and_period_range(world, staff_user, client_for):
    # given
    for month in (3, 4, 5, 6):
        VacancyFactory(trust=world["trust"], occupation=world["nurses"], period=dt.date(2026, month, 1))
    VacancyFactory(trust=world["other_trust"], occupation=world["midwives"], period=dt.date(2026, 6, 1))
    client = client_for(staff_user)
    # when
    by_range = client.get(LIST, {"ics": "QE1", "period_from": "2026-04-01", "period_to": "2026-05-01"})
    by_trust = client.get(LIST, {"trust": "RYJ", "occupation": "midwives"})
    by_region = client.get(LIST, {"region": world["ics"].region.code, "sector": "nhs"})
    # then
    assert [row["period"] for row in by_range.data["results"]] == ["2026-05-01", "2026-04-01"]
    assert by_trust.data["count"] == 1
    assert by_region.data["count"] == 5


@pytest.mark.parametrize("rows", [1, 30])
def test_vacancy_list_queries_do_not_grow_with_rows(world, staff_user, client_for, django_assert_max_num_queries, rows):
    # given
    for index in range(rows):
        VacancyFactory(
            trust=world["trust"], occupation=world["nurses"], period=dt.date(2020 + index // 12, index % 12 + 1, 1)
        )
    client = client_for(staff_user)
    # then
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    assert response.data["count"] == rows


@pytest.mark.parametrize("body", [[None], [None, "text"], [[]]])
def test_a_bulk_body_of_items_that_are_not_objects_is_400_naming_each_item(world, staff_user, client_for, body):
    response = client_for(staff_user).post(BULK, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {str(index) for index in range(len(body))}
    assert not Vacancy.objects.exists()
