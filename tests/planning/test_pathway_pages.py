"""The public career pathway pages: anyone may read them; one occupation's page shows its ways in,
its steps in and out, and the course offers that lead to it in a chosen ICS first, then its region."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from pathways.models import Progression
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
)

NEXT_YEAR = dt.date.today().year + 1


@pytest.fixture
def pathway(db):
    hcsw = OccupationFactory(code="healthcare-support-workers", name="Healthcare support workers",
                             description="They help nurses and other staff care for patients.")
    associate = OccupationFactory(code="health-associate-professionals", name="Nursing associates")
    carers = OccupationFactory(code="care-workers", name="Care workers")
    st0216 = ApprenticeshipStandardFactory(reference="ST0216", title="Healthcare support worker", level=2)
    EntryRouteFactory(occupation=hcsw, qualification_type="t_level", level=3, lag_months=3, notes="T Level in Health")
    EntryRouteFactory(occupation=hcsw, qualification_type="apprenticeship", level=2, apprenticeship_standard=st0216)
    Progression.objects.create(from_occupation=hcsw, to_occupation=associate, typical_months=24, via="ST0508")
    Progression.objects.create(from_occupation=carers, to_occupation=hcsw, typical_months=6)
    region = RegionFactory(code="Y62", name="North West")
    here = IntegratedCareSystemFactory(code="QE1", name="NHS Lancashire Integrated Care Board", region=region)
    near = IntegratedCareSystemFactory(code="QOP", name="NHS Greater Manchester Integrated Care Board", region=region)
    london = RegionFactory(code="Y56", name="London")
    far = IntegratedCareSystemFactory(code="QMJ", name="NHS North Central London Integrated Care Board", region=london)
    return {"hcsw": hcsw, "st0216": st0216, "here": here, "near": near, "far": far}


def offer(college, **fields):
    values = {"start_date": dt.date(NEXT_YEAR, 9, 1), "academic_year": f"{NEXT_YEAR}/{(NEXT_YEAR + 1) % 100:02d}"}
    values.update(fields)
    return CourseOfferFactory(college=college, **values)


def test_anyone_may_read_the_list_of_pathways(pathway):
    # when
    response = Client().get(reverse("pathways:pathway_list"))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Healthcare support workers" in page
    assert reverse("pathways:pathway_detail", args=["healthcare-support-workers"]) in page


def test_the_list_searches_by_name(pathway):
    response = Client().get(reverse("pathways:pathway_list"), {"q": "care workers"})
    assert [o.code for o in response.context["occupations"]] == ["care-workers"]


def test_anyone_may_read_how_to_become_a_healthcare_support_worker(pathway):
    # when
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "How to become: healthcare support workers" in page
    assert "T Level at level 3" in page and "After about 3 months" in page
    assert "Healthcare support worker apprenticeship (ST0216, level 2)" in page and "Straight away" in page
    assert "Nursing associates" in page and "Care workers" in page  # steps out and in


def test_an_unknown_occupation_is_not_found(pathway):
    assert Client().get(reverse("pathways:pathway_detail", args=["astronauts"])).status_code == 404


def test_offers_in_the_chosen_ics_come_first_then_the_rest_of_its_region(pathway):
    # given
    local = CollegeFactory(name="Local College", ics=pathway["here"])
    neighbour = CollegeFactory(name="Neighbour College", ics=pathway["near"])
    distant = CollegeFactory(name="Distant College", ics=pathway["far"])
    in_ics = offer(local, title="T Level in Health")
    taught_here = offer(neighbour, title="HCSW apprenticeship", qualification_type="apprenticeship", level=2,
                        apprenticeship_standard=pathway["st0216"], delivery_ics=pathway["here"])
    in_region = offer(neighbour, title="T Level in Health (Manchester)")
    offer(distant, title="T Level far away")
    offer(local, title="Diploma level 2", qualification_type="diploma", level=2)  # leads elsewhere
    offer(local, title="Old T Level", start_date=dt.date(2020, 9, 1), academic_year="2020/21")  # in the past
    # when
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]), {"ics": "QE1"})
    # then
    offers = response.context["offers"]
    assert {o.pk for o in offers.in_ics} == {in_ics.pk, taught_here.pk}
    assert [o.pk for o in offers.in_region] == [in_region.pk]
    assert (offers.in_ics_count, offers.in_region_count) == (2, 1)
    assert "T Level far away" not in response.content.decode()


def test_an_unknown_ics_shows_no_offers(pathway):
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]), {"ics": "QZZ"})
    assert response.status_code == 200
    assert response.context["offers"] is None
    assert "could not find that area" in response.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_pathway_page_makes_a_bounded_number_of_queries(pathway, django_assert_max_num_queries, count):
    # given
    for index in range(count):
        college = CollegeFactory(ics=pathway["here"] if index % 2 else pathway["near"])
        offer(college, title=f"T Level {index}")
        if index < 8:
            EntryRouteFactory(occupation=pathway["hcsw"], qualification_type="other", level=1 + index, lag_months=index)
    url = reverse("pathways:pathway_detail", args=["healthcare-support-workers"])
    # then: occupation, routes, steps in, steps out, ICS list, offers and counts (2 + 2), demo-data banner
    with django_assert_max_num_queries(10):
        response = Client().get(url, {"ics": "QE1"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_the_pathway_list_makes_a_bounded_number_of_queries(pathway, django_assert_max_num_queries, count):
    # given
    for _ in range(count):
        EntryRouteFactory(occupation=OccupationFactory())
    # then
    with django_assert_max_num_queries(3):
        response = Client().get(reverse("pathways:pathway_list"))
    assert len(response.context["occupations"]) == count + 3
