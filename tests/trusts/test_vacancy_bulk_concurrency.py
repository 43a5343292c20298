"""Parallel vacancy bulk upserts overlapping on new series (issue 12): no server error, every
series and month once, one history row per create or change."""

from collections import Counter

import pytest
from django.urls import reverse

from tests.colleges.test_course_offer_bulk_concurrency import REQUESTS, post_in_parallel
from tests.factories import IntegratedCareSystemFactory, OccupationFactory, TrustFactory, UserFactory
from trusts.models import Vacancy


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_vacancy_bulk_requests_on_the_same_new_series_all_succeed_once_each():
    # given trust rows and social-care rows, overlapping between requests
    ics = IntegratedCareSystemFactory(code="QE1")
    trust = TrustFactory(ods_code="RXN", ics=ics)
    nurses = OccupationFactory(code="registered-nurses", sector="both")
    user = UserFactory(staff=True)
    months = [f"2026-{month:02d}-01" for month in range(1, 13)]

    def row(month: str, sector: str, fte: int) -> dict:
        where = {"trust": trust.ods_code} if sector == "nhs" else {"ics": ics.code}
        return {"sector": sector, **where, "occupation": nurses.code, "period": month, "vacancies_fte": fte}

    bodies = [
        [row(months[(index + step) % 12], sector, fte=index % 3)
         for step in range(4) for sector in ("nhs", "social_care")]
        for index in range(REQUESTS)
    ]
    # when
    answers = post_in_parallel(user, reverse("api:vacancy-bulk"), bodies)
    # then
    assert [answer.status_code for answer in answers] == [200] * REQUESTS, [a.content[:200] for a in answers]
    counts = Counter()
    for answer in answers:
        counts.update(answer.json())
    assert Vacancy.objects.count() == counts["created"] == 24
    history = Counter(Vacancy.history.values_list("history_type", flat=True))
    assert history == Counter({"+": counts["created"], "~": counts["updated"]})
