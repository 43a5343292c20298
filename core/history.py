"""Audit history that records changes, not saves (django-simple-history underneath).

A save that changes no tracked field (a no-op PATCH, a form sent back unchanged) writes no
history entry, whichever view or service saved it: the rule lives here, once, for every
model with a history.
"""

from simple_history.models import HistoricalRecords


class ChangeHistory(HistoricalRecords):
    """HistoricalRecords, skipping the entry of an update identical to the latest entry.

    Fields Django sets on every save (`auto_now`) are not compared. Costs one indexed read per
    update of a single object; bulk paths that bypass save() are unaffected.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if not created and not kwargs.get("raw", False) and self._unchanged(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _unchanged(self, instance) -> bool:
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").first()
        if latest is None:
            return False
        for field in self.fields_included(instance):
            if getattr(field, "auto_now", False):
                continue
            if field.to_python(getattr(instance, field.attname)) != field.to_python(getattr(latest, field.attname)):
                return False
        return True
