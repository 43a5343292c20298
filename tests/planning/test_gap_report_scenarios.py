"""A scenario's report (DESIGN.md 6.4, the computation): the data with the scenario applied, worked out by hand.

The world of every test, in QAA, as of 15 June 2026 over 3 years:
- healthcare support workers: 10 vacancies, 100 staff in post leaving at 10% (low 5%, high 20%),
  so demand is 10 + y x 10 (10 + y x 5 | 10 + y x 20);
- T Levels complete at 80% (low 70%, high 90%) and half convert (low 40%, high 60%);
- one T Level offer of 100 places completing on 1 Sep 2027 (year 2): 40 (28 | 54) entrants.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from colleges.models import CourseOffer
from pathways.models import CompletionRate, EntryRoute, Occupation
from pathways.vocabulary import QualificationType
from planning import services
from planning.models import AdjustmentKind, GapReport, Scenario, ScenarioAdjustment, ScenarioOffer
from tests.factories import (
    CollegeFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.test_gap_report_rules import AS_OF, by_year, compute, offer
from trusts.models import Vacancy

pytestmark = pytest.mark.django_db

CASES = ("", "_low", "_high")


@pytest.fixture
def world(db):
    hcsw = OccupationFactory(code="hcsw", annual_leaver_rate=D("0.10"), annual_leaver_rate_low=D("0.05"),
                             annual_leaver_rate_high=D("0.20"))
    qaa = IntegratedCareSystemFactory(code="QAA")
    VacancyFactory(trust=TrustFactory(ics=qaa), occupation=hcsw, vacancies_fte=D(10), staff_in_post_fte=D(100))
    CompletionRate.objects.update_or_create(
        qualification_type=QualificationType.T_LEVEL,
        defaults={"rate": D("0.80"), "rate_low": D("0.70"), "rate_high": D("0.90")},
    )
    route = EntryRouteFactory(occupation=hcsw, qualification_type=QualificationType.T_LEVEL, level=3,
                              conversion_rate=D("0.5"), conversion_rate_low=D("0.4"), conversion_rate_high=D("0.6"))
    college = CollegeFactory(ics=qaa)
    main_offer = offer(college, places=100, rate=None)
    return {"hcsw": hcsw, "qaa": qaa, "route": route, "college": college, "offer": main_offer}


def scenario_with(*adjustments) -> Scenario:
    scenario = Scenario.objects.create(name="What if")
    for kind, target, value in adjustments:
        ScenarioAdjustment.objects.create(scenario=scenario, kind=kind, target=str(target), value=D(value))
    return scenario


def compute_scenario(scenario: Scenario) -> GapReport:
    """The report of `scenario`, computed through the service the task calls (the request side is the
    scenarios API's: here the pending report is made directly)."""
    report = GapReport.objects.create(as_of=AS_OF, horizon_years=3, scenario=scenario)
    return services.gap_report_compute(report_id=report.pk)


def year(report, occupation, figure: str, year_number: int, code="QAA") -> list:
    """One year's figure in each case: [central, low, high]."""
    return [by_year(report, code, occupation, f"{figure}{case}_fte")[year_number - 1] for case in CASES]


def test_the_baseline_world_as_worked_out(world):
    report = compute()
    assert year(report, world["hcsw"], "supply", 2) == [D(40), D(28), D(54)]
    assert year(report, world["hcsw"], "demand", 1) == [D(20), D(15), D(30)]


def test_offer_places_replace_the_offers_planned_places(world):
    # given: 50 places instead of 100
    scenario = scenario_with((AdjustmentKind.OFFER_PLACES, world["offer"].pk, 50))

    # when
    report = compute_scenario(scenario)

    # then: half the entrants, in every case
    assert report.status == GapReport.Status.SUCCEEDED
    assert report.scenario_id == scenario.pk
    assert year(report, world["hcsw"], "supply", 2) == [D(20), D(14), D(27)]


def test_an_adjusted_conversion_rate_is_the_low_central_and_high_rate_alike(world):
    # given: a quarter convert, whatever the route's range
    scenario = scenario_with((AdjustmentKind.CONVERSION_RATE, world["route"].pk, "0.25"))

    # when
    report = compute_scenario(scenario)

    # then: completers 80 (70 | 90) x 0.25
    assert year(report, world["hcsw"], "supply", 2) == [D(20), D("17.5"), D("22.5")]


def test_an_adjusted_completion_rate_is_the_default_of_its_type_in_every_case(world):
    # given: T Levels complete at 50%; an offer with its own rate keeps it
    offer(world["college"], places=10, rate=D("0.9"), months=24)  # year 3: 9 completers -> 4.5 (3.6 | 5.4)
    scenario = scenario_with((AdjustmentKind.COMPLETION_RATE, QualificationType.T_LEVEL, "0.5"))

    # when
    report = compute_scenario(scenario)

    # then: 50 completers x 0.5 (0.4 | 0.6)
    assert year(report, world["hcsw"], "supply", 2) == [D(25), D(20), D(30)]
    assert year(report, world["hcsw"], "supply", 3) == [D("29.5"), D("23.6"), D("35.4")]


def test_an_adjusted_leaver_rate_is_the_low_central_and_high_rate_alike(world):
    # given: 30% leave a year
    scenario = scenario_with((AdjustmentKind.LEAVER_RATE, "hcsw", "0.3"))

    # when
    report = compute_scenario(scenario)

    # then: demand 10 + y x 30 in every case
    assert by_year(report, "QAA", world["hcsw"]) == [D(40), D(70), D(100)]
    assert year(report, world["hcsw"], "demand", 3) == [D(100)] * 3


def test_a_vacancies_factor_multiplies_vacancies_but_not_staff_in_post(world):
    # given: twice the vacancies
    scenario = scenario_with((AdjustmentKind.VACANCIES_FACTOR, "hcsw", 2))

    # when
    report = compute_scenario(scenario)

    # then: 20 + y x 10 (20 + y x 5 | 20 + y x 20)
    assert by_year(report, "QAA", world["hcsw"]) == [D(30), D(40), D(50)]
    assert year(report, world["hcsw"], "demand", 1) == [D(30), D(25), D(40)]


def test_a_hypothetical_offer_adds_its_entrants_where_it_lies(world):
    # given: 10 more T Level places completing on 1 Sep 2028 (year 3) at the college, and 20 delivered in QAB
    qab = IntegratedCareSystemFactory(code="QAB")
    scenario = scenario_with()
    common = {"scenario": scenario, "college": world["college"], "qualification_type": QualificationType.T_LEVEL,
              "level": 3, "start_date": dt.date(2026, 9, 1)}
    ScenarioOffer.objects.create(duration_months=24, planned_places=10, **common)
    ScenarioOffer.objects.create(duration_months=12, planned_places=20, expected_completion_rate=D(1),
                                 delivery_ics=qab, **common)

    # when
    report = compute_scenario(scenario)

    # then: year 3 in QAA adds 10 x 0.8 x 0.5 = 4 (10 x 0.7 x 0.4 = 2.8 | 10 x 0.9 x 0.6 = 5.4);
    # QAB gets 20 x 0.5 = 10 (8 | 12)
    assert year(report, world["hcsw"], "supply", 3) == [D(44), D("30.8"), D("59.4")]
    assert year(report, world["hcsw"], "supply", 2, code="QAB") == [D(10), D(8), D(12)]
    assert report.inputs["course_offers"] == 3


def test_a_scenario_leaves_the_real_data_and_the_baseline_untouched(world):
    # given: a scenario changing every kind of thing
    scenario = scenario_with(
        (AdjustmentKind.OFFER_PLACES, world["offer"].pk, 1), (AdjustmentKind.CONVERSION_RATE, world["route"].pk, 1),
        (AdjustmentKind.COMPLETION_RATE, QualificationType.T_LEVEL, 1), (AdjustmentKind.LEAVER_RATE, "hcsw", 1),
        (AdjustmentKind.VACANCIES_FACTOR, "hcsw", 5),
    )
    ScenarioOffer.objects.create(scenario=scenario, college=world["college"], qualification_type="t_level", level=3,
                                 start_date=dt.date(2026, 9, 1), duration_months=12, planned_places=500)
    before = snapshot()

    # when
    compute_scenario(scenario)
    baseline = compute()

    # then
    assert snapshot() == before
    assert year(baseline, world["hcsw"], "supply", 2) == [D(40), D(28), D(54)]
    assert by_year(baseline, "QAA", world["hcsw"]) == [D(20), D(30), D(40)]
    assert baseline.scenario_id is None


def snapshot():
    return (
        list(CourseOffer.objects.values_list("id", "planned_places", "expected_completion_rate").order_by("id")),
        list(EntryRoute.objects.values_list("id", "conversion_rate", "conversion_rate_low", "conversion_rate_high")),
        list(CompletionRate.objects.values_list("qualification_type", "rate", "rate_low", "rate_high")),
        list(Occupation.objects.values_list("code", "annual_leaver_rate", "annual_leaver_rate_low",
                                            "annual_leaver_rate_high")),
        list(Vacancy.objects.values_list("id", "vacancies_fte", "staff_in_post_fte")),
    )


def test_another_scenarios_adjustments_do_not_apply(world):
    # given: a scenario halving places, and another scenario with none
    scenario_with((AdjustmentKind.OFFER_PLACES, world["offer"].pk, 50))
    other = scenario_with()

    # when
    report = compute_scenario(other)

    # then
    assert year(report, world["hcsw"], "supply", 2) == [D(40), D(28), D(54)]


def test_the_latest_report_and_the_dashboards_stay_the_newest_baseline(world):
    # given: a baseline report, then a newer scenario report
    from planning import selectors

    baseline = compute()
    compute_scenario(scenario_with((AdjustmentKind.LEAVER_RATE, "hcsw", "0.3")))

    # then
    assert selectors.gap_report_latest() == baseline
    assert selectors.dashboard_reports() == (baseline, None)
