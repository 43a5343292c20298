from tests.api_contract import ReferenceAPIContract
from tests.factories import IntegratedCareSystemFactory, RegionFactory, TrustFactory


class TestRegionAPI(ReferenceAPIContract):
    path = "/api/v1/regions/"
    key_field = "code"
    factory = RegionFactory

    def create_payload(self):
        return {"code": "Y99", "name": "A new region"}

    def filter_case(self):
        return {"q": "Northern"}, RegionFactory(name="Northern test region"), RegionFactory(name="Southern")


class TestIntegratedCareSystemAPI(ReferenceAPIContract):
    path = "/api/v1/integrated-care-systems/"
    key_field = "code"
    factory = IntegratedCareSystemFactory

    def create_payload(self):
        return {"code": "QZZ", "name": "NHS New Integrated Care Board", "region": RegionFactory().code}

    def filter_case(self):
        north, south = RegionFactory(code="Y62"), RegionFactory(code="Y58")
        return (
            {"region": "Y62"},
            IntegratedCareSystemFactory(region=north),
            IntegratedCareSystemFactory(region=south),
        )


class TestTrustAPI(ReferenceAPIContract):
    path = "/api/v1/trusts/"
    key_field = "ods_code"
    factory = TrustFactory

    def create_payload(self):
        return {"ods_code": "RZZ", "name": "New NHS Trust", "kind": "acute", "ics": IntegratedCareSystemFactory().code}

    def filter_case(self):
        ics = IntegratedCareSystemFactory(code="QE1")
        return {"ics": "QE1"}, TrustFactory(ics=ics), TrustFactory()


def test_trust_exposes_its_ics_by_code(db, client_for, staff_user):
    trust = TrustFactory(ods_code="RXN", ics=IntegratedCareSystemFactory(code="QE1"))
    body = client_for(staff_user).get(f"/api/v1/trusts/{trust.ods_code}/").json()
    assert body["ics"] == "QE1"
    assert {"ods_code", "name", "kind", "ics", "postcode"} <= set(body)


def test_closed_trusts_are_filtered_out_with_open_true(db, client_for, staff_user):
    import datetime as dt

    open_trust = TrustFactory()
    closed = TrustFactory(closed_on=dt.date(2024, 3, 31))
    keys = [r["ods_code"] for r in client_for(staff_user).get("/api/v1/trusts/", {"open": "true"}).json()["results"]]
    assert open_trust.ods_code in keys and closed.ods_code not in keys
