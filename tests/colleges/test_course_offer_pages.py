"""Course offer pages: list and detail for everyone signed in; add, change, delete and CSV upload
for the college's own users (and staff), each write leaving one history entry."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from colleges.models import CourseOffer
from tests.factories import CollegeFactory, CourseOfferFactory, UserFactory
from tests.form_data import date_parts

FORM = {
    "course_code": "TL-1",
    "title": "T Level in Health",
    "qualification_type": "t_level",
    "level": "3",
    "apprenticeship_standard": "",
    "academic_year": "2026/27",
    **date_parts("start_date", 7, 9, 2026),
    "duration_months": "24",
    "planned_places": "30",
    "expected_completion_rate": "",
    "delivery_ics": "",
}
CSV_HEADER = "course_code,title,qualification_type,level,academic_year,start_date,duration_months,planned_places\n"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(college_user):
    return browser(college_user)


def test_everyone_signed_in_sees_the_list_and_the_detail_with_its_history(coordinator_user):
    # given
    offer = CourseOfferFactory(title="Nursing access course")
    client = browser(coordinator_user)
    # when
    listing = client.get(reverse("colleges:courseoffer_list"), {"q": "nursing"})
    detail = client.get(reverse("colleges:courseoffer_detail", args=[offer.pk]))
    # then
    assert listing.status_code == 200 and "Nursing access course" in listing.content.decode()
    assert detail.status_code == 200
    assert "Change history" in detail.content.decode()
    assert reverse("colleges:courseoffer_update", args=[offer.pk]) not in detail.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("colleges:courseoffer_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_page_queries_do_not_grow_with_rows(rows, db, django_assert_max_num_queries):
    # given
    client = browser(UserFactory(college_officer=True))
    for _ in range(rows):
        CourseOfferFactory()
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("colleges:courseoffer_list"))
    # then
    assert response.status_code == 200


def test_a_college_user_adds_an_offer_through_the_form(college_user, officer):
    # when
    response = officer.post(reverse("colleges:courseoffer_create", args=[college_user.college.ukprn]), FORM)
    # then
    offer = CourseOffer.objects.get()
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    assert offer.college == college_user.college
    assert [(h.history_type, h.history_user, h.history_change_reason) for h in offer.history.all()] == [
        ("+", college_user, "Web form")
    ]


def test_the_form_shows_rule_errors_and_saves_nothing(college_user, officer):
    # when
    response = officer.post(
        reverse("colleges:courseoffer_create", args=[college_user.college.ukprn]),
        {**FORM, **date_parts("start_date", 1, 1, 2028)},
    )
    # then
    assert response.status_code == 200
    assert "start date must fall inside 2026/27" in response.content.decode()
    assert not CourseOffer.objects.exists()


def test_a_start_date_in_2099_is_refused_by_the_form_and_nothing_saved(college_user, officer):
    # when
    response = officer.post(
        reverse("colleges:courseoffer_create", args=[college_user.college.ukprn]),
        {**FORM, "academic_year": "2099/00", **date_parts("start_date", 7, 9, 2099)},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"][0].startswith("Enter a date between 1 January 2000 and")
    assert not CourseOffer.objects.exists()


@pytest.mark.parametrize(
    "parts, message",
    [((7, "", 2026), "Start date must include a month"), ((31, 9, 2026), "Start date must be a real date")],
)
def test_an_incomplete_or_impossible_start_date_is_named_in_the_error(college_user, officer, parts, message):
    response = officer.post(reverse("colleges:courseoffer_create", args=[college_user.college.ukprn]),
                            {**FORM, **date_parts("start_date", *parts)})
    assert response.context["form"].errors["start_date"] == [message]
    assert f">{message}</a>" in response.content.decode()
    assert not CourseOffer.objects.exists()


def test_an_over_long_title_is_refused_not_cut(college_user, officer):
    response = officer.post(reverse("colleges:courseoffer_create", args=[college_user.college.ukprn]),
                            {**FORM, "title": "T" * 201})
    assert response.context["form"].errors["title"] == ["Title must be 200 characters or fewer"]
    assert not CourseOffer.objects.exists()


def test_the_offer_form_shows_the_start_date_as_three_inputs_filled_from_the_offer(college_user, officer):
    offer = CourseOfferFactory(college=college_user.college, start_date=dt.date(2026, 9, 7))
    body = officer.get(reverse("colleges:courseoffer_update", args=[offer.pk])).content.decode()
    assert '<div class="nhsuk-date-input" id="id_start_date">' in body
    assert 'name="start_date_day" type="text" value="7"' in body
    assert 'name="start_date_year" type="text" value="2026"' in body
    assert 'type="date"' not in body and " maxlength=" not in body


def test_a_college_user_changes_an_offer_and_an_unchanged_save_leaves_no_entry(college_user, officer):
    # given
    offer = CourseOfferFactory(college=college_user.college, course_code="TL-1", title="T Level in Health",
                               start_date=dt.date(2026, 9, 7), planned_places=30)
    url = reverse("colleges:courseoffer_update", args=[offer.pk])
    # when
    officer.post(url, {**FORM, "planned_places": "35"})
    officer.post(url, {**FORM, "planned_places": "35"})
    # then
    offer.refresh_from_db()
    assert offer.planned_places == 35
    assert [h.history_type for h in offer.history.order_by("history_date")] == ["+", "~"]


def test_a_college_user_deletes_an_offer(college_user, officer):
    # given
    offer = CourseOfferFactory(college=college_user.college)
    # when
    response = officer.post(reverse("colleges:courseoffer_delete", args=[offer.pk]))
    # then
    assert response.status_code == 302
    assert not CourseOffer.objects.exists()
    assert CourseOffer.history.filter(id=offer.pk, history_type="-", history_user=college_user).count() == 1


@pytest.mark.parametrize("role", ["coordinator_user", "ics_user", "other_college"])
def test_other_users_cannot_add_change_delete_or_upload(role, request, db):
    # given
    offer = CourseOfferFactory(planned_places=10)
    user = UserFactory(college_officer=True) if role == "other_college" else request.getfixturevalue(role)
    client = browser(user)
    ukprn = offer.college.ukprn
    # when
    answers = [
        client.get(reverse("colleges:courseoffer_create", args=[ukprn])).status_code,
        client.post(reverse("colleges:courseoffer_create", args=[ukprn]), FORM).status_code,
        client.post(reverse("colleges:courseoffer_update", args=[offer.pk]), {**FORM, "planned_places": 9}).status_code,
        client.post(reverse("colleges:courseoffer_delete", args=[offer.pk])).status_code,
        client.post(reverse("colleges:courseoffer_upload", args=[ukprn]),
                    {"file": SimpleUploadedFile("o.csv", CSV_HEADER.encode())}).status_code,
    ]
    # then
    assert answers == [403] * 5
    assert list(CourseOffer.objects.values_list("planned_places", flat=True)) == [10]
    assert CourseOffer.history.count() == 1


def test_staff_add_offers_for_any_college(staff_user):
    # given
    college = CollegeFactory()
    # when
    browser(staff_user).post(reverse("colleges:courseoffer_create", args=[college.ukprn]), FORM)
    # then
    assert CourseOffer.objects.get().college == college


def test_the_college_page_lists_its_offers_with_the_add_button_for_its_users(college_user, officer):
    # given
    CourseOfferFactory(college=college_user.college, title="Health and social care diploma")
    # when
    page = officer.get(reverse("colleges:college_detail", args=[college_user.college.ukprn])).content.decode()
    # then
    assert "Health and social care diploma" in page
    assert reverse("colleges:courseoffer_upload", args=[college_user.college.ukprn]) in page


# --- CSV upload: preview, then confirm ----------------------------------------------------------


def upload(client, college, text: str):
    return client.post(
        reverse("colleges:courseoffer_upload", args=[college.ukprn]),
        {"file": SimpleUploadedFile("offers.csv", text.encode(), content_type="text/csv")},
    )


def test_an_upload_previews_then_writes_on_confirmation(college_user, officer):
    # given
    CourseOfferFactory(college=college_user.college, course_code="A", title="Old title", level=3,
                       start_date=dt.date(2026, 9, 7), duration_months=24, planned_places=30)
    text = CSV_HEADER + "A,New title,t_level,3,2026/27,2026-09-07,24,30\nB,Second,diploma,2,2026/27,2026-09-14,12,15\n"
    # when
    preview = upload(officer, college_user.college, text)
    # then nothing is written yet
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check the upload before saving it" in page and "Old title → New title" in page
    assert CourseOffer.objects.count() == 1
    # when confirmed
    confirmed = officer.post(reverse("colleges:courseoffer_upload", args=[college_user.college.ukprn]),
                             {"csv_text": text})
    # then
    assert confirmed.status_code == 302
    assert sorted(CourseOffer.objects.values_list("course_code", "title")) == [("A", "New title"), ("B", "Second")]
    assert set(CourseOffer.history.filter(history_type__in="+~", history_change_reason="CSV upload")
               .values_list("course_code", "history_type")) == {("A", "~"), ("B", "+")}


def test_an_upload_with_a_bad_row_lists_it_by_line_and_writes_nothing(college_user, officer):
    # given
    text = CSV_HEADER + "A,Fine,t_level,3,2026/27,2026-09-07,24,30\nB,Bad,t_level,9,2026/27,2026-09-07,24,30\n"
    # when
    response = upload(officer, college_user.college, text)
    # then
    assert response.status_code == 200
    assert "Line 3: level: " in response.content.decode()
    assert "Save these offers" not in response.content.decode()
    assert not CourseOffer.objects.exists()


def test_an_upload_missing_columns_is_refused(college_user, officer):
    response = upload(officer, college_user.college, "course_code,title\nA,B\n")
    assert response.status_code == 200
    assert "lacks the columns" in response.content.decode()
    assert not CourseOffer.objects.exists()
