"""The vacancy list's month filters in a real browser: month and year inputs, and an error on the page
that axe-core finds accessible."""

import pytest

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
    assert "From month must include a year" in page.locator("form.portal-filters").inner_text()
    assert_accessible(page)
