"""Scenarios through the API (DESIGN.md 6.4, issue 10.3): CRUD with nested offers and adjustments, each
adjustment kind's validation, privacy from both sides, history, and reports of a scenario."""

import datetime as dt
from decimal import Decimal

import pytest

from colleges.models import CourseOffer
from pathways.models import EntryRoute, Occupation
from planning.models import GapReport, Scenario, ScenarioAdjustment, ScenarioOffer
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    UserFactory,
)
from tests.planning.factories import GapReportFactory, ScenarioFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/scenarios/"


def detail(scenario) -> str:
    return f"{LIST}{scenario.pk}/"


def _offer(college, **values) -> dict:
    return {
        "college": college.ukprn, "qualification_type": "t_level", "level": 3, "start_date": "2027-09-06",
        "duration_months": 24, "planned_places": 30, **values,
    }


# -- create, read, change, delete ------------------------------------------------------------------


def test_an_analyst_creates_a_scenario_for_their_own_ics_whatever_ics_they_send(ics_user, client_for):
    # given a college and another ICS
    college = CollegeFactory(ics=ics_user.ics)
    other = IntegratedCareSystemFactory(code="ZA001")
    job = OccupationFactory(code="nurse")
    # when
    response = client_for(ics_user).post(LIST, {
        "name": "More T Levels", "ics": other.code, "offers": [_offer(college)],
        "adjustments": [{"kind": "leaver_rate", "target": "nurse", "value": "0.08"}],
    }, format="json")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["ics"], body["shared"], body["created_by"]) == (ics_user.ics.code, False, ics_user.username)
    assert body["offers"][0]["college"] == college.ukprn and body["offers"][0]["level"] == 3
    assert body["adjustments"] == [{"kind": "leaver_rate", "target": job.code, "value": "0.0800"}]


def test_staff_create_a_scenario_for_england_by_leaving_ics_null(staff_user, client_for):
    # when
    response = client_for(staff_user).post(LIST, {"name": "England what-if", "ics": None}, format="json")
    # then
    assert response.status_code == 201
    assert response.json()["ics"] is None and Scenario.objects.get().ics is None


def test_an_apprenticeship_offer_takes_its_standards_level_as_a_real_offer_does(ics_user, client_for):
    # given
    college = CollegeFactory()
    standard = ApprenticeshipStandardFactory(reference="ST0216", level=2)
    # when
    response = client_for(ics_user).post(LIST, {"name": "Apprentices", "offers": [_offer(
        college, qualification_type="apprenticeship", level=None, apprenticeship_standard=standard.reference
    )]}, format="json")
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["offers"][0]["level"] == 2


def test_an_offer_breaking_the_course_offer_rules_is_a_400_naming_its_index_and_field(ics_user, client_for):
    # given an apprenticeship without a standard (the real offers' rule), after a valid offer
    college = CollegeFactory()
    # when
    response = client_for(ics_user).post(LIST, {"name": "Bad", "offers": [
        _offer(college), _offer(college, qualification_type="apprenticeship", level=2),
    ]}, format="json")
    # then
    assert response.status_code == 400
    assert set(response.json()["offers"]) == {"1"}
    assert "apprenticeship_standard" in response.json()["offers"]["1"]
    assert not Scenario.objects.exists()


def test_an_offer_of_an_unknown_college_is_a_400_naming_its_index(ics_user, client_for):
    # when
    response = client_for(ics_user).post(
        LIST, {"name": "Bad", "offers": [_offer(CollegeFactory.build(ukprn="19999999"))]}, format="json"
    )
    # then
    assert response.status_code == 400
    assert "college" in response.json()["offers"]["0"]


def test_a_put_replaces_the_offers_and_adjustments_and_a_patch_keeps_them(ics_user, client_for):
    # given a scenario with one offer
    college = CollegeFactory()
    client = client_for(ics_user)
    scenario_id = client.post(LIST, {"name": "First", "offers": [_offer(college)]}, format="json").json()["id"]
    url = f"{LIST}{scenario_id}/"
    # when a patch changes the name only
    assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 200
    # then the offer stays
    assert ScenarioOffer.objects.filter(scenario_id=scenario_id).count() == 1
    # when a put sends two offers
    response = client.put(url, {"name": "Renamed", "offers": [_offer(college), _offer(college, planned_places=5)]},
                          format="json")
    # then they replace the first
    assert response.status_code == 200, response.json()
    assert sorted(o["planned_places"] for o in response.json()["offers"]) == [5, 30]


def test_an_analyst_deletes_their_scenario_with_its_offers(ics_user, client_for):
    # given
    scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user)
    ScenarioOffer.objects.create(scenario=scenario, college=CollegeFactory(), qualification_type="diploma", level=3,
                                 start_date=dt.date(2027, 9, 1), duration_months=12, planned_places=10)
    # when
    response = client_for(ics_user).delete(detail(scenario))
    # then
    assert response.status_code == 204
    assert not Scenario.objects.exists() and not ScenarioOffer.objects.exists()


