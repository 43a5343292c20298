"""Scenario pages (issue 10.3) and the report request from the browser (issue 10.4): list, create, edit,
offers and adjustments one at a time, copy, share, delete, a scenario's report, its comparison with the
baseline (figures, downloads), and the dashboard's note that the data changed after its report."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from planning.models import GapReport, Scenario, ScenarioAdjustment, ScenarioOffer
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    UserFactory,
    VacancyFactory,
)
from tests.planning.factories import GapReportFactory, GapReportRowFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, ics_user):
    client.force_login(ics_user)
    return client


def _scenario(user, **values):
    return ScenarioFactory(ics=user.ics, created_by=user, **values)


# -- list, create, edit -------------------------------------------------------------------------------


def test_the_list_shows_my_scenarios_and_those_shared_in_my_ics_only(analyst_client, ics_user,
                                                                      django_assert_max_num_queries):
    # given mine, a colleague's shared and private ones, and another ICS's shared one
    colleague = UserFactory(ics_analyst=True, ics=ics_user.ics)
    _scenario(ics_user, name="Mine")
    _scenario(colleague, name="Shared by a colleague", shared=True)
    _scenario(colleague, name="Colleague's private")
    ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA101"), shared=True, name="Elsewhere")
    # when
    with django_assert_max_num_queries(8):
        text = analyst_client.get("/scenarios/").content.decode()
    # then
    assert "Mine" in text and "Shared by a colleague" in text
    assert "Colleague's private" not in text and "Elsewhere" not in text


def test_an_analyst_creates_a_scenario_and_lands_on_it(analyst_client, ics_user):
    # when
    response = analyst_client.post("/scenarios/new/", {"name": "More nurses", "description": "Try it"})
    # then
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scenarios/{scenario.pk}/"
    assert (scenario.ics, scenario.created_by, scenario.shared) == (ics_user.ics, ics_user, False)


def test_a_scenario_without_a_name_shows_the_error_summary(analyst_client):
    # when
    response = analyst_client.post("/scenarios/new/", {"name": ""})
    # then
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text
    assert not Scenario.objects.exists()


def test_the_edit_page_changes_the_name_and_records_it(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user, name="Old")
    # when
    response = analyst_client.post(f"/scenarios/{scenario.pk}/edit/", {"name": "New", "description": ""})
    # then
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "New" and scenario.history.count() == 2  # created, renamed


def test_college_users_and_coordinators_cannot_create(client, college_user, coordinator_user):
    for user in (college_user, coordinator_user):
        client.force_login(user)
        assert client.get("/scenarios/new/").status_code == 403
        assert client.post("/scenarios/new/", {"name": "X"}).status_code == 403
    assert not Scenario.objects.exists()


# -- privacy --------------------------------------------------------------------------------------------


def test_another_analysts_private_scenario_is_404_on_every_page(client, ics_user):
    # given a colleague's private scenario
    scenario = _scenario(UserFactory(ics_analyst=True, ics=ics_user.ics))
    client.force_login(ics_user)
    # when / then
    for url in ("", "edit/", "delete/", "compare/", "offers/add/", "adjustments/add/"):
        assert client.get(f"/scenarios/{scenario.pk}/{url}").status_code == 404, url
    for url in ("copy/", "share/", "reports/request/"):
        assert client.post(f"/scenarios/{scenario.pk}/{url}").status_code == 404, url


def test_staff_open_any_scenario(client, staff_user):
    # given
    scenario = ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA102"))
    client.force_login(staff_user)
    # when / then
    assert client.get(f"/scenarios/{scenario.pk}/").status_code == 200


def test_a_colleague_reads_a_shared_scenario_and_copies_it_as_their_own(client, ics_user):
    # given a shared scenario with an offer and an adjustment
    scenario = _scenario(ics_user, shared=True, name="Shared one")
    ScenarioOffer.objects.create(scenario=scenario, college=CollegeFactory(), qualification_type="diploma", level=3,
                                 start_date=dt.date(2027, 9, 1), duration_months=12, planned_places=10)
    ScenarioAdjustment.objects.create(scenario=scenario, kind="completion_rate", target="diploma", value=Decimal("0.9"))
    colleague = UserFactory(ics_analyst=True, ics=ics_user.ics)
    client.force_login(colleague)
    # when
    response = client.post(f"/scenarios/{scenario.pk}/copy/")
    # then
    copy = Scenario.objects.exclude(pk=scenario.pk).get()
    assert response["Location"] == f"/scenarios/{copy.pk}/"
    assert (copy.name, copy.created_by, copy.shared) == ("Copy of Shared one", colleague, False)
    assert copy.offers.count() == 1 and copy.adjustments.count() == 1


# -- offers and adjustments, one at a time -------------------------------------------------------------


def test_an_offer_is_added_and_removed(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user)
    college = CollegeFactory(ukprn="10000473")
    # when
    response = analyst_client.post(f"/scenarios/{scenario.pk}/offers/add/", {
        "college": "10000473", "qualification_type": "t_level", "level": "3", "start_date_day": "6",
        "start_date_month": "9", "start_date_year": "2027", "duration_months": "24", "planned_places": "40",
    })
    # then
    assert response.status_code == 302
    offer = scenario.offers.get()
    assert (offer.college, offer.planned_places) == (college, 40)
    # when removed
    analyst_client.post(f"/scenarios/{scenario.pk}/offers/{offer.pk}/remove/")
    # then
    assert not scenario.offers.exists()
    assert [entry.history_change_reason for entry in scenario.history.order_by("history_id")][1:] == [
        "Web form; offers: 1 added", "Web form; offers: 1 removed",
    ]


def test_an_apprenticeship_offer_without_a_standard_shows_the_course_offer_rule(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user)
    CollegeFactory(ukprn="10000474")
    # when
    response = analyst_client.post(f"/scenarios/{scenario.pk}/offers/add/", {
        "college": "10000474", "qualification_type": "apprenticeship", "level": "2", "start_date_day": "6",
        "start_date_month": "9", "start_date_year": "2027", "duration_months": "12", "planned_places": "10",
    })
    # then
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text
    assert "An apprenticeship offer must name its apprenticeship standard." in text
    assert not scenario.offers.exists()


def test_an_adjustment_is_added_and_a_bad_target_is_named(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user)
    OccupationFactory(code="carer")
    url = f"/scenarios/{scenario.pk}/adjustments/add/"
    # when a bad target, then a good one
    bad = analyst_client.post(url, {"kind": "leaver_rate", "target": "astronaut", "value": "0.1"})
    good = analyst_client.post(url, {"kind": "leaver_rate", "target": "carer", "value": "0.1"})
    # then
    assert "No occupation has the code astronaut." in bad.content.decode()
    assert good.status_code == 302
    assert list(scenario.adjustments.values_list("kind", "target")) == [("leaver_rate", "carer")]


def test_sharing_is_toggled_and_delete_asks_first(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user)
    # when shared
    analyst_client.post(f"/scenarios/{scenario.pk}/share/", {"shared": "true"})
    scenario.refresh_from_db()
    assert scenario.shared
    # when delete is opened, then it asks; when confirmed, then it is gone
    assert "Are you sure" in analyst_client.get(f"/scenarios/{scenario.pk}/delete/").content.decode()
    assert analyst_client.post(f"/scenarios/{scenario.pk}/delete/")["Location"] == "/scenarios/"
    assert not Scenario.objects.exists()


def test_the_detail_page_reads_a_bounded_number_of_queries(analyst_client, ics_user, django_assert_max_num_queries):
    # given a scenario with five offers, five adjustments and two reports
    scenario = _scenario(ics_user)
    for number in range(5):
        ScenarioOffer.objects.create(scenario=scenario, college=CollegeFactory(), qualification_type="diploma",
                                     level=3, start_date=dt.date(2027, 9, 1), duration_months=12, planned_places=10)
        OccupationFactory(code=f"job-{number}")
        ScenarioAdjustment.objects.create(scenario=scenario, kind="leaver_rate", target=f"job-{number}",
                                          value=Decimal("0.1"))
    GapReportFactory(scenario=scenario)
    GapReportFactory(scenario=scenario, status=GapReport.Status.RUNNING, progress=30, finished_at=None)
    # when / then
    with django_assert_max_num_queries(14):
        text = analyst_client.get(f"/scenarios/{scenario.pk}/").content.decode()
    assert "report-progress-bar" in text and "Compare it with the baseline" in text


# -- its report -----------------------------------------------------------------------------------------


def test_a_report_of_the_scenario_is_requested_from_its_page(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user)
    # when
    response = analyst_client.post(f"/scenarios/{scenario.pk}/reports/request/", {
        "as_of_day": "1", "as_of_month": "11", "as_of_year": "2026", "horizon_years": "2",
    })
    # then
    assert response["Location"] == f"/scenarios/{scenario.pk}/"
    report = GapReport.objects.get()
    assert (report.scenario, report.as_of, report.horizon_years) == (scenario, dt.date(2026, 11, 1), 2)


def test_the_request_page_asks_for_a_baseline_or_a_scenario_report(analyst_client, ics_user):
    # given
    scenario = _scenario(ics_user)
    hidden = ScenarioFactory(ics=IntegratedCareSystemFactory(code="ZA103"))
    # when the page is opened, then it lists the visible scenario only
    text = analyst_client.get("/dashboards/reports/new/").content.decode()
    assert scenario.name in text and hidden.name not in text
    # when a scenario report is asked for
    response = analyst_client.post("/dashboards/reports/new/", {
        "as_of_day": "1", "as_of_month": "11", "as_of_year": "2026", "horizon_years": "3", "scenario": scenario.pk,
    })
    # then
    assert response["Location"] == f"/scenarios/{scenario.pk}/"
    assert GapReport.objects.get().scenario == scenario
    # when a hidden one is posted, then the form refuses it naming the field
    refused = analyst_client.post("/dashboards/reports/new/", {"horizon_years": "3", "scenario": hidden.pk})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert GapReport.objects.count() == 1


def test_coordinators_cannot_open_the_request_page(client, coordinator_user):
    client.force_login(coordinator_user)
    assert client.get("/dashboards/reports/new/").status_code == 403


# -- the comparison ---------------------------------------------------------------------------------------


def _compared(ics_user):
    """A scenario of the analyst's ICS with a report, and a baseline of the same as_of and horizon: nurses
    in years 1 and 2, the scenario supplying 30 more in year 2."""
    ics = ics_user.ics
    scenario = _scenario(ics_user, name="Thirty more")
    nurses = OccupationFactory(code="nurse", name="Registered nurse")
    baseline = GapReportFactory(horizon_years=2)
    mine = GapReportFactory(horizon_years=2, scenario=scenario)
    for report, extra in ((baseline, 0), (mine, 30)):
        for year in (1, 2):
            supply = Decimal("40") + (extra if year == 2 else 0)
            GapReportRowFactory(report=report, code=ics.code, name=ics.name, occupation=nurses, year=year,
                                demand_fte=Decimal("100.4") * year, supply_fte=supply)
    # a row of another ICS, and an older baseline of other parameters: neither is compared
    GapReportRowFactory(report=baseline, code="QZX", name="Elsewhere", occupation=nurses, demand_fte=Decimal(999))
    GapReportFactory(horizon_years=3)
    return scenario, mine, baseline


def test_the_comparison_shows_both_gaps_and_the_difference_in_whole_fte(analyst_client, ics_user,
                                                                          django_assert_max_num_queries):
    # given
    scenario, mine, baseline = _compared(ics_user)
    # when
    with django_assert_max_num_queries(10):
        response = analyst_client.get(f"/scenarios/{scenario.pk}/compare/?year=2")
    # then year 2: baseline gap 200.8 - 40 = 160.8, scenario 200.8 - 70 = 130.8, difference -30
    text = response.content.decode()
    assert f"Baseline report {baseline.pk}" in text
    assert "<td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">161</td>" in text
    assert "<td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">131</td>" in text
    assert "<td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">-30</td>" in text
    assert "999" not in text
    assert 'id="scenario-chart-data"' in text


def test_the_comparison_downloads_as_csv_with_decimals_and_as_excel(analyst_client, ics_user):
    # given
    scenario, _, _ = _compared(ics_user)
    url = f"/scenarios/{scenario.pk}/compare/"
    # when
    response = analyst_client.get(url + "?format=csv&table=comparison")
    # then
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Occupation", "Year", "Baseline gap (FTE)", "Scenario gap (FTE)", "Difference (FTE)"]
    assert rows[1:] == [
        ["Registered nurse", "1", "60.40", "60.40", "0.00", "40.00", "40.00"],
        ["Registered nurse", "2", "160.80", "130.80", "-30.00", "40.00", "70.00"],
    ]
    # when
    book = analyst_client.get(url + "?format=xlsx")
    # then
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(book.content)).sheetnames
    assert sheets == ["About", "Gap by occupation and year", "All occupations by year"]


def test_without_a_baseline_of_the_same_parameters_the_page_offers_to_ask_for_one(analyst_client, ics_user):
    # given a scenario report as of a date no baseline has
    scenario = _scenario(ics_user)
    GapReportFactory(scenario=scenario, as_of=dt.date(2026, 12, 1))
    GapReportFactory(as_of=dt.date(2026, 11, 1))
    # when
    text = analyst_client.get(f"/scenarios/{scenario.pk}/compare/").content.decode()
    # then
    assert "No baseline to compare with" in text and "Ask for the baseline report" in text
    assert 'name="as_of" value="2026-12-01"' in text
    # when they ask for it, then the baseline is requested and they are back on the comparison
    response = analyst_client.post("/dashboards/reports/new/", {
        "as_of": "2026-12-01", "horizon_years": "3", "next": f"/scenarios/{scenario.pk}/compare/",
    })
    assert response["Location"] == f"/scenarios/{scenario.pk}/compare/"
    assert GapReport.objects.filter(scenario__isnull=True, as_of=dt.date(2026, 12, 1)).exists()


def test_a_scenario_without_a_report_says_so_on_its_comparison(analyst_client, ics_user):
    scenario = _scenario(ics_user)
    assert "No report of this scenario" in analyst_client.get(f"/scenarios/{scenario.pk}/compare/").content.decode()


# -- the dashboard says when the data changed after its report ----------------------------------------------


def test_the_dashboard_says_the_data_changed_after_its_report(client, ics_user):
    # given a baseline report created before a vacancy changed
    report = GapReportFactory()
    GapReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    VacancyFactory()
    client.force_login(ics_user)
    # when
    text = client.get("/dashboards/?view=england").content.decode()
    # then
    assert "have changed since report" in text and "/dashboards/reports/new/?as_of=2026-11-01" in text


def test_the_dashboard_says_nothing_when_the_data_is_older_than_its_report(client, ics_user):
    # given data changed before the report was asked for
    CourseOfferFactory()
    GapReportFactory()
    client.force_login(ics_user)
    # when / then
    assert "have changed since report" not in client.get("/dashboards/?view=england").content.decode()


def test_scenario_reports_do_not_replace_the_baseline_on_the_dashboard(client, ics_user):
    # given a baseline, then a newer report of a scenario
    baseline = GapReportFactory()
    GapReportFactory(scenario=_scenario(ics_user))
    client.force_login(ics_user)
    # when / then
    assert f"Figures from report {baseline.pk}" in client.get("/dashboards/?view=england").content.decode()


def test_an_england_scenario_is_compared_on_the_national_rows(client, staff_user):
    # given a staff scenario for England, its report and the baseline, with national rows
    scenario = ScenarioFactory(ics=None, created_by=staff_user)
    job = OccupationFactory(name="Paramedic")
    for report, supply in ((GapReportFactory(horizon_years=1), Decimal(10)),
                           (GapReportFactory(horizon_years=1, scenario=scenario), Decimal(25))):
        GapReportRowFactory(report=report, level="national", code="E92000001", name="England", occupation=job,
                            demand_fte=Decimal(100), supply_fte=supply)
    client.force_login(staff_user)
    # when
    rows = list(csv.reader(io.StringIO(
        client.get(f"/scenarios/{scenario.pk}/compare/?format=csv&table=comparison").content.decode()
    )))
    # then
    assert rows[1] == ["Paramedic", "1", "90.00", "75.00", "-15.00", "10.00", "25.00"]


def test_the_comparison_also_looks_at_the_scenarios_region_and_england(analyst_client, ics_user):
    # given rows of the ICS's region in both reports
    scenario, mine, baseline = _compared(ics_user)
    region = ics_user.ics.region
    job = OccupationFactory(name="Paramedic")
    for report, supply in ((baseline, Decimal(0)), (mine, Decimal(12))):
        GapReportRowFactory(report=report, level="region", code=region.code, name=region.name, occupation=job,
                            demand_fte=Decimal(50), supply_fte=supply)
    # when
    response = analyst_client.get(f"/scenarios/{scenario.pk}/compare/?area=region&format=csv&table=comparison")
    # then
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [["Paramedic", "1", "50.00", "38.00", "-12.00", "0.00", "12.00"]]
    page = analyst_client.get(f"/scenarios/{scenario.pk}/compare/?area=region").content.decode()
    assert f"in {region.name}" in page and '<option value="region" selected>' in page
