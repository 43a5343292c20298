"""`manage.py load_demo_data` adds labelled demonstration data and one login per role, once."""

import datetime as dt
import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import F, Sum
from django.test import RequestFactory
from django.utils import timezone

from colleges.models import College, CourseOffer
from core.context_processors import portal as portal_context
from core.models import DataLoad
from core.roles import Role
from hubs.models import Hub
from pathways.vocabulary import QualificationType
from planning.generators import demo
from planning.models import GapReport, GapReportRow
from portal.models import User
from tests.shared import shared_data
from trusts.models import IntegratedCareSystem, Sector, Trust, TrustBoard, Vacancy

# Published national totals and the bounds the demo must stay within (see planning.generators.demo)
NHS_VACANCIES_FTE = (80_000, 120_000)  # NHS England vacancy statistics: about 100,000 over all staff groups
NHS_STAFF_FTE = (1_100_000, 1_500_000)  # NHS Workforce Statistics: 1.36 million FTE (1.18 million in our groups)
SOCIAL_CARE_VACANCIES = (110_000, 135_000)  # Skills for Care: 122,000 to 131,000
SOCIAL_CARE_STAFF_FTE = (1_000_000, 1_700_000)  # 1.13 million FTE (about 1.6 million filled posts)
HUGH_BAIRD_ST0216_STARTS = 16  # college_health_care_apprenticeships_2024_25.csv

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


def test_the_demo_writes_its_tens_of_thousands_of_rows_in_bulk(django_assert_max_num_queries):
    # given the reference data
    call_command("load_reference_data", stdout=StringIO())

    # when the offers and vacancies are generated, then a bounded number of queries writes them all
    with django_assert_max_num_queries(1000):
        demo.demo_course_offers_create()
        demo.demo_vacancies_create()
    assert CourseOffer.objects.count() > 3000
    assert Vacancy.objects.count() > 20_000


def first_of_month(months_ago: int) -> dt.date:
    month = timezone.localdate().replace(day=1)
    for _ in range(months_ago):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def test_a_board_opened_this_year_gets_no_rows_for_the_months_before_it_opened():
    # given a board that opened four months ago, and a trust that moved into it then
    call_command("load_reference_data", stdout=StringIO())
    opened = first_of_month(4)
    old = IntegratedCareSystem.objects.get(code="QYG")
    new = IntegratedCareSystem.objects.create(code="ZA001", name="NHS Test Integrated Care Board",
                                              region=old.region, opened_on=opened)
    trust = Trust.objects.open().filter(ics=old, kind="acute").order_by("ods_code").first()
    TrustBoard.objects.create(trust=trust, ics=old, valid_to=opened - dt.timedelta(days=1))
    TrustBoard.objects.create(trust=trust, ics=new, valid_from=opened)
    Trust.objects.filter(pk=trust.pk).update(ics=new)

    # when the demo vacancies are generated
    demo.demo_vacancies_create()

    # then the trust's rows and the board's social-care rows start in the month the board opened
    trust_rows = Vacancy.objects.filter(trust=trust)
    assert set(trust_rows.values_list("ics__code", flat=True)) == {"ZA001"}
    assert min(trust_rows.values_list("period", flat=True)) == opened
    care_rows = Vacancy.objects.filter(ics=new, sector=Sector.SOCIAL_CARE)
    assert care_rows.exists()
    assert min(care_rows.values_list("period", flat=True)) == opened
    assert Vacancy.objects.filter(ics=new).values("period").distinct().count() == 4
    for vacancy in trust_rows.select_related("trust", "ics", "occupation")[:20]:
        vacancy.full_clean()


