"""The drill-down of an occupation follows the report's rules: its backfill (DESIGN.md 6.3) and where
vacancies and offers lie on the report's as-of date (6.1), worked out by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from pathways.vocabulary import QualificationType
from planning import selectors
from tests.factories import (
    CollegeFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.test_gap_report_rules import compute, offer
from trusts.models import BoardSuccession, TrustBoard

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 15)


def place(level, code):
    return selectors.dashboard_geography(level=level, code=code)


def test_the_drill_down_says_how_much_demand_is_backfill_and_through_which_routes():
    # given: support workers in QAA, 3 vacancies; associates (50%) and a foundation degree (100%) take them.
    # 10 places each complete on 1 Sep 2027 (year 2 of a report as of 15 June 2026)
    support = OccupationFactory(code="support", name="Support workers", annual_leaver_rate=D(0))
    associates = OccupationFactory(code="associates", name="Nursing associates")
    assistants = OccupationFactory(code="assistants", name="Assistant practitioners")
    qaa = IntegratedCareSystemFactory(code="QAA")
    VacancyFactory(trust=TrustFactory(ics=qaa), occupation=support, vacancies_fte=D(3), staff_in_post_fte=D(0))
    EntryRouteFactory(occupation=associates, from_occupation=support, conversion_rate=D("0.5"))
    EntryRouteFactory(occupation=assistants, from_occupation=support, conversion_rate=D(1),
                      qualification_type=QualificationType.FOUNDATION_DEGREE, level=5)
    college = CollegeFactory(ics=qaa)
    offer(college, places=10)
    offer(college, places=10, qualification_type=QualificationType.FOUNDATION_DEGREE, level=5)
    report = compute(as_of=JUNE)

    # when
    backfill = selectors.dashboard_backfill(report=report, geography=place("ics", "QAA"), occupation=support)

    # then: 5 + 10 of the 18 in years 2 and 3
    assert [(row["year"], row["backfill_fte"], row["demand_fte"]) for row in backfill.years] == [
        (1, D(0), D(3)), (2, D(15), D(18)), (3, D(15), D(18)),
    ]
    assert [(row["occupation_code"], row["entrants"]) for row in backfill.routes] == [
        ("assistants", D(10)), ("associates", D(5)),
    ]
    assert backfill.total == D(15)


def test_the_drill_down_backfill_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    # given
    support = OccupationFactory(code="support")
    for _ in range(4):
        EntryRouteFactory(occupation=OccupationFactory(), from_occupation=support)
    report = compute(as_of=JUNE)
    geography = place("ics", IntegratedCareSystemFactory(code="QAA").code)

    # when / then: rows, routes, the entrants by route, and the report's placement (2)
    with django_assert_max_num_queries(5):
        selectors.dashboard_backfill(report=report, geography=geography, occupation=support)


def test_the_drill_downs_vacancies_and_offers_lie_where_the_report_puts_them_on_its_day():
    # given: ZD001 closed on 31 March 2026 and split 25% to ZE001, 75% to ZF001; its trust (40 vacancies)
    # and college (20 places, all entering) stay with it; another trust moved from QAA to ZE001 on 1 April
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=D(0))
    EntryRouteFactory(occupation=nurses, conversion_rate=D(1))
    zd = IntegratedCareSystemFactory(code="ZD001", closed_on=dt.date(2026, 3, 31))
    ze, zf = (IntegratedCareSystemFactory(code=code, opened_on=dt.date(2026, 4, 1)) for code in ("ZE001", "ZF001"))
    qaa = IntegratedCareSystemFactory(code="QAA")
    BoardSuccession.objects.create(predecessor=zd, successor=ze, share=D("0.25"))
    BoardSuccession.objects.create(predecessor=zd, successor=zf, share=D("0.75"))
    staying = TrustFactory(ics=zd, name="Staying Trust")
    VacancyFactory(trust=staying, occupation=nurses, vacancies_fte=D(40), staff_in_post_fte=D(0))
    moved = TrustFactory(ics=ze, name="Moved Trust")
    TrustBoard.objects.create(trust=moved, ics=qaa, valid_to=dt.date(2026, 3, 31))
    TrustBoard.objects.create(trust=moved, ics=ze, valid_from=dt.date(2026, 4, 1))
    VacancyFactory(trust=moved, ics=qaa, occupation=nurses, vacancies_fte=D(2), staff_in_post_fte=D(0))
    offer(CollegeFactory(ics=zd), places=20)
    report = compute(as_of=JUNE)
    geography = place("ics", "ZE001")

    # when
    trusts = selectors.dashboard_trusts(report=report, geography=geography, occupation=nurses)
    supply = selectors.dashboard_offers(report=report, geography=geography, occupation=nurses)

    # then: a quarter of the staying trust's, all of the moved trust's; the row says 12
    assert sorted((row["trust_name"], row["vacancies_fte"]) for row in trusts) == [
        ("Moved Trust", D(2)), ("Staying Trust", D(10)),
    ]
    assert report.rows.get(level="ics", code="ZE001", occupation=nurses, year=1).demand_fte == D(12)
    assert [offer.entrants for offer in supply.offers] == [D(5)]
    assert sum(row["entrants"] for row in supply.colleges()) == D(5)
    assert selectors.dashboard_trusts(report=report, geography=place("ics", "QAA"), occupation=nurses) == []
