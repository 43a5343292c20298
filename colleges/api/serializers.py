from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_fields import NaturalKeyField, prefetch_natural_keys
from core.api_values import ValuesRendering
from core.bulk_validation import validate_items
from pathways.models import ApprenticeshipStandard
from trusts.api.serializers import MembershipSerializer
from trusts.models import IntegratedCareSystem

from ..models import College, CourseOffer


@extend_schema_field(OpenApiTypes.STR)
class HubCodeField(NaturalKeyField):
    """A hub referenced by its region's code (Y56 ...), the hub's natural key. The hub model is
    reached through College.hub, so that colleges (below hubs in the house) never import hubs."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", College.hub.field.related_model.objects.select_related("region"))
        super().__init__(slug_field="region__code", **kwargs)


class CollegeSerializer(serializers.ModelSerializer):
    ics = NaturalKeyField(slug_field="code", queryset=IntegratedCareSystem.objects.all(),
                          help_text="Its board today.")
    boards = MembershipSerializer(many=True, read_only=True,
                                  help_text="Its memberships of boards over time (read only).")
    hub = HubCodeField(required=False, allow_null=True)

    class Meta:
        model = College
        fields = ["ukprn", "name", "ics", "boards", "postcode", "hub", "provider_type"]


def validate_offer_items(items: list, *, context: dict) -> tuple[dict[int, dict], dict[int, dict]]:
    """Check each item of a bulk request (or CSV rows) as a single create would: types, choices,
    references. Answers ({index: model values} of the valid items, {index: errors} of the others);
    the references of all items are fetched first with one query per kind."""
    prefetch_natural_keys(CourseOfferSerializer, items, context)
    # Each item answers what CourseOfferSerializer().run_validation(item) answers (core.bulk_validation).
    return validate_items(CourseOfferSerializer(context=context), items)


ACADEMIC_YEAR_HELP = "Like 2026/27: the second part is the next year."


class CourseOfferSerializer(serializers.ModelSerializer):
    """One course offer. Related objects by natural key: college by UKPRN, apprenticeship
    standard by reference, delivery ICS by ICB code."""

    college = NaturalKeyField(
        slug_field="ukprn",
        queryset=College.objects.all(),
        required=False,
        help_text=(
            "The college's UKPRN (8 digits). Staff must send it. College users leave it out: their "
            "offers are their own college's (sending another college's UKPRN answers 400)."
        ),
    )
    level = serializers.IntegerField(
        min_value=1,
        max_value=8,
        required=False,
        help_text="1 to 8. An apprenticeship offer left without a level takes its standard's level.",
    )
    apprenticeship_standard = NaturalKeyField(
        slug_field="reference",
        queryset=ApprenticeshipStandard.objects.all(),
        required=False,
        allow_null=True,
        help_text="Reference of an existing standard, like ST0216 or ST0006-02. Required for apprenticeships "
        "and only for them.",
    )
    delivery_ics = NaturalKeyField(
        slug_field="code",
        queryset=IntegratedCareSystem.objects.all(),
        required=False,
        allow_null=True,
        help_text="ICB code of an existing ICS where the course is taught, when not the college's own ICS.",
    )
    academic_year = serializers.RegexField(
        r"^20[0-9]{2}/[0-9]{2}$",
        max_length=7,
        help_text=ACADEMIC_YEAR_HELP,
        error_messages={"invalid": "An academic year is written like 2026/27."},
    )
    expected_completion_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=Decimal(0),
        max_value=Decimal(1),
        required=False,
        allow_null=True,
        help_text="Share of starters expected to complete, 0 to 1 (up to 4 decimals). Null uses the default "
        "rate of the qualification type.",
    )
    ics = serializers.CharField(
        source="ics.code", read_only=True, help_text="Where the offer supplies: delivery_ics, else the college's ICS."
    )
    completion_date = serializers.DateField(read_only=True, help_text="start_date + duration_months.")
    effective_completion_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, read_only=True, help_text="The rate the gap report uses."
    )

    class Meta:
        model = CourseOffer
        fields = [
            "id", "college", "course_code", "title", "qualification_type", "level", "apprenticeship_standard",
            "academic_year", "start_date", "duration_months", "planned_places", "expected_completion_rate",
            "delivery_ics", "ics", "completion_date", "effective_completion_rate", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The natural key is checked by the service (one query for a whole bulk request).
        validators = []
        extra_kwargs = {
            "id": {"help_text": "The offer's id in the portal (its key in `course-offers/{id}/`)."},
            "title": {"help_text": "The course's name as learners see it (used by the `q` search)."},
            "qualification_type": {"help_text": "The kind of course, by code."},
            "created_at": {"help_text": "When the offer was first entered."},
            "updated_at": {"help_text": "When the offer last changed."},
            "course_code": {"help_text": "The college's own code for the course; unique per college and year."},
            "start_date": {"help_text": "ISO date inside the academic year (1 August to 31 July)."},
            "duration_months": {"help_text": "1 to 72."},
            "planned_places": {"help_text": "0 or more."},
        }


    def to_representation(self, offer):
        """The declared fields, built directly: lists answer thousands of offers, and DRF's
        field-by-field path costs more than the query. Pinned equal to the generic path by
        tests/colleges/test_course_offer_api.py."""
        standard, delivery, rate = offer.apprenticeship_standard, offer.delivery_ics, offer.expected_completion_rate
        datetime_field = self.fields["created_at"]
        return {
            "id": offer.pk,
            "college": offer.college.ukprn,
            "course_code": offer.course_code,
            "title": offer.title,
            "qualification_type": offer.qualification_type,
            "level": offer.level,
            "apprenticeship_standard": standard.reference if standard is not None else None,
            "academic_year": offer.academic_year,
            "start_date": offer.start_date.isoformat(),
            "duration_months": offer.duration_months,
            "planned_places": offer.planned_places,
            "expected_completion_rate": None if rate is None else str(Decimal(rate).quantize(RATE_QUANTUM)),
            "delivery_ics": delivery.code if delivery is not None else None,
            "ics": delivery.code if delivery is not None else offer.college.ics.code,
            "completion_date": offer.completion_date.isoformat(),
            "effective_completion_rate": str(Decimal(offer.effective_completion_rate).quantize(RATE_QUANTUM)),
            "created_at": datetime_field.to_representation(offer.created_at),
            "updated_at": datetime_field.to_representation(offer.updated_at),
        }


RATE_QUANTUM = Decimal("0.0001")


class CourseOfferBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Offers that did not exist and were created.")
    updated = serializers.IntegerField(help_text="Offers that existed and changed.")
    unchanged = serializers.IntegerField(help_text="Offers that existed already exactly as sent (nothing written).")


class BulkErrorSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        required=False,
        help_text="Item index (as a string, from 0) -> field -> messages. Only invalid items are listed.",
    )
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Errors of the request as a whole."
    )


class FieldErrorsSerializer(serializers.Serializer):
    """The 400 body: each invalid field's name -> its messages, e.g. {"start_date": ["..."]};
    errors that concern no single field come under non_field_errors."""

    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Errors of the offer as a whole."
    )


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's name, as in the offer.")
    old = serializers.CharField(allow_null=True, help_text="Its value before, as text (null: empty or new).")
    new = serializers.CharField(allow_null=True, help_text="Its value after, as text (null: empty).")


class CourseOfferHistorySerializer(serializers.Serializer):
    """One entry of an offer's audit trail."""

    history_id = serializers.IntegerField(help_text="The entry's own id.")
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"], help_text="What happened to the offer.")
    at = serializers.DateTimeField(help_text="When it happened.")
    user = serializers.CharField(allow_null=True, help_text="Username of who made the change.")
    source = serializers.CharField(help_text="How the change came in: API, API bulk upsert, Web form, CSV upload.")
    changes = HistoryChangeSerializer(many=True, help_text="Fields that changed, related objects by natural key.")


def _completion_date(row):
    from pathways.rules import completion_date

    return completion_date(row["start_date"], row["duration_months"])


def _completion_rate(row):
    from pathways.rules import completion_rate

    return completion_rate(
        row["expected_completion_rate"], row["qualification_type"], row.get("default_completion_rate")
    )


# The list's rows, read as values (colleges.selectors.course_offer_list_values), rendered as CourseOfferSerializer
# renders an offer: the same properties (`ics`, `completion_date`, `effective_completion_rate`) from the same rules.
render_course_offer_values = ValuesRendering(
    CourseOfferSerializer,
    sources={
        "college": "college_code", "apprenticeship_standard": "standard_code", "delivery_ics": "delivery_ics_code",
    },
    computed={
        "ics": lambda row: row["delivery_ics_code"] or row["college_ics_code"],
        "completion_date": _completion_date,
        "effective_completion_rate": _completion_rate,
    },
)
