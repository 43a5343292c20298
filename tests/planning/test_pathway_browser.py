"""The public pathway pages in a real browser, as a school leaver on a phone would use them: 320 px wide
with no sideways scrolling of the page, axe clean, and the council area chosen with a plain form that
works without JavaScript."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pathways.models import Progression
from tests.browser import assert_accessible
from tests.factories import (
    CollegeFactory,
    CouncilAreaFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pathway(transactional_db):
    import datetime as dt

    hcsw = OccupationFactory(code="healthcare-support-workers", name="Healthcare support workers",
                             plain_description="Helps nurses and other staff care for patients.",
                             entry_requirements="No set qualifications: a caring attitude matters most.",
                             pay_band="Band 2 to 3", source="NHS Employers pay scales")
    associate = OccupationFactory(code="health-associate-professionals",
                                  name="Nursing associates and assistant practitioners",
                                  plain_description="Gives hands-on care alongside registered nurses.")
    EntryRouteFactory(occupation=hcsw, qualification_type="t_level", level=3, lag_months=3,
                      conversion_rate=Decimal("0.30"), conversion_rate_low=Decimal("0.20"),
                      conversion_rate_high=Decimal("0.40"), notes="T Level in Health")
    EntryRouteFactory(occupation=associate, qualification_type="apprenticeship", level=5, from_occupation=hcsw,
                      conversion_rate=Decimal("0.90"), notes="Nursing associate apprenticeship for support workers")
    Progression.objects.create(from_occupation=hcsw, to_occupation=associate, typical_months=24,
                               via="Nursing associate apprenticeship (ST0827)")
    board = IntegratedCareSystemFactory(code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board",
                                        region=RegionFactory(code="Y62", name="North West"))
    CouncilAreaFactory(code="E06000064", name="Westmorland and Furness", ics=board, share=Decimal("0.746479"))
    CouncilAreaFactory(code="E07000117", name="Burnley", ics=board)
    year = dt.date.today().year + 1
    CourseOfferFactory(college=CollegeFactory(name="Burnley College", ics=board), title="T Level in Health",
                       start_date=dt.date(year, 9, 1), academic_year=f"{year}/{(year + 1) % 100:02d}")
    return hcsw


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("path", [
    "/pathways/?q=nurse",
    "/pathways/healthcare-support-workers/?area=E06000064",
    "/pathways/healthcare-support-workers/?area=E99999999",
    "/pathways/health-associate-professionals/",
])
def test_the_pathway_pages_fit_a_320_pixel_screen_and_pass_axe(live_server, browser, pathway, path):
    # given
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        # when
        page.goto(f"{live_server.url}{path}")
        # then
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _no_sideways_scroll(page)
        assert_accessible(page)
    finally:
        context.close()


def test_a_school_leaver_finds_a_role_and_the_courses_near_them_without_javascript(live_server, browser, pathway):
    # given
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        # when: they search for nurse and open the role
        page.goto(f"{live_server.url}/pathways/")
        page.get_by_label("Search for a role").fill("nurse")
        page.get_by_role("button", name="Find roles").click()
        expect(page.get_by_role("link", name="Nursing associates and assistant practitioners")).to_be_visible()
        page.get_by_role("link", name="Healthcare support workers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("How to become: healthcare support workers")
        # then: the ladder is there, with the route's range
        expect(page.locator("#ladder")).to_be_visible()
        expect(page.get_by_role("table", name="Courses that lead to this role")).to_contain_text("30% (20% to 40%)")
        expect(page.get_by_role("table", name="Roles people move on to from this role")).to_contain_text(
            "Nursing associates and assistant practitioners")
        # when: they choose their council
        page.get_by_label("Your council area").select_option(label="Burnley")
        page.get_by_role("button", name="Show courses").click()
        # then: the courses of its board
        expect(page.get_by_text("Burnley is in the NHS area of Lancashire and South Cumbria")).to_be_visible()
        expect(page.get_by_role("table", name="In Lancashire and South Cumbria: courses that lead to this role")
               ).to_contain_text("Burnley College")
    finally:
        context.close()
