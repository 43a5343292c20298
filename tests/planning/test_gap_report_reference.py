"""The set-based gap report against a plain Python reading of DESIGN.md section 6, on random data.

The hand-worked tests (test_gap_report_rules.py) pin each rule; this one checks that the rules
hold together on awkward data: month ends (29-31), lags across windows, missing rates, delivery
ICSs, series whose latest month is after as_of, routes by standard and by type and level.
"""

import calendar
import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from pathways.vocabulary import DEFAULT_COMPLETION_RATES, QualificationType, add_months
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.test_gap_report_rules import compute
from trusts.models import Sector

pytestmark = pytest.mark.django_db

SIX = Decimal("0.000001")
TYPES = [QualificationType.T_LEVEL, QualificationType.DIPLOMA, QualificationType.ACCESS_TO_HE]


def six(value: Decimal) -> Decimal:
    return value.quantize(SIX, rounding=ROUND_HALF_UP)


def random_world(rng: random.Random):
    regions = [RegionFactory(code="Y71"), RegionFactory(code="Y72")]
    icss = [IntegratedCareSystemFactory(code=f"QX{letter}", region=regions[index % 2])
            for index, letter in enumerate("ABC")]
    occupations = [OccupationFactory(code=f"ref-{n}", annual_leaver_rate=Decimal(rng.randint(0, 300)) / 1000)
                   for n in range(4)]
    standards = [ApprenticeshipStandardFactory(reference=f"ST08{n:02d}", level=3) for n in range(2)]
    for ics in icss:
        for trust in [TrustFactory(ics=ics) for _ in range(2)]:
            for occupation in rng.sample(occupations, 3):
                for period in rng.sample([dt.date(2026, month, 1) for month in range(1, 13)], rng.randint(1, 4)):
                    VacancyFactory(trust=trust, occupation=occupation, period=period,
                                   vacancies_fte=Decimal(rng.randint(0, 5000)) / 100,
                                   staff_in_post_fte=rng.choice([None, Decimal(rng.randint(0, 90000)) / 100]))
        occupation = rng.choice(occupations)
        for period in rng.sample([dt.date(2026, month, 1) for month in range(1, 13)], 2):
            VacancyFactory(sector=Sector.SOCIAL_CARE, trust=None, ics=ics, occupation=occupation, period=period,
                           vacancies_fte=Decimal(rng.randint(0, 5000)) / 100, staff_in_post_fte=Decimal(1000))
    for occupation in occupations:
        kind = rng.choice(TYPES)
        if not occupation.entry_routes.filter(qualification_type=kind, level=3).exists():
            EntryRouteFactory(occupation=occupation, qualification_type=kind, level=3,
                              conversion_rate=Decimal(rng.randint(1, 100)) / 100, lag_months=rng.randint(0, 14))
        EntryRouteFactory(occupation=occupation, qualification_type=QualificationType.APPRENTICESHIP, level=3,
                          apprenticeship_standard=rng.choice(standards),
                          conversion_rate=Decimal(rng.randint(1, 100)) / 100, lag_months=rng.randint(0, 14))
    colleges = [CollegeFactory(ics=ics) for ics in icss]
    for _ in range(25):
        apprenticeship = rng.random() < 0.4
        year, month = rng.choice([2025, 2026, 2027]), rng.choice([1, 2, 8, 9, 10, 12])
        start = dt.date(year, month, min(rng.choice([1, 15, 29, 30, 31]), calendar.monthrange(year, month)[1]))
        CourseOfferFactory(
            college=rng.choice(colleges), start_date=start, duration_months=rng.randint(1, 30),
            planned_places=rng.randint(0, 40),
            qualification_type=QualificationType.APPRENTICESHIP if apprenticeship else rng.choice(TYPES), level=3,
            apprenticeship_standard=rng.choice(standards) if apprenticeship else None,
            expected_completion_rate=rng.choice([None, Decimal(rng.randint(0, 100)) / 100]),
            delivery_ics=rng.choice([None, None, rng.choice(icss)]),
        )


