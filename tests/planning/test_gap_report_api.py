"""The gap report API (DESIGN.md sections 5 and 6): ask (202 and a URL to poll), read, rows, latest."""

import datetime as dt
from decimal import Decimal

import pytest

from planning.models import GapReport
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.planning.factories import GapReportFactory, GapReportRowFactory
from tests.planning.test_gap_report_runs import small_england

pytestmark = pytest.mark.django_db

LIST = "/api/v1/gap-reports/"


def rows_url(report) -> str:
    return f"{LIST}{report.pk}/rows/"


# -- asking for a report ---------------------------------------------------------------------


def test_an_ics_analyst_asks_for_a_report_gets_202_and_polls_it_to_success(
    ics_user, client_for, django_capture_on_commit_callbacks
):
    # given
    small_england()
    client = client_for(ics_user)

    # when: asked; the task runs (eagerly here) when the request's transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"as_of": "2026-06-15", "horizon_years": 2}, format="json")

    # then
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status", "url"}
    assert body["status"] == "pending"
    assert body["url"].endswith(f"/api/v1/gap-reports/{body['id']}/")
    assert response["Location"] == body["url"]
    polled = client.get(body["url"]).json()
    assert polled["status"] == "succeeded"
    assert (polled["progress"], polled["as_of"], polled["horizon_years"]) == (100, "2026-06-15", 2)
    assert polled["requested_by"] == ics_user.username
    assert polled["error"] == "" and polled["finished_at"]
    assert polled["inputs"]["rows"] == 16
    assert client.get(polled["rows_url"]).json()["count"] == 16


def test_a_report_asked_without_parameters_is_as_of_today_over_3_years(staff_user, client_for):
    # when
    response = client_for(staff_user).post(LIST, {}, format="json")

    # then
    assert response.status_code == 202
    report = GapReport.objects.get(pk=response.json()["id"])
    assert (report.as_of, report.horizon_years, report.requested_by) == (dt.date.today(), 3, staff_user)


@pytest.mark.parametrize("who", ["coordinator_user", "college_user"])
def test_coordinators_and_college_officers_may_not_ask_for_a_report(who, request, client_for):
    # given
    user = request.getfixturevalue(who)

    # when
    response = client_for(user).post(LIST, {"as_of": "2026-06-15"}, format="json")

    # then
    assert response.status_code == 403
    assert not GapReport.objects.exists()


def test_anonymous_callers_may_neither_ask_nor_read(api_client):
    assert api_client.post(LIST, {}, format="json").status_code == 401
    assert api_client.get(LIST).status_code == 401
    assert not GapReport.objects.exists()


def test_a_horizon_outside_1_to_10_years_is_a_400_naming_the_field(staff_user, client_for):
    # when
    response = client_for(staff_user).post(LIST, {"horizon_years": 11, "as_of": "15/06/2026"}, format="json")

    # then
    assert response.status_code == 400
    assert set(response.json()) == {"horizon_years", "as_of"}
    assert not GapReport.objects.exists()


def test_reports_cannot_be_changed_or_deleted_through_the_api(staff_user, client_for):
    # given
    report = GapReportFactory()
    client = client_for(staff_user)

    # when / then
    assert client.patch(f"{LIST}{report.pk}/", {"status": "failed"}, format="json").status_code == 405
    assert client.delete(f"{LIST}{report.pk}/").status_code == 405
    report.refresh_from_db()
    assert report.status == GapReport.Status.SUCCEEDED


# -- reading ---------------------------------------------------------------------------------


def test_every_signed_in_user_reads_a_report_with_the_contract_fields(college_user, client_for):
    # given
    report = GapReportFactory(status=GapReport.Status.RUNNING, progress=35, finished_at=None)

    # when
    response = client_for(college_user).get(f"{LIST}{report.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    contract = {"id", "status", "progress", "as_of", "horizon_years", "requested_by", "created_at", "finished_at",
                "error"}
    assert contract <= set(body)
    assert (body["status"], body["progress"], body["finished_at"]) == ("running", 35, None)


def test_latest_is_the_newest_succeeded_report(coordinator_user, client_for):
    # given: an older and a newer succeeded report, then a failed and a running one
    GapReportFactory()
    newest_succeeded = GapReportFactory()
    GapReportFactory(status=GapReport.Status.FAILED, error="boom")
    GapReportFactory(status=GapReport.Status.RUNNING, finished_at=None)

    # when
    response = client_for(coordinator_user).get(f"{LIST}latest/")

    # then
    assert response.status_code == 200
    assert response.json()["id"] == newest_succeeded.pk


