from pathways.models import StandardStatus
from tests.api_contract import ReferenceAPIContract
from tests.factories import ApprenticeshipStandardFactory, OccupationFactory


class TestOccupationAPI(ReferenceAPIContract):
    path = "/api/v1/occupations/"
    key_field = "code"
    factory = OccupationFactory

    def create_payload(self):
        return {
            "code": "new-occupation",
            "name": "New occupation",
            "soc_code": "6131",
            "staff_group": "Support",
            "sector": "both",
            "annual_leaver_rate": "0.1200",
        }

    def filter_case(self):
        return {"sector": "social_care"}, OccupationFactory(sector="social_care"), OccupationFactory(sector="nhs")


class TestApprenticeshipStandardAPI(ReferenceAPIContract):
    path = "/api/v1/apprenticeship-standards/"
    key_field = "reference"
    factory = ApprenticeshipStandardFactory

    def create_payload(self):
        return {"reference": "ST0006-02", "title": "Lead adult care worker", "level": 3, "duration_months": 18,
                "route": "Care services"}

    def filter_case(self):
        return {"level": "5"}, ApprenticeshipStandardFactory(level=5), ApprenticeshipStandardFactory(level=2)


def test_standard_level_outside_1_to_8_is_refused(db, client_for, staff_user):
    payload = {"reference": "ST0999", "title": "Too high", "level": 9}
    response = client_for(staff_user).post("/api/v1/apprenticeship-standards/", payload, format="json")
    assert response.status_code == 400
    assert "level" in response.json()


def test_occupation_leaver_rate_above_one_is_refused(db, client_for, staff_user):
    payload = {"code": "x", "name": "X", "soc_code": "6131", "sector": "nhs", "annual_leaver_rate": "1.5"}
    response = client_for(staff_user).post("/api/v1/occupations/", payload, format="json")
    assert response.status_code == 400
    assert "annual_leaver_rate" in response.json()


def test_standards_show_status_version_and_whether_current(db, client_for, staff_user):
    ApprenticeshipStandardFactory(reference="ST0827", version="2.0", status=StandardStatus.APPROVED)

    response = client_for(staff_user).get("/api/v1/apprenticeship-standards/ST0827/")

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["status"], body["current"]) == ("2.0", "approved", True)


def test_the_current_filter_keeps_standards_approved_for_delivery_or_paused(db, client_for, staff_user):
    ApprenticeshipStandardFactory(reference="ST0827", status=StandardStatus.APPROVED)
    ApprenticeshipStandardFactory(reference="ST0283", status=StandardStatus.PAUSED)
    ApprenticeshipStandardFactory(reference="ST0508", status=StandardStatus.RETIRED)
    ApprenticeshipStandardFactory(reference="ST0584", status=StandardStatus.NOT_LISTED)
    ApprenticeshipStandardFactory(reference="ST0702", status=StandardStatus.PROPOSAL)
    client = client_for(staff_user)

    current = client.get("/api/v1/apprenticeship-standards/", {"current": "true"}).json()["results"]
    not_current = client.get("/api/v1/apprenticeship-standards/", {"current": "false"}).json()["results"]

    assert [standard["reference"] for standard in current] == ["ST0283", "ST0827"]
    assert [standard["reference"] for standard in not_current] == ["ST0508", "ST0584", "ST0702"]


def test_the_current_filter_refuses_a_word_other_than_true_or_false(db, client_for, staff_user):
    response = client_for(staff_user).get("/api/v1/apprenticeship-standards/", {"current": "maybe"})

    assert response.status_code == 400
    assert "current" in response.json()

