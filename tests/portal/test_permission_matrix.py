"""The API permission matrix: every endpoint, every method, every role -> the expected answer.

Each case signs in as one role, sends one request and checks the status; when the answer is
a refusal (4xx) it also checks that nothing in the database changed.
`test_every_api_endpoint_is_in_the_matrix` enumerates the router in portal/api.py plus the
token, schema and docs endpoints, and FAILS listing every (route name, method) missing here.

To enter an endpoint:
1. one line in MATRIX: ("<route name>", "<METHOD>"): <expectation>, using the profiles below
   (READ, PUBLIC, STAFF_ONLY(201), ...) or a dict {role: status} for all six ROLES;
2. for a new resource, one Resource in RESOURCES (keyed by the route's basename, e.g.
   "courseoffer") saying how to make the object a detail route points at, its URL kwargs,
   and a valid request body for a role (`payload(world, role)`), so that allowed writes succeed.
Then remove its basename from NOT_YET_ENTERED if it is listed there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse

from planning.models import GapReport
from portal import urls as portal_urls
from portal.api import router
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
from tests.shared import shared_data

ROLES = ("anonymous", "coordinator", "ics", "other_college", "own_college", "staff")

# --- expectation profiles ---------------------------------------------------------------


def _profile(anonymous=401, others=403, **by_role) -> dict[str, int]:
    expected = {role: others for role in ROLES}
    expected["anonymous"] = anonymous
    expected.update(by_role)
    return expected


READ = _profile(others=200)  # every signed-in role reads; anonymous is asked to authenticate
PUBLIC = _profile(anonymous=200, others=200)


def STAFF_ONLY(status: int) -> dict[str, int]:  # noqa: N802 - reads as a profile name
    return _profile(staff=status)


def OWN_COLLEGE_AND_STAFF(status: int, other_college: int = 403) -> dict[str, int]:  # noqa: N802
    return _profile(own_college=status, staff=status, other_college=other_college)


def HUB_COORDINATOR_AND_STAFF(status: int) -> dict[str, int]:  # noqa: N802 - the world's hub holds both colleges
    return _profile(coordinator=status, staff=status)


# --- the world every case runs in -------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (see tests.shared.shared_data): every case reads it and writes only
    inside its own transaction, rolled back after the case."""
    yield from shared_data(django_db_blocker, _world_build)


@pytest.fixture
def _world_case(world, db):
    world.target = None
    return world


def _world_build():
    region = RegionFactory(code="Y60", name="Midlands")
    ics = IntegratedCareSystemFactory(code="QHL", region=region)
    hub = HubFactory(region=region)
    own = CollegeFactory(ukprn="10000001", ics=ics, hub=hub)
    other = CollegeFactory(ukprn="10000002", ics=ics, hub=hub)
    users = {
        "anonymous": None,
        "coordinator": UserFactory(username="m-coordinator", coordinator=True, hub=hub),
        "ics": UserFactory(username="m-ics", ics_analyst=True, ics=ics),
        "other_college": UserFactory(username="m-other", college_officer=True, college=other),
        "own_college": UserFactory(username="m-own", college_officer=True, college=own),
        "staff": UserFactory(username="m-staff", staff=True),
    }
    # A finished gap report, so that `gap-reports/latest/` has something to serve.
    report = GapReport.objects.create(as_of=dt.date(2026, 4, 1), status=GapReport.Status.SUCCEEDED, progress=100)
    return SimpleNamespace(region=region, ics=ics, hub=hub, own=own, other=other, users=users, report=report)


# --- resources: how to point at an object and what a valid body looks like --------------


@dataclass
class Resource:
    make: Callable  # world -> the object a detail route points at
    kwargs: Callable  # object -> URL kwargs of its detail routes
    payload: Callable = field(default=lambda world, role: {})  # (world, role) -> a valid request body


def _offer_body(world, role):
    body = {
        "course_code": "NEW-1",
        "title": "New course",
        "qualification_type": "diploma",
        "level": 3,
        "academic_year": "2026/27",
        "start_date": "2026-09-01",
        "duration_months": 12,
        "planned_places": 10,
    }
    if role == "staff":
        body["college"] = world.own.ukprn
    elif role == "other_college":
        body["college"] = world.own.ukprn  # trying to write the own college's offers: refused
    return body