def test_latest_is_404_before_any_report_succeeded(ics_user, client_for):
    GapReportFactory(status=GapReport.Status.FAILED)
    assert client_for(ics_user).get(f"{LIST}latest/").status_code == 404


def test_the_list_filters_by_status(ics_user, client_for):
    # given
    done = GapReportFactory()
    GapReportFactory(status=GapReport.Status.FAILED)

    # when
    response = client_for(ics_user).get(LIST, {"status": "succeeded"})

    # then
    assert [report["id"] for report in response.json()["results"]] == [done.pk]


# -- rows ------------------------------------------------------------------------------------


def test_rows_filter_by_level_code_occupation_and_year(ics_user, client_for):
    # given
    report = GapReportFactory()
    nurses = OccupationFactory(code="nurses", name="Nurses")
    carers = OccupationFactory(code="carers", name="Care workers")
    for occupation in (nurses, carers):
        for year in (1, 2):
            GapReportRowFactory(report=report, code="QAA", occupation=occupation, year=year)
            GapReportRowFactory(report=report, code="QAB", occupation=occupation, year=year)
            GapReportRowFactory(report=report, level="region", code="Y56", occupation=occupation, year=year)
    client = client_for(ics_user)

    # when
    def keys(**filters):
        results = client.get(rows_url(report), filters).json()["results"]
        return [(row["level"], row["code"], row["occupation"], row["year"]) for row in results]

    # then
    assert keys(level="region") == [("region", "Y56", "carers", 1), ("region", "Y56", "carers", 2),
                                    ("region", "Y56", "nurses", 1), ("region", "Y56", "nurses", 2)]
    assert keys(code="QAB", occupation="nurses", year=2) == [("ics", "QAB", "nurses", 2)]
    assert len(keys(year=1)) == 6
    assert len(keys()) == 12


def test_row_figures_are_rounded_to_2_decimals_only_on_output(ics_user, client_for):
    # given: stored to 6 decimals
    row = GapReportRowFactory(demand_fte=Decimal("10.125000"), supply_fte=Decimal("2.344999"),
                              gap_fte=Decimal("7.780001"), coverage=Decimal("0.231605"))
    supply_only = GapReportRowFactory(report=row.report, code="QAB", demand_fte=Decimal(0), supply_fte=Decimal(8),
                                      gap_fte=Decimal(-8), coverage=None)

    # when
    results = client_for(ics_user).get(rows_url(row.report)).json()["results"]

    # then
    figures = {result["code"]: [result[key] for key in ("demand_fte", "supply_fte", "gap_fte", "coverage")]
               for result in results}
    assert figures["QAA"] == ["10.13", "2.34", "7.78", "0.23"]
    assert figures[supply_only.code] == ["0.00", "8.00", "-8.00", None]
    row.refresh_from_db()
    assert row.demand_fte == Decimal("10.125000")


def test_rows_of_an_unknown_report_are_404(ics_user, client_for):
    assert client_for(ics_user).get(f"{LIST}999999/rows/").status_code == 404


# -- bounded queries -------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_rows_take_the_same_few_queries_whatever_their_number(rows, ics_user, client_for,
                                                                django_assert_num_queries):
    # given
    report = GapReportFactory()
    for index in range(rows):
        GapReportRowFactory(report=report, code=f"Q{index:02d}", occupation=OccupationFactory())
    client = client_for(ics_user)

    # when / then: the report, the count, the page
    with django_assert_num_queries(3):
        response = client.get(rows_url(report), {"page_size": 100})
    assert response.json()["count"] == rows


@pytest.mark.parametrize("reports", [1, 30])
def test_the_list_takes_the_same_few_queries_whatever_the_number_of_reports(reports, staff_user, client_for,
                                                                             django_assert_num_queries):
    # given
    GapReportFactory.create_batch(reports, requested_by=staff_user)
    client = client_for(staff_user)

    # when / then: the count and the page (with who asked)
    with django_assert_num_queries(2):
        response = client.get(LIST, {"page_size": 100})
    assert response.json()["count"] == reports


def test_latest_takes_one_query(staff_user, client_for, django_assert_num_queries):
    GapReportFactory.create_batch(3)
    client = client_for(staff_user)
    with django_assert_num_queries(1):
        assert client.get(f"{LIST}latest/").status_code == 200


