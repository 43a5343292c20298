"""Boards on the pages (issue 8): lists and pickers show the boards open today, closed ones stay findable,
a closed board's page names its successors with shares, and closed trusts leave the pickers."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import (
    BoardSuccessionFactory,
    CollegeBoardFactory,
    CollegeFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    RegionFactory,
    TrustBoardFactory,
    TrustFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 3, 31)
FIRST_DAY = dt.date(2026, 4, 1)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def change(db):
    region = RegionFactory(code="Y61", name="East of England")
    old = IntegratedCareSystemFactory(code="QJG", name="NHS Suffolk and North East Essex Integrated Care Board",
                                      region=region, closed_on=LAST_DAY)
    essex = IntegratedCareSystemFactory(code="D7T5G", name="NHS Essex Integrated Care Board", region=region,
                                        opened_on=FIRST_DAY)
    norfolk = IntegratedCareSystemFactory(code="T6Y0W", name="NHS Norfolk and Suffolk Integrated Care Board",
                                          region=region, opened_on=FIRST_DAY)
    BoardSuccessionFactory(predecessor=old, successor=essex, share=Decimal("0.353345"))
    BoardSuccessionFactory(predecessor=old, successor=norfolk, share=Decimal("0.646655"))
    trust = TrustFactory(ods_code="RDE", name="East Suffolk and North Essex NHS Foundation Trust", ics=essex)
    TrustBoardFactory(trust=trust, ics=old, valid_to=LAST_DAY)
    TrustBoardFactory(trust=trust, ics=essex, valid_from=FIRST_DAY)
    college = CollegeFactory(ukprn="10001535", name="Colchester Institute", ics=essex)
    CollegeBoardFactory(college=college, ics=old, valid_to=LAST_DAY)
    CollegeBoardFactory(college=college, ics=essex, valid_from=FIRST_DAY)
    return {"old": old, "essex": essex, "norfolk": norfolk, "trust": trust, "college": college, "region": region}


def test_the_board_list_shows_boards_open_today_and_the_closed_filter_finds_the_old_ones(change, staff_user):
    client = signed_in(staff_user)
    today = {ics.code for ics in client.get("/integrated-care-systems/").context["object_list"]}
    closed = {ics.code for ics in client.get("/integrated-care-systems/?current=false").context["object_list"]}
    every = {ics.code for ics in client.get("/integrated-care-systems/?current=").context["object_list"]}
    assert (today, closed, every) == ({"D7T5G", "T6Y0W"}, {"QJG"}, {"D7T5G", "T6Y0W", "QJG"})
    assert "Closed boards" in text(client.get("/integrated-care-systems/"))


def test_a_closed_boards_page_says_when_it_closed_and_links_its_successors_with_shares(change, staff_user):
    page = text(signed_in(staff_user).get("/integrated-care-systems/QJG/"))
    assert "This board closed on 31 March 2026" in page
    assert 'href="/integrated-care-systems/D7T5G/"' in page and "35.3% of its figures" in page
    assert 'href="/integrated-care-systems/T6Y0W/"' in page and "64.7% of its figures" in page
    # its trusts and colleges until it closed stay listed
    assert 'href="/trusts/RDE/"' in page and 'href="/colleges/10001535/"' in page


def test_a_new_boards_page_says_when_it_opened_and_links_its_predecessors(change, staff_user):
    page = text(signed_in(staff_user).get("/integrated-care-systems/D7T5G/"))
    assert "This board opened on 1 April 2026" in page
    assert "Took over from" in page and 'href="/integrated-care-systems/QJG/"' in page and "35.3%" in page


def test_a_closed_boards_page_reads_a_fixed_number_of_queries(change, staff_user, django_assert_max_num_queries):
    client = signed_in(staff_user)
    client.get("/integrated-care-systems/QJG/")
    with django_assert_max_num_queries(20) as once:
        client.get("/integrated-care-systems/QJG/")
    for index in range(10):
        trust = TrustFactory(ics=change["norfolk"])
        TrustBoardFactory(trust=trust, ics=change["old"], valid_to=LAST_DAY)
        college = CollegeFactory(ics=change["norfolk"])
        CollegeBoardFactory(college=college, ics=change["old"], valid_to=LAST_DAY)
        # codes of their own: the factory's sequence can land on QJG itself (a succession to itself)
        predecessor = IntegratedCareSystemFactory(code=f"ZP{index:03d}", closed_on=LAST_DAY)
        BoardSuccessionFactory(predecessor=predecessor, successor=change["old"])
    with django_assert_max_num_queries(len(once)):
        page = text(client.get("/integrated-care-systems/QJG/"))
    assert "Open NHS trusts that belonged to it (11)" in page


def test_a_trust_page_lists_its_boards_over_time(change, staff_user):
    page = text(signed_in(staff_user).get("/trusts/RDE/"))
    assert "Boards over time:" in page
    assert "Suffolk and North East Essex</a> until 31 March 2026" in page
    assert "Essex</a> from 1 April 2026" in page


def test_the_partnership_trust_picker_offers_open_trusts_of_the_hubs_region_first(change):
    hub = HubFactory(region=change["region"])
    change["college"].hub = hub
    change["college"].save()
    coordinator = UserFactory(coordinator=True, hub=hub, username="east-coordinator")
    TrustFactory(ods_code="RQW", name="Princess Alexandra Hospital NHS Trust", ics=change["essex"])
    TrustFactory(ods_code="RGQ", name="Ipswich Hospital NHS Trust", ics=change["norfolk"],
                 closed_on=dt.date(2018, 6, 30))
    TrustFactory(ods_code="RXN", name="Lancashire Teaching Hospitals NHS Foundation Trust")
    form = signed_in(coordinator).get("/partnerships/add/").context["form"]
    groups = [(group, [label for _, label in options]) for group, options in form.fields["trust"].widget.choices[1:]]
    assert groups == [
        ("Trusts in East of England", ["East Suffolk and North Essex NHS Foundation Trust",
                                       "Princess Alexandra Hospital NHS Trust"]),
        ("Other trusts", ["Lancashire Teaching Hospitals NHS Foundation Trust"]),
    ]
    assert form.fields["trust"].widget.attrs["data-portal-filter"] == "trusts"


def test_the_partnership_ics_picker_offers_only_the_boards_open_today(change, staff_user):
    form = signed_in(staff_user).get("/partnerships/add/").context["form"]
    assert {ics.code for ics in form.fields["ics"].queryset} == {"D7T5G", "T6Y0W"}


def test_the_course_offer_delivery_picker_offers_only_the_boards_open_today(change):
    officer = UserFactory(college_officer=True, college=change["college"], username="colchester")
    response = signed_in(officer).get("/colleges/10001535/offers/add/")
    assert {ics.code for ics in response.context["form"].fields["delivery_ics"].queryset} == {"D7T5G", "T6Y0W"}


def test_filters_list_the_boards_open_today_first_and_closed_ones_marked(change, staff_user):
    from trusts.selectors import ics_choices

    assert ics_choices() == [("D7T5G", "Essex"), ("T6Y0W", "Norfolk and Suffolk"),
                             ("QJG", "Suffolk and North East Essex (closed)")]


def test_the_partnership_form_reads_a_fixed_number_of_queries_whatever_the_number_of_trusts(
        change, django_assert_max_num_queries):
    hub = HubFactory(region=change["region"])
    coordinator = UserFactory(coordinator=True, hub=hub, username="east-coordinator")
    client = signed_in(coordinator)
    client.get("/partnerships/add/")
    with django_assert_max_num_queries(30) as once:
        client.get("/partnerships/add/")
    TrustFactory.create_batch(20, ics=change["essex"])
    TrustFactory.create_batch(20, ics=change["old"], closed_on=dt.date(2020, 1, 1))
    with django_assert_max_num_queries(len(once)):
        response = client.get("/partnerships/add/")
    assert len(response.context["form"].fields["trust"].widget.choices[1][1]) == 21
