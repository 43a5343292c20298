"""The vacancy list's month filters in a real browser: month and year inputs, and an error on the page
that axe-core finds accessible."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_vacancy_month_filters_are_month_and_year_inputs_and_pass_axe(live_server, page, transactional_db):
    # given
    UserFactory(ics_analyst=True, username="analyst")
    sign_in(page, live_server, "analyst")
    page.goto(f"{live_server.url}/vacancies/")
    # then
    from_month = page.get_by_role("group", name="From month")
    assert from_month.get_by_label("Month", exact=True).count() == 1
    assert from_month.get_by_label("Day", exact=True).count() == 0
    assert page.locator('input[type="date"]').count() == 0
    assert_accessible(page)
    # when: a month without its year
    from_month.get_by_label("Month", exact=True).fill("5")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    # then
    expect(page.locator("form.portal-filters")).to_contain_text("From month must include a year")
    assert_accessible(page)


def test_a_closed_boards_page_says_when_it_closed_and_links_its_successors_with_shares_and_passes_axe(
        live_server, page, transactional_db):
    # given Frimley, closed on 31 March 2026 and split between two boards
    import datetime as dt
    from decimal import Decimal

    from tests.factories import BoardSuccessionFactory, IntegratedCareSystemFactory, TrustBoardFactory, TrustFactory

    old = IntegratedCareSystemFactory(code="QNQ", name="NHS Frimley Integrated Care Board",
                                      closed_on=dt.date(2026, 3, 31))
    thames = IntegratedCareSystemFactory(code="S0E4D", name="NHS Thames Valley Integrated Care Board",
                                         opened_on=dt.date(2026, 4, 1))
    surrey = IntegratedCareSystemFactory(code="S9B9J", name="NHS Surrey and Sussex Integrated Care Board",
                                         opened_on=dt.date(2026, 4, 1))
    BoardSuccessionFactory(predecessor=old, successor=thames, share=Decimal("0.560440"),
                           basis="Split by LSOA (2021) counts: 255 of 455 LSOAs of QNQ")
    BoardSuccessionFactory(predecessor=old, successor=surrey, share=Decimal("0.439560"))
    trust = TrustFactory(ods_code="RDU", name="Frimley Health NHS Foundation Trust", ics=surrey)
    TrustBoardFactory(trust=trust, ics=old, valid_to=dt.date(2026, 3, 31))
    TrustBoardFactory(trust=trust, ics=surrey, valid_from=dt.date(2026, 4, 1))
    UserFactory(staff=True, username="staff")
    sign_in(page, live_server, "staff")
    # when
    page.goto(f"{live_server.url}/integrated-care-systems/QNQ/")
    # then
    notice = page.locator(".nhsuk-inset-text").first.inner_text()
    assert "This board closed on 31 March 2026" in notice
    assert "Thames Valley (S0E4D): 56.0% of its figures" in notice
    assert "Surrey and Sussex (S9B9J): 44.0% of its figures" in notice
    assert page.get_by_role("link", name="Frimley Health NHS Foundation Trust").count() == 1
    assert_accessible(page)
    # and the successor's page links back
    page.get_by_role("link", name="Thames Valley").first.click()
    page.wait_for_load_state()
    expect(page.locator(".nhsuk-inset-text").first).to_contain_text("It took over from")
    assert_accessible(page)
