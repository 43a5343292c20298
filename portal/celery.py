"""The one Celery app, configured from Django settings under the CELERY namespace."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_schedule():
    from django.conf import settings

    schedule = {}
    for name, entry in settings.BEAT_SCHEDULE.items():
        when = (
            crontab(**entry["schedule_crontab"])
            if "schedule_crontab" in entry
            else entry["schedule_seconds"]
        )
        schedule[name] = {"task": entry["task"], "schedule": when}
    return schedule


@app.on_after_configure.connect
def _setup_beat(sender, **kwargs):
    sender.conf.beat_schedule = _beat_schedule()
