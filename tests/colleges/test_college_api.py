from tests.api_contract import ReferenceAPIContract
from tests.factories import CollegeFactory, IntegratedCareSystemFactory


class TestCollegeAPI(ReferenceAPIContract):
    path = "/api/v1/colleges/"
    key_field = "ukprn"
    factory = CollegeFactory

    def create_payload(self):
        return {"ukprn": "10099999", "name": "New College", "ics": IntegratedCareSystemFactory().code}

    def filter_case(self):
        ics = IntegratedCareSystemFactory(code="QYG")
        return {"ics": "QYG"}, CollegeFactory(ics=ics), CollegeFactory()


def test_college_ukprn_must_be_eight_digits(db, client_for, staff_user):
    payload = {"ukprn": "1234", "name": "Short", "ics": IntegratedCareSystemFactory().code}
    response = client_for(staff_user).post("/api/v1/colleges/", payload, format="json")
    assert response.status_code == 400
    assert "ukprn" in response.json()
