"""ICS users of a closed board: a notice on their home page, and `move_board_users` to move them to the
successor with the largest share (issue 8)."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import BoardSuccessionFactory, IntegratedCareSystemFactory, UserFactory

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 3, 31)


@pytest.fixture
def frimley_analyst(db):
    old = IntegratedCareSystemFactory(code="QNQ", name="NHS Frimley Integrated Care Board", closed_on=LAST_DAY)
    thames = IntegratedCareSystemFactory(code="S0E4D", name="NHS Thames Valley Integrated Care Board",
                                         opened_on=dt.date(2026, 4, 1))
    surrey = IntegratedCareSystemFactory(code="S9B9J", name="NHS Surrey and Sussex Integrated Care Board",
                                         opened_on=dt.date(2026, 4, 1))
    BoardSuccessionFactory(predecessor=old, successor=thames, share=Decimal("0.560440"))
    BoardSuccessionFactory(predecessor=old, successor=surrey, share=Decimal("0.439560"))
    return UserFactory(ics_analyst=True, ics=old, username="frimley-analyst")


def home_for(user):
    client = Client()
    client.force_login(user)
    return client.get("/").content.decode()


def test_an_analyst_of_a_closed_board_sees_a_notice_naming_its_successor(frimley_analyst):
    page = home_for(frimley_analyst)
    assert 'id="closed-board-notice"' in page
    assert "NHS Frimley Integrated Care Board closed on 31 March 2026" in page
    assert 'href="/integrated-care-systems/S0E4D/"' in page


def test_an_analyst_of_an_open_board_sees_no_notice(db):
    analyst = UserFactory(ics_analyst=True, ics=IntegratedCareSystemFactory(code="QE1"), username="qe1")
    assert 'id="closed-board-notice"' not in home_for(analyst)


def test_the_dry_run_lists_the_move_and_changes_nothing(frimley_analyst):
    out = StringIO()
    call_command("move_board_users", "--dry-run", stdout=out)
    assert "frimley-analyst: would move from QNQ Frimley to S0E4D Thames Valley" in out.getvalue()
    frimley_analyst.refresh_from_db()
    assert frimley_analyst.ics.code == "QNQ"


def test_the_move_puts_the_user_in_the_successor_with_the_largest_share_and_the_notice_goes(frimley_analyst):
    out = StringIO()
    call_command("move_board_users", stdout=out)
    frimley_analyst.refresh_from_db()
    assert frimley_analyst.ics.code == "S0E4D"
    assert "1 user moved." in out.getvalue()
    assert 'id="closed-board-notice"' not in home_for(frimley_analyst)
    again = StringIO()
    call_command("move_board_users", stdout=again)
    assert "0 users moved." in again.getvalue()


def test_a_chain_is_followed_to_the_board_open_today(frimley_analyst):
    thames = IntegratedCareSystemFactory(code="S0E4D")
    thames.closed_on = dt.date(2026, 9, 30)
    thames.save()
    later = IntegratedCareSystemFactory(code="ZA001", opened_on=dt.date(2026, 10, 1))
    BoardSuccessionFactory(predecessor=thames, successor=later)
    call_command("move_board_users", stdout=StringIO())
    frimley_analyst.refresh_from_db()
    assert frimley_analyst.ics.code == "ZA001"


def test_a_closed_board_with_no_successor_leaves_its_users_and_says_so(db):
    UserFactory(ics_analyst=True, ics=IntegratedCareSystemFactory(code="QZZ", closed_on=LAST_DAY), username="lone")
    out = StringIO()
    call_command("move_board_users", stdout=out)
    assert "lone: QZZ" in out.getvalue() and "names no successor: left as it is" in out.getvalue()
