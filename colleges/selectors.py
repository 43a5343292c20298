from django.db.models import F

from pathways.models import ApprenticeshipStandard
from pathways.rules import default_completion_rate_expr
from trusts.models import IntegratedCareSystem
from trusts.selectors import memberships_prefetch

from .models import College, CollegeBoard, CourseOffer


def college_list():
    return College.objects.select_related("ics", "ics__region", "hub", "hub__region").prefetch_related(
        memberships_prefetch(CollegeBoard)
    )


def course_offer_values(offers):
    """`offers` as dicts, for the API's list: the offer's own columns and the natural keys
    `college_code`, `standard_code`, `delivery_ics_code`, `college_ics_code`, with no model instances,
    and `default_completion_rate` (its qualification type's, from pathways.CompletionRate)."""
    return offers.values(
        "id", "college_id", "course_code", "title", "qualification_type", "level", "academic_year", "start_date",
        "duration_months", "planned_places", "expected_completion_rate", "created_at", "updated_at",
        college_code=F("college__ukprn"), standard_code=F("apprenticeship_standard__reference"),
        delivery_ics_code=F("delivery_ics__code"), college_ics_code=F("college__ics__code"),
        default_completion_rate=default_completion_rate_expr(),
    )


def course_offer_list():
    """The one base queryset for course offers, shared by the pages and the API; each offer carries its
    qualification type's `default_completion_rate` (read in the same query, for effective_completion_rate)."""
    return CourseOffer.objects.select_related(
        "college", "college__ics", "apprenticeship_standard", "delivery_ics"
    ).annotate(default_completion_rate=default_completion_rate_expr())


HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_IGNORED_FIELDS = {"created_at", "updated_at"}
# Related fields are shown by their natural keys, as in the API.
HISTORY_RELATED_KEYS = {
    "college": ("college_id", College, "ukprn"),
    "apprenticeship_standard": ("apprenticeship_standard_id", ApprenticeshipStandard, "reference"),
    "delivery_ics": ("delivery_ics_id", IntegratedCareSystem, "code"),
}


def course_offer_history(*, offer_id: int) -> list[dict]:
    """The audit trail of one offer (also after its deletion), newest first.

    Each entry: history_id, type (created/changed/deleted), at, user (username or None),
    source (how the change came in), changes [{field, old, new}] with related objects by
    natural key. A fixed number of queries, whatever the length of the trail.
    """
    records = list(
        CourseOffer.history.filter(id=offer_id).select_related("history_user").order_by("history_date", "history_id")
    )
    names = [
        f.name for f in CourseOffer._meta.concrete_fields if f.name not in HISTORY_IGNORED_FIELDS and f.name != "id"
    ]
    keys = {}
    for name, (attname, model, key) in HISTORY_RELATED_KEYS.items():
        ids = {getattr(record, attname) for record in records} - {None}
        keys[name] = dict(model.objects.filter(pk__in=ids).values_list("pk", key)) if ids else {}

    def shown(record, name):
        if record is None:
            return None
        if name in HISTORY_RELATED_KEYS:
            attname = HISTORY_RELATED_KEYS[name][0]
            value = getattr(record, attname)
            return keys[name].get(value, value) if value is not None else None
        value = getattr(record, name)
        return None if value is None else str(value)

    entries = []
    previous = None
    for record in records:
        kind = HISTORY_TYPES.get(record.history_type, record.history_type)
        changes = []
        if kind != "deleted":
            for name in names:
                old, new = shown(previous, name), shown(record, name)
                if old != new:
                    changes.append({"field": name, "old": old, "new": new})
        entries.append(
            {
                "history_id": record.history_id,
                "type": kind,
                "at": record.history_date,
                "user": record.history_user.username if record.history_user else None,
                "source": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    entries.reverse()
    return entries
