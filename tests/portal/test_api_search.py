"""`q` searches codes as well as names: ODS codes, UKPRNs, course codes, ICB codes, standard
references."""

import pytest

from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    IntegratedCareSystemFactory,
    TrustFactory,
)
from tests.hubs.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def _ids(client, path, q, key):
    return [row[key] for row in client.get(path, {"q": q}).json()["results"]]


def test_q_finds_course_offers_by_course_code_ukprn_and_standard_reference(client_for, staff_user):
    # given
    standard = ApprenticeshipStandardFactory(reference="ST0216", level=2)
    offer = CourseOfferFactory(course_code="HCSW-APP-26", qualification_type="apprenticeship",
                               apprenticeship_standard=standard, level=2, college=CollegeFactory(ukprn="10004321"))
    other = CourseOfferFactory(course_code="OTHER-1")
    client = client_for(staff_user)
    # then each code finds the offer, and only it
    for q in ("HCSW-APP", "10004321", "ST0216"):
        ids = _ids(client, "/api/v1/course-offers/", q, "id")
        assert offer.pk in ids and other.pk not in ids, q


def test_q_finds_partnerships_by_trust_ods_code_and_college_ukprn(client_for, staff_user):
    partnership = PartnershipFactory(trust=TrustFactory(ods_code="RXN"), college=CollegeFactory(ukprn="10007777"))
    other = PartnershipFactory()
    client = client_for(staff_user)
    for q in ("RXN", "10007777"):
        ids = _ids(client, "/api/v1/partnerships/", q, "id")
        assert partnership.pk in ids and other.pk not in ids, q


def test_q_finds_trusts_and_colleges_by_their_icb_code(client_for, staff_user):
    ics = IntegratedCareSystemFactory(code="QE1")
    trust, college = TrustFactory(ics=ics), CollegeFactory(ics=ics)
    TrustFactory(), CollegeFactory()
    client = client_for(staff_user)
    assert _ids(client, "/api/v1/trusts/", "QE1", "ods_code") == [trust.ods_code]
    assert _ids(client, "/api/v1/colleges/", "QE1", "ukprn") == [college.ukprn]
