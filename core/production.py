"""Guards for what must never run against a production deployment."""

from django.conf import settings
from django.core.management.base import CommandError


def refuse_in_production(command: str, why: str) -> None:
    """Stop a management command before it touches anything when DJANGO_ENV=production.

    Raises CommandError, so `manage.py` prints the message and exits with status 1.
    """
    if getattr(settings, "DJANGO_ENV", "development") == "production":
        raise CommandError(
            f"{command} refuses to run with DJANGO_ENV=production: {why} Nothing was written."
        )
