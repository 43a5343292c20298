"""Dates users enter lie in the planning range of core/dates.py (2000 to ten years ahead), on
the model fields themselves, so the API and the forms refuse a slip like 2099 naming the field."""

import pytest

from colleges.forms import CourseOfferForm
from colleges.models import CourseOffer
from tests.factories import CollegeFactory, CourseOfferFactory, TrustFactory, VacancyFactory
from tests.hubs.factories import ActivityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_a_course_offer_starting_in_2099_is_refused_naming_start_date(client_for, staff_user):
    offer = CourseOfferFactory()
    response = client_for(staff_user).patch(
        f"/api/v1/course-offers/{offer.pk}/", {"academic_year": "2099/00", "start_date": "2099-09-01"}, format="json"
    )
    assert response.status_code == 400
    assert "start_date" in response.json()


def test_a_vacancy_month_in_2099_is_refused_naming_period(client_for, staff_user):
    vacancy = VacancyFactory(trust=TrustFactory())
    response = client_for(staff_user).patch(f"/api/v1/vacancies/{vacancy.pk}/", {"period": "2099-01-01"}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()


def test_an_activity_in_2099_is_refused_naming_happened_on(client_for, staff_user):
    activity = ActivityFactory()
    response = client_for(staff_user).patch(
        f"/api/v1/activities/{activity.pk}/", {"happened_on": "2099-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert "happened_on" in response.json()


def test_a_partnership_starting_in_1999_is_refused_naming_started_on(client_for, staff_user):
    partnership = PartnershipFactory()
    response = client_for(staff_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"started_on": "1999-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert "started_on" in response.json()


def test_the_course_offer_form_refuses_a_start_in_2099_on_its_field():
    # given
    college = CollegeFactory()
    data = {
        "course_code": "X1", "title": "T Level in Health", "qualification_type": "t_level",
        "level": 3, "academic_year": "2099/00", "start_date": "2099-09-01", "duration_months": 24,
        "planned_places": 10,
    }
    # when
    form = CourseOfferForm(data=data, instance=CourseOffer(college=college))
    # then
    assert not form.is_valid()
    assert "start_date" in form.errors