# -- each adjustment kind's validation ---------------------------------------------------------------


def _adjust(client, *adjustments):
    return client.post(LIST, {"name": "Adjusted", "adjustments": list(adjustments)}, format="json")


def test_every_kind_is_accepted_with_an_existing_target_and_a_value_in_range(ics_user, client_for):
    # given
    offer = CourseOfferFactory()
    route = EntryRouteFactory()
    OccupationFactory(code="carer")
    # when
    response = _adjust(
        client_for(ics_user),
        {"kind": "offer_places", "target": str(offer.pk), "value": "45"},
        {"kind": "conversion_rate", "target": str(route.pk), "value": "0.6"},
        {"kind": "completion_rate", "target": "t_level", "value": "1"},
        {"kind": "leaver_rate", "target": "carer", "value": "0"},
        {"kind": "vacancies_factor", "target": "carer", "value": "1.5"},
    )
    # then
    assert response.status_code == 201, response.json()
    assert ScenarioAdjustment.objects.count() == 5


@pytest.mark.parametrize(
    ("kind", "target", "value", "field"),
    [
        ("offer_places", "999999", "10", "target"),
        ("offer_places", "{offer}", "-1", "value"),
        ("offer_places", "{offer}", "2.5", "value"),
        ("conversion_rate", "999999", "0.5", "target"),
        ("conversion_rate", "{route}", "1.2", "value"),
        ("completion_rate", "degree", "0.5", "target"),
        ("completion_rate", "t_level", "1.01", "value"),
        ("leaver_rate", "astronaut", "0.1", "target"),
        ("leaver_rate", "carer", "-0.1", "value"),
        ("vacancies_factor", "astronaut", "1", "target"),
        ("vacancies_factor", "carer", "-2", "value"),
        ("weather", "carer", "1", "kind"),
    ],
)
def test_a_bad_adjustment_is_a_400_naming_its_index_and_field(ics_user, client_for, kind, target, value, field):
    # given a valid first adjustment and a bad second one
    offer, route = CourseOfferFactory(), EntryRouteFactory()
    OccupationFactory(code="carer")
    target = target.format(offer=offer.pk, route=route.pk)
    # when
    response = _adjust(
        client_for(ics_user),
        {"kind": "completion_rate", "target": "diploma", "value": "0.9"},
        {"kind": kind, "target": target, "value": value},
    )
    # then
    assert response.status_code == 400, response.json()
    errors = response.json()["adjustments"]
    assert list(errors) == ["1"] and field in errors["1"], errors
    assert not Scenario.objects.exists()


def test_the_same_target_adjusted_twice_is_a_400_on_the_second(ics_user, client_for):
    # when
    response = _adjust(
        client_for(ics_user),
        {"kind": "completion_rate", "target": "diploma", "value": "0.9"},
        {"kind": "completion_rate", "target": "diploma", "value": "0.8"},
    )
    # then
    assert response.status_code == 400
    assert "target" in response.json()["adjustments"]["1"]


# -- privacy, from both sides ----------------------------------------------------------------------


def test_a_private_scenario_is_seen_by_its_creator_and_staff_only(ics_user, staff_user, client_for):
    # given a private scenario of the analyst, a colleague in the same ICS and an analyst elsewhere
    scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user, shared=False)
    colleague = UserFactory(ics_analyst=True, ics=ics_user.ics)
    elsewhere = UserFactory(ics_analyst=True, ics=IntegratedCareSystemFactory(code="ZA002"))
    coordinator = UserFactory(coordinator=True)
    # when / then
    assert client_for(ics_user).get(detail(scenario)).status_code == 200
    assert client_for(staff_user).get(detail(scenario)).status_code == 200
    for outsider in (colleague, elsewhere, coordinator):
        assert client_for(outsider).get(detail(scenario)).status_code == 404
        assert client_for(outsider).get(LIST).json()["count"] == 0
        assert client_for(outsider).get(f"{detail(scenario)}history/").status_code == 404


def test_a_shared_scenario_is_seen_by_its_ics_and_not_outside_it(ics_user, client_for):
    # given
    scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user, shared=True)
    colleague = UserFactory(ics_analyst=True, ics=ics_user.ics)
    elsewhere = UserFactory(ics_analyst=True, ics=IntegratedCareSystemFactory(code="ZA003"))
    # when / then
    assert client_for(colleague).get(detail(scenario)).status_code == 200
    assert client_for(elsewhere).get(detail(scenario)).status_code == 404
    assert client_for(elsewhere).patch(detail(scenario), {"name": "Mine"}, format="json").status_code == 404
    scenario.refresh_from_db()
    assert scenario.name != "Mine"


