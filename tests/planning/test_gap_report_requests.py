"""Report requests that cannot go wrong (issue 12): bounded parameters, one run per parameters decided
by the database, and dead runs marked failed rather than handed out."""

import datetime as dt
import threading

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.dates import latest
from core.errors import ApplicationError
from planning import services
from planning.models import GapReport
from planning.tasks import gap_report_compute_task
from tests.factories import UserFactory
from tests.planning.test_gap_report_worker import broker as queued_to_broker  # noqa: F401 - a fixture

LIST = "/api/v1/gap-reports/"
AS_OF = dt.date(2026, 6, 15)


# -- bounded parameters ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", ["9999-12-31", "1999-12-31"])
def test_an_as_of_outside_the_planning_range_is_a_400_naming_the_field(as_of, staff_user, client_for):
    # when
    response = client_for(staff_user).post(LIST, {"as_of": as_of}, format="json")

    # then
    assert response.status_code == 400
    assert set(response.json()) == {"as_of"}
    assert "Enter a date between" in response.json()["as_of"][0]
    assert not GapReport.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_an_as_of_beyond_the_planning_range_too(staff_user):
    # given: the day after the last plausible one
    too_late = latest() + dt.timedelta(days=1)

    # when / then
    with pytest.raises(ApplicationError) as refused:
        services.gap_report_request(as_of=too_late, horizon_years=3, user=staff_user)
    assert set(refused.value.errors) == {"as_of"}
    assert not GapReport.objects.exists()


@pytest.mark.django_db
def test_a_report_without_a_horizon_takes_the_one_default(staff_user, client_for, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(staff_user).post(LIST, {"as_of": "2026-06-15"}, format="json")

    # then
    assert response.status_code == 202
    assert GapReport.objects.get().horizon_years == GapReport._meta.get_field("horizon_years").default == 3


# -- dead runs ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_run_whose_heartbeat_stopped_minutes_ago_is_failed_and_a_new_request_gets_a_new_report(
    staff_user, django_capture_on_commit_callbacks
):
    # given: a run of these parameters whose worker was killed 6 minutes ago (stale after 5)
    killed = GapReport.objects.create(
        as_of=AS_OF, horizon_years=3, status=GapReport.Status.RUNNING, progress=35,
        started_at=timezone.now() - dt.timedelta(minutes=7), heartbeat_at=timezone.now() - dt.timedelta(minutes=6),
    )

    # when: someone asks for the same report
    with django_capture_on_commit_callbacks(execute=False) as queued:
        report = services.gap_report_request(as_of=AS_OF, horizon_years=3, user=staff_user)

    # then: the dead run is marked failed, and a new one is queued instead of handing it out
    killed.refresh_from_db()
    assert killed.status == GapReport.Status.FAILED and "stopped without finishing" in killed.error
    assert report.pk != killed.pk and report.status == GapReport.Status.PENDING
    assert len(queued) == 1


@pytest.mark.django_db
def test_a_run_that_beat_a_minute_ago_is_handed_to_an_identical_request(staff_user,
                                                                        django_capture_on_commit_callbacks):
    # given
    alive = GapReport.objects.create(
        as_of=AS_OF, horizon_years=3, status=GapReport.Status.RUNNING, progress=35,
        started_at=timezone.now() - dt.timedelta(minutes=20), heartbeat_at=timezone.now() - dt.timedelta(minutes=1),
    )

    # when
    with django_capture_on_commit_callbacks(execute=False) as queued:
        report = services.gap_report_request(as_of=AS_OF, horizon_years=3, user=staff_user)

    # then
    assert report == alive and not queued


@pytest.mark.django_db
def test_the_stale_check_runs_every_minute():
    # then
    entry = settings.BEAT_SCHEDULE["mark-stuck-gap-reports"]
    assert entry["task"] == "planning.tasks.gap_report_mark_stuck_task" and entry["schedule_seconds"] == 60


@pytest.mark.django_db
def test_a_task_queued_under_its_old_pathways_name_still_computes_the_report():
    from portal.celery import app as celery_app

    # given: a pending report whose task was queued before the move
    report = services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)

    # when
    celery_app.tasks["pathways.tasks.gap_report_compute_task"].delay(report.pk)

    # then
    report.refresh_from_db()
    assert report.status == GapReport.Status.SUCCEEDED
    assert celery_app.amqp.router.route({}, "pathways.tasks.gap_report_compute_task")["queue"].name == "reports"
    assert gap_report_compute_task.name == "planning.tasks.gap_report_compute_task"


# -- one run per parameters, decided by the database ---------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_run_of_the_same_parameters_in_flight():
    # given
    services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)

    # when / then: a second pending one is refused with a message naming the field; other
    # parameters are another report
    with pytest.raises(ApplicationError) as refused:
        services.gap_report_create(as_of=AS_OF, horizon_years=3, user=None)
    assert "already under way" in refused.value.errors["as_of"][0]
    services.gap_report_create(as_of=AS_OF, horizon_years=4, user=None)
    assert GapReport.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("queued_to_broker")
def test_ten_simultaneous_identical_requests_create_exactly_one_report():
    # given: ten ICS analysts about to ask at the same moment; tasks go to the broker, not run here
    users = [UserFactory(ics_analyst=True) for _ in range(10)]
    start = threading.Barrier(len(users))
    answers, errors = [], []

    def ask(user):
        try:
            start.wait(timeout=30)
            answers.append(services.gap_report_request(as_of=AS_OF, horizon_years=3, user=user).pk)
        except Exception as exc:  # noqa: BLE001 - collected, asserted below
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=ask, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then: one report, handed to all ten, queued once
    assert errors == []
    assert GapReport.objects.count() == 1
    assert answers == [GapReport.objects.get().pk] * 10
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("reports") == 1