def test_rows_can_be_ordered_by_their_figures(ics_user, client_for):
    # given
    report = GapReportFactory()
    for code, supply in [("QAA", 10), ("QAB", 90), ("QAC", 50)]:
        GapReportRowFactory(report=report, code=code, supply_fte=Decimal(supply))

    # when
    response = client_for(ics_user).get(rows_url(report), {"ordering": "gap_fte"})

    # then: demand 100 each, so the smallest gap is the largest supply
    assert [row["code"] for row in response.json()["results"]] == ["QAB", "QAC", "QAA"]


def test_rows_read_through_the_api_carry_the_figures_worked_out_by_hand(
    ics_user, client_for, django_capture_on_commit_callbacks
):
    # given: in QZA, 10 vacancies and 100 staff leaving at 10% a year -> demand 20, 30, 40; an offer of
    # 10 places, all completing on 1 Sep 2027 (year 2 of a report as of 15 Jun 2026), half converting -> 5
    ics = IntegratedCareSystemFactory(code="QZA")
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=Decimal("0.10"))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, vacancies_fte=Decimal(10),
                   staff_in_post_fte=Decimal(100))
    CourseOfferFactory(college=CollegeFactory(ics=ics), planned_places=10, expected_completion_rate=Decimal(1),
                       start_date=dt.date(2026, 9, 1), duration_months=12)
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("0.5"))
    client = client_for(ics_user)
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post(LIST, {"as_of": "2026-06-15"}, format="json").json()["url"]

    # when
    rows = client.get(f"{url}rows/", {"level": "ics", "code": "QZA", "occupation": "nurses"}).json()["results"]

    # then: coverage 5 / 30 = 0.1667 and 5 / 40 = 0.125 show as 0.17 and 0.13
    assert [(row["year"], row["demand_fte"], row["supply_fte"], row["gap_fte"], row["coverage"]) for row in rows] == [
        (1, "20.00", "0.00", "20.00", "0.00"),
        (2, "30.00", "5.00", "25.00", "0.17"),
        (3, "40.00", "5.00", "35.00", "0.13"),
    ]


def test_rows_carry_the_range_and_the_backfill_worked_out_by_hand(
    ics_user, client_for, django_capture_on_commit_callbacks
):
    # given: in QZA, 10 vacancies and 100 staff leaving at 10% (low 5%, high 20%); 10 places all completing
    # on 1 Sep 2027 (year 2), half converting (low 40%, high 60%) into nurses, from support workers (backfill)
    ics = IntegratedCareSystemFactory(code="QZA")
    nurses = OccupationFactory(code="nurses", annual_leaver_rate=Decimal("0.10"),
                               annual_leaver_rate_low=Decimal("0.05"), annual_leaver_rate_high=Decimal("0.20"))
    support = OccupationFactory(code="support-workers", annual_leaver_rate=Decimal(0))
    VacancyFactory(trust=TrustFactory(ics=ics), occupation=nurses, vacancies_fte=Decimal(10),
                   staff_in_post_fte=Decimal(100))
    CourseOfferFactory(college=CollegeFactory(ics=ics), planned_places=10, expected_completion_rate=Decimal(1),
                       start_date=dt.date(2026, 9, 1), duration_months=12)
    EntryRouteFactory(occupation=nurses, conversion_rate=Decimal("0.5"), conversion_rate_low=Decimal("0.4"),
                      conversion_rate_high=Decimal("0.6"), from_occupation=support)
    client = client_for(ics_user)
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post(LIST, {"as_of": "2026-06-15"}, format="json").json()["url"]

    # when
    rows = client.get(f"{url}rows/", {"level": "ics", "code": "QZA", "year": 2}).json()["results"]

    # then: nurses 30 (20 | 50) demand, 5 (4 | 6) supply; support workers 5 (4 | 6) backfill
    fields = ("demand_low_fte", "demand_high_fte", "supply_low_fte", "supply_high_fte", "gap_low_fte", "gap_high_fte",
              "backfill_fte")
    assert {row["occupation"]: [row[field] for field in fields] for row in rows} == {
        "nurses": ["20.00", "50.00", "4.00", "6.00", "14.00", "46.00", "0.00"],
        "support-workers": ["4.00", "6.00", "0.00", "0.00", "4.00", "6.00", "5.00"],
    }


def test_rows_of_a_report_computed_before_ranges_show_them_null(ics_user, client_for):
    # given: a row stored without ranges or backfill
    row = GapReportRowFactory()

    # when
    (result,) = client_for(ics_user).get(rows_url(row.report)).json()["results"]

    # then
    assert [result[name] for name in ("demand_low_fte", "supply_high_fte", "gap_low_fte", "backfill_fte")] == [None] * 4
