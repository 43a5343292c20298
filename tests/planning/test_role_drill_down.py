"""The occupation drill-down lists the partnerships working on the role first, and what their
activities add up to (issue 11, item 1)."""

import datetime as dt

import pytest
from django.test import Client

from planning import selectors
from tests.factories import (
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    TrustFactory,
    VacancyFactory,
)
from tests.hubs.factories import ActivityFactory, PartnershipFactory
from tests.planning.factories import GapReportFactory, GapReportRowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """Two ICSs in one region, a third in another region, and the role looked at."""
    region = RegionFactory()
    ics, neighbour = IntegratedCareSystemFactory(region=region), IntegratedCareSystemFactory(region=region)
    far = IntegratedCareSystemFactory(region=RegionFactory())
    return {"region": region, "ics": ics, "neighbour": neighbour, "far": far, "role": OccupationFactory()}


def _geography(level, code):
    return selectors.dashboard_geography(level=level, code=code)


def test_role_partnerships_are_those_naming_the_role_whose_trust_or_ics_lies_in_the_geography(place):
    # given
    ics, role = place["ics"], place["role"]
    with_trust = PartnershipFactory(trust=TrustFactory(ics=ics), occupations=[role])
    whole_ics = PartnershipFactory(trust=None, ics=ics, occupations=[role, OccupationFactory()])
    # and ones that are not: another role, no role, another ICS
    PartnershipFactory(trust=TrustFactory(ics=ics), occupations=[OccupationFactory()])
    PartnershipFactory(trust=TrustFactory(ics=ics))
    in_neighbour = PartnershipFactory(trust=TrustFactory(ics=place["neighbour"]), occupations=[role])
    far_away = PartnershipFactory(trust=None, ics=place["far"], occupations=[role])
    # when
    in_ics = selectors.dashboard_role_partnerships(geography=_geography("ics", ics.code), occupation=role)
    in_region = selectors.dashboard_role_partnerships(
        geography=_geography("region", place["region"].code), occupation=role
    )
    in_england = selectors.dashboard_role_partnerships(geography=_geography("national", "england"), occupation=role)
    # then
    assert {p.pk for p in in_ics} == {with_trust.pk, whole_ics.pk}
    assert {p.pk for p in in_region} == {with_trust.pk, whole_ics.pk, in_neighbour.pk}
    assert {p.pk for p in in_england} == {with_trust.pk, whole_ics.pk, in_neighbour.pk, far_away.pk}


def test_role_outcomes_add_up_the_activities_of_the_role_partnerships_here(place, django_assert_max_num_queries):
    # given two partnerships working on the role in the ICS, one of them also on another role
    ics, role = place["ics"], place["role"]
    first = PartnershipFactory(trust=TrustFactory(ics=ics), occupations=[role, OccupationFactory()])
    second = PartnershipFactory(trust=None, ics=ics, occupations=[role])
    ActivityFactory(partnership=first, learners=10, placements_offered=8, placements_filled=6,
                    interviews_guaranteed=0, hires=1)
    ActivityFactory(partnership=first, kind="guaranteed_interviews", learners=5, placements_offered=0,
                    placements_filled=0, interviews_guaranteed=12, hires=3)
    ActivityFactory(partnership=second, learners=20, placements_offered=15, placements_filled=11,
                    interviews_guaranteed=4, hires=2)
    # and activities that do not count: a partnership without the role here, one with it in another region
    ActivityFactory(partnership=PartnershipFactory(trust=TrustFactory(ics=ics)), placements_offered=100)
    ActivityFactory(partnership=PartnershipFactory(trust=None, ics=place["far"], occupations=[role]),
                    placements_offered=1000)
    geography = _geography("ics", ics.code)
    # when
    with django_assert_max_num_queries(1):
        totals = selectors.dashboard_role_outcomes(geography=geography, occupation=role)
    # then: 8 + 0 + 15 offered, 6 + 0 + 11 filled, 0 + 12 + 4 interviews, 1 + 3 + 2 hires
    assert totals == {
        "activities": 3, "learners": 35, "placements_offered": 23, "placements_filled": 17,
        "interviews_guaranteed": 16, "hires": 6,
    }


