"""What planning keeps in the cache and must forget when the data below it changes (connected in
PlanningConfig.ready): the kept pages of gap report rows show occupations' codes and names."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.upsert import records_upserted
from pathways.models import Occupation

from .selectors import OCCUPATION_LABELS_VERSION_KEY


def occupations_changed(**kwargs) -> None:
    """Any write of occupations: once it commits, the kept pages of report rows are no longer found."""
    transaction.on_commit(lambda: cache.delete(OCCUPATION_LABELS_VERSION_KEY), robust=True)


def connect() -> None:
    for signal in (post_save, post_delete, records_upserted):
        signal.connect(occupations_changed, sender=Occupation, dispatch_uid=f"planning-occupations-{id(signal)}")
