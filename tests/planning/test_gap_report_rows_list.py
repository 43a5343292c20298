"""Rows of a stored report, read as values: the same JSON as the row serializer, their count kept per report."""

import json
from decimal import Decimal

import pytest

from core.upsert import NaturalKey, UpsertSpec, upsert
from pathways.models import Occupation
from planning.api.serializers import GapReportRowSerializer
from planning.models import GapReport, GapReportRow
from tests.factories import OccupationFactory
from tests.planning.factories import GapReportFactory, GapReportRowFactory

pytestmark = pytest.mark.django_db


def rows_url(report) -> str:
    return f"/api/v1/gap-reports/{report.pk}/rows/"


def _report_with_rows(count=4, **report):
    report = GapReportFactory(**report)
    for index in range(count):
        GapReportRowFactory(report=report, code=f"Q{index:02d}", occupation=OccupationFactory(),
                            demand_fte=Decimal("10.125") + index, supply_fte=Decimal("2.344999"),
                            coverage=None if index == 1 else Decimal("0.231605"))
    GapReportRowFactory(report=report, level="national", code="E92000001", occupation=OccupationFactory())
    return report


def test_rows_answer_exactly_what_the_row_serializer_gives(ics_user, client_for):
    # given
    report = _report_with_rows()
    expected = GapReportRowSerializer(
        GapReportRow.objects.filter(report=report).select_related("occupation"), many=True
    ).data
    by_key = {(row["level"], row["code"], row["occupation"], row["year"]): dict(row) for row in expected}

    # when
    results = client_for(ics_user).get(rows_url(report)).json()["results"]

    # then: the same keys in the same order, the same figures; England first
    assert [list(row) for row in results] == [list(GapReportRowSerializer.Meta.fields)] * len(expected)
    assert results == [by_key[(row["level"], row["code"], row["occupation"], row["year"])] for row in results]
    assert results[0]["level"] == "national" and len(results) == len(expected)


def test_the_count_of_a_succeeded_reports_rows_is_counted_once(ics_user, client_for, django_assert_num_queries):
    # given: a first page read
    report = _report_with_rows()
    client = client_for(ics_user)
    assert client.get(rows_url(report), {"page_size": 2}).json()["count"] == 5

    # when / then: the next pages read the report and the page, not the count again
    with django_assert_num_queries(2):  # the report and the page
        body = client.get(rows_url(report), {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2


def test_filtered_counts_are_kept_apart(ics_user, client_for):
    # given
    report = _report_with_rows()
    client = client_for(ics_user)
    assert client.get(rows_url(report)).json()["count"] == 5

    # then
    assert client.get(rows_url(report), {"level": "ics"}).json()["count"] == 4
    assert client.get(rows_url(report), {"level": "national"}).json()["count"] == 1
    assert client.get(rows_url(report), {"code": "Q01", "year": 1}).json()["count"] == 1


def test_a_count_filtered_through_occupations_is_counted_every_time(ics_user, client_for, django_assert_num_queries):
    # given: `q` also searches occupation names, which may change
    report = _report_with_rows()
    client = client_for(ics_user)
    client.get(rows_url(report), {"q": "Q01"})

    # then: the report, the count and the page, again
    with django_assert_num_queries(3):
        assert client.get(rows_url(report), {"q": "Q01"}).json()["count"] == 1


def test_the_count_of_a_report_not_yet_succeeded_is_not_kept(ics_user, client_for):
    # given: a running report read while it has no rows
    report = GapReportFactory(status=GapReport.Status.RUNNING, finished_at=None)
    client = client_for(ics_user)
    assert client.get(rows_url(report)).json()["count"] == 0

    # when: its run writes rows and succeeds
    GapReportRowFactory(report=report)
    GapReport.objects.filter(pk=report.pk).update(status=GapReport.Status.SUCCEEDED)

    # then
    assert client.get(rows_url(report)).json()["count"] == 1


def test_a_page_of_a_succeeded_reports_rows_is_read_and_rendered_once(ics_user, client_for,
                                                                      django_assert_num_queries):
    # given: a page read once
    report = _report_with_rows()
    client = client_for(ics_user)
    first = client.get(rows_url(report), {"page_size": 2, "level": "ics"}).json()

    # when / then: the same page again reads only the report (who may see it), and answers the same
    with django_assert_num_queries(1):
        again = client.get(rows_url(report), {"page_size": 2, "level": "ics"}).json()
    assert again == first


def test_kept_pages_are_kept_apart_by_filters_order_and_bounds(ics_user, client_for):
    # given
    report = _report_with_rows()
    client = client_for(ics_user)
    expected = {
        (frozenset(params.items())): client.get(rows_url(report), params).json()
        for params in ({"page_size": 2}, {"page_size": 2, "page": 2}, {"page_size": 3}, {"ordering": "-gap_fte"},
                       {"level": "national"})
    }

    # then: read again (kept), each answers its own rows
    for params, body in expected.items():
        assert client.get(rows_url(report), dict(params)).json() == body
    assert len({json.dumps(body["results"]) for body in expected.values()}) == len(expected)


def _occupation_of_first_ics_row(client, report) -> tuple[str, str]:
    row = client.get(rows_url(report), {"level": "ics", "code": "Q00"}).json()["results"][0]
    return row["occupation"], row["occupation_name"]


def test_an_occupation_renamed_shows_its_new_name_on_pages_read_before(ics_user, client_for,
                                                                       django_capture_on_commit_callbacks):
    # given: a kept page
    report = _report_with_rows()
    client = client_for(ics_user)
    code, _ = _occupation_of_first_ics_row(client, report)

    # when: the occupation is renamed (admin, API: a save)
    occupation = Occupation.objects.get(code=code)
    occupation.name = "Renamed occupation"
    with django_capture_on_commit_callbacks(execute=True):
        occupation.save()

    # then
    assert _occupation_of_first_ics_row(client, report) == (code, "Renamed occupation")


def test_an_occupation_renamed_by_an_import_shows_its_new_name_on_pages_read_before(
        ics_user, client_for, django_capture_on_commit_callbacks):
    # given: a kept page
    report = _report_with_rows()
    client = client_for(ics_user)
    code, _ = _occupation_of_first_ics_row(client, report)

    # when: the occupations' upsert (the reference import's engine) renames it
    occupation = Occupation.objects.get(code=code)
    occupation.pk, occupation.name = None, "Imported name"
    spec = UpsertSpec(model=Occupation, keys=(NaturalKey(("code",)),), fields=("name",))
    with django_capture_on_commit_callbacks(execute=True):
        assert upsert(spec=spec, objs=[occupation]).changed == 1

    # then
    assert _occupation_of_first_ics_row(client, report) == (code, "Imported name")
