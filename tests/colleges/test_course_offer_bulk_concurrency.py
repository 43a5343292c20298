"""Parallel offer bulk upserts overlapping on new keys (issue 12): no server error, every key once,
one history row per create or change. Threads with their own database connections, through the API."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from colleges.models import CourseOffer
from tests.factories import UserFactory

REQUESTS = 20


def offer(code: str, places: int) -> dict:
    return {
        "course_code": code, "title": f"Course {code}", "qualification_type": "t_level", "level": 3,
        "academic_year": "2026/27", "start_date": "2026-09-07", "duration_months": 24, "planned_places": places,
    }


def post_in_parallel(user, url: str, bodies: list[list[dict]]) -> list:
    """POST each body from its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def send(index: int) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            answers[index] = client.post(url, bodies[index], format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_offer_bulk_requests_on_the_same_new_keys_all_succeed_once_each():
    # given 20 requests, each with 10 new offers overlapping its neighbours', half of them with its own places
    user = UserFactory(college_officer=True)
    bodies = [
        [offer(f"K{key:02d}", places=index if key % 2 else 30) for key in range(index, index + 10)]
        for index in range(REQUESTS)
    ]
    # when
    answers = post_in_parallel(user, reverse("api:courseoffer-bulk"), bodies)
    # then no request failed
    assert [answer.status_code for answer in answers] == [200] * REQUESTS, [a.content[:200] for a in answers]
    counts = Counter()
    for answer in answers:
        counts.update(answer.json())
    # every key exists once, created by exactly one request
    keys = {item["course_code"] for body in bodies for item in body}
    assert sorted(CourseOffer.objects.values_list("course_code", flat=True)) == sorted(keys)
    assert counts["created"] == len(keys)
    assert counts["created"] + counts["updated"] + counts["unchanged"] == REQUESTS * 10
    # and the history has one row per create and per change, none for the unchanged
    history = Counter(CourseOffer.history.values_list("history_type", flat=True))
    assert history == Counter({"+": counts["created"], "~": counts["updated"]})
