"""The large lists read as values answer exactly what their serializers give for model instances."""

import datetime as dt
from decimal import Decimal

import pytest

from colleges.api.serializers import CourseOfferSerializer
from colleges.models import CourseOffer
from pathways.vocabulary import QualificationType
from tests.factories import (
    ApprenticeshipStandardFactory,
    CourseOfferFactory,
    IntegratedCareSystemFactory,
    VacancyFactory,
)
from trusts.api.serializers import VacancySerializer
from trusts.models import Sector, Vacancy

pytestmark = pytest.mark.django_db


def _by_id(rows):
    return {row["id"]: row for row in rows}


def test_the_vacancy_list_is_the_serializers_json_row_for_row(staff_user, client_for):
    # given: an NHS row, a social-care row without staff in post, odd decimals
    VacancyFactory(vacancies_fte=Decimal("12.5"), staff_in_post_fte=Decimal("310.25"))
    VacancyFactory(sector=Sector.SOCIAL_CARE, trust=None, ics=IntegratedCareSystemFactory(),
                   staff_in_post_fte=None, period=dt.date(2025, 1, 1))
    expected = VacancySerializer(Vacancy.objects.order_by("-period", "-id"), many=True).data

    # when
    results = client_for(staff_user).get("/api/v1/vacancies/").json()["results"]

    # then: the same keys in the same order, the same values, the same rows in the same order
    assert results == [dict(row) for row in expected]
    assert [list(row) for row in results] == [list(row) for row in expected]


def test_the_offer_list_is_the_serializers_json_row_for_row(staff_user, client_for):
    # given: a plain offer, one delivered elsewhere with its own rate, an apprenticeship
    CourseOfferFactory(start_date=dt.date(2027, 1, 31), academic_year="2026/27", duration_months=13)
    CourseOfferFactory(delivery_ics=IntegratedCareSystemFactory(), expected_completion_rate=Decimal("0.75"))
    standard = ApprenticeshipStandardFactory()
    CourseOfferFactory(qualification_type=QualificationType.APPRENTICESHIP, apprenticeship_standard=standard,
                       level=standard.level)
    offers = CourseOffer.objects.select_related("college__ics", "apprenticeship_standard", "delivery_ics")
    expected = _by_id(CourseOfferSerializer(offers, many=True).data)

    # when
    results = client_for(staff_user).get("/api/v1/course-offers/").json()["results"]

    # then
    assert len(results) == 3
    assert all(row == dict(expected[row["id"]]) for row in results)
    assert all(list(row) == list(expected[row["id"]]) for row in results)
