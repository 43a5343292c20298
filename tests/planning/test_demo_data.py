"""`manage.py load_demo_data` adds labelled demonstration data and one login per role, once."""

import datetime as dt
import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import RequestFactory

from colleges.models import College, CourseOffer
from core.context_processors import portal as portal_context
from core.models import DataLoad
from core.roles import Role
from hubs.models import Hub
from pathways.vocabulary import QualificationType
from portal.models import User
from tests.shared import shared_data
from trusts.models import Sector, Vacancy

pytestmark = pytest.mark.django_db


def row_counts():
    """Rows in every table of the portal's own apps."""
    return {
        model._meta.label: model.objects.count()
        for app in ("portal", "trusts", "colleges", "pathways", "hubs")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker):
    """Reference and demo data loaded once for the tests that only read it (see conftest.shared_data)."""

    def load():
        saved = os.environ.pop("DEMO_PASSWORD", None)
        try:
            call_command("load_reference_data", stdout=StringIO())
            out = StringIO()
            call_command("load_demo_data", stdout=out)
        finally:
            if saved is not None:
                os.environ["DEMO_PASSWORD"] = saved
        return out.getvalue()

    yield from shared_data(django_db_blocker, load)

def test_the_demo_password_comes_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    call_command("load_reference_data", stdout=StringIO())

    call_command("load_demo_data", stdout=StringIO())

    assert User.objects.get(username="coordinator").check_password("another-demo-secret")


def test_reference_data_alone_shows_no_demo_banner():
    call_command("load_reference_data", stdout=StringIO())

    assert portal_context(RequestFactory().get("/"))["demo_data"] is False


def test_demo_data_needs_the_reference_data_first():
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("load_demo_data", stdout=StringIO())

    assert not DataLoad.objects.exists()


class TestOnceDemoDataIsLoaded:
    """These tests only read the demo data, loaded once for the class."""

    def test_demo_data_gives_each_region_a_hub_and_every_college_its_region_hub(self, demo_loaded):
        assert Hub.objects.count() == 7
        north_west = Hub.objects.get(region__code="Y62")
        assert north_west.name == "North West employer hub for health and care (demo)"
        assert north_west.host_college.name == "Hugh Baird College"
        for hub in Hub.objects.select_related("host_college__ics"):
            assert hub.host_college.ics.region_id == hub.region_id
        assert not College.objects.filter(hub__isnull=True).exists()
        assert not College.objects.exclude(hub__region=F("ics__region")).exists()

    def test_demo_logins_cover_each_role_and_are_printed_with_their_password(self, demo_loaded):
        users = {user.username: user for user in User.objects.select_related("hub__region", "ics", "college")}

        assert users["admin"].role == Role.STAFF and users["admin"].is_superuser
        assert users["coordinator"].role == Role.COORDINATOR and users["coordinator"].hub.region.code == "Y62"
        assert users["analyst"].role == Role.ICS and users["analyst"].ics.code == "QYG"
        assert users["college"].role == Role.COLLEGE and users["college"].college.name == "Hugh Baird College"
        for username in ("admin", "coordinator", "analyst", "college"):
            assert users[username].check_password("portal-demo-2026")
            assert f"{username:<12} password portal-demo-2026" in demo_loaded

    def test_demo_offers_and_vacancies_are_labelled_valid_and_grounded(self, demo_loaded):
        offers = CourseOffer.objects.select_related("college__ics", "apprenticeship_standard")
        assert 500 < offers.count() < 3000
        assert not offers.exclude(course_code__startswith="DEMO-").exists()
        # apprenticeships follow what each college taught in 2024/25 (DfE), where the name matches a standard's title:
        # Hugh Baird taught Adult Care Worker, Lead Adult Care Worker, Healthcare Support Worker, Senior Healthcare
        # Support Worker and Assistant Practitioner (Health), all five exact titles in the 2026 Skills England list
        # (the last had none in the 2018 IfATE list), under their current references
        apprenticeships = offers.filter(qualification_type=QualificationType.APPRENTICESHIP)
        hugh_baird = set(
            apprenticeships.filter(college__ukprn="10003193", academic_year="2026/27").values_list(
                "apprenticeship_standard__reference", flat=True
            )
        )
        assert hugh_baird == {"ST0005", "ST0006", "ST0215", "ST0216", "ST0217"}
        assert apprenticeships.exists()
        assert not apprenticeships.filter(apprenticeship_standard__isnull=True).exists()
        assert offers.filter(qualification_type=QualificationType.T_LEVEL).exists()

        vacancies = Vacancy.objects.select_related("trust", "ics", "occupation")
        assert 1000 < vacancies.count() < 10000
        assert not vacancies.filter(synthetic=False).exists()
        assert vacancies.filter(sector=Sector.SOCIAL_CARE, trust__isnull=True).exists()
        assert not vacancies.filter(sector=Sector.NHS, trust__closed_on__isnull=False).exists()
        latest = vacancies.order_by("-period").first().period
        first_of_this_month = dt.date.today().replace(day=1)
        assert latest < first_of_this_month
        assert vacancies.values("period").distinct().count() == 12

        # every generated row keeps the models' own rules (a sample of each kind)
        for offer in [*offers.order_by("id")[:40], *apprenticeships.order_by("-id")[:40]]:
            offer.full_clean()
        for vacancy in [*vacancies.filter(sector=Sector.NHS)[:40], *vacancies.filter(sector=Sector.SOCIAL_CARE)[:40]]:
            vacancy.full_clean()

    def test_demo_data_is_recorded_so_pages_show_the_banner(self, demo_loaded):
        request = RequestFactory().get("/")

        assert DataLoad.objects.filter(kind=DataLoad.Kind.DEMO).count() == 1
        assert portal_context(request)["demo_data"] is True

    def test_a_second_run_creates_nothing_new(self, demo_loaded):
        # given the demo data loaded once
        before = row_counts()

        # when it is loaded again
        out = StringIO()
        call_command("load_demo_data", stdout=out)

        # then no table gained a row, and the logins are printed again
        assert row_counts() == before
        assert "coordinator  password" in out.getvalue()
