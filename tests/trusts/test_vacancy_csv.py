"""The vacancy CSV upload: UK dates for the month, and a template whose example line uploads."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pathways.models import OccupationSector
from tests.factories import IntegratedCareSystemFactory, OccupationFactory, TrustFactory, UserFactory
from trusts.models import Vacancy
from trusts.services import VACANCY_CSV_COLUMNS

UPLOAD = reverse("trusts:vacancy_upload")
TEMPLATE = reverse("trusts:vacancy_upload_template")
HEADER = "sector,trust,ics,occupation,period,vacancies_fte,staff_in_post_fte\n"


@pytest.fixture
def analyst(db):
    ics = IntegratedCareSystemFactory(code="QE1")
    TrustFactory(ods_code="RXN", ics=ics)
    OccupationFactory(code="registered-nurses", sector=OccupationSector.BOTH)
    client = Client()
    client.force_login(UserFactory(ics_analyst=True, ics=ics))
    return client


def upload(client, text: str):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("vacancies.csv", text.encode(), "text/csv")})


@pytest.mark.parametrize("written", ["01/06/2026", "1/6/2026", "2026-06-01"])
def test_a_month_written_the_uk_way_or_iso_is_read_as_its_first_day(analyst, written):
    # given
    text = HEADER + f"nhs,RXN,,registered-nurses,{written},12.5,300\n"
    # when
    preview = upload(analyst, text)
    confirmed = analyst.post(UPLOAD, {"csv_text": text})
    # then
    assert preview.context["problems"] == []
    assert confirmed.status_code == 302
    assert Vacancy.objects.get().period == dt.date(2026, 6, 1)


def test_a_wrong_sector_is_named_with_the_sectors_allowed(analyst):
    response = upload(analyst, HEADER + "nhs,RXN,,registered-nurses,2026-06-01,12.5,300\nNHS,RXN,,registered-nurses,"
                                        "2026-07-01,1,\n")
    assert response.context["problems"] == ["line 3: sector: 'NHS' is not one of nhs, social_care."]


def test_the_template_has_every_column_and_an_example_line_that_uploads_as_it_is(analyst):
    # when
    response = analyst.get(TEMPLATE)
    text = response.content.decode()
    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].split(",") == list(VACANCY_CSV_COLUMNS)
    assert upload(analyst, text).context["problems"] == []
    assert analyst.post(UPLOAD, {"csv_text": text}).status_code == 302
    assert Vacancy.objects.count() == 1


def test_users_who_cannot_upload_vacancies_get_no_template(college_user):
    client = Client()
    client.force_login(college_user)
    assert client.get(TEMPLATE).status_code == 403