def reference_rows(as_of: dt.date, years: int) -> dict:
    """Section 6, read literally, one object at a time."""
    from colleges.models import CourseOffer
    from pathways.models import EntryRoute
    from trusts.models import IntegratedCareSystem, Vacancy

    ends = [add_months(as_of, 12 * year) for year in range(1, years + 1)]
    latest = {}
    for row in Vacancy.objects.filter(period__lte=as_of).select_related("occupation"):
        series = (row.sector, row.trust_id or ("ics", row.ics_id), row.occupation_id)
        if series not in latest or row.period > latest[series].period:
            latest[series] = row
    vacancies, replacement = defaultdict(Decimal), defaultdict(Decimal)
    for row in latest.values():
        vacancies[row.ics_id, row.occupation_id] += row.vacancies_fte
        replacement[row.ics_id, row.occupation_id] += (row.staff_in_post_fte or 0) * row.occupation.annual_leaver_rate
    supply = defaultdict(Decimal)
    routes = list(EntryRoute.objects.all())
    for offer in CourseOffer.objects.select_related("college"):
        for route in routes:
            if route.apprenticeship_standard_id is not None:
                matches = route.apprenticeship_standard_id == offer.apprenticeship_standard_id
            else:
                matches = (route.qualification_type, route.level) == (offer.qualification_type, offer.level)
            if not matches:
                continue
            # read here from section 6 itself, not from the product's rules (pathways.rules)
            completes = add_months(offer.start_date, offer.duration_months)
            arrives = add_months(completes, route.lag_months)
            rate = offer.expected_completion_rate
            if rate is None:
                rate = DEFAULT_COMPLETION_RATES[offer.qualification_type]
            entrants = offer.planned_places * rate * route.conversion_rate
            ics_id = offer.delivery_ics_id or offer.college.ics_id
            for year, end in enumerate(ends, start=1):
                if as_of < arrives <= end:
                    supply[ics_id, route.occupation_id, year] += entrants
    pairs = {key for key in vacancies if vacancies[key] > 0 or replacement[key] > 0}
    pairs |= {(ics, occupation) for (ics, occupation, year), value in supply.items() if value > 0}
    icss = {ics.pk: ics for ics in IntegratedCareSystem.objects.select_related("region")}
    rows, sums = {}, defaultdict(lambda: [Decimal(0), Decimal(0)])
    for ics_id, occupation_id in pairs:
        ics = icss[ics_id]
        for year in range(1, years + 1):
            demand = six(vacancies[ics_id, occupation_id] + year * replacement[ics_id, occupation_id])
            given = six(supply[ics_id, occupation_id, year])
            rows["ics", ics.code, occupation_id, year] = (demand, given)
            for key in (("region", ics.region.code), ("national", "E92000001")):
                sums[(*key, occupation_id, year)][0] += demand
                sums[(*key, occupation_id, year)][1] += given
    rows.update({key: tuple(value) for key, value in sums.items()})
    return {key: (demand, given, demand - given, six(given / demand) if demand else None)
            for key, (demand, given) in rows.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_agrees_with_a_literal_reading_of_the_rules_on_random_data(seed):
    # given
    random_world(random.Random(seed))

    # when
    report = compute(as_of=dt.date(2026, 8, 31), horizon_years=3)

    # then: same rows; figures equal to the micro-unit (SQLite computes in floating point)
    expected = reference_rows(dt.date(2026, 8, 31), 3)
    got = {
        (row.level, row.code, row.occupation_id, row.year): (row.demand_fte, row.supply_fte, row.gap_fte, row.coverage)
        for row in report.rows.all()
    }
    assert set(got) == set(expected)
    for key, figures in expected.items():
        for mine, theirs in zip(got[key], figures, strict=True):
            assert (mine is None) == (theirs is None), key
            if mine is not None:
                assert abs(mine - theirs) <= Decimal("0.000002"), (key, got[key], figures)
    assert any(value[1] for value in expected.values())  # the data did produce supply
