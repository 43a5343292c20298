"""The analyst's question of issue 11.3, asked of the dashboards in a browser: "how big will our nursing
associate gap be in 2028, which colleges will supply it, and who is already working on it?", answered in
at most four clicks from the dashboard, ending on the partnerships working on the role. Every page on
the way is axe clean, usable at 320 px wide, and works without JavaScript (charts aside)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    UserFactory,
    VacancyFactory,
)
from tests.hubs.factories import PartnershipFactory
from tests.planning.factories import GapReportFactory, GapReportRowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_OF = dt.date(2026, 11, 15)


def _analysts_ics():
    """A report as of 15 Nov 2026 over 3 years (year 2 ends 15 Nov 2028) for an ICS in which nursing
    associates have the largest gap in year 2, with ranges; a college supplying them; a partnership on the role."""
    region = RegionFactory(code="Y73", name="North Test")
    ics = IntegratedCareSystemFactory(code="ZB001", name="NHS Delta Integrated Care Board", region=region)
    report = GapReportFactory(as_of=AS_OF)
    associates = OccupationFactory(name="Nursing associates")
    porters = OccupationFactory(name="Porters")
    EntryRouteFactory(occupation=associates)
    college = CollegeFactory(ics=ics, name="Riverside College")
    CourseOfferFactory(college=college, title="T Level in Health")
    trust = TrustFactory(ics=ics, name="Delta Hospitals NHS Trust")
    VacancyFactory(trust=trust, occupation=associates, period=dt.date(2026, 10, 1))
    VacancyFactory(trust=trust, occupation=associates, period=dt.date(2026, 11, 1))
    PartnershipFactory(college=college, trust=trust, occupations=[associates])
    for year in (1, 2, 3):
        for occupation, demand, supply in [(associates, 400 * year, 150 * year), (porters, 50, 45)]:
            for level, code, name in [("ics", ics.code, ics.name), ("region", region.code, region.name),
                                      ("national", "E92000001", "England")]:
                GapReportRowFactory(
                    report=report, level=level, code=code, name=name, occupation=occupation, year=year,
                    demand_fte=Decimal(demand), supply_fte=Decimal(supply),
                    demand_low_fte=Decimal(demand) - 50, demand_high_fte=Decimal(demand) + 60,
                    supply_low_fte=Decimal(supply) - 20, supply_high_fte=Decimal(supply) + 30,
                    gap_low_fte=Decimal(demand - supply) - 80, gap_high_fte=Decimal(demand - supply) + 80,
                )
    UserFactory(ics_analyst=True, ics=ics, username="peopleboard")
    return ics, associates


def _fits(page, width: int) -> bool:
    """Nothing but a table's own scrolling wrapper is wider than the window."""
    return page.evaluate(f"() => document.documentElement.scrollWidth <= {width}")


def test_the_analyst_answers_the_nursing_associate_question_in_four_clicks(live_server, page):
    # given
    ics, associates = _analysts_ics()
    sign_in(page, live_server, "peopleboard")
    clicks = 0
    # when they open the dashboards, they land on their own ICS, answer first
    page.goto(f"{live_server.url}/dashboards/")
    expect(page).to_have_url(re.compile(re.escape(f"/dashboards/ics/{ics.code}/") + "$"))
    assert_accessible(page)
    # they choose year 2, to November 2028
    page.get_by_label("Year of the horizon").select_option("2")
    page.get_by_role("button", name="Show these figures").click()
    clicks += 1
    answer = page.locator("#answer").inner_text()
    assert "Your largest gap in year 2 (to 15 Nov 2028) is Nursing associates: 500 FTE (range 420 to 580)" in answer
    assert "1 of 1 NHS trusts (100.0%) sent vacancy returns for November 2026" in answer
    page.locator('[data-chart="gap"]').wait_for(state="visible")
    assert_accessible(page)
    # then follow the answer to the role
    page.get_by_role("link", name="Who supplies Nursing associates and who already works on it").click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Nursing associates")
    expect(page.locator("#answer")).to_contain_text("year 2 (to 15 Nov 2028)")
    expect(page.get_by_role("table", name="Colleges whose courses lead to Nursing associates")).to_be_visible()
    assert_accessible(page)
    # and on to the partnerships working on the role
    page.get_by_role("link", name="Partnerships working on this role").first.click()
    clicks += 1
    table = page.get_by_role("table", name="Partnerships working on Nursing associates in Delta")
    expect(table).to_contain_text("Riverside College")
    expect(page).to_have_url(re.compile(re.escape("#role-partnerships") + "$"))
    assert clicks <= 4


def test_the_dashboards_are_usable_at_320_pixels_and_axe_clean(live_server, browser):
    # given
    ics, associates = _analysts_ics()
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server, "peopleboard")
        for path in [
            f"/dashboards/ics/{ics.code}/?year=2",
            f"/dashboards/ics/{ics.code}/occupations/{associates.code}/?year=2",
            f"/dashboards/compare/?area=ics:{ics.code}&area=region:Y73&area=england",
            f"/dashboards/trend/?area=ics:{ics.code}&occupation={associates.code}",
            f"/dashboards/ics/{ics.code}/?year=9",
        ]:
            # when
            page.goto(f"{live_server.url}{path}")
            # then
            assert _fits(page, 320), path
            assert_accessible(page)
    finally:
        context.close()


def test_the_dashboards_work_without_javascript_charts_aside(live_server, browser):
    # given
    ics, associates = _analysts_ics()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, "peopleboard")
        # when they change the year and compare with the region and England, by forms and links alone
        page.goto(f"{live_server.url}/dashboards/ics/{ics.code}/")
        page.get_by_label("Year of the horizon").select_option("3")
        page.get_by_role("button", name="Show these figures").click()
        expect(page.locator("#answer")).to_contain_text("year 3")
        page.get_by_role("link", name="Compare Delta with its region and England, per 100 staff in post").click()
        # then the comparison keeps the year, and its tables carry every figure
        expect(page).to_have_url(re.compile(re.escape("year=3")))
        table = page.get_by_role("table", name="All occupations together in each area, Year 3 (to 15 Nov 2029)")
        expect(table).to_be_visible()
        # and the trend's table is there while its chart stays hidden
        page.goto(f"{live_server.url}/dashboards/trend/?area=ics:{ics.code}&occupation={associates.code}")
        assert page.locator('[data-chart="trend"]').is_hidden()
        expect(page.get_by_role("table")).to_contain_text("November 2026")
    finally:
        context.close()


def test_the_trend_chart_is_drawn_with_its_table(live_server, page):
    # given
    ics, associates = _analysts_ics()
    sign_in(page, live_server, "peopleboard")
    # when
    page.goto(f"{live_server.url}/dashboards/trend/?area=ics:{ics.code}&occupation={associates.code}")
    # then
    page.locator('[data-chart="trend"]').wait_for(state="visible")
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('chart-trend'))")
    assert_accessible(page)
