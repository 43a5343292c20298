"""The placements pages (England, a region, an ICS) and the hub page's placement position: figures, links
to the colleges and trusts concerned, downloads, empty states, permissions and bounded queries."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from hubs.models import ActivityKind
from pathways.vocabulary import QualificationType
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    RegionFactory,
    TrustFactory,
    UserFactory,
)
from tests.hubs.factories import ActivityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def london():
    """One London ICS whose college has 30 T Level learners completing in 2025/26 and whose partnership with
    a trust offered 12 placements and filled 9 then."""
    region = RegionFactory(code="Y56", name="London")
    ics = IntegratedCareSystemFactory(code="ZA001", region=region, name="NHS North Test Integrated Care Board")
    college = CollegeFactory(ics=ics, name="Northside College", ukprn="10099901")
    CourseOfferFactory(college=college, qualification_type=QualificationType.T_LEVEL, start_date=dt.date(2023, 9, 1),
                       duration_months=24, planned_places=30, academic_year="2023/24")
    trust = TrustFactory(ics=ics, name="Northside NHS Trust", ods_code="RZZ01")
    partnership = PartnershipFactory(college=college, trust=trust)
    ActivityFactory(partnership=partnership, kind=ActivityKind.INDUSTRY_PLACEMENT, happened_on=dt.date(2026, 2, 1),
                    placements_offered=12, placements_filled=9)
    return {"region": region, "ics": ics, "college": college, "trust": trust, "partnership": partnership}


def test_the_ics_page_shows_need_offered_filled_shortfall_and_fill_rate(ics_user, london):
    # when
    response = _signed_in(ics_user).get("/placements/ics/ZA001/", {"academic_year": "2025/26"})
    # then
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("North Test", "2025/26", ">30<", ">12<", ">9<", ">18<", "30.0%"):
        assert text in body


def test_the_ics_page_links_its_shortfall_to_the_colleges_offers_and_the_trusts_activities(ics_user, london):
    # when
    body = _signed_in(ics_user).get("/placements/ics/ZA001/", {"academic_year": "2025/26"}).content.decode()
    # then
    assert 'href="#colleges"' in body and 'href="#trusts"' in body
    assert "/colleges/10099901/" in body
    assert "/course-offers/?college=10099901&amp;qualification_type=t_level" in body
    assert "/trusts/RZZ01/" in body
    assert f"/partnerships/{london['partnership'].pk}/" in body


def test_the_region_and_england_pages_list_the_areas_within_with_links(ics_user, london):
    # when
    region = _signed_in(ics_user).get("/placements/region/Y56/", {"academic_year": "2025/26"}).content.decode()
    england = _signed_in(ics_user).get("/placements/", {"academic_year": "2025/26"}).content.decode()
    # then
    assert "/placements/ics/ZA001/" in region and "Northside College" in region
    assert "/placements/region/Y56/" in england and "/placements/ics/ZA001/" in england


def test_a_year_not_in_the_list_is_an_error_naming_the_field(ics_user, london):
    # when
    response = _signed_in(ics_user).get("/placements/ics/ZA001/", {"academic_year": "1999/00"})
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in body and "Choose an academic year from the list" in body


def test_an_area_with_no_figures_shows_an_empty_state(ics_user):
    # given
    IntegratedCareSystemFactory(code="ZB001")
    # when
    body = _signed_in(ics_user).get("/placements/ics/ZB001/").content.decode()
    # then
    assert "There are no T Level courses completing and no industry placements logged in this area yet." in body


def test_an_unknown_area_is_404(ics_user):
    assert _signed_in(ics_user).get("/placements/ics/ZZ999/").status_code == 404
    assert _signed_in(ics_user).get("/placements/region/Y99/").status_code == 404


def test_the_csv_holds_the_rows_of_its_table(ics_user, london):
    # when
    response = _signed_in(ics_user).get(
        "/placements/ics/ZA001/", {"academic_year": "2025/26", "format": "csv", "table": "years"}
    )
    # then
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Academic year", "Need", "Offered", "Filled", "Shortfall", "Fill rate"],
        ["2025/26", "30.00", "12.00", "9.00", "18.00", "0.3000"],
    ]


def test_the_excel_download_has_a_sheet_per_table(ics_user, london):
    # when
    response = _signed_in(ics_user).get("/placements/ics/ZA001/", {"academic_year": "2025/26", "format": "xlsx"})
    # then
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "By academic year", "Colleges", "Trusts"]
    assert [cell.value for cell in book["Trusts"][3]] == ["Northside NHS Trust", "Northside College", 12, 9,
                                                          "Placement activities"]


def test_an_unknown_download_format_is_404(ics_user, london):
    assert _signed_in(ics_user).get("/placements/", {"format": "pdf"}).status_code == 404


def test_the_hub_page_shows_its_regions_placement_position(ics_user, london):
    # given
    hub = HubFactory(region=london["region"])
    # when
    body = _signed_in(ics_user).get(f"/hubs/{hub.code}/").content.decode()
    # then
    assert "T Level industry placements" in body
    assert "Shortfall, 2025/26" in body and "/placements/region/Y56/" in body


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/placements/", "/placements/region/Y56/", "/placements/ics/ZA001/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("trait", ["staff", "coordinator", "ics_analyst", "college_officer"])
def test_every_role_reads_the_placements_pages(london, trait):
    client = _signed_in(UserFactory(**{trait: True}))
    for path in ("/placements/", "/placements/region/Y56/", "/placements/ics/ZA001/"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/placements/", "/placements/region/Y56/", "/placements/ics/ZA001/"])
def test_the_pages_read_in_a_bounded_number_of_queries(ics_user, django_assert_max_num_queries, path):
    # given: a dozen boards in London with offers and placements over five years
    region = RegionFactory(code="Y56", name="London")
    for number in range(12):
        ics = IntegratedCareSystemFactory(code=f"ZA{number + 1:03d}", region=region)
        college = CollegeFactory(ics=ics)
        partnership = PartnershipFactory(college=college, trust=TrustFactory(ics=ics))
        for year in range(2021, 2026):
            CourseOfferFactory(college=college, start_date=dt.date(year, 9, 1), academic_year=f"{year}/{year - 1999}")
            ActivityFactory(partnership=partnership, happened_on=dt.date(year, 11, 1))
    client = _signed_in(ics_user)
    client.get(path)  # the session's first read
    # when
    with django_assert_max_num_queries(12):
        response = client.get(path, {"academic_year": "2025/26"})
    # then
    assert response.status_code == 200