def test_a_board_where_no_college_sits_gets_offers_delivered_in_it():
    # given a board open today with no college in it
    call_command("load_reference_data", stdout=StringIO())
    board = IntegratedCareSystem.objects.create(code="ZA002", name="NHS Other Test Integrated Care Board",
                                                region=IntegratedCareSystem.objects.get(code="QYG").region)

    # when the demo offers are generated
    demo.demo_course_offers_create()

    # then a college of its region delivers the health T Level and diploma in it, every year
    delivered = CourseOffer.objects.filter(delivery_ics=board)
    assert set(delivered.values_list("qualification_type", flat=True)) == {
        QualificationType.T_LEVEL, QualificationType.DIPLOMA
    }
    assert set(delivered.values_list("academic_year", flat=True)) == set(demo.demo_academic_years())
    assert set(delivered.values_list("college__ics__region", flat=True)) == {board.region_id}


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
        assert 3000 < offers.count() < 15000
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
        assert 20_000 < vacancies.count() < 120_000
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

    def test_demo_vacancies_add_up_to_the_published_national_totals(self, demo_loaded):
        # the latest month: what a gap report as of today counts
        latest = Vacancy.objects.order_by("-period").values_list("period", flat=True).first()
        totals = {
            row["sector"]: (row["vacancies"], row["staff"])
            for row in Vacancy.objects.filter(period=latest).values("sector").annotate(
                vacancies=Sum("vacancies_fte"), staff=Sum("staff_in_post_fte")
            )
        }

        nhs_vacancies, nhs_staff = totals[Sector.NHS]
        care_vacancies, care_staff = totals[Sector.SOCIAL_CARE]
        assert NHS_VACANCIES_FTE[0] < nhs_vacancies < NHS_VACANCIES_FTE[1]
        assert NHS_STAFF_FTE[0] < nhs_staff < NHS_STAFF_FTE[1]
        assert SOCIAL_CARE_VACANCIES[0] < care_vacancies < SOCIAL_CARE_VACANCIES[1]
        assert SOCIAL_CARE_STAFF_FTE[0] < care_staff < SOCIAL_CARE_STAFF_FTE[1]

    def test_englands_year_one_demand_and_supply_are_at_the_published_order(self, demo_loaded):
        # when the first report of `make run` is computed on the demo data
        call_command("compute_gap_report", stdout=StringIO())
        report = GapReport.objects.get()

        # then England's demand in year 1 is the published vacancies plus a year of leavers (between the
        # vacancies alone and the vacancies plus 30% of staff in post), and the supply is in the thousands,
        # growing to tens of thousands over the horizon
        national = GapReportRow.objects.filter(report=report, level="national")
        year = {y: national.filter(year=y).aggregate(demand=Sum("demand_fte"), supply=Sum("supply_fte"))
                for y in (1, 3)}
        vacancies = NHS_VACANCIES_FTE[0] + SOCIAL_CARE_VACANCIES[0]
        assert vacancies < year[1]["demand"] < NHS_VACANCIES_FTE[1] + SOCIAL_CARE_VACANCIES[1] + 0.3 * (
            NHS_STAFF_FTE[1] + SOCIAL_CARE_STAFF_FTE[1]
        )
        assert year[1]["supply"] > 5_000
        assert year[3]["supply"] > 15_000

    def test_every_board_open_today_has_demand_and_supply(self, demo_loaded):
        call_command("compute_gap_report", stdout=StringIO())
        rows = GapReportRow.objects.filter(report=GapReport.objects.get(), level="ics", year=1)
        by_board = {row["code"]: row for row in rows.values("code").annotate(
            demand=Sum("demand_fte"), supply=Sum("supply_fte"))}

        current = set(IntegratedCareSystem.objects.current().values_list("code", flat=True))
        assert current and set(by_board) == current
        assert all(row["demand"] > 0 and row["supply"] > 0 for row in by_board.values())

    def test_apprenticeship_offers_carry_each_colleges_2024_25_starts_to_the_horizon(self, demo_loaded):
        # Hugh Baird College started 16 healthcare support worker apprentices (ST0216) in 2024/25 (DfE)
        offers = CourseOffer.objects.filter(college__ukprn="10003193", apprenticeship_standard__reference="ST0216")

        assert dict(offers.values_list("academic_year", "planned_places")) == {
            year: HUGH_BAIRD_ST0216_STARTS for year in demo.demo_academic_years()
        }
        assert demo.demo_academic_years()[0] == "2024/25"
        assert all(offer.title.endswith("(demo)") for offer in CourseOffer.objects.all())

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
