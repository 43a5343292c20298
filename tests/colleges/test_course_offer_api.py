"""course-offers/: validation rules, scope of writes, filters, history and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from colleges.models import CourseOffer
from tests.factories import (
    ApprenticeshipStandardFactory,
    CollegeFactory,
    CourseOfferFactory,
    EntryRouteFactory,
    IntegratedCareSystemFactory,
    OccupationFactory,
    RegionFactory,
    UserFactory,
)

LIST = reverse("api:courseoffer-list")


def detail(offer_or_id):
    return reverse("api:courseoffer-detail", args=[getattr(offer_or_id, "pk", offer_or_id)])


def offer_payload(**overrides):
    payload = {
        "course_code": "TL-HEALTH",
        "title": "T Level in Health",
        "qualification_type": "t_level",
        "level": 3,
        "academic_year": "2026/27",
        "start_date": "2026-09-07",
        "duration_months": 24,
        "planned_places": 30,
        "expected_completion_rate": "0.85",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not ...}


@pytest.fixture
def officer(college_user, client_for):
    return client_for(college_user)


# --- create: each rule answers 400 naming its field --------------------------------------


def test_college_user_creates_an_offer_of_their_own_college(college_user, officer):
    # when
    response = officer.post(LIST, offer_payload(), format="json")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["college"] == college_user.college.ukprn
    assert body["ics"] == college_user.college.ics.code
    assert body["completion_date"] == "2028-09-07"
    assert CourseOffer.objects.get().college == college_user.college


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"level": 0}, "level"),
        ({"level": 9}, "level"),
        ({"level": ...}, "level"),
        ({"academic_year": "2026/28"}, "academic_year"),
        ({"academic_year": "2026-27"}, "academic_year"),
        ({"start_date": "2026-07-31"}, "start_date"),
        ({"start_date": "2027-08-01"}, "start_date"),
        ({"duration_months": 0}, "duration_months"),
        ({"duration_months": 73}, "duration_months"),
        ({"planned_places": -1}, "planned_places"),
        ({"expected_completion_rate": "1.01"}, "expected_completion_rate"),
        ({"expected_completion_rate": "-0.1"}, "expected_completion_rate"),
        ({"qualification_type": "degree"}, "qualification_type"),
        ({"qualification_type": "apprenticeship"}, "apprenticeship_standard"),
        ({"apprenticeship_standard": "ST9999"}, "apprenticeship_standard"),
        ({"delivery_ics": "QZZ"}, "delivery_ics"),
        ({"delivery_ics": 12}, "delivery_ics"),
        ({"start_date": "not a date"}, "start_date"),
        ({"title": ""}, "title"),
    ],
)
def test_an_invalid_offer_answers_400_naming_the_field_and_writes_nothing(officer, overrides, field):
    # when
    response = officer.post(LIST, offer_payload(**overrides), format="json")
    # then
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not CourseOffer.objects.exists()


def test_a_start_date_on_the_first_and_last_day_of_the_academic_year_is_accepted(officer):
    # when
    first = officer.post(LIST, offer_payload(course_code="A", start_date="2026-08-01"), format="json")
    last = officer.post(LIST, offer_payload(course_code="B", start_date="2027-07-31"), format="json")
    # then
    assert (first.status_code, last.status_code) == (201, 201)


def test_an_apprenticeship_takes_its_standards_level_unless_given(officer):
    # given
    ApprenticeshipStandardFactory(reference="ST0216", level=2)
    base = offer_payload(qualification_type="apprenticeship", apprenticeship_standard="ST0216", level=...)
    # when
    taken = officer.post(LIST, {**base, "course_code": "A"}, format="json")
    given = officer.post(LIST, {**base, "course_code": "B", "level": 3}, format="json")
    # then
    assert taken.status_code == 201 and taken.json()["level"] == 2
    assert given.status_code == 201 and given.json()["level"] == 3


def test_only_an_apprenticeship_names_a_standard(officer):
    # given
    ApprenticeshipStandardFactory(reference="ST0216")
    # when
    response = officer.post(LIST, offer_payload(apprenticeship_standard="ST0216"), format="json")
    # then
    assert response.status_code == 400
    assert "apprenticeship_standard" in response.json()


def test_the_natural_key_is_unique(officer):
    # given
    assert officer.post(LIST, offer_payload(), format="json").status_code == 201
    # when
    response = officer.post(LIST, offer_payload(title="Again"), format="json")
    # then
    assert response.status_code == 400
    assert "course_code" in response.json()
    assert CourseOffer.objects.count() == 1


def test_delivery_ics_names_an_existing_ics_and_becomes_the_offers_ics(officer):
    # given
    elsewhere = IntegratedCareSystemFactory(code="QWE")
    # when
    response = officer.post(LIST, offer_payload(delivery_ics="QWE"), format="json")
    # then
    assert response.status_code == 201
    assert response.json()["ics"] == elsewhere.code


# --- who names the college -------------------------------------------------------------


def test_a_college_user_naming_another_college_gets_400_and_nothing_is_written(officer):
    # given
    other = CollegeFactory()
    # when
    response = officer.post(LIST, offer_payload(college=other.ukprn), format="json")
    # then
    assert response.status_code == 400
    assert "college" in response.json()
    assert not CourseOffer.objects.exists()


def test_staff_must_name_the_college(staff_user, client_for):
    # given
    college = CollegeFactory()
    client = client_for(staff_user)
    # when
    without = client.post(LIST, offer_payload(), format="json")
    with_college = client.post(LIST, offer_payload(college=college.ukprn), format="json")
    # then
    assert without.status_code == 400 and "college" in without.json()
    assert with_college.status_code == 201
    assert CourseOffer.objects.get().college == college


# --- changes and scope -----------------------------------------------------------------


def test_a_college_user_changes_and_deletes_their_own_offer(college_user, officer):
    # given
    offer = CourseOfferFactory(college=college_user.college, planned_places=10)
    # when
    patched = officer.patch(detail(offer), {"planned_places": 12}, format="json")
    deleted = officer.delete(detail(offer))
    # then
    assert patched.status_code == 200 and patched.json()["planned_places"] == 12
    assert deleted.status_code == 204
    assert not CourseOffer.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_college_user_cannot_write_another_colleges_offer(officer, method):
    # given
    offer = CourseOfferFactory(planned_places=10)
    # when
    response = getattr(officer, method)(detail(offer), offer_payload(planned_places=99), format="json")
    # then
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.planned_places == 10


def test_a_put_replaces_the_offer(college_user, officer):
    # given
    offer = CourseOfferFactory(college=college_user.college, course_code="TL-HEALTH")
    # when
    response = officer.put(detail(offer), offer_payload(title="Renamed", planned_places=5), format="json")
    # then
    assert response.status_code == 200, response.json()
    offer.refresh_from_db()
    assert (offer.title, offer.planned_places, offer.expected_completion_rate) == ("Renamed", 5, Decimal("0.85"))


def test_a_patch_breaking_a_rule_answers_400_and_changes_nothing(college_user, officer):
    # given
    offer = CourseOfferFactory(college=college_user.college)
    # when
    response = officer.patch(detail(offer), {"start_date": "2030-01-01"}, format="json")
    # then
    assert response.status_code == 400 and "start_date" in response.json()
    offer.refresh_from_db()
    assert offer.start_date == dt.date(2026, 9, 1)


# --- history ---------------------------------------------------------------------------


def test_each_create_change_and_delete_leaves_exactly_one_history_entry(college_user, officer):
    # given
    created = officer.post(LIST, offer_payload(), format="json").json()
    # when
    officer.patch(detail(created["id"]), {"planned_places": 31}, format="json")
    officer.patch(detail(created["id"]), {"planned_places": 31}, format="json")  # changes nothing
    officer.delete(detail(created["id"]))
    response = officer.get(reverse("api:courseoffer-history", args=[created["id"]]))
    # then
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [entry["type"] for entry in entries] == ["deleted", "changed", "created"]
    assert {entry["user"] for entry in entries} == {college_user.username}
    assert entries[1]["changes"] == [{"field": "planned_places", "old": "30", "new": "31"}]
    assert entries[1]["source"] == "API"


def test_history_of_an_offer_that_never_existed_is_404(officer):
    assert officer.get(reverse("api:courseoffer-history", args=[999])).status_code == 404


# --- list: filters and query count -----------------------------------------------------


def test_filters_select_the_same_rows_as_their_names_say(officer):
    # given
    region = RegionFactory(code="Y60")
    home = IntegratedCareSystemFactory(code="QHM", region=region)
    away = IntegratedCareSystemFactory(code="QAW")
    college = CollegeFactory(ukprn="10000001", ics=home)
    standard = ApprenticeshipStandardFactory(reference="ST0216", level=2)
    t_level = CourseOfferFactory(college=college, title="T Level Health", level=3)
    delivered_away = CourseOfferFactory(college=college, title="Nursing access", qualification_type="access_to_he",
                                        delivery_ics=away, level=3)
    apprenticeship = CourseOfferFactory(title="HCSW apprenticeship", qualification_type="apprenticeship",
                                        apprenticeship_standard=standard, level=2, academic_year="2027/28",
                                        start_date=dt.date(2027, 9, 1))
    occupation = OccupationFactory(code="healthcare-support-worker")
    EntryRouteFactory(occupation=occupation, qualification_type="apprenticeship", level=2,
                      apprenticeship_standard=standard)
    EntryRouteFactory(occupation=occupation, qualification_type="t_level", level=3)

    def ids(**params):
        response = officer.get(LIST, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    # then
    assert ids(college="10000001") == {t_level.pk, delivered_away.pk}
    assert ids(ics="QHM") == {t_level.pk}
    assert ids(ics="QAW") == {delivered_away.pk}
    assert ids(region="Y60") == {t_level.pk}
    assert ids(level=2) == {apprenticeship.pk}
    assert ids(qualification_type="access_to_he") == {delivered_away.pk}
    assert ids(apprenticeship_standard="ST0216") == {apprenticeship.pk}
    assert ids(academic_year="2027/28") == {apprenticeship.pk}
    assert ids(occupation="healthcare-support-worker") == {t_level.pk, apprenticeship.pk}
    assert ids(q="nursing") == {delivered_away.pk}
    ordered = officer.get(LIST, {"ordering": "-title"}).json()["results"]
    assert [row["id"] for row in ordered] == [t_level.pk, delivered_away.pk, apprenticeship.pk]


@pytest.mark.parametrize("rows", [1, 100])
def test_the_list_takes_the_same_number_of_queries_for_1_and_100_offers(
    rows, db, client_for, django_assert_max_num_queries
):
    # given
    user = UserFactory(college_officer=True)
    client = client_for(user)
    standard = ApprenticeshipStandardFactory()
    for index in range(rows):
        CourseOfferFactory(
            delivery_ics=IntegratedCareSystemFactory() if index % 2 else None,
            qualification_type="apprenticeship" if index % 3 == 0 else "t_level",
            apprenticeship_standard=standard if index % 3 == 0 else None,
        )
    # when
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"page_size": 200})
    # then
    assert response.json()["count"] == rows


def test_the_fast_representation_equals_drfs_generic_one(db):
    # given
    from rest_framework import serializers

    from colleges.api.serializers import CourseOfferSerializer

    standard = ApprenticeshipStandardFactory(reference="ST0216", level=2)
    offers = [
        CourseOfferFactory(expected_completion_rate=Decimal("0.85")),
        CourseOfferFactory(qualification_type="apprenticeship", apprenticeship_standard=standard, level=2,
                           delivery_ics=IntegratedCareSystemFactory()),
    ]
    # when
    for offer in CourseOffer.objects.filter(pk__in=[o.pk for o in offers]):
        serializer = CourseOfferSerializer()
        fast = serializer.to_representation(offer)
        generic = serializers.ModelSerializer.to_representation(serializer, offer)
        # then
        assert fast == dict(generic)
