"""Geography on a date (DESIGN.md 6.1): where a board's figures are counted, in SQL and in Python."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from pathways import rules
from tests.factories import IntegratedCareSystemFactory
from trusts.models import BoardSuccession

BEFORE, CHANGE, AFTER = dt.date(2026, 2, 1), dt.date(2026, 3, 31), dt.date(2026, 6, 1)


@pytest.fixture
def chain(db):
    """A merged into C; B split 0.25 to C and 0.75 to D; D closes later (end of 2027) into E."""
    a = IntegratedCareSystemFactory(code="ZA001", closed_on=CHANGE)
    b = IntegratedCareSystemFactory(code="ZB001", closed_on=CHANGE)
    c = IntegratedCareSystemFactory(code="ZC001", opened_on=CHANGE + dt.timedelta(days=1))
    d = IntegratedCareSystemFactory(
        code="ZD001", opened_on=CHANGE + dt.timedelta(days=1), closed_on=dt.date(2027, 12, 31)
    )
    e = IntegratedCareSystemFactory(code="ZE001", opened_on=dt.date(2028, 1, 1))
    BoardSuccession.objects.create(predecessor=a, successor=c, share=1)
    BoardSuccession.objects.create(predecessor=b, successor=c, share=Decimal("0.25"))
    BoardSuccession.objects.create(predecessor=b, successor=d, share=Decimal("0.75"))
    BoardSuccession.objects.create(predecessor=d, successor=e, share=1)
    return {board.code: board.id for board in (a, b, c, d, e)}


def shares_in_sql(day):
    sql, params = rules.board_shares_sql(
        "trusts_integratedcaresystem", "trusts_boardsuccession", day, connection.vendor
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT from_ics_id, ics_id, share FROM ({sql}) s", params)
        found: dict = {}
        for origin, board, share in cursor.fetchall():
            found.setdefault(origin, {})[board] = Decimal(str(share)).quantize(Decimal("0.000001"))
    return found


def shares_in_python(day):
    from trusts.models import IntegratedCareSystem

    boards = {b.id: (b.opened_on, b.closed_on) for b in IntegratedCareSystem.objects.all()}
    successions: dict = {}
    for s in BoardSuccession.objects.all():
        successions.setdefault(s.predecessor_id, []).append((s.successor_id, s.share))
    return {
        origin: {board: share.quantize(Decimal("0.000001")) for board, share in shares.items()}
        for origin, shares in rules.board_shares(boards, successions, day).items()
    }


@pytest.mark.parametrize("reading", [shares_in_sql, shares_in_python])
def test_before_the_change_the_old_boards_keep_their_figures_and_new_ones_have_none(chain, reading):
    found = reading(BEFORE)
    assert found[chain["ZA001"]] == {chain["ZA001"]: Decimal(1)}
    assert found[chain["ZB001"]] == {chain["ZB001"]: Decimal(1)}
    assert chain["ZC001"] not in found and chain["ZE001"] not in found


@pytest.mark.parametrize("reading", [shares_in_sql, shares_in_python])
def test_after_the_change_a_merger_passes_all_and_a_split_passes_each_share(chain, reading):
    found = reading(AFTER)
    assert found[chain["ZA001"]] == {chain["ZC001"]: Decimal(1)}
    assert found[chain["ZB001"]] == {chain["ZC001"]: Decimal("0.25"), chain["ZD001"]: Decimal("0.75")}
    assert found[chain["ZC001"]] == {chain["ZC001"]: Decimal(1)}


@pytest.mark.parametrize("reading", [shares_in_sql, shares_in_python])
def test_a_chain_of_successions_multiplies_the_shares(chain, reading):
    found = reading(dt.date(2028, 6, 1))
    assert found[chain["ZB001"]] == {chain["ZC001"]: Decimal("0.25"), chain["ZE001"]: Decimal("0.75")}
    assert found[chain["ZD001"]] == {chain["ZE001"]: Decimal(1)}
    assert chain["ZD001"] not in found[chain["ZD001"]]


@pytest.mark.parametrize("reading", [shares_in_sql, shares_in_python])
def test_a_board_is_open_on_its_last_day(chain, reading):
    found = reading(CHANGE)
    assert found[chain["ZA001"]] == {chain["ZA001"]: Decimal(1)}
