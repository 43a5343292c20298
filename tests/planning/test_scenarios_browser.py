"""A scenario in a real browser (issue 10.3): an analyst builds one, runs it, compares it with the baseline and
downloads the comparison; axe-core finds no serious or critical problem on the new pages. Until the engine
applies scenarios, the scenario's figures equal the baseline's: nothing here asserts a difference."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from planning.models import GapReport, Scenario
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    OccupationFactory,
    TrustFactory,
    UserFactory,
    VacancyFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_builds_a_scenario_runs_it_compares_it_and_downloads_the_comparison(live_server, page):
    from tests.browser import assert_accessible, sign_in

    # given an ICS with vacancies and a supplying course, and its analyst
    analyst = UserFactory(ics_analyst=True, username="peopleboard")
    ics = analyst.ics
    job = OccupationFactory(code="healthcare-support-worker", name="Healthcare support worker")
    EntryRouteFactory(occupation=job, qualification_type="t_level", level=3)
    college = CollegeFactory(ics=ics, ukprn="10000473")
    CourseOfferFactory(college=college)
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=job, period=dt.date(2026, 6, 1))
    sign_in(page, live_server, "peopleboard")

    # when they create a scenario
    page.goto(f"{live_server.url}/scenarios/")
    assert_accessible(page)
    page.get_by_role("button", name="Create a scenario").click()
    page.get_by_role("button", name="Create the scenario").click()  # no name: the error summary
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Forty more T Level places")
    page.get_by_role("button", name="Create the scenario").click()
    # then they are on its page
    expect(page.get_by_role("heading", level=1)).to_have_text("Forty more T Level places")
    scenario = Scenario.objects.get()
    assert_accessible(page)

    # when they add a hypothetical offer and an adjustment
    page.get_by_role("link", name="Add a course offer").click()
    page.get_by_label("College UKPRN").fill("10000473")
    page.get_by_label("Qualification type").select_option("t_level")
    page.get_by_label("Level (optional for an apprenticeship)").fill("3")
    page.get_by_label("Day", exact=True).fill("6")
    page.get_by_label("Month", exact=True).fill("9")
    page.get_by_label("Year", exact=True).fill("2027")
    page.get_by_label("Length in months").fill("24")
    page.get_by_label("Planned places").fill("40")
    assert_accessible(page)
    page.get_by_role("button", name="Add the offer").click()
    page.get_by_role("link", name="Add an adjustment").click()
    page.get_by_label("Default completion rate of a qualification type").check()
    page.get_by_label("Which one").fill("t_level")
    page.get_by_label("New value").fill("0.9")
    assert_accessible(page)
    page.get_by_role("button", name="Add the adjustment").click()
    # then both are listed
    expect(page.get_by_role("table", name="Hypothetical course offers of the scenario")).to_be_visible()
    assert scenario.offers.count() == 1 and scenario.adjustments.count() == 1

    # when they work out its report (the live server runs the task once the request commits)
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Work out its report").click()
    report = GapReport.objects.get(scenario=scenario)
    assert report.status == GapReport.Status.SUCCEEDED, report.error
    assert_accessible(page)

    # when they compare it: no baseline of that date yet, so they ask for one, then compare again
    page.get_by_role("button", name="Compare it with the baseline").click()
    page.get_by_role("button", name="Ask for the baseline report").click()
    baseline = GapReport.objects.get(scenario__isnull=True)
    assert (baseline.status, baseline.as_of, baseline.horizon_years) == ("succeeded", report.as_of, 3)
    # then they are back on the comparison, and the chart is drawn beside the tables
    expect(page).to_have_url(re.compile(re.escape(f"/scenarios/{scenario.pk}/compare/") + "$"))
    page.locator('[data-chart="comparison"]').wait_for(state="visible")
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('chart-comparison'))")
    expect(page.get_by_text(f"Baseline report {baseline.pk}")).to_be_visible()
    assert_accessible(page)

    # when they download the comparison
    with page.expect_download() as download:
        page.locator("a[href*='table=comparison']").click()
    # then it holds the occupation's rows
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("Occupation,Year,Baseline gap (FTE),Scenario gap (FTE),Difference (FTE)")
    assert "Healthcare support worker" in text


def test_the_report_request_page_is_accessible(live_server, page):
    from tests.browser import assert_accessible, sign_in

    # given
    UserFactory(ics_analyst=True, username="requester")
    sign_in(page, live_server, "requester")
    # when
    page.goto(f"{live_server.url}/dashboards/reports/new/")
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a gap report")
    assert_accessible(page)
