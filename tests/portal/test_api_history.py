"""History records changes, not saves (core.history.ChangeHistory), and an offer's history is
readable wherever the offer is."""

import pytest

from colleges.models import CourseOffer
from hubs.models import Activity, Partnership
from tests.factories import CollegeFactory, CourseOfferFactory, EntryRouteFactory, TrustFactory, VacancyFactory
from tests.hubs.factories import ActivityFactory, PartnershipFactory
from trusts.models import Vacancy

pytestmark = pytest.mark.django_db


def _entries(model, obj) -> int:
    return model.history.filter(id=obj.pk).count()


def test_a_no_op_patch_of_a_partnership_writes_no_history_entry(client_for, staff_user):
    # given
    partnership = PartnershipFactory(college=CollegeFactory())
    before = _entries(Partnership, partnership)
    # when the same status is sent back
    response = client_for(staff_user).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"status": partnership.status, "summary": partnership.summary},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    assert _entries(Partnership, partnership) == before


def test_a_no_op_patch_of_an_activity_writes_no_history_entry(client_for, staff_user):
    activity = ActivityFactory()
    before = _entries(Activity, activity)
    response = client_for(staff_user).patch(f"/api/v1/activities/{activity.pk}/", {"hires": activity.hires},
                                            format="json")
    assert response.status_code == 200, response.json()
    assert _entries(Activity, activity) == before


def test_a_real_patch_still_writes_one_history_entry(client_for, staff_user):
    activity = ActivityFactory(hires=1)
    before = _entries(Activity, activity)
    response = client_for(staff_user).patch(f"/api/v1/activities/{activity.pk}/", {"hires": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert _entries(Activity, activity) == before + 1


def test_a_no_op_patch_of_an_entry_route_writes_no_history_entry(client_for, staff_user):
    route = EntryRouteFactory()
    before = route.history.count()
    response = client_for(staff_user).patch(f"/api/v1/entry-routes/{route.pk}/", {"lag_months": route.lag_months},
                                            format="json")
    assert response.status_code == 200, response.json()
    assert route.history.count() == before


def test_a_no_op_patch_of_a_vacancy_writes_no_history_entry(client_for, staff_user):
    vacancy = VacancyFactory(trust=TrustFactory())
    before = _entries(Vacancy, vacancy)
    response = client_for(staff_user).patch(
        f"/api/v1/vacancies/{vacancy.pk}/", {"vacancies_fte": str(vacancy.vacancies_fte)}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert _entries(Vacancy, vacancy) == before


def test_the_history_of_an_offer_without_entries_is_readable_by_anyone_who_reads_the_offer(client_for, college_user):
    # given an offer written without history (as bulk loads do)
    offer = CourseOfferFactory()
    CourseOffer.history.filter(id=offer.pk).delete()
    client = client_for(college_user)
    assert client.get(f"/api/v1/course-offers/{offer.pk}/").status_code == 200
    # when
    response = client.get(f"/api/v1/course-offers/{offer.pk}/history/")
    # then
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_history_of_an_id_that_never_was_an_offer_answers_404(client_for, college_user):
    assert client_for(college_user).get("/api/v1/course-offers/999999/history/").status_code == 404
