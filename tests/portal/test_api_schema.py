"""Property-based run of schemathesis against /api/v1/schema/, in process through the WSGI app.

Every operation (reads and writes) is called as a staff user with a token, with generated
parameters and bodies; no answer may be a server error (5xx) and every documented answer
must match the schema. The number of examples per operation is bounded so that the run
takes about a minute.
"""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.throttling import TokenEndpointRateThrottle, TokenRateThrottle
from portal.api_tokens import api_token_issue
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    HubFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    UserFactory,
)

EXAMPLES_PER_OPERATION = 12


# The coverage phase (every boundary of every parameter) alone takes minutes over the whole
# API; the examples and the bounded fuzzing phase keep the run near a minute.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
# Loaded at collection: serving the schema reads no database rows. One test per operation.
# The schema is for signed-in users; at collection there is no database to sign in against, so
# the served schema is read with the setting that publishes it (tests/portal/test_api_docs.py
# covers who may read it).
with override_settings(API_SCHEMA_PUBLIC=True):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Calls go through Django's plain WSGI handler, whose request signals close the database
    connection after each request: inside the test's transaction on PostgreSQL that would kill
    it. Django's own test client detaches the same handler for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db, monkeypatch):
    # Enough rows for lists and details to have something to answer with.
    rates = {"token": "100000/minute", "anon": "100000/minute", "auth_token": "100000/minute"}
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(TokenEndpointRateThrottle, "THROTTLE_RATES", rates)
    region = RegionFactory(code="Y60")
    ics = IntegratedCareSystemFactory(code="QHL", region=region)
    HubFactory(region=region)
    college = CollegeFactory(ukprn="10000001", ics=ics)
    TrustFactory(ods_code="RXN", ics=ics)
    standard = ApprenticeshipStandardFactory(reference="ST0216", level=2)
    occupation = OccupationFactory(code="healthcare-support-worker")
    EntryRouteFactory(occupation=occupation, qualification_type="apprenticeship", level=2,
                      apprenticeship_standard=standard)
    CourseOfferFactory(college=college)
    CourseOfferFactory(college=college, qualification_type="apprenticeship", apprenticeship_standard=standard,
                       level=2, start_date=dt.date(2027, 1, 11))
    user = UserFactory(staff=True, username="schemathesis")
    return api_token_issue(user=user)[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_never_fails_and_answers_as_its_schema_says(case, staff_token):
    # when
    response = case.call(headers={"Authorization": f"Token {staff_token}"})
    # then
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