def test_staff_see_every_scenario(staff_user, client_for):
    # given scenarios of two ICSs, private
    ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA004"))
    ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA005"))
    # when / then
    assert client_for(staff_user).get(LIST).json()["count"] == 2


def test_roles_without_scenarios_cannot_create_one(college_user, coordinator_user, client_for):
    for user in (college_user, coordinator_user):
        assert client_for(user).post(LIST, {"name": "Nope"}, format="json").status_code == 403
    assert not Scenario.objects.exists()


def test_the_list_reads_a_bounded_number_of_queries(ics_user, client_for, django_assert_max_num_queries):
    # given ten scenarios, each with two offers and an adjustment
    OccupationFactory(code="carer")
    for number in range(10):
        scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user, name=f"S{number}")
        for places in (10, 20):
            ScenarioOffer.objects.create(
                scenario=scenario, college=CollegeFactory(), qualification_type="diploma", level=3,
                start_date=dt.date(2027, 9, 1), duration_months=12, planned_places=places,
                delivery_ics=ics_user.ics,
            )
        ScenarioAdjustment.objects.create(scenario=scenario, kind="leaver_rate", target="carer", value=Decimal("0.1"))
    client = client_for(ics_user)
    # when / then
    with django_assert_max_num_queries(8):
        assert client.get(LIST).json()["count"] == 10


# -- history ----------------------------------------------------------------------------------------


def test_history_records_the_scenarios_own_changes_and_its_nested_ones(ics_user, client_for):
    # given a scenario created with one offer, then renamed, then given an adjustment
    client = client_for(ics_user)
    scenario_id = client.post(LIST, {"name": "First", "offers": [_offer(CollegeFactory())]}, format="json").json()["id"]
    url = f"{LIST}{scenario_id}/"
    client.patch(url, {"name": "Second"}, format="json")
    client.patch(url, {"adjustments": [{"kind": "completion_rate", "target": "t_level", "value": "0.9"}]},
                 format="json")
    client.patch(url, {"name": "Second"}, format="json")  # changes nothing: no entry
    # when
    entries = client.get(f"{url}history/").json()["results"]
    # then newest first: the adjustment, the rename, the creation
    assert [entry["type"] for entry in entries] == ["changed", "changed", "created"]
    assert entries[0]["nested"] == "adjustments: 1 added" and entries[0]["changes"] == []
    assert entries[1]["changes"] == [{"field": "name", "old": "First", "new": "Second"}]
    assert entries[2]["nested"] == "offers: 1 added" and entries[2]["source"] == "API"
    assert {entry["user"] for entry in entries} == {ics_user.username}


# -- a scenario never changes real data --------------------------------------------------------------


def test_a_scenario_and_its_report_request_change_no_real_data(ics_user, client_for):
    # given real offers, routes and occupations
    offer = CourseOfferFactory(planned_places=20)
    route = EntryRouteFactory(conversion_rate=Decimal("0.50"))
    job = route.occupation

    def real():
        return (
            list(CourseOffer.objects.values_list("pk", "planned_places", "expected_completion_rate", "updated_at")),
            list(EntryRoute.objects.values_list("pk", "conversion_rate", "conversion_rate_low",
                                                "conversion_rate_high")),
            list(Occupation.objects.values_list("pk", "annual_leaver_rate")),
        )

    before = real()
    client = client_for(ics_user)
    # when a scenario adjusts all of them and a report of it is asked for
    response = _adjust(
        client,
        {"kind": "offer_places", "target": str(offer.pk), "value": "200"},
        {"kind": "conversion_rate", "target": str(route.pk), "value": "0.9"},
        {"kind": "leaver_rate", "target": job.code, "value": "0.3"},
        {"kind": "vacancies_factor", "target": job.code, "value": "2"},
    )
    client.post("/api/v1/gap-reports/", {"as_of": "2026-11-01", "scenario": response.json()["id"]}, format="json")
    # then
    assert real() == before


# -- reports of a scenario -----------------------------------------------------------------------------


def test_a_report_of_a_scenario_carries_it_and_latest_follows_the_scenario(ics_user, client_for):
    # given a baseline and a scenario report, both succeeded
    scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user)
    baseline = GapReportFactory()
    own = GapReportFactory(scenario=scenario)
    client = client_for(ics_user)
    # when / then
    assert client.get("/api/v1/gap-reports/latest/").json()["id"] == baseline.pk
    assert client.get("/api/v1/gap-reports/latest/").json()["scenario"] is None
    latest = client.get(f"/api/v1/gap-reports/latest/?scenario={scenario.pk}").json()
    assert (latest["id"], latest["scenario"]) == (own.pk, scenario.pk)


