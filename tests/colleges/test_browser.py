"""A college's data officer adds a course offer in a real browser: the three-field start date,
an implausible year refused from the error summary, and no axe-core violation on the form."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from colleges.models import CourseOffer
from tests.browser import assert_accessible, sign_in
from tests.factories import CollegeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_college_officer_corrects_a_start_date_in_2099_and_saves_the_offer(live_server, page, transactional_db):
    # given
    college = CollegeFactory(name="Riverside Test College")
    UserFactory(college_officer=True, college=college, username="riverside")
    sign_in(page, live_server, "riverside")
    page.goto(f"{live_server.url}/colleges/{college.ukprn}/offers/add/")
    assert_accessible(page, impacts=None)
    start = page.get_by_role("group", name="Start date")
    page.get_by_label("Course code").fill("TL-HEALTH")
    page.get_by_label("Title").fill("T Level in Health")
    page.get_by_label("Qualification type").select_option("t_level")
    page.get_by_label("Level (optional for an apprenticeship)").fill("3")
    page.get_by_label("Academic year").fill("2026/27")
    page.get_by_label("Duration months").fill("24")
    page.get_by_label("Planned places").fill("30")
    # when: the year is a slip of the keyboard
    start.get_by_label("Day", exact=True).fill("7")
    start.get_by_label("Month", exact=True).fill("9")
    start.get_by_label("Year", exact=True).fill("2099")
    page.get_by_role("button", name="Add the offer").click()
    page.wait_for_load_state()
    # then: the error summary gives the plausible range and leads to the day
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter a date between 1 January 2000 and")
    assert summary.get_by_role("link").get_attribute("href") == "#id_start_date_day"
    assert not CourseOffer.objects.exists()
    assert_accessible(page, impacts=None)
    # when: corrected
    page.get_by_role("group", name="Start date").get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Add the offer").click()
    page.wait_for_url(re.compile(r"/course-offers/\d+/$"))
    # then
    assert CourseOffer.objects.get().start_date == dt.date(2026, 9, 7)