RESOURCES: dict[str, Resource] = {
    "region": Resource(
        make=lambda w: RegionFactory(code="Y99", name="Test region"),
        kwargs=lambda o: {"code": o.code},
        payload=lambda w, role: {"code": "Y98", "name": "Another region"},
    ),
    "integratedcaresystem": Resource(
        make=lambda w: IntegratedCareSystemFactory(code="QZ9", region=w.region),
        kwargs=lambda o: {"code": o.code},
        payload=lambda w, role: {"code": "QZ8", "name": "NHS Test ICB", "region": w.region.code},
    ),
    "trust": Resource(
        make=lambda w: TrustFactory(ods_code="RZZ", ics=w.ics),
        kwargs=lambda o: {"ods_code": o.ods_code},
        payload=lambda w, role: {"ods_code": "RZY", "name": "Test NHS Trust", "kind": "acute", "ics": w.ics.code},
    ),
    "college": Resource(
        make=lambda w: CollegeFactory(ukprn="10009999", ics=w.ics),
        kwargs=lambda o: {"ukprn": o.ukprn},
        payload=lambda w, role: {"ukprn": "10009998", "name": "Test College", "ics": w.ics.code},
    ),
    "occupation": Resource(
        make=lambda w: OccupationFactory(code="test-occupation"),
        kwargs=lambda o: {"code": o.code},
        payload=lambda w, role: {"code": "another-occupation", "name": "Another", "soc_code": "6131",
                                 "sector": "nhs", "annual_leaver_rate": "0.10"},
    ),
    "apprenticeshipstandard": Resource(
        make=lambda w: ApprenticeshipStandardFactory(reference="ST0999"),
        kwargs=lambda o: {"reference": o.reference},
        payload=lambda w, role: {"reference": "ST0998", "title": "Test standard", "level": 3},
    ),
    "courseoffer": Resource(
        make=lambda w: CourseOfferFactory(college=w.own, start_date=dt.date(2026, 9, 1)),
        kwargs=lambda o: {"pk": o.pk},
        payload=_offer_body,
    ),
}

def _hub_partnership(w):
    from hubs.models import Partnership
    from tests.hubs.factories import PartnershipFactory

    existing = Partnership.objects.filter(college=w.own).first()
    return existing or PartnershipFactory(college=w.own, trust=TrustFactory(ods_code="RPB", ics=w.ics))


def _partnership_body(w, role):
    return {"college": w.own.ukprn, "trust": TrustFactory(ods_code="RPA", ics=w.ics).ods_code, "status": "active",
            "agendas": ["estates"], "started_on": "2026-01-15", "summary": "Matrix partnership"}


def _activity_body(w, role):
    return {"partnership": _hub_partnership(w).pk, "kind": "cpd", "happened_on": "2026-02-01", "learners": 3,
            "placements_offered": 0, "placements_filled": 0, "interviews_guaranteed": 0, "hires": 0, "notes": ""}


def _activity(w):
    from tests.hubs.factories import ActivityFactory

    return ActivityFactory(partnership=_hub_partnership(w))


RESOURCES["hub"] = Resource(
    make=lambda w: HubFactory(region=RegionFactory(code="Y97", name="Hubless region")),
    kwargs=lambda o: {"code": o.region.code},
    payload=lambda w, role: {"region": RegionFactory(code="Y96", name="Region for a new hub").code,
                             "name": "Matrix hub"},
)
RESOURCES["partnership"] = Resource(make=_hub_partnership, kwargs=lambda o: {"pk": o.pk}, payload=_partnership_body)
RESOURCES["activity"] = Resource(make=_activity, kwargs=lambda o: {"pk": o.pk}, payload=_activity_body)

# The bulk endpoint takes a list of the offer bodies.
BULK_PAYLOAD = lambda w, role: [_offer_body(w, role)]  # noqa: E731


