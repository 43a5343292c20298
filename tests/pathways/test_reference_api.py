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
