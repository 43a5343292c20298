"""The course offer CSV upload in a data officer's words: UK dates, allowed codes named, a
template to download whose example line uploads as it is."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from colleges.models import CourseOffer
from colleges.services import OFFER_CSV_COLUMNS

HEADER = "course_code,title,qualification_type,level,academic_year,start_date,duration_months,planned_places\n"


@pytest.fixture
def officer(college_user):
    client = Client()
    client.force_login(college_user)
    return client


def upload(client, college, text: str):
    return client.post(
        reverse("colleges:courseoffer_upload", args=[college.ukprn]),
        {"file": SimpleUploadedFile("offers.csv", text.encode(), content_type="text/csv")},
    )


def confirm(client, college, text: str):
    return client.post(reverse("colleges:courseoffer_upload", args=[college.ukprn]), {"csv_text": text})


@pytest.mark.parametrize("written", ["07/09/2026", "7/9/2026", "2026-09-07"])
def test_a_start_date_written_the_uk_way_or_iso_is_read_as_that_day(college_user, officer, written):
    # given
    text = HEADER + f"A,T Level in Health,t_level,3,2026/27,{written},24,30\n"
    # when
    preview = upload(officer, college_user.college, text)
    confirmed = confirm(officer, college_user.college, text)
    # then
    assert preview.context["problems"] == []
    assert confirmed.status_code == 302
    assert CourseOffer.objects.get().start_date == dt.date(2026, 9, 7)


def test_a_wrong_code_is_named_by_line_and_column_with_the_codes_allowed(college_user, officer):
    # given
    text = HEADER + "A,Fine,t_level,3,2026/27,2026-09-07,24,30\nB,Typo,tlevel,3,2026/27,2026-09-07,24,30\n"
    # when
    response = upload(officer, college_user.college, text)
    # then
    assert response.context["problems"] == [
        "line 3: qualification_type: 'tlevel' is not one of t_level, apprenticeship, diploma, access_to_he, "
        "foundation_degree, hnc_hnd, short_course, other"
    ]
    assert not CourseOffer.objects.exists()


def test_a_date_that_is_no_date_is_named_by_line_and_column(college_user, officer):
    response = upload(officer, college_user.college, HEADER + "A,Fine,t_level,3,2026/27,31/02/2026,24,30\n")
    assert response.context["problems"] == [
        "line 2: start_date: '31/02/2026' is not a date like 07/09/2026 or 2026-09-07"
    ]


def test_a_file_with_a_nul_character_is_refused_on_the_form(college_user, officer):
    response = upload(officer, college_user.college, HEADER + "A,Fi\x00ne,t_level,3,2026/27,2026-09-07,24,30\n")
    assert response.status_code == 200
    assert "NUL" in response.context["form"].errors["file"][0]
    assert not CourseOffer.objects.exists()


def test_the_template_has_every_column_and_an_example_line_that_uploads_as_it_is(college_user, officer):
    # when
    response = officer.get(reverse("colleges:courseoffer_upload_template", args=[college_user.college.ukprn]))
    text = response.content.decode()
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, example = text.splitlines()
    assert header.split(",") == list(OFFER_CSV_COLUMNS)
    assert upload(officer, college_user.college, text).context["problems"] == []
    assert confirm(officer, college_user.college, text).status_code == 302
    assert CourseOffer.objects.count() == 1


def test_the_upload_page_links_to_its_template(college_user, officer):
    page = officer.get(reverse("colleges:courseoffer_upload", args=[college_user.college.ukprn])).content.decode()
    assert reverse("colleges:courseoffer_upload_template", args=[college_user.college.ukprn]) in page


def test_another_colleges_template_is_refused(college_user, officer):
    from tests.factories import CollegeFactory

    response = officer.get(reverse("colleges:courseoffer_upload_template", args=[CollegeFactory().ukprn]))
    assert response.status_code == 403


def test_a_course_code_twice_in_the_file_names_both_lines(college_user, officer):
    text = HEADER + "A,One,t_level,3,2026/27,2026-09-07,24,30\nA,Two,t_level,3,2026/27,2026-09-07,24,30\n"
    response = upload(officer, college_user.college, text)
    assert response.context["problems"] == [
        "line 3: course_code: Line 2 has the same course code and academic year for this college."
    ]