def _vacancy(w):
    from tests.factories import VacancyFactory

    return VacancyFactory(trust=TrustFactory(ods_code="RVA", ics=w.ics), period=dt.date(2026, 6, 1),
                          occupation=OccupationFactory(code="matrix-nurses", sector="both"))


def _vacancy_body(w, role):
    OccupationFactory(code="matrix-nurses", sector="both")
    return {"sector": "nhs", "trust": TrustFactory(ods_code="RVA", ics=w.ics).ods_code, "occupation": "matrix-nurses",
            "period": "2026-07-01", "vacancies_fte": "4.50", "staff_in_post_fte": "90"}


def _progression(w):
    from pathways.models import Progression

    return Progression.objects.create(from_occupation=OccupationFactory(code="matrix-from"),
                                      to_occupation=OccupationFactory(code="matrix-to"), typical_months=12)


def _progression_body(w, role):
    OccupationFactory(code="matrix-from")
    OccupationFactory(code="matrix-other")
    return {"from_occupation": "matrix-from", "to_occupation": "matrix-other", "typical_months": 24, "via": "A course"}


RESOURCES["vacancy"] = Resource(make=_vacancy, kwargs=lambda o: {"pk": o.pk}, payload=_vacancy_body)
RESOURCES["entryroute"] = Resource(
    make=lambda w: EntryRouteFactory(occupation=OccupationFactory(code="matrix-route")),
    kwargs=lambda o: {"pk": o.pk},
    payload=lambda w, role: {"occupation": OccupationFactory(code="matrix-route").code, "qualification_type": "diploma",
                             "level": 2, "conversion_rate": "0.20", "lag_months": 3},
)
RESOURCES["progression"] = Resource(make=_progression, kwargs=lambda o: {"pk": o.pk}, payload=_progression_body)


def _completion_rate(w):
    from pathways.models import CompletionRate

    # The migrations seed every type; the detail routes point at the short-course one.
    rate, _ = CompletionRate.objects.get_or_create(
        qualification_type="short_course", defaults={"rate": "0.90", "rate_low": "0.85", "rate_high": "0.95"}
    )
    return rate


def _completion_rate_body(w, role):
    from pathways.models import CompletionRate

    CompletionRate.objects.filter(qualification_type="other").delete()  # a POST needs a type without a rate
    return {"qualification_type": "other", "rate": "0.70", "rate_low": "0.60", "rate_high": "0.80"}


RESOURCES["completionrate"] = Resource(
    make=_completion_rate, kwargs=lambda o: {"qualification_type": o.qualification_type},
    payload=_completion_rate_body,
)
RESOURCES["gapreport"] = Resource(
    make=lambda w: w.report,
    kwargs=lambda o: {"pk": o.pk},
    payload=lambda w, role: {"as_of": "2026-11-01", "horizon_years": 3},
)

def _scenario(w):
    from planning.models import Scenario

    # Shared, so that every role of the world's ICS sees it; created by the ICS's analyst.
    return Scenario.objects.create(name="Matrix scenario", ics=w.ics, shared=True, created_by=w.users["ics"])


RESOURCES["scenario"] = Resource(
    make=_scenario,
    kwargs=lambda o: {"pk": o.pk},
    payload=lambda w, role: {"name": "Matrix what-if", "adjustments": [
        {"kind": "completion_rate", "target": "t_level", "value": "0.9"}
    ]},
)

# --- the matrix: (route name, method) -> expected status by role --------------------------

