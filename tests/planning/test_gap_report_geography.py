"""Geography on a date in the gap report (DESIGN.md 6.1), worked out by hand.

The boards of these tests change on 1 April 2026: the old ones' last day is 31 March 2026. A report
as of 15 February 2026 sees the old boards, one as of 15 June 2026 the new ones. Leaver rates are 0,
so demand is the vacancies; offers complete at 100% and convert at 100%, arriving on 1 Sep 2027.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from colleges.models import CollegeBoard
from pathways.vocabulary import QualificationType
from planning.models import GapReportSupply
from tests.factories import (
    CollegeFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.test_gap_report_rules import by_year, compute, offer
from trusts.models import BoardSuccession, TrustBoard

pytestmark = pytest.mark.django_db

LAST_OLD_DAY, FIRST_NEW_DAY = dt.date(2026, 3, 31), dt.date(2026, 4, 1)
FEBRUARY, JUNE = dt.date(2026, 2, 15), dt.date(2026, 6, 15)


@pytest.fixture
def nurses(db):
    occupation = OccupationFactory(code="nurses", annual_leaver_rate=D(0))
    EntryRouteFactory(occupation=occupation, qualification_type=QualificationType.T_LEVEL, level=3,
                      conversion_rate=D(1))
    return occupation


def old_board(code, **extra):
    return IntegratedCareSystemFactory(code=code, closed_on=LAST_OLD_DAY, **extra)


def new_board(code, **extra):
    return IntegratedCareSystemFactory(code=code, opened_on=FIRST_NEW_DAY, **extra)


def succeed(predecessor, *successors):
    for successor, share in successors:
        BoardSuccession.objects.create(predecessor=predecessor, successor=successor, share=D(share))


def vacancies(board, occupation, fte):
    VacancyFactory(trust=TrustFactory(ics=board), occupation=occupation, period=dt.date(2026, 1, 1),
                   vacancies_fte=D(fte), staff_in_post_fte=D(0))


def ics_codes(report) -> set:
    return set(report.rows.filter(level="ics").values_list("code", flat=True))


def test_a_merger_counts_both_old_boards_in_the_new_one_after_the_change_and_apart_before(nurses):
    # given: ZA001 and ZB001 merge into ZC001
    za, zb, zc = old_board("ZA001"), old_board("ZB001"), new_board("ZC001")
    succeed(za, (zc, 1))
    succeed(zb, (zc, 1))
    vacancies(za, nurses, 10)
    vacancies(zb, nurses, 5)
    offer(CollegeFactory(ics=za), places=4, start=dt.date(2026, 9, 1))

    # when
    before, after = compute(as_of=FEBRUARY), compute(as_of=JUNE)

    # then: in February the old boards, in June only the new one, with both boards' figures
    assert ics_codes(before) == {"ZA001", "ZB001"}
    assert by_year(before, "ZA001", nurses) == [D(10)] * 3
    assert ics_codes(after) == {"ZC001"}
    assert by_year(after, "ZC001", nurses) == [D(15)] * 3
    assert by_year(after, "ZC001", nurses, "supply_fte") == [D(0), D(4), D(4)]


def test_a_split_shares_vacancies_and_completers_between_the_successors(nurses):
    # given: ZD001 splits 25% to ZE001 and 75% to ZF001; its trust and college stay members of ZD001
    zd, ze, zf = old_board("ZD001"), new_board("ZE001"), new_board("ZF001")
    succeed(zd, (ze, "0.25"), (zf, "0.75"))
    vacancies(zd, nurses, 40)
    college = CollegeFactory(ics=zd)
    offer(college, places=20)

    # when
    report = compute(as_of=JUNE)

    # then
    assert ics_codes(report) == {"ZE001", "ZF001"}
    assert by_year(report, "ZE001", nurses) == [D(10)] * 3
    assert by_year(report, "ZF001", nurses) == [D(30)] * 3
    assert by_year(report, "ZE001", nurses, "supply_fte") == [D(0), D(5), D(5)]
    assert by_year(report, "ZF001", nurses, "supply_fte") == [D(0), D(15), D(15)]
    # and the supply by college adds up to the rows, board by board
    stored = {row.ics_code: row.supply_fte for row in GapReportSupply.objects.filter(report=report)}
    assert stored == {"ZE001": D(5), "ZF001": D(15)}
    assert report.inputs["vacancy_rows"] == 1


def test_a_chain_of_changes_multiplies_the_shares(nurses):
    # given: ZG001 -> ZH001 (open April and May only) -> half to ZI001, half to ZJ001 (from 1 June)
    zg = old_board("ZG001")
    zh = IntegratedCareSystemFactory(code="ZH001", opened_on=FIRST_NEW_DAY, closed_on=dt.date(2026, 5, 31))
    zi, zj = (IntegratedCareSystemFactory(code=code, opened_on=dt.date(2026, 6, 1)) for code in ("ZI001", "ZJ001"))
    succeed(zg, (zh, 1))
    succeed(zh, (zi, "0.5"), (zj, "0.5"))
    vacancies(zg, nurses, 12)

    # when
    may, june = compute(as_of=dt.date(2026, 5, 15)), compute(as_of=JUNE)

    # then
    assert ics_codes(may) == {"ZH001"}
    assert by_year(may, "ZH001", nurses) == [D(12)] * 3
    assert ics_codes(june) == {"ZI001", "ZJ001"}
    assert by_year(june, "ZI001", nurses) == [D(6)] * 3


def test_a_trust_that_changed_board_counts_in_its_board_on_the_day(nurses):
    # given: a trust in QAA until 31 March 2026, in QAB from 1 April (its vacancy rows name QAA)
    qaa, qab = IntegratedCareSystemFactory(code="QAA"), IntegratedCareSystemFactory(code="QAB")
    trust = TrustFactory(ics=qab)
    TrustBoard.objects.create(trust=trust, ics=qaa, valid_to=LAST_OLD_DAY)
    TrustBoard.objects.create(trust=trust, ics=qab, valid_from=FIRST_NEW_DAY)
    VacancyFactory(trust=trust, ics=qaa, occupation=nurses, period=dt.date(2026, 1, 1), vacancies_fte=D(7),
                   staff_in_post_fte=D(0))

    # when
    before, after = compute(as_of=FEBRUARY), compute(as_of=JUNE)

    # then
    assert by_year(before, "QAA", nurses) == [D(7)] * 3 and by_year(before, "QAB", nurses) == []
    assert by_year(after, "QAB", nurses) == [D(7)] * 3 and by_year(after, "QAA", nurses) == []


def test_a_trust_with_no_board_on_the_day_counts_in_its_rows_ics(nurses):
    # given: the trust's only membership starts after the report's day
    qaa, qab = IntegratedCareSystemFactory(code="QAA"), IntegratedCareSystemFactory(code="QAB")
    trust = TrustFactory(ics=qab)
    TrustBoard.objects.create(trust=trust, ics=qab, valid_from=FIRST_NEW_DAY)
    VacancyFactory(trust=trust, ics=qaa, occupation=nurses, period=dt.date(2026, 1, 1), vacancies_fte=D(7),
                   staff_in_post_fte=D(0))

    # when
    report = compute(as_of=FEBRUARY)

    # then
    assert by_year(report, "QAA", nurses) == [D(7)] * 3


def test_a_college_that_moved_supplies_its_board_on_the_day_and_a_delivery_ics_overrides_it(nurses):
    # given: a college in QAA until 31 March 2026, in QAB from 1 April; one offer delivered in QAC
    qaa, qab, qac = (IntegratedCareSystemFactory(code=code) for code in ("QAA", "QAB", "QAC"))
    college = CollegeFactory(ics=qab)
    CollegeBoard.objects.create(college=college, ics=qaa, valid_to=LAST_OLD_DAY)
    CollegeBoard.objects.create(college=college, ics=qab, valid_from=FIRST_NEW_DAY)
    offer(college, places=10)
    offer(college, places=3, delivery_ics=qac)

    # when
    before, after = compute(as_of=FEBRUARY), compute(as_of=JUNE)

    # then
    assert by_year(before, "QAA", nurses, "supply_fte") == [D(0), D(10), D(10)]
    assert by_year(after, "QAB", nurses, "supply_fte") == [D(0), D(10), D(10)]
    assert by_year(before, "QAC", nurses, "supply_fte") == by_year(after, "QAC", nurses, "supply_fte") == [
        D(0), D(3), D(3)
    ]


def test_an_offer_delivered_in_a_board_not_yet_open_counts_in_its_colleges_board(nurses):
    # given: an offer delivered in ZC001, which opens on 1 April 2026, by a college in QAA
    zc, qaa = new_board("ZC001"), IntegratedCareSystemFactory(code="QAA")
    offer(CollegeFactory(ics=qaa), places=6, delivery_ics=zc)

    # when
    before, after = compute(as_of=FEBRUARY), compute(as_of=JUNE)

    # then
    assert ics_codes(before) == {"QAA"}
    assert by_year(before, "QAA", nurses, "supply_fte") == [D(0), D(6), D(6)]
    assert ics_codes(after) == {"ZC001"}


def test_an_ics_rows_region_is_the_boards_own(nurses):
    # given: the old board in Y51, its successor in Y52
    za = old_board("ZA001", region=RegionFactory(code="Y51"))
    zc = new_board("ZC001", region=RegionFactory(code="Y52"))
    succeed(za, (zc, 1))
    vacancies(za, nurses, 9)

    # when
    report = compute(as_of=JUNE)

    # then
    assert set(report.rows.filter(level="region").values_list("code", flat=True)) == {"Y52"}
    assert by_year(report, "Y52", nurses, level="region") == [D(9)] * 3
