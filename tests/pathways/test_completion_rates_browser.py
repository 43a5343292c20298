"""The usual completion rates page in a browser: reached from the methodology page, accessible."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import CompletionRateFactory, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_reach_the_completion_rates_from_the_methodology_page_and_it_is_accessible(live_server, page):
    # given
    CompletionRateFactory(qualification_type="apprenticeship", rate=Decimal("0.55"), rate_low=Decimal("0.45"),
                          rate_high=Decimal("0.65"), basis="An assumption")
    UserFactory(staff=True, username="rates-editor")
    sign_in(page, live_server, "rates-editor")
    # when
    page.goto(f"{live_server.url}/methodology/")
    page.get_by_role("link", name="The usual completion rates").click()
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Usual completion rates")
    row = page.get_by_role("row", name="Apprenticeship")
    expect(row).to_contain_text("45%")
    expect(row).to_contain_text("65%")
    expect(row.get_by_role("link", name="Change the rate for Apprenticeship")).to_be_visible()
    assert_accessible(page)
