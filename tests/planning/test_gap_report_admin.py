"""Gap reports in the Django admin: shown to staff, never written there (only their run writes them)."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.planning.factories import GapReportFactory, GapReportRowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_():
    client = Client()
    client.force_login(UserFactory(staff=True, username="root", is_superuser=True))
    return client


@pytest.mark.parametrize("reports", [1, 30])
def test_the_report_list_shows_in_the_same_few_queries_whatever_the_number(reports, admin_client_,
                                                                           django_assert_max_num_queries):
    # given
    GapReportFactory.create_batch(reports, requested_by=UserFactory(staff=True))

    # when / then
    with django_assert_max_num_queries(8):
        response = admin_client_.get("/admin/planning/gapreport/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_the_row_list_shows_in_the_same_few_queries_whatever_the_number(rows, admin_client_,
                                                                        django_assert_max_num_queries):
    # given
    report = GapReportFactory()
    GapReportRowFactory.create_batch(rows, report=report, code="QAA")

    # when / then
    with django_assert_max_num_queries(8):
        response = admin_client_.get("/admin/planning/gapreportrow/")
    assert response.status_code == 200


def test_reports_cannot_be_added_changed_or_deleted_in_the_admin(admin_client_):
    # given
    report = GapReportFactory()

    # when
    add = admin_client_.get("/admin/planning/gapreport/add/")
    change = admin_client_.post(f"/admin/planning/gapreport/{report.pk}/change/", {"status": "failed"})
    delete = admin_client_.post(f"/admin/planning/gapreport/{report.pk}/delete/", {"post": "yes"})

    # then
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    report.refresh_from_db()
    assert report.status == "succeeded"
    assert admin_client_.get(f"/admin/planning/gapreport/{report.pk}/change/").status_code == 200