MATRIX: dict[tuple[str, str], dict[str, int]] = {
    # outside the router
    ("api-token", "POST"): PUBLIC,  # each role posts its own username and password
    ("schema", "GET"): READ,  # public only with API_SCHEMA_PUBLIC
    ("docs", "GET"): _profile(anonymous=302, others=200),  # a person is sent to sign in
    ("api-root", "GET"): READ,
    # reference data: read by all signed in, written by staff
    ("region-list", "GET"): READ,
    ("region-list", "POST"): STAFF_ONLY(201),
    ("region-detail", "GET"): READ,
    ("region-detail", "PUT"): STAFF_ONLY(200),
    ("region-detail", "PATCH"): STAFF_ONLY(200),
    ("region-detail", "DELETE"): STAFF_ONLY(204),
    ("integratedcaresystem-list", "GET"): READ,
    ("integratedcaresystem-list", "POST"): STAFF_ONLY(201),
    ("integratedcaresystem-detail", "GET"): READ,
    ("integratedcaresystem-detail", "PUT"): STAFF_ONLY(200),
    ("integratedcaresystem-detail", "PATCH"): STAFF_ONLY(200),
    ("integratedcaresystem-detail", "DELETE"): STAFF_ONLY(204),
    ("trust-list", "GET"): READ,
    ("trust-list", "POST"): STAFF_ONLY(201),
    ("trust-detail", "GET"): READ,
    ("trust-detail", "PUT"): STAFF_ONLY(200),
    ("trust-detail", "PATCH"): STAFF_ONLY(200),
    ("trust-detail", "DELETE"): STAFF_ONLY(204),
    ("college-list", "GET"): READ,
    ("college-list", "POST"): STAFF_ONLY(201),
    ("college-detail", "GET"): READ,
    ("college-detail", "PUT"): STAFF_ONLY(200),
    ("college-detail", "PATCH"): STAFF_ONLY(200),
    ("college-detail", "DELETE"): STAFF_ONLY(204),
    ("occupation-list", "GET"): READ,
    ("occupation-list", "POST"): STAFF_ONLY(201),
    ("occupation-detail", "GET"): READ,
    ("occupation-detail", "PUT"): STAFF_ONLY(200),
    ("occupation-detail", "PATCH"): STAFF_ONLY(200),
    ("occupation-detail", "DELETE"): STAFF_ONLY(204),
    ("apprenticeshipstandard-list", "GET"): READ,
    ("apprenticeshipstandard-list", "POST"): STAFF_ONLY(201),
    ("apprenticeshipstandard-detail", "GET"): READ,
    ("apprenticeshipstandard-detail", "PUT"): STAFF_ONLY(200),
    ("apprenticeshipstandard-detail", "PATCH"): STAFF_ONLY(200),
    ("apprenticeshipstandard-detail", "DELETE"): STAFF_ONLY(204),
    # course offers: read by all signed in; written by their college's users and staff
    ("courseoffer-list", "GET"): READ,
    # a college user creates for its own college; naming another college's UKPRN is a 400
    ("courseoffer-list", "POST"): OWN_COLLEGE_AND_STAFF(201, other_college=400),
    ("courseoffer-detail", "GET"): READ,
    ("courseoffer-detail", "PUT"): OWN_COLLEGE_AND_STAFF(200),
    ("courseoffer-detail", "PATCH"): OWN_COLLEGE_AND_STAFF(200),
    ("courseoffer-detail", "DELETE"): OWN_COLLEGE_AND_STAFF(204),
    ("courseoffer-bulk", "POST"): OWN_COLLEGE_AND_STAFF(200, other_college=400),
    ("courseoffer-history", "GET"): READ,
    # hubs: written by staff; partnerships and activities: by the coordinator of the college's hub, and staff
    ("hub-list", "GET"): READ,
    ("hub-list", "POST"): STAFF_ONLY(201),
    ("hub-detail", "GET"): READ,
    ("hub-detail", "PUT"): STAFF_ONLY(200),
    ("hub-detail", "PATCH"): STAFF_ONLY(200),
    ("hub-detail", "DELETE"): STAFF_ONLY(204),
    ("partnership-list", "GET"): READ,
    ("partnership-list", "POST"): HUB_COORDINATOR_AND_STAFF(201),
    ("partnership-detail", "GET"): READ,
    ("partnership-detail", "PUT"): HUB_COORDINATOR_AND_STAFF(200),
    ("partnership-detail", "PATCH"): HUB_COORDINATOR_AND_STAFF(200),
    ("partnership-detail", "DELETE"): HUB_COORDINATOR_AND_STAFF(204),
    ("activity-list", "GET"): READ,
    ("activity-list", "POST"): HUB_COORDINATOR_AND_STAFF(201),
    ("activity-detail", "GET"): READ,
    ("activity-detail", "PUT"): HUB_COORDINATOR_AND_STAFF(200),
    ("activity-detail", "PATCH"): HUB_COORDINATOR_AND_STAFF(200),
    ("activity-detail", "DELETE"): HUB_COORDINATOR_AND_STAFF(204),
    # vacancies: read by all signed in; written by the ICS's analysts (the world's trust lies in their ICS) and staff
    ("vacancy-list", "GET"): READ,
    ("vacancy-list", "POST"): _profile(ics=201, staff=201),
    ("vacancy-detail", "GET"): READ,
    ("vacancy-detail", "PUT"): _profile(ics=200, staff=200),
    ("vacancy-detail", "PATCH"): _profile(ics=200, staff=200),
    ("vacancy-detail", "DELETE"): _profile(ics=204, staff=204),
    ("vacancy-bulk", "POST"): _profile(ics=200, staff=200),
    # career pathways: reference data, written by staff
    ("entryroute-list", "GET"): READ,
    ("entryroute-list", "POST"): STAFF_ONLY(201),
    ("entryroute-detail", "GET"): READ,
    ("entryroute-detail", "PUT"): STAFF_ONLY(200),
    ("entryroute-detail", "PATCH"): STAFF_ONLY(200),
    ("entryroute-detail", "DELETE"): STAFF_ONLY(204),
    ("progression-list", "GET"): READ,
    ("progression-list", "POST"): STAFF_ONLY(201),
    ("progression-detail", "GET"): READ,
    ("progression-detail", "PUT"): STAFF_ONLY(200),
    ("progression-detail", "PATCH"): STAFF_ONLY(200),
    ("progression-detail", "DELETE"): STAFF_ONLY(204),
    ("completionrate-list", "GET"): READ,
    ("completionrate-list", "POST"): STAFF_ONLY(201),
    ("completionrate-detail", "GET"): READ,
    ("completionrate-detail", "PUT"): STAFF_ONLY(200),
    ("completionrate-detail", "PATCH"): STAFF_ONLY(200),
    ("completionrate-detail", "DELETE"): STAFF_ONLY(204),
    # gap reports: read by all signed in; requested (202, computed later) by ICS analysts and staff
    ("gapreport-list", "GET"): READ,
    ("gapreport-list", "POST"): _profile(ics=202, staff=202),
    ("gapreport-detail", "GET"): READ,
    ("gapreport-latest", "GET"): READ,
    ("gapreport-rows", "GET"): READ,
    # scenarios: an ICS analyst's ICS's (shared or their own) and staff's; other roles read none (404) and
    # write none (403, whatever the id)
    ("scenario-list", "GET"): READ,
    ("scenario-list", "POST"): _profile(ics=201, staff=201),
    ("scenario-detail", "GET"): _profile(others=404, ics=200, staff=200),
    ("scenario-detail", "PUT"): _profile(ics=200, staff=200),
    ("scenario-detail", "PATCH"): _profile(ics=200, staff=200),
    ("scenario-detail", "DELETE"): _profile(ics=204, staff=204),
    ("scenario-history", "GET"): _profile(others=404, ics=200, staff=200),
    ("scenario-copy", "POST"): _profile(ics=201, staff=201),
    # T Level placements (DESIGN.md 6.5): computed live, read by all signed in, no writes
    ("placement-list", "GET"): READ,
}

