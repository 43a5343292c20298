from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Gap reports, dashboards and the public pathway pages: the floor above the organisations' data."""

    name = "planning"

    def ready(self):
        from . import signals

        signals.connect()
