"""A hub coordinator logs an industry placement and sees their ICS's placement shortfall fall; the page
passes axe, fits a 320 px screen without sideways scrolling of the page, and works without JavaScript."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from pathways.vocabulary import QualificationType
from tests.browser import assert_accessible, sign_in
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    TrustFactory,
    UserFactory,
)
from tests.hubs.factories import PartnershipFactory
from tests.hubs.test_browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def north_west(transactional_db):
    hub = HubFactory(region__code="Y62", region__name="North West", name="North West employer hub")
    ics = IntegratedCareSystemFactory(code="ZA001", region=hub.region,
                                      name="NHS Cheshire and Merseyside Integrated Care Board")
    college = CollegeFactory(hub=hub, ics=ics, name="Hugh Baird Test College")
    CourseOfferFactory(college=college, qualification_type=QualificationType.T_LEVEL, start_date=dt.date(2023, 9, 1),
                       duration_months=24, planned_places=30, academic_year="2023/24")
    trust = TrustFactory(ics=ics, name="Mersey Test NHS Foundation Trust", ods_code="RW4")
    partnership = PartnershipFactory(college=college, trust=trust)
    UserFactory(coordinator=True, hub=hub, username="nwcoordinator")
    return {"partnership": partnership}


def _card(page, label: str) -> str:
    card = page.locator(".nhsuk-card", has=page.locator("h3", has_text=re.compile(f"^{label}$")))
    return card.locator("p").first.inner_text().strip()


def test_coordinator_logs_a_placement_and_sees_the_shortfall_fall(live_server, page, north_west):
    # given: the coordinator opens their ICS's placements for 2025/26: 30 learners need a placement
    sign_in(page, live_server, "nwcoordinator")
    page.goto(f"{live_server.url}/placements/ics/ZA001/?academic_year=2025%2F26")
    assert _card(page, "Need") == "30" and _card(page, "Shortfall") == "30"
    page.locator("[data-placements-chart]").wait_for(state="visible")
    assert_accessible(page)

    # when: they log an industry placement activity on the partnership with the trust
    page.goto(f"{live_server.url}/partnerships/{north_west['partnership'].pk}/")
    page.get_by_role("link", name="Log an activity").click()
    page.get_by_label("Kind of activity").select_option(label="Industry placement")
    fill_date(page, "Date", 10, 2, 2026)
    page.get_by_label("Learners reached").fill("12")
    page.get_by_label("Placements offered").fill("12")
    page.get_by_label("Placements filled").fill("9")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))

    # then: the shortfall falls by the placements offered, and the trust is listed as concerned
    page.goto(f"{live_server.url}/placements/ics/ZA001/?academic_year=2025%2F26")
    assert _card(page, "Offered") == "12" and _card(page, "Filled") == "9"
    assert _card(page, "Shortfall") == "18" and _card(page, "Fill rate") == "30.0%"
    page.get_by_role("link", name="trusts concerned").click()
    expect(page.locator("#table-trusts")).to_contain_text("Mersey Test NHS Foundation Trust")
    assert_accessible(page)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("path", ["/placements/", "/placements/region/Y62/", "/placements/ics/ZA001/"])
def test_the_placements_pages_fit_a_320_pixel_screen(live_server, browser, north_west, path):
    # given
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server, "nwcoordinator")
        # when
        page.goto(f"{live_server.url}{path}?academic_year=2025%2F26")
        # then
        assert _no_sideways_scroll(page)
        assert_accessible(page)
    finally:
        context.close()


def test_the_placements_page_works_without_javascript(live_server, browser, north_west):
    # given
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "nwcoordinator")
        # when: the year is chosen with the form
        page.goto(f"{live_server.url}/placements/ics/ZA001/")
        page.get_by_label("Academic year", exact=True).select_option("2025/26")
        page.get_by_role("button", name="Show this year").click()
        page.wait_for_url(re.compile(r"academic_year=2025%2F26"))
        # then: the figures are in the table, and the chart stays hidden
        expect(page.locator("#table-years")).to_contain_text("30")
        assert page.locator("[data-placements-chart]").is_hidden()
    finally:
        context.close()