# Endpoints of other helpers' resources, not entered yet: their owners add their MATRIX lines
# and Resources, then delete the basename here. Keep this empty once they have.
NOT_YET_ENTERED: set[str] = set()

# Bodies for routes whose body is not the resource's own payload.
SPECIAL_PAYLOADS = {"courseoffer-bulk": BULK_PAYLOAD, "vacancy-bulk": lambda w, role: [_vacancy_body(w, role)]}


# --- enumerating the API ------------------------------------------------------------------

IGNORED_METHODS = {"HEAD", "OPTIONS", "TRACE"}


def _methods(pattern: URLPattern) -> set[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        # DRF adds "head" to a viewset's actions at its first GET request: ignore it here as below.
        return {method.upper() for method in actions} - IGNORED_METHODS
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    names = getattr(view_class, "http_method_names", [])
    return {name.upper() for name in names if hasattr(view_class, name)} - IGNORED_METHODS


def _flatten(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _flatten(entry.url_patterns)
        else:
            yield entry


def api_endpoints() -> set[tuple[str, str]]:
    """(route name, method) of every endpoint under /api/v1/: the router's and the others."""
    endpoints = set()
    for pattern in _flatten(portal_urls.api_v1):
        if pattern.name:
            endpoints |= {(pattern.name, method) for method in _methods(pattern)}
    for pattern in router.urls:
        endpoints |= {(pattern.name, method) for method in _methods(pattern)}
    return endpoints


def _basename(name: str) -> str:
    return name.rsplit("-", 1)[0] if "-" in name else name


def test_every_api_endpoint_is_in_the_matrix():
    # given
    endpoints = api_endpoints()
    # when
    missing = sorted(e for e in endpoints - MATRIX.keys() if _basename(e[0]) not in NOT_YET_ENTERED)
    stale = sorted(MATRIX.keys() - endpoints)
    # then
    assert not missing, f"Endpoints missing from the permission matrix (enter them in MATRIX): {missing}"
    assert not stale, f"MATRIX names endpoints that do not exist: {stale}"


def test_the_enumeration_sees_the_routes_it_must():
    # A guard against an enumeration that finds nothing (and so would let anything pass).
    endpoints = api_endpoints()
    assert ("courseoffer-bulk", "POST") in endpoints
    assert ("api-token", "POST") in endpoints
    assert len(endpoints) >= len(MATRIX)


# --- running every case -------------------------------------------------------------------

# Tables whose rows are bookkeeping of a request, not data it may change.
BOOKKEEPING = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


def database_snapshot() -> dict[str, list[tuple]]:
    snapshot = {}
    for model in apps.get_models():
        if model._meta.label_lower in BOOKKEEPING or model._meta.proxy or not model._meta.managed:
            continue
        snapshot[model._meta.label_lower] = list(model._default_manager.order_by("pk").values_list())
    return snapshot


def _url(name: str, world) -> str:
    basename, _, suffix = name.rpartition("-")
    if name in ("api-token", "schema", "docs"):
        return reverse(f"{name}")
    if name == "api-root":
        return reverse("api:api-root")
    try:
        return reverse(f"api:{name}")
    except NoReverseMatch:  # a detail route: point it at a fresh object
        resource = RESOURCES[basename]
        world.target = resource.make(world)
        return reverse(f"api:{name}", kwargs=resource.kwargs(world.target))


def _body(name: str, method: str, world, role: str):
    if name == "api-token":
        return {"username": world.users[role].username, "password": "correct-horse-battery"} if role != "anonymous" \
            else {"username": "nobody", "password": ""}
    if method not in ("POST", "PUT", "PATCH"):
        return None
    if name in SPECIAL_PAYLOADS:
        return SPECIAL_PAYLOADS[name](world, role)
    return RESOURCES[name.rpartition("-")[0]].payload(world, role)


CASES = [(name, method, role) for (name, method), expected in sorted(MATRIX.items()) for role in ROLES]


@pytest.mark.parametrize(("name", "method", "role"), CASES, ids=[f"{n}:{m}:{r}" for n, m, r in CASES])
def test_permission_matrix(name, method, role, _world_case, api_client):
    world = _world_case
    # given
    expected = MATRIX[(name, method)][role]
    if name == "api-token" and role == "anonymous":
        expected = 400  # no valid credentials: refused, nothing written
    url = _url(name, world)
    body = _body(name, method, world, role)
    user = world.users[role]
    if user is not None and name != "api-token":
        api_client.force_authenticate(user)
    before = database_snapshot()
    # when
    response = api_client.generic(
        method, url, data=None if body is None else json.dumps(body), content_type="application/json"
    )
    # then
    assert response.status_code == expected, (
        f"{method} {url} as {role}: expected {expected}, got {response.status_code}: {response.content[:300]!r}"
    )
    if response.status_code >= 400:
        assert database_snapshot() == before, f"{method} {url} as {role} was refused but changed the database"
