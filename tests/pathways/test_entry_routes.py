"""Entry routes and progressions through the API (staff write, everyone signed in reads), the
route rules, and the documented starter set shipped in data/."""

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from core.importing import DATA_DIR
from pathways.models import EntryRoute, Progression
from pathways.services import pathways_starter_set_import
from tests.factories import ApprenticeshipStandardFactory, EntryRouteFactory, OccupationFactory

ROUTES = "/api/v1/entry-routes/"
PROGRESSIONS = "/api/v1/progressions/"


@pytest.fixture
def hcsw(db):
    return OccupationFactory(code="healthcare-support-workers", name="Healthcare support workers")


@pytest.fixture
def st0216(db):
    return ApprenticeshipStandardFactory(reference="ST0216", title="Healthcare support worker", level=2)


def test_staff_add_a_route_through_a_standard_which_takes_its_level(hcsw, st0216, staff_user, client_for):
    # when
    response = client_for(staff_user).post(ROUTES, {
        "occupation": "healthcare-support-workers", "qualification_type": "apprenticeship",
        "apprenticeship_standard": "ST0216", "conversion_rate": "0.85", "lag_months": 0,
    }, format="json")
    # then
    assert response.status_code == 201, response.data
    assert response.data["level"] == 2
    assert response.data["apprenticeship_standard"] == "ST0216"
    route = EntryRoute.objects.get()
    assert route.history.get().history_user == staff_user


def test_staff_add_a_route_by_type_and_level(hcsw, staff_user, client_for):
    # when
    response = client_for(staff_user).post(ROUTES, {
        "occupation": "healthcare-support-workers", "qualification_type": "t_level", "level": 3,
        "apprenticeship_standard": None, "conversion_rate": "0.3", "lag_months": 3,
    }, format="json")
    # then
    assert response.status_code == 201, response.data
    assert response.data["conversion_rate"] == "0.3000"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"conversion_rate": "1.2"}, "conversion_rate"),
        ({"conversion_rate": "-0.1"}, "conversion_rate"),
        ({"lag_months": -1}, "lag_months"),
        ({"lag_months": 500}, "lag_months"),
        ({"level": 9}, "level"),
        ({"qualification_type": "degree"}, "qualification_type"),
        ({"occupation": "astronauts"}, "occupation"),
        ({"apprenticeship_standard": "ST0999"}, "apprenticeship_standard"),
        ({"apprenticeship_standard": "ST0216", "qualification_type": "t_level", "level": 2}, "qualification_type"),
        ({"apprenticeship_standard": "ST0216", "qualification_type": "apprenticeship", "level": 3}, "level"),
    ],
)
def test_a_bad_route_is_refused_with_its_field(hcsw, st0216, staff_user, client_for, changes, field):
    # given
    body = {"occupation": "healthcare-support-workers", "qualification_type": "t_level", "level": 3,
            "conversion_rate": "0.3", "lag_months": 3, **changes}
    # when
    response = client_for(staff_user).post(ROUTES, body, format="json")
    # then
    assert response.status_code == 400
    assert field in response.data, response.data
    assert not EntryRoute.objects.exists()


def test_the_same_route_twice_is_refused(hcsw, staff_user, client_for):
    # given
    EntryRouteFactory(occupation=hcsw, qualification_type="t_level", level=3)
    # when
    response = client_for(staff_user).post(ROUTES, {
        "occupation": "healthcare-support-workers", "qualification_type": "t_level", "level": 3,
        "conversion_rate": "0.3", "lag_months": 3,
    }, format="json")
    # then
    assert response.status_code == 400
    assert EntryRoute.objects.count() == 1


def test_staff_change_a_routes_rate(hcsw, staff_user, client_for):
    # given
    route = EntryRouteFactory(occupation=hcsw)
    # when
    response = client_for(staff_user).patch(f"{ROUTES}{route.pk}/", {"conversion_rate": "0.25"}, format="json")
    # then
    assert response.status_code == 200, response.data
    route.refresh_from_db()
    assert route.conversion_rate == Decimal("0.25")


@pytest.mark.parametrize("fixture", ["ics_user", "coordinator_user", "college_user"])
def test_other_roles_read_routes_but_do_not_write_them(hcsw, client_for, request, fixture):
    # given
    route = EntryRouteFactory(occupation=hcsw)
    client = client_for(request.getfixturevalue(fixture))
    # when
    read = client.get(ROUTES, {"occupation": "healthcare-support-workers"})
    created = client.post(ROUTES, {"occupation": "healthcare-support-workers", "qualification_type": "diploma",
                                   "level": 2, "conversion_rate": "0.1", "lag_months": 0}, format="json")
    changed = client.patch(f"{ROUTES}{route.pk}/", {"conversion_rate": "0.99"}, format="json")
    deleted = client.delete(f"{ROUTES}{route.pk}/")
    # then
    assert read.status_code == 200
    assert read.data["count"] == 1
    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    route.refresh_from_db()
    assert route.conversion_rate == Decimal("0.50")
    assert EntryRoute.objects.count() == 1


def test_anonymous_users_may_not_read_routes_through_the_api(hcsw, api_client):
    assert api_client.get(ROUTES).status_code == 401


