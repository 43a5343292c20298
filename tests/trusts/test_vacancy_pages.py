"""The vacancy list page and the CSV upload: preview first, then confirm; every row or none;
a malformed or out-of-scope row named with its line; ICS analysts within their ICS, and staff."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pathways.models import OccupationSector
from tests.factories import IntegratedCareSystemFactory, OccupationFactory, TrustFactory, UserFactory, VacancyFactory
from trusts.models import Vacancy

LIST = reverse("trusts:vacancy_list")
UPLOAD = reverse("trusts:vacancy_upload")
HEADER = "sector,trust,ics,occupation,period,vacancies_fte,staff_in_post_fte\n"


@pytest.fixture
def world(db):
    ics = IntegratedCareSystemFactory(code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    other = IntegratedCareSystemFactory(code="QWE", region=ics.region)
    TrustFactory(ods_code="RXN", ics=ics)
    TrustFactory(ods_code="RYJ", ics=other)
    nurses = OccupationFactory(code="registered-nurses", name="Registered nurses", sector=OccupationSector.BOTH)
    OccupationFactory(code="care-workers", name="Care workers", sector=OccupationSector.SOCIAL_CARE)
    analyst = UserFactory(ics_analyst=True, ics=ics, username="qe1")
    return {"ics": ics, "other": other, "nurses": nurses, "analyst": analyst}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, text: str):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("vacancies.csv", text.encode(), "text/csv")})


def test_an_analyst_previews_then_confirms_an_upload(world):
    # given
    client = signed_in(world["analyst"])
    text = HEADER + "nhs,RXN,,registered-nurses,2026-05-01,12.5,300\nsocial_care,,,care-workers,2026-05,240,\n"
    # when: the preview
    preview = upload(client, text)
    # then nothing is written yet
    assert preview.status_code == 200
    assert preview.context["plan"].counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert "Save these vacancies" in preview.content.decode()
    assert not Vacancy.objects.exists()
    # when: confirmed
    confirmed = client.post(UPLOAD, {"csv_text": preview.context["confirm_form"].initial["csv_text"]})
    # then
    assert confirmed.status_code == 302
    assert confirmed.url == f"{LIST}?ics=QE1"
    assert Vacancy.objects.count() == 2
    nhs = Vacancy.objects.get(sector="nhs")
    assert (nhs.vacancies_fte, nhs.ics.code) == (Decimal("12.50"), "QE1")
    assert nhs.history.get().history_change_reason == "CSV upload"


def test_a_malformed_row_is_named_with_its_line_and_nothing_is_written(world):
    # given
    text = HEADER + (
        "nhs,RXN,,registered-nurses,2026-05-01,12.5,300\n"
        "nhs,RXN,,registered-nurses,2026-06-15,12.5,300\n"
        "nhs,RXN,,registered-nurses,2026-07-01,-2,300\n"
    )
    # when
    response = upload(signed_in(world["analyst"]), text)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3: period: Use the first day of the month" in page
    assert "Line 4: vacancies_fte: -2 is negative" in page
    assert "Save these vacancies" not in page
    assert not Vacancy.objects.exists()


def test_a_row_outside_the_analysts_ics_is_named_and_refused(world):
    # given
    text = HEADER + "nhs,RXN,,registered-nurses,2026-05-01,1,\nnhs,RYJ,,registered-nurses,2026-05-01,1,\n"
    # when
    response = upload(signed_in(world["analyst"]), text)
    # then
    page = response.content.decode()
    assert "Line 3: trust: RYJ lies in ICS QWE, outside your ICS" in page
    assert "Save these vacancies" not in page
    assert not Vacancy.objects.exists()


def test_a_file_without_the_needed_columns_is_refused_on_the_form(world):
    # when
    response = upload(signed_in(world["analyst"]), "sector,trust\nnhs,RXN\n")
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("line 1: occupation: required column is missing")
    assert not Vacancy.objects.exists()


def test_a_confirm_that_became_invalid_writes_nothing(world):
    # given: the preview was fine, then the trust moved to another ICS before the confirm
    client = signed_in(world["analyst"])
    text = HEADER + "nhs,RXN,,registered-nurses,2026-05-01,1,\n"
    upload(client, text)
    from trusts.models import Trust

    Trust.objects.filter(ods_code="RXN").update(ics=world["other"])
    # when
    response = client.post(UPLOAD, {"csv_text": text})
    # then
    assert response.status_code == 200
    assert "RXN lies in ICS QWE" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_staff_upload_rows_for_any_ics(world, staff_user):
    # given
    client = signed_in(staff_user)
    text = HEADER + "social_care,,QWE,care-workers,2026-05-01,10,\n"
    # when
    client.post(UPLOAD, {"csv_text": text})
    # then
    assert Vacancy.objects.get().ics == world["other"]


@pytest.mark.parametrize("fixture", ["coordinator_user", "college_user"])
def test_other_roles_may_not_upload(world, request, fixture):
    # given
    client = signed_in(request.getfixturevalue(fixture))
    # when
    page = client.get(UPLOAD)
    posted = client.post(UPLOAD, {"csv_text": HEADER + "social_care,,QE1,care-workers,2026-05-01,10,\n"})
    # then
    assert page.status_code == 403 and posted.status_code == 403
    assert not Vacancy.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(world):
    assert Client().get(UPLOAD).status_code == 302
    assert Client().get(LIST).status_code == 302


def test_the_list_filters_like_the_api(world, ics_user):
    # given
    VacancyFactory(trust=world["ics"].trusts.get(), occupation=world["nurses"], period=dt.date(2026, 5, 1))
    VacancyFactory(
        trust=world["other"].trusts.get(), occupation=world["nurses"], period=dt.date(2026, 5, 1), synthetic=True
    )
    # when
    response = signed_in(ics_user).get(LIST, {"ics": "QWE"})
    # then
    assert [v.trust.ods_code for v in response.context["object_list"]] == ["RYJ"]
    assert "Generated" in response.content.decode()


def test_the_list_filters_by_months_typed_as_month_and_year(world, ics_user):
    # given vacancies of April, May and June
    trust = world["ics"].trusts.get()
    for month in (4, 5, 6):
        VacancyFactory(trust=trust, occupation=world["nurses"], period=dt.date(2026, month, 1))
    client = signed_in(ics_user)
    # when
    from_may = client.get(LIST, {"period_from_month": "5", "period_from_year": "2026"})
    june = client.get(LIST, {"period_month": "June", "period_year": "2026"})
    linked = client.get(LIST, {"period": "2026-04-01"})  # a link or bookmark in the API's form
    # then
    assert sorted(v.period.month for v in from_may.context["object_list"]) == [5, 6]
    assert [v.period.month for v in june.context["object_list"]] == [6]
    assert [v.period.month for v in linked.context["object_list"]] == [4]
    body = from_may.content.decode()
    assert '<div class="nhsuk-date-input" id="id_period_from">' in body
    assert 'name="period_from_month" type="text" value="5"' in body and 'name="period_from_day"' not in body
    assert 'type="date"' not in body


def test_a_month_filter_missing_its_year_says_so_on_the_page(world, ics_user):
    response = signed_in(ics_user).get(LIST, {"period_to_month": "5", "period_to_year": ""})
    assert "To month must include a year" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_makes_a_bounded_number_of_queries(world, django_assert_max_num_queries, rows):
    # given
    trust = world["ics"].trusts.get()
    for index in range(rows):
        VacancyFactory(trust=trust, occupation=world["nurses"], period=dt.date(2020 + index // 12, index % 12 + 1, 1))
    client = signed_in(world["analyst"])
    # then
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"page_size": 50})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == rows
