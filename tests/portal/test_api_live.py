"""Schemathesis against the portal from outside: a real gunicorn (two workers) in front of a
PostgreSQL database the test prepares itself (tests/live_server.py), the schema as the server
publishes it, every default check of schemathesis, as staff and as each other role.

Staff call every operation with data that fits the schema and with data that does not; the
other roles call every write with data that fits (reads are the same for every signed-in
role). Any check failure or server error fails the test, listed per role and operation.
Examples per operation are few so that the whole run stays within a few minutes on two cores.

One setting differs from schemathesis' defaults, on purpose: `positive_data_acceptance` also
accepts 400. A schema cannot say that a natural key must name an existing object, that a
start date must fall inside its academic year, or that a code is already taken; the contract
(DESIGN.md section 5) answers those with 400 naming the field, and the schema declares it.
"""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.live_server import ROLES, live_portal

pytestmark = pytest.mark.postgres

EXAMPLES_PER_OPERATION = {"staff": 4, "coordinator": 3, "ics": 3, "college": 3}
# Every signed-in role reads the same (DESIGN.md section 2), and a role's write is refused or
# checked before its body is (403 before 400): staff exercise every operation with valid and
# invalid data, the other roles every write with valid data, where their scope decides.
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _can_be_violated(definition: dict) -> bool:
    """Whether invalid data exists for an operation: a body, a query parameter, or a path
    parameter with a type or constraint. (Hypothesis would search minutes for it otherwise.)"""
    if "requestBody" in definition:
        return True
    for parameter in definition.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "query" or schema.get("type", "string") != "string":
            return True
        if {"pattern", "enum", "format", "maxLength", "minLength"} & set(schema):
            return True
    return False


def _modes(role, definition):
    if role == "staff" and _can_be_violated(definition):
        return (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    return (GenerationMode.POSITIVE,)

CONFIG = {
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"],
        },
    },
}


@pytest.fixture(scope="module")
def portal():
    with live_portal(workers=2) as running:
        yield running


def _exercise(operation, *, mode, headers, session, max_examples) -> str:
    """Fuzz one operation; '' when every case passed every check, else the first failure."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the failing request
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers, session=session, timeout=60)
        case.validate_response(response, headers=headers)

    try:
        run()
    except Unsatisfiable:
        return ""  # nothing in the schema to violate (e.g. an unconstrained string path parameter)
    except (Exception, BaseExceptionGroup) as exc:  # a failed check, a server error, a transport error
        return f"{type(exc).__name__}: {exc}"[:3000]
    return ""


@pytest.mark.parametrize("role", ROLES)
def test_the_live_api_passes_every_schemathesis_check(portal, role):
    # given the schema the server publishes, read with the role's token
    headers = {"Authorization": f"Token {portal.tokens[role]}"}
    schema = schemathesis.openapi.from_url(
        f"{portal.url}/api/v1/schema/?format=json", headers=headers, timeout=60,
        config=schemathesis.Config.from_dict(CONFIG),
    )
    failures = []
    # when every operation is called with generated data that fits the schema, and that does not
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if role != "staff" and operation.method.upper() not in WRITE_METHODS:
                continue
            definition = schema.raw_schema["paths"][operation.path][operation.method.lower()]
            for mode in _modes(role, definition):
                failure = _exercise(
                    operation, mode=mode, headers=headers, session=session,
                    max_examples=EXAMPLES_PER_OPERATION[role],
                )
                if failure:
                    failures.append(f"--- {role} {operation.label} ({mode.value})\n{failure}")
    # then nothing failed
    assert not failures, "\n".join(failures) + "\n--- server log ---\n" + portal.log()