def test_region_outcomes_add_every_ics_of_the_region_and_england_adds_all(place):
    role = place["role"]
    for ics, offered in ((place["ics"], 8), (place["neighbour"], 5), (place["far"], 7)):
        ActivityFactory(partnership=PartnershipFactory(trust=None, ics=ics, occupations=[role]),
                        placements_offered=offered, placements_filled=0)
    region = selectors.dashboard_role_outcomes(geography=_geography("region", place["region"].code), occupation=role)
    england = selectors.dashboard_role_outcomes(geography=_geography("national", "england"), occupation=role)
    assert region["placements_offered"] == 13 and region["activities"] == 2
    assert england["placements_offered"] == 20 and england["activities"] == 3


def test_role_outcomes_are_zeros_without_activities(place):
    PartnershipFactory(trust=None, ics=place["ics"], occupations=[place["role"]])
    totals = selectors.dashboard_role_outcomes(geography=_geography("ics", place["ics"].code), occupation=place["role"])
    assert totals == {
        "activities": 0, "learners": 0, "placements_offered": 0, "placements_filled": 0,
        "interviews_guaranteed": 0, "hires": 0,
    }


# --- the page -------------------------------------------------------------------------------


def _drill_down(place, client, user):
    """A report for the role in the ICS, a college supplying it, a trust carrying its vacancies."""
    ics, role = place["ics"], place["role"]
    report = GapReportFactory()
    GapReportRowFactory(report=report, level="ics", code=ics.code, name=ics.name, occupation=role, year=1)
    EntryRouteFactory(occupation=role)
    college = CollegeFactory(ics=ics, name="Supplier College")
    CourseOfferFactory(college=college)
    trust = TrustFactory(ics=ics, name="Vacancy Trust")
    VacancyFactory(trust=trust, occupation=role, period=dt.date(2026, 6, 1))
    client.force_login(user)
    return college, trust


def test_the_drill_down_lists_role_partnerships_first_then_the_others_once(place, coordinator_user):
    # given
    client = Client()
    college, trust = _drill_down(place, client, coordinator_user)
    # a partnership between the supplier and the trust that also names the role: listed with the role ones only
    both = PartnershipFactory(college=college, trust=trust, occupations=[place["role"]],
                              summary="both")
    on_role = PartnershipFactory(college=CollegeFactory(name="Role College"), trust=None, ics=place["ics"],
                                 occupations=[place["role"]])
    supplier_only = PartnershipFactory(college=college, trust=None, ics=place["ics"])
    ActivityFactory(partnership=on_role, placements_offered=9, placements_filled=7, interviews_guaranteed=5,
                    hires=4)
    # when
    response = client.get(f"/dashboards/ics/{place['ics'].code}/occupations/{place['role'].code}/")
    # then
    assert response.status_code == 200
    tables = response.context["tables"]
    role_links = [row[0].href for row in tables["role_partnerships"].rows]
    other_links = [row[0].href for row in tables["partnerships"].rows]
    assert sorted(role_links) == sorted([f"/partnerships/{both.pk}/", f"/partnerships/{on_role.pk}/"])
    assert other_links == [f"/partnerships/{supplier_only.pk}/"]
    text = response.content.decode()
    assert text.index('id="role-partnerships"') < text.index('id="partnerships"')
    outcomes = [cell.value for cell in tables["role_outcomes"].rows[0]]
    assert outcomes == [place["role"].name, 1, 10, 9, 7, 5, 4]


def test_the_drill_down_says_when_no_partnership_works_on_the_role(place, coordinator_user):
    client = Client()
    _drill_down(place, client, coordinator_user)
    response = client.get(f"/dashboards/ics/{place['ics'].code}/occupations/{place['role'].code}/")
    assert "no partnership here records this role" in response.content.decode()
    assert response.context["tables"]["role_outcomes"].rows == []


@pytest.mark.parametrize("level", ["ics", "region", "national"])
def test_the_drill_down_makes_the_same_number_of_queries_with_more_role_partnerships(
    place, coordinator_user, level
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given
    client = Client()
    _drill_down(place, client, coordinator_user)
    code = {"ics": place["ics"].code, "region": place["region"].code, "national": "england"}[level]
    url = f"/dashboards/{level}/{code}/occupations/{place['role'].code}/"

    def add(count):
        for _ in range(count):
            partnership = PartnershipFactory(trust=TrustFactory(ics=place["ics"]),
                                             occupations=[place["role"], OccupationFactory()],
                                             agendas=["estates", "apprenticeships"])
            ActivityFactory(partnership=partnership)
            ActivityFactory(partnership=partnership)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(1)
    few = count()
    # when
    add(10)
    many = count()
    # then
    assert many == few
    assert many <= 24  # with the backfill routes and their entrants (DESIGN.md 6.3)