def test_latest_of_a_scenario_not_visible_is_404_and_a_bad_id_is_400(ics_user, client_for):
    # given another analyst's private scenario with a report
    hidden = ScenarioFactory(ics=ics_user.ics, created_by=UserFactory(ics_analyst=True, ics=ics_user.ics))
    GapReportFactory(scenario=hidden)
    client = client_for(ics_user)
    # when / then
    assert client.get(f"/api/v1/gap-reports/latest/?scenario={hidden.pk}").status_code == 404
    assert client.get("/api/v1/gap-reports/latest/?scenario=abc").json() == {
        "scenario": ["Give the scenario's id as a whole number."]
    }


def test_reports_of_hidden_scenarios_are_not_listed_nor_readable(ics_user, client_for):
    # given a private scenario of someone else with a report
    hidden = ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA006"))
    report = GapReportFactory(scenario=hidden)
    GapReportFactory()
    client = client_for(ics_user)
    # when / then
    assert client.get("/api/v1/gap-reports/").json()["count"] == 1
    assert client.get(f"/api/v1/gap-reports/{report.pk}/").status_code == 404
    assert client.get(f"/api/v1/gap-reports/{report.pk}/rows/").status_code == 404


def test_a_report_is_requested_for_a_scenario_and_one_runs_at_a_time_per_scenario(
    ics_user, client_for, django_capture_on_commit_callbacks
):
    # given a scenario, and a baseline run of the same parameters in flight
    scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user)
    GapReportFactory(status=GapReport.Status.PENDING, progress=0, finished_at=None, as_of=dt.date(2026, 11, 1))
    client = client_for(ics_user)
    body = {"as_of": "2026-11-01", "horizon_years": 3, "scenario": scenario.pk}
    # when it is asked for twice (the second while the first is pending)
    first = client.post("/api/v1/gap-reports/", body, format="json")
    second = client.post("/api/v1/gap-reports/", body, format="json")
    # then one report of the scenario, apart from the baseline's
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    report = GapReport.objects.get(pk=first.json()["id"])
    assert report.scenario == scenario and report.requested_by == ics_user


def test_a_report_of_a_scenario_not_visible_is_a_400_naming_scenario(ics_user, client_for):
    # given
    hidden = ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA007"))
    # when
    response = client_for(ics_user).post("/api/v1/gap-reports/", {"scenario": hidden.pk}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["scenario"]
    assert not GapReport.objects.exists()


def test_the_report_list_filters_by_scenario_and_baseline(ics_user, client_for):
    # given a baseline and a report of the analyst's scenario
    scenario = ScenarioFactory(ics=ics_user.ics, created_by=ics_user)
    baseline, own = GapReportFactory(), GapReportFactory(scenario=scenario)
    client = client_for(ics_user)
    # when / then
    assert [r["id"] for r in client.get(f"/api/v1/gap-reports/?scenario={scenario.pk}").json()["results"]] == [own.pk]
    assert [r["id"] for r in client.get("/api/v1/gap-reports/?baseline=true").json()["results"]] == [baseline.pk]


# -- copy ------------------------------------------------------------------------------------------


def test_a_colleague_copies_a_shared_scenario_into_a_private_one_of_their_own(ics_user, client_for):
    # given a shared scenario with an offer and an adjustment
    college = CollegeFactory(ics=ics_user.ics)
    created = client_for(ics_user).post(LIST, {
        "name": "Forty more places", "shared": True, "offers": [_offer(college)],
        "adjustments": [{"kind": "completion_rate", "target": "t_level", "value": "0.9"}],
    }, format="json")
    assert created.status_code == 201, created.json()
    colleague = UserFactory(ics_analyst=True, ics=ics_user.ics)
    # when
    response = client_for(colleague).post(f"{LIST}{created.json()['id']}/copy/")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Copy of Forty more places" and body["shared"] is False
    assert response["Location"].endswith(f"{LIST}{body['id']}/")
    copy = Scenario.objects.get(pk=body["id"])
    assert copy.created_by == colleague and copy.ics == ics_user.ics
    assert copy.offers.count() == 1 and copy.adjustments.get().value == Decimal("0.9")
    assert Scenario.objects.get(pk=created.json()["id"]).name == "Forty more places"  # the original unchanged


def test_a_scenario_not_visible_cannot_be_copied_and_roles_without_scenarios_cannot_copy(
    ics_user, coordinator_user, client_for
):
    # given a private scenario of another analyst in the ICS, and a shared one
    private = ScenarioFactory(ics=ics_user.ics, created_by=UserFactory(ics_analyst=True, ics=ics_user.ics))
    shared = ScenarioFactory(ics=ics_user.ics, shared=True)
    # when / then
    assert client_for(ics_user).post(f"{detail(private)}copy/").status_code == 404
    assert client_for(coordinator_user).post(f"{detail(shared)}copy/").status_code == 403
    assert Scenario.objects.count() == 2
