"""The drill-down's supply by college is the report's own (GapReportSupply, issue 9): it adds up to the
report's rows, for every ICS, region and England, and it stays the report's when the data changes."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from planning import selectors
from planning.models import GapReportSupply
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
)
from tests.planning.test_gap_report_reference import random_world
from tests.planning.test_gap_report_rules import compute

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 8, 31)
MICRO = Decimal("0.000001")  # rows are stored to 6 decimals; SQLite sums in floating point


def _drill_down_supply(report, level, code, occupation) -> Decimal:
    geography = selectors.dashboard_geography(level=level, code=code)
    supply = selectors.dashboard_offers(report=report, geography=geography, occupation=occupation)
    return sum((row["entrants"] for row in supply.colleges()), Decimal(0))


@pytest.mark.parametrize("seed", [4, 5])
def test_the_drill_downs_supply_for_an_occupation_adds_up_to_the_report_row(seed):
    # given: random offers, routes by standard and by type and level, lags across windows, delivery ICSs
    random_world(random.Random(seed))

    # when
    report = compute(as_of=AS_OF, horizon_years=3)

    # then: every geography's drill-down supply over the horizon is its row's supply in the last year
    rows = list(report.rows.filter(year=3).select_related("occupation"))
    assert any(row.supply_fte for row in rows)  # the data did produce supply
    for row in rows:
        code = "england" if row.level == "national" else row.code
        drill_down = _drill_down_supply(report, row.level, code, row.occupation)
        assert abs(drill_down - row.supply_fte) <= MICRO, (row.level, row.code, row.occupation.code, drill_down)


def test_the_stored_supply_adds_up_to_each_years_ics_row():
    # given
    random_world(random.Random(6))

    # when
    report = compute(as_of=AS_OF, horizon_years=3)

    # then: for each ICS row, the stored supply of years 1..y summed over colleges is the row's supply
    stored = list(GapReportSupply.objects.filter(report=report).values_list("ics_code", "occupation_id", "year",
                                                                            "supply_fte"))
    assert stored
    for row in report.rows.filter(level="ics"):
        total = sum((fte for ics, occupation, year, fte in stored
                     if (ics, occupation) == (row.code, row.occupation_id) and year <= row.year), Decimal(0))
        assert abs(total - row.supply_fte) <= MICRO, (row.code, row.occupation_id, row.year)
    assert report.inputs["supply_rows"] == len(stored)


def test_the_drill_down_keeps_the_reports_supply_when_offers_change_after_it():
    # given: a report counting 10 places x 1 x 1 arriving in year 2
    ics = IntegratedCareSystemFactory(code="QAA")
    nurses = OccupationFactory(code="nurses")
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("1"))
    offer = CourseOfferFactory(college=CollegeFactory(ics=ics), planned_places=10, expected_completion_rate=1,
                               start_date=dt.date(2026, 9, 1), duration_months=12)
    report = compute(as_of=AS_OF, horizon_years=3)

    # when: the college then doubles its places
    offer.planned_places = 20
    offer.save()

    # then: the drill-down still says what the report counted, and so agrees with its row
    row = report.rows.get(level="ics", code="QAA", occupation=nurses, year=3)
    assert row.supply_fte == 10
    assert _drill_down_supply(report, "ics", "QAA", nurses) == 10