@pytest.mark.parametrize("count", [1, 30])
def test_route_list_queries_do_not_grow_with_rows(db, staff_user, client_for, django_assert_max_num_queries, count):
    # given
    for index in range(count):
        EntryRouteFactory(
            occupation=OccupationFactory(), apprenticeship_standard=ApprenticeshipStandardFactory(level=3),
            qualification_type="apprenticeship", level=3,
        ) if index % 2 else EntryRouteFactory()
    # then
    with django_assert_max_num_queries(3):
        response = client_for(staff_user).get(ROUTES, {"page_size": 100})
    assert response.data["count"] == count


def test_staff_add_a_progression_and_others_may_not(hcsw, staff_user, ics_user, client_for):
    # given
    OccupationFactory(code="health-associate-professionals")
    body = {"from_occupation": "healthcare-support-workers", "to_occupation": "health-associate-professionals",
            "typical_months": 24, "via": "Nursing associate apprenticeship"}
    # when
    refused = client_for(ics_user).post(PROGRESSIONS, body, format="json")
    created = client_for(staff_user).post(PROGRESSIONS, body, format="json")
    to_itself = client_for(staff_user).post(
        PROGRESSIONS, {**body, "to_occupation": "healthcare-support-workers"}, format="json"
    )
    # then
    assert refused.status_code == 403
    assert created.status_code == 201, created.data
    assert to_itself.status_code == 400
    assert Progression.objects.count() == 1


# --------------------------------------------------------------------------------------
# The starter set
# --------------------------------------------------------------------------------------


@pytest.fixture
def reference(db):
    """The real occupations and standards the starter set refers to."""
    from pathways.services import (
        apprenticeship_standards_history_import,
        apprenticeship_standards_import,
        occupations_import,
    )

    apprenticeship_standards_import(path=DATA_DIR / "apprenticeship_standards_health_care_2026.csv")
    apprenticeship_standards_history_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv")
    occupations_import(path=DATA_DIR / "occupations.csv", soc_path=DATA_DIR / "soc2020_unit_groups.csv")


def test_the_starter_set_loads_and_a_rerun_keeps_staff_changes(reference):
    # given
    first = pathways_starter_set_import()
    route = EntryRoute.objects.get(
        occupation__code="healthcare-support-workers", apprenticeship_standard__reference="ST0216"
    )
    route.conversion_rate = route.conversion_rate_low = route.conversion_rate_high = Decimal("0.5")
    route.save()
    # when
    second = pathways_starter_set_import()
    # then
    assert first.added == EntryRoute.objects.count() + Progression.objects.count()
    assert second.added == 0 and second.changed == 0
    route.refresh_from_db()
    assert route.conversion_rate == Decimal("0.5")
    assert EntryRoute.objects.filter(occupation__code="registered-nurses", qualification_type="access_to_he",
                                     lag_months=36).exists()


def test_the_starter_set_routes_go_through_current_standards(reference):
    pathways_starter_set_import()

    # the nursing associate route points at ST0827 (NMC 2018), not ST0508 (retired 2019), and the
    # registered nurse degree apprenticeship at ST0781, not ST0293 (NMC 2010, retired)
    associate = EntryRoute.objects.get(occupation__code="health-associate-professionals",
                                       apprenticeship_standard__title__startswith="Nursing associate")
    assert (associate.apprenticeship_standard.reference, associate.level) == ("ST0827", 5)
    assert associate.apprenticeship_standard.current
    nurse = EntryRoute.objects.get(occupation__code="registered-nurses", qualification_type="apprenticeship")
    assert nurse.apprenticeship_standard.reference == "ST0781"
    assert not EntryRoute.objects.filter(apprenticeship_standard__reference__in=["ST0508", "ST0293"]).exists()
    # one route keeps a retired standard on purpose: dental laboratory assistant ST0110 (data/PATHWAYS.md)
    not_current = EntryRoute.objects.filter(apprenticeship_standard__isnull=False).exclude(
        apprenticeship_standard__status__in=["approved", "paused"]
    )
    assert [route.apprenticeship_standard.reference for route in not_current] == ["ST0110"]


def test_the_starter_set_can_be_reset_to_the_files(reference):
    # given
    pathways_starter_set_import()
    route = EntryRoute.objects.get(apprenticeship_standard__reference="ST0216")
    route.conversion_rate = route.conversion_rate_low = route.conversion_rate_high = Decimal("0.5")
    route.save()
    # when
    result = pathways_starter_set_import(update_existing=True)
    # then
    assert result.changed == 1
    route.refresh_from_db()
    assert route.conversion_rate == Decimal("0.85")


def test_a_malformed_starter_file_is_refused_naming_its_line(reference, tmp_path):
    # given
    routes = tmp_path / "entry_routes.csv"
    routes.write_text(
        "occupation,qualification_type,level,apprenticeship_standard,conversion_rate,lag_months,notes\n"
        "care-workers,diploma,2,,0.3,3,fine\n"
        "care-workers,diploma,2,,1.5,3,rate too high\n"
    )
    # when
    with pytest.raises(ApplicationError) as refused:
        pathways_starter_set_import(routes_path=routes)
    # then
    assert "line 3: conversion_rate" in refused.value.message
    assert not EntryRoute.objects.exists()
    assert not Progression.objects.exists()
