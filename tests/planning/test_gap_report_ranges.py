"""Ranges (DESIGN.md 6.2) and backfill along a pathway (6.3) in the gap report, worked out by hand.

As in test_gap_report_rules.py the report is as of 15 June 2026 over 3 years:
  year 1: (15 Jun 2026, 15 Jun 2027]   year 2: (.., 15 Jun 2028]   year 3: (.., 15 Jun 2029]
An offer starting 1 Sep 2026 for 12 months completes on 1 Sep 2027 (year 2); for 24 months on
1 Sep 2028 (year 3).
"""

from decimal import Decimal as D

import pytest

from pathways.models import CompletionRate
from pathways.vocabulary import QualificationType
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.test_gap_report_rules import by_year, compute, offer, row_keys

pytestmark = pytest.mark.django_db


def figures(report, code, occupation, *fields, level="ics") -> dict:
    return {field: by_year(report, code, occupation, field, level) for field in fields}


# -- ranges ----------------------------------------------------------------------------------


def test_low_and_high_cases_use_every_low_and_every_high_rate_through_matching_and_windows():
    # given: 10 vacancies and 100 staff in post leaving at 10% (low 5%, high 20%) in QAA
    hcsw = OccupationFactory(code="hcsw", annual_leaver_rate=D("0.10"), annual_leaver_rate_low=D("0.05"),
                             annual_leaver_rate_high=D("0.20"))
    ics = IntegratedCareSystemFactory(code="QAA")
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=hcsw, vacancies_fte=D(10), staff_in_post_fte=D(100))
    # T Levels complete at 80% by default (low 70%, high 90%); half convert (low 40%, high 60%)
    CompletionRate.objects.update_or_create(
        qualification_type=QualificationType.T_LEVEL,
        defaults={"rate": D("0.80"), "rate_low": D("0.70"), "rate_high": D("0.90")},
    )
    EntryRouteFactory(occupation=hcsw, qualification_type=QualificationType.T_LEVEL, level=3,
                      conversion_rate=D("0.5"), conversion_rate_low=D("0.4"), conversion_rate_high=D("0.6"))
    college = CollegeFactory(ics=ics)
    # 100 places at the default rate, year 2: completers 80/70/90 -> entrants 40/28/54
    offer(college, places=100, rate=None)
    # 20 places at the offer's own 50% (its low and high too), year 3: 10 completers -> 5/4/6
    offer(college, places=20, rate=D("0.5"), months=24)

    # when
    report = compute()

    # then: demand 10 + y x (10 | 5 | 20); supply cumulative
    got = figures(report, "QAA", hcsw, "demand_fte", "demand_low_fte", "demand_high_fte",
                  "supply_fte", "supply_low_fte", "supply_high_fte", "gap_low_fte", "gap_high_fte", "backfill_fte")
    assert got == {
        "demand_fte": [D(20), D(30), D(40)],
        "demand_low_fte": [D(15), D(20), D(25)],
        "demand_high_fte": [D(30), D(50), D(70)],
        "supply_fte": [D(0), D(40), D(45)],
        "supply_low_fte": [D(0), D(28), D(32)],
        "supply_high_fte": [D(0), D(54), D(60)],
        # gap_low = demand_low - supply_high, gap_high = demand_high - supply_low
        "gap_low_fte": [D(15), D(-34), D(-35)],
        "gap_high_fte": [D(30), D(22), D(38)],
        "backfill_fte": [D(0), D(0), D(0)],
    }
    assert by_year(report, "QAA", hcsw, "gap_fte") == [D(20), D(-10), D(-5)]


def test_region_and_national_ranges_are_sums_of_their_ics_rows():
    # given: two ICSs of one region, each with 10 staff leaving at 10% (low 0%, high 30%) and 1 vacancy
    region = RegionFactory(code="Y61")
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=D("0.10"), annual_leaver_rate_low=D("0"),
                               annual_leaver_rate_high=D("0.30"))
    for code in ("QAA", "QAB"):
        ics = IntegratedCareSystemFactory(code=code, region=region)
        VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, vacancies_fte=D(1), staff_in_post_fte=D(10))

    # when
    report = compute(horizon_years=1)

    # then: each ICS 2 (1 | 4); the region and England 4 (2 | 8)
    for level, code in (("region", "Y61"), ("national", "E92000001")):
        assert figures(report, code, nurses, "demand_fte", "demand_low_fte", "demand_high_fte",
                       "gap_low_fte", "gap_high_fte", level=level) == {
            "demand_fte": [D(4)], "demand_low_fte": [D(2)], "demand_high_fte": [D(8)],
            "gap_low_fte": [D(2)], "gap_high_fte": [D(8)],
        }


