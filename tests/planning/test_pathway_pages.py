"""The public career pathway pages: anyone may read them; one occupation's page shows its ways in,
its steps in and out, and the course offers that lead to it in a chosen ICS first, then its region."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from pathways.models import Progression
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CouncilAreaFactory,
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
    # then: occupation, routes in, routes out, steps in, steps out, council areas, the ICS, offers and
    # counts (2 + 2), demo-data banner
    with django_assert_max_num_queries(12):
        response = Client().get(url, {"ics": "QE1"})
    assert response.status_code == 200
    # and by council area: the area list brings its board, so one query fewer
    for index in range(count):
        CouncilAreaFactory(code=f"E0700{index:04d}", ics=pathway["here"])
    with django_assert_max_num_queries(11):
        response = Client().get(url, {"area": "E07000000"})
    assert response.status_code == 200 and response.context["offers"].ics == pathway["here"]


@pytest.mark.parametrize("count", [1, 20])
def test_the_pathway_list_makes_a_bounded_number_of_queries(pathway, django_assert_max_num_queries, count):
    # given
    for _ in range(count):
        EntryRouteFactory(occupation=OccupationFactory())
    # then
    with django_assert_max_num_queries(3):
        response = Client().get(reverse("pathways:pathway_list"))
    assert len(response.context["occupations"]) == count + 3


# --- Council areas (issue 11.4): a council a school leaver knows, placed in its board -------------


def test_a_council_area_shows_the_courses_of_its_board_as_the_ics_does(pathway):
    # given
    CouncilAreaFactory(code="E07000117", name="Burnley", ics=pathway["here"])
    local = CollegeFactory(name="Local College", ics=pathway["here"])
    in_ics = offer(local, title="T Level in Health")
    url = reverse("pathways:pathway_detail", args=["healthcare-support-workers"])
    # when
    by_area = Client().get(url, {"area": "E07000117"})
    by_ics = Client().get(url, {"ics": "QE1"})
    # then
    assert by_area.status_code == 200
    assert [o.pk for o in by_area.context["offers"].in_ics] == [o.pk for o in by_ics.context["offers"].in_ics]
    assert [o.pk for o in by_area.context["offers"].in_ics] == [in_ics.pk]
    page = by_area.content.decode()
    assert "Burnley is in the NHS area of Lancashire" in page
    assert '<option value="E07000117" selected>Burnley</option>' in page


def test_a_split_council_area_says_how_much_of_it_lies_in_its_board(pathway):
    CouncilAreaFactory(code="E06000064", name="Westmorland and Furness", ics=pathway["here"],
                       share=Decimal("0.746479"))
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]),
                            {"area": "E06000064"})
    assert "(most of it: 75% of its neighbourhoods)" in response.content.decode()


def test_an_unknown_council_area_answers_400_naming_the_field_and_shows_no_courses(pathway):
    # when
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]),
                            {"area": "E99999999"})
    # then
    assert response.status_code == 400
    assert response.context["offers"] is None
    assert response.context["form"].errors == {
        "area": ["Choose your council area from the list: E99999999 is not one we know."]
    }
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_area"' in page


def test_no_council_area_chosen_is_no_error(pathway):
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]), {"area": ""})
    assert response.status_code == 200 and response.context["offers"] is None
    assert "There is a problem" not in response.content.decode()


# --- Plain words and the career ladder (issue 11.4, issue 10.2) ------------------------------------


def test_the_page_shows_plain_words_with_their_source_and_keeps_the_soc_wording_secondary(pathway):
    # given
    hcsw = pathway["hcsw"]
    hcsw.plain_description = "Helps nurses care for patients."
    hcsw.entry_requirements = "No set qualifications."
    hcsw.pay_band = "Band 2 to 3"
    hcsw.source = "NHS Employers pay scales"
    hcsw.save()
    # when
    page = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"])).content.decode()
    # then
    assert "Helps nurses care for patients." in page
    assert "No set qualifications." in page and "Band 2 to 3 (Agenda for Change)" in page
    assert "Source: NHS Employers pay scales." in page
    assert "They help nurses and other staff care for patients." not in page  # the SOC wording
    assert "SOC 2020 6131" in page


def test_the_page_shows_the_career_ladder_with_rates_ranges_and_typical_times(pathway):
    # given: nursing associates come from healthcare support workers by a backfill route, and go on
    associate = pathway["hcsw"].progressions_out.get().to_occupation
    nurses = OccupationFactory(code="registered-nurses", name="Registered nurses")
    st0827 = ApprenticeshipStandardFactory(reference="ST0827", title="Nursing associate", level=5)
    EntryRouteFactory(occupation=associate, qualification_type="apprenticeship", level=5,
                      apprenticeship_standard=st0827, from_occupation=pathway["hcsw"], lag_months=0,
                      conversion_rate=Decimal("0.90"), conversion_rate_low=Decimal("0.80"),
                      conversion_rate_high=Decimal("0.95"))
    Progression.objects.create(from_occupation=associate, to_occupation=nurses, typical_months=30,
                               via="Shortened nursing degree")
    # when
    response = Client().get(reverse("pathways:pathway_detail", args=["health-associate-professionals"]))
    # then: the route in names the role it takes people from, with its rate and range
    page = response.content.decode()
    assert "People already working as" in page and "90% (80% to 95%)" in page
    below = response.context["ladder"]["below"]
    assert [(r["role"].code, r["share"]) for r in below] == [
        ("healthcare-support-workers", ""),  # the progression (no rate recorded)
        ("healthcare-support-workers", "90% (80% to 95%)"),  # the backfill route
    ]
    above = response.context["ladder"]["above"]
    assert [(r["role"].code, r["how"], r["when"]) for r in above] == [
        ("registered-nurses", "Shortened nursing degree", "after about 2 years and 6 months"),
    ]
    assert "After about 2 years and 6 months" in page


def test_the_ladder_of_the_role_people_leave_shows_the_route_they_take_on(pathway):
    # given
    associate = pathway["hcsw"].progressions_out.get().to_occupation
    EntryRouteFactory(occupation=associate, qualification_type="apprenticeship", level=5,
                      from_occupation=pathway["hcsw"], lag_months=6, conversion_rate=Decimal("0.5"))
    # when
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]))
    # then: the route out, with its share, beside the progression
    above = response.context["ladder"]["above"]
    assert [(r["role"].code, r["share"], r["when"]) for r in above] == [
        ("health-associate-professionals", "", "after about 2 years"),
        ("health-associate-professionals", "50%", "about 6 months after the course"),
    ]


def test_a_role_with_no_steps_says_so(pathway):
    lonely = OccupationFactory(code="podiatrists", name="Podiatrists")
    response = Client().get(reverse("pathways:pathway_detail", args=[lonely.code]))
    assert "No step up to or on from this role has been recorded yet." in response.content.decode()


def test_the_list_shows_plain_descriptions(pathway):
    pathway["hcsw"].plain_description = "Helps nurses care for patients."
    pathway["hcsw"].save()
    response = Client().get(reverse("pathways:pathway_list"))
    assert "Helps nurses care for patients." in response.content.decode()


def test_the_list_finds_nursing_associates_for_nurse(pathway):
    response = Client().get(reverse("pathways:pathway_list"), {"q": "nurse"})
    assert [o.code for o in response.context["occupations"]] == ["health-associate-professionals"]


def test_a_signed_in_user_sees_the_same_public_page(pathway, client_for, ics_user):
    CouncilAreaFactory(code="E07000117", name="Burnley", ics=pathway["here"])
    url = reverse("pathways:pathway_detail", args=["healthcare-support-workers"])
    anonymous = Client().get(url, {"area": "E07000117"})
    signed_in = Client()
    signed_in.force_login(ics_user)
    response = signed_in.get(url, {"area": "E07000117"})
    assert anonymous.status_code == response.status_code == 200
    assert response.context["area"].code == anonymous.context["area"].code == "E07000117"


def test_a_council_area_whose_board_has_closed_since_shows_the_courses_of_its_successor(pathway):
    # given: the area was loaded into a board that has closed since, merged into QE1
    import datetime as dt

    from tests.factories import BoardSuccessionFactory

    old = IntegratedCareSystemFactory(code="QXX", name="NHS Old Integrated Care Board",
                                      closed_on=dt.date.today() - dt.timedelta(days=1))
    BoardSuccessionFactory(predecessor=old, successor=pathway["here"])
    CouncilAreaFactory(code="E07000117", name="Burnley", ics=old)
    # when
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]),
                            {"area": "E07000117"})
    # then
    assert response.context["offers"].ics == pathway["here"]
    assert "Burnley is in the NHS area of Lancashire" in response.content.decode()


@pytest.mark.parametrize("params", [{"ics": "\x00"}, {"area": "\x00"}, {"ics": "Q" * 500}])
def test_nonsense_in_the_area_or_ics_is_never_a_500(pathway, params):
    response = Client().get(reverse("pathways:pathway_detail", args=["healthcare-support-workers"]), params)
    assert response.status_code in (200, 400)
    assert response.context["offers"] is None
