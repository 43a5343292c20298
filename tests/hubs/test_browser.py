"""A hub coordinator's day in a real browser, and a coordinator of another hub kept out.

Each page visited is checked with axe-core (no serious or critical violations).
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from hubs.models import Partnership
from tests.browser import assert_accessible, sign_in
from tests.factories import CollegeFactory, HubFactory, IntegratedCareSystemFactory, TrustFactory, UserFactory
from tests.hubs.factories import PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day="", month="", year="") -> None:
    """Type a date into the NHS date input (three inputs in a fieldset named by its legend)."""
    group = page.get_by_role("group", name=legend, exact=True)
    for part, value in (("Day", day), ("Month", month), ("Year", year)):
        group.get_by_label(part, exact=True).fill(str(value))


@pytest.fixture
def north_west(transactional_db):
    hub = HubFactory(region__code="Y62", region__name="North West", name="North West employer hub")
    ics = IntegratedCareSystemFactory(region=hub.region, name="NHS Cheshire and Merseyside Integrated Care Board")
    college = CollegeFactory(hub=hub, ics=ics, name="Hugh Baird Test College")
    hub.host_college = college
    hub.save()
    trust = TrustFactory(ics=ics, name="Mersey Test NHS Foundation Trust", ods_code="RW4")
    coordinator = UserFactory(coordinator=True, hub=hub, username="nwcoordinator", first_name="Nia",
                              last_name="Walker", email="nia@example.org")
    return {"hub": hub, "college": college, "trust": trust, "coordinator": coordinator}


def test_coordinator_records_a_partnership_and_finds_the_trusts_contact_in_the_front_door(
    live_server, page, north_west
):
    # given: the coordinator signs in and opens their hub
    sign_in(page, live_server, "nwcoordinator")
    page.goto(f"{live_server.url}/hubs/Y62/")
    assert_accessible(page)

    # when: they add a partnership with two agendas
    page.get_by_role("link", name="Add a partnership").click()
    assert_accessible(page)
    page.get_by_label("College", exact=True).select_option(label="Hugh Baird Test College")
    page.get_by_label("NHS trust", exact=False).first.select_option(label="Mersey Test NHS Foundation Trust")
    page.get_by_label("Active", exact=True).check()
    fill_date(page, "Start date", 1, 9, 2025)
    page.get_by_label("Summary").fill("Shared estates and an apprenticeship pipeline into the trust.")
    page.get_by_label("Estates", exact=True).check()
    page.get_by_label("Apprenticeships", exact=True).check()
    page.get_by_role("button", name="Save partnership").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("was added")
    assert_accessible(page)

    # and names a college contact for estates and the trust's contact for both agendas
    page.get_by_role("link", name="Add a contact").click()
    assert_accessible(page)
    page.get_by_label("College", exact=True).check()
    page.get_by_label("College team").select_option(label="Corporate and capital")
    page.get_by_label("Name", exact=True).fill("Colin Capital")
    page.get_by_label("Job title").fill("Director of estates")
    page.get_by_label("Email").fill("colin@college.example.org")
    page.get_by_label("Estates", exact=True).check()
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))

    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("NHS (trust or ICS)").check()
    page.get_by_label("Name", exact=True).fill("Nadia Nurse")
    page.get_by_label("Job title").fill("Head of education and workforce")
    page.get_by_label("Email").fill("nadia@trust.example.org")
    page.get_by_label("Estates", exact=True).check()
    page.get_by_label("Apprenticeships", exact=True).check()
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))

    # and logs an activity
    page.get_by_role("link", name="Log an activity").click()
    assert_accessible(page)
    page.get_by_label("Kind of activity").select_option(label="Industry placement")
    fill_date(page, "Date", 10, 2, 2026)
    page.get_by_label("Learners reached").fill("14")
    page.get_by_label("Placements offered").fill("12")
    page.get_by_label("Placements filled").fill("9")
    page.get_by_label("Hires").fill("2")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))

    # then: the relationship map puts each person in their agenda's row and team's column
    relationship_map = page.locator("table.portal-relationship-map")
    estates_row = relationship_map.locator("tr", has=page.locator("th", has_text="Estates"))
    headers = relationship_map.locator("thead th").all_inner_texts()
    estates_cells = estates_row.locator("td").all_inner_texts()
    assert "Colin Capital" in estates_cells[headers.index("Corporate and capital") - 1]
    assert "Nadia Nurse" in estates_cells[-1]
    apprenticeships_row = relationship_map.locator("tr", has=page.locator("th", has_text="Apprenticeships"))
    assert "Nadia Nurse" in apprenticeships_row.locator("td").last.inner_text()
    assert "Colin Capital" not in apprenticeships_row.inner_text()
    # and the totals count the activity by year and kind
    totals = page.locator("table", has=page.locator("caption", has_text="Totals by year and kind"))
    assert re.search(r"2026\s+Industry placement\s+1\s+14\s+12\s+9\s+0\s+2", totals.inner_text())
    assert_accessible(page)

    # and the front door finds the trust's contact for estates, and the covering hub
    page.goto(f"{live_server.url}/front-door/")
    page.get_by_label("NHS trust").select_option(label="Mersey Test NHS Foundation Trust")
    page.get_by_label("Agenda").select_option(label="Estates")
    page.get_by_role("button", name="Find contacts").click()
    page.wait_for_url(re.compile(r"/front-door/\?"))
    results = page.locator("main").inner_text()
    assert "Nadia Nurse" in results and "nadia@trust.example.org" in results
    assert "North West employer hub" in results
    assert_accessible(page)


def test_coordinator_of_another_hub_gets_no_edit_controls_and_403_when_posting(live_server, page, north_west):
    # given: a partnership of the North West hub, and a coordinator of another hub
    partnership = PartnershipFactory(college=north_west["college"], trust=north_west["trust"], status="active",
                                     agendas=["estates"])
    UserFactory(coordinator=True, hub=HubFactory(region__code="Y56", region__name="London"), username="ldncoord")
    sign_in(page, live_server, "ldncoord")

    # when: they read the partnership
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    # then: they see it, with no way to change it
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hugh Baird Test College")
    for name in ("Change the partnership", "Log an activity", "Delete the partnership", "Add a contact"):
        assert page.get_by_role("link", name=name).count() == 0
    assert_accessible(page)

    # when: they post an edit directly, with a valid CSRF token
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/partnerships/{partnership.pk}/edit/",
        form={"csrfmiddlewaretoken": token, "college": str(north_west["college"].pk),
              "trust": str(north_west["trust"].pk), "status": "strategic", "started_on": "2025-09-01",
              "summary": "Taken over", "agendas": "leadership"},
        headers={"Referer": f"{live_server.url}/partnerships/{partnership.pk}/"},
    )
    # then: 403, and nothing changed
    assert response.status == 403
    assert "nothing has been changed" in response.text()
    partnership.refresh_from_db()
    assert partnership.status == "active" and partnership.summary != "Taken over"
    assert Partnership.objects.count() == 1


def test_every_other_hub_page_passes_the_accessibility_check(live_server, browser, page, north_west):
    # given: one of everything, seen by the hub's coordinator
    from tests.hubs.factories import ActivityFactory, CaseStudyFactory, ContactFactory

    partnership = PartnershipFactory(college=north_west["college"], trust=north_west["trust"], agendas=["estates"])
    contact = ContactFactory(partnership=partnership)
    activity = ActivityFactory(partnership=partnership)
    activity.learners = 20
    activity.save()
    case_study = CaseStudyFactory(hub=north_west["hub"], colleges=[north_west["college"]])
    sign_in(page, live_server, "nwcoordinator")
    pages = [
        "/hubs/", "/partnerships/", "/partnerships/?agenda=governance", f"/partnerships/{partnership.pk}/edit/",
        f"/partnerships/{partnership.pk}/delete/", f"/contacts/{contact.pk}/edit/", f"/contacts/{contact.pk}/delete/",
        f"/activities/{activity.pk}/", f"/activities/{activity.pk}/edit/", f"/activities/{activity.pk}/delete/",
        "/front-door/", "/front-door/?agenda=estates", "/good-practice/", f"/good-practice/{case_study.pk}/",
        "/good-practice/add/", f"/good-practice/{case_study.pk}/edit/", f"/good-practice/{case_study.pk}/delete/",
    ]
    # when / then
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert_accessible(page)
    # and the hub page, whose chart of activity over time is drawn beside its table
    page.goto(f"{live_server.url}/hubs/Y62/")
    page.locator("[data-hubs-chart]").wait_for(state="visible")
    assert_accessible(page)
    # and a rejected form, with its error summary
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/activities/add/")
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    # and the staff-only pages that set up a hub
    UserFactory(staff=True, username="hubstaff")
    staff_page = browser.new_context().new_page()
    sign_in(staff_page, live_server, "hubstaff")
    for path in ("/hubs/add/", "/hubs/Y62/edit/", "/hubs/Y62/delete/"):
        assert staff_page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(staff_page)
    staff_page.context.close()


def test_coordinator_corrects_a_partnership_form_from_the_error_summary(live_server, page, north_west):
    # given: the coordinator on the partnership form, which passes every axe-core rule
    sign_in(page, live_server, "nwcoordinator")
    page.goto(f"{live_server.url}/partnerships/add/")
    assert_accessible(page, impacts=None)
    assert page.locator('input[type="date"]').count() == 0
    page.get_by_label("College", exact=True).select_option(label="Hugh Baird Test College")
    page.get_by_label("NHS trust", exact=False).first.select_option(label="Mersey Test NHS Foundation Trust")
    page.get_by_label("Strategic", exact=True).check()
    page.get_by_label("Summary").fill("Joint lecturer-practitioner posts and placements.")
    page.get_by_label("Estates", exact=True).check()
    page.get_by_label("Governance", exact=True).check()

    # when: they leave out the month of the start date and save
    fill_date(page, "Start date", 15, "", 2025)
    page.get_by_role("button", name="Save partnership").click()
    page.wait_for_load_state()

    # then: the error summary says what is wrong, and its link leads to the month input
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Start date must include a month")
    assert page.title().startswith("Error: ")
    error = " ".join(page.locator(".nhsuk-error-message").text_content().split())
    assert error == "Error: Start date must include a month"  # "Error:" is read out, not shown
    summary.get_by_role("link", name="Start date must include a month").click()
    month = page.get_by_role("group", name="Start date").get_by_label("Month", exact=True)
    assert month.evaluate("element => element === document.activeElement")
    # and what they had typed and ticked is still there
    assert page.get_by_role("group", name="Start date").get_by_label("Day", exact=True).input_value() == "15"
    assert page.get_by_label("Estates", exact=True).is_checked()
    assert page.get_by_label("Governance", exact=True).is_checked()
    assert_accessible(page, impacts=None)

    # when: they type the month and save again
    month.fill("9")
    page.get_by_role("button", name="Save partnership").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))

    # then: the partnership is saved with the date and both agendas
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("was added")
    partnership = Partnership.objects.get()
    assert partnership.started_on == dt.date(2025, 9, 15)
    assert sorted(partnership.agenda_codes) == ["estates", "governance"]
    assert partnership.status == "strategic"


def test_the_character_count_counts_down_and_the_form_refuses_text_over_the_limit(live_server, page, north_west):
    # given: the partnership form
    sign_in(page, live_server, "nwcoordinator")
    page.goto(f"{live_server.url}/partnerships/add/")
    summary = page.get_by_label("Summary")
    # when: the summary is typed one character over the limit
    summary.fill("x" * 2001)
    # then: the page counts it (the NHS character count), and the browser kept every character
    expect(page.locator(".nhsuk-character-count")).to_contain_text("You have 1 character too many")
    assert len(summary.input_value()) == 2001
    # and the server refuses it with the field's name and limit
    page.get_by_role("button", name="Save partnership").click()
    page.wait_for_load_state()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Summary must be 2,000 characters or fewer")
    assert not Partnership.objects.exists()