# -- backfill --------------------------------------------------------------------------------


def test_entrants_through_a_route_from_an_occupation_open_posts_there_in_the_same_window():
    # given: the nursing associate apprenticeship (ST0827) takes healthcare support workers; 10 places,
    # all complete, half convert (low 40%, high 60%), arriving 1 Sep 2027 (year 2): 5 (4 | 6) entrants
    hcsw = OccupationFactory(code="hcsw", annual_leaver_rate=D("0"))
    associates = OccupationFactory(code="nursing-associate", annual_leaver_rate=D("0"))
    standard = ApprenticeshipStandardFactory(reference="ST0827", level=5)
    EntryRouteFactory(occupation=associates, qualification_type=QualificationType.APPRENTICESHIP, level=5,
                      apprenticeship_standard=standard, from_occupation=hcsw, conversion_rate=D("0.5"),
                      conversion_rate_low=D("0.4"), conversion_rate_high=D("0.6"))
    college = CollegeFactory(ics=IntegratedCareSystemFactory(code="QAA"))
    offer(college, places=10, qualification_type=QualificationType.APPRENTICESHIP, level=5,
          apprenticeship_standard=standard)

    # when
    report = compute()

    # then: support workers, with no demand of their own, get a row for every year: backfill is demand
    assert row_keys(report) == {(code, occupation, year) for code in ["QAA"]
                                for occupation in ["hcsw", "nursing-associate"] for year in (1, 2, 3)}
    assert figures(report, "QAA", hcsw, "backfill_fte", "demand_fte", "demand_low_fte", "demand_high_fte",
                   "supply_fte") == {
        "backfill_fte": [D(0), D(5), D(5)],
        "demand_fte": [D(0), D(5), D(5)],
        "demand_low_fte": [D(0), D(4), D(4)],
        "demand_high_fte": [D(0), D(6), D(6)],
        "supply_fte": [D(0), D(0), D(0)],
    }
    # and the associates' supply is those entrants, with no backfill of their own
    assert by_year(report, "QAA", associates, "supply_fte") == [D(0), D(5), D(5)]
    assert by_year(report, "QAA", associates, "backfill_fte") == [D(0), D(0), D(0)]


def test_backfill_arriving_in_a_later_window_adds_to_demand_from_that_year_in_the_geography_of_the_offer():
    # given: support workers in QAA with 3 vacancies (no leavers); a route from them, no lag, 50%
    hcsw = OccupationFactory(code="hcsw", annual_leaver_rate=D("0"))
    associates = OccupationFactory(code="nursing-associate", annual_leaver_rate=D("0"))
    qaa, qab = IntegratedCareSystemFactory(code="QAA"), IntegratedCareSystemFactory(code="QAB")
    VacancyFactory(trust=TrustFactory(ics=qaa), occupation=hcsw, vacancies_fte=D(3), staff_in_post_fte=D(50))
    EntryRouteFactory(occupation=associates, qualification_type=QualificationType.FOUNDATION_DEGREE, level=5,
                      from_occupation=hcsw, conversion_rate=D("0.5"))
    college = CollegeFactory(ics=qaa)
    foundation = {"qualification_type": QualificationType.FOUNDATION_DEGREE, "level": 5}
    offer(college, places=10, **foundation)  # year 2: 5 entrants
    offer(college, places=20, months=24, **foundation)  # year 3: 10 entrants
    offer(college, places=8, delivery_ics=qab, **foundation)  # delivered in QAB, year 2: 4 entrants there

    # when
    report = compute()

    # then
    assert by_year(report, "QAA", hcsw, "backfill_fte") == [D(0), D(5), D(15)]
    assert by_year(report, "QAA", hcsw, "demand_fte") == [D(3), D(8), D(18)]
    assert by_year(report, "QAB", hcsw, "demand_fte") == [D(0), D(4), D(4)]
    assert by_year(report, "E92000001", hcsw, "backfill_fte", level="national") == [D(0), D(9), D(19)]

