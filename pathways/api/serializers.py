from rest_framework import serializers

from core.api_fields import NaturalKeyField

from ..models import ApprenticeshipStandard, CompletionRate, EntryRoute, Occupation, Progression


class RangeMixin:
    """A rate with its low and high values (DESIGN.md 6.2): a `_low`/`_high` left empty on a write that
    sets the central rate equals it; low <= rate <= high, or a 400 naming the field."""

    ranges: tuple[tuple[str, str, str], ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {}
        for central, low, high in self.ranges:
            if central in attrs:
                for end in (low, high):
                    if attrs.get(end) is None:
                        attrs[end] = attrs[central]
            values = {
                name: attrs[name] if name in attrs else getattr(self.instance, name, None)
                for name in (central, low, high)
            }
            if None in values.values():
                continue
            if values[low] > values[central]:
                errors[low] = [f"The low value must not be above the central rate ({values[central]})."]
            if values[high] < values[central]:
                errors[high] = [f"The high value must not be below the central rate ({values[central]})."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OccupationSerializer(RangeMixin, serializers.ModelSerializer):
    ranges = (("annual_leaver_rate", "annual_leaver_rate_low", "annual_leaver_rate_high"),)

    class Meta:
        model = Occupation
        fields = [
            "code", "name", "soc_code", "staff_group", "sector", "annual_leaver_rate", "annual_leaver_rate_low",
            "annual_leaver_rate_high",
        ]
        extra_kwargs = {
            "annual_leaver_rate_low": {"required": False, "allow_null": True},
            "annual_leaver_rate_high": {"required": False, "allow_null": True},
        }


class ApprenticeshipStandardSerializer(serializers.ModelSerializer):
    current = serializers.BooleanField(
        read_only=True, help_text="Approved for delivery (starts may be paused): the status is approved or paused."
    )

    class Meta:
        model = ApprenticeshipStandard
        fields = [
            "reference", "title", "version", "status", "current", "level", "duration_months", "route",
            "approved_for_delivery_on", "retired_on",
        ]


class EntryRouteSerializer(RangeMixin, serializers.ModelSerializer):
    """A way into an occupation from a course: through a named apprenticeship standard, or by
    qualification type and level. The level may be left out for a standard: it is the standard's."""

    occupation = NaturalKeyField(slug_field="code", queryset=Occupation.objects.all())
    apprenticeship_standard = NaturalKeyField(
        slug_field="reference", queryset=ApprenticeshipStandard.objects.all(), required=False, allow_null=True
    )
    from_occupation = NaturalKeyField(
        slug_field="code", queryset=Occupation.objects.all(), required=False, allow_null=True,
        help_text="The occupation whose staff the route trains (backfill, DESIGN.md 6.3); null for new entrants.",
    )
    ranges = (("conversion_rate", "conversion_rate_low", "conversion_rate_high"),)

    class Meta:
        model = EntryRoute
        fields = [
            "id", "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate",
            "conversion_rate_low", "conversion_rate_high", "lag_months", "from_occupation", "notes",
        ]
        extra_kwargs = {
            "level": {"required": False, "allow_null": True},
            "conversion_rate_low": {"required": False, "allow_null": True},
            "conversion_rate_high": {"required": False, "allow_null": True},
        }
        validators = []  # the model's partial unique constraints are checked by full_clean() in the service


class ProgressionSerializer(serializers.ModelSerializer):
    from_occupation = NaturalKeyField(slug_field="code", queryset=Occupation.objects.all())
    to_occupation = NaturalKeyField(slug_field="code", queryset=Occupation.objects.all())

    class Meta:
        model = Progression
        fields = ["id", "from_occupation", "to_occupation", "typical_months", "via"]
        validators = []


class CompletionRateSerializer(RangeMixin, serializers.ModelSerializer):
    """The default completion rate of a qualification type, with its range (DESIGN.md 6.2): used for a
    course offer that gives no rate of its own. Keyed by the qualification type."""

    label = serializers.CharField(source="get_qualification_type_display", read_only=True)
    ranges = (("rate", "rate_low", "rate_high"),)

    class Meta:
        model = CompletionRate
        fields = ["qualification_type", "label", "rate", "rate_low", "rate_high", "basis"]
        extra_kwargs = {
            "rate_low": {"required": False, "allow_null": True,
                         "help_text": "The low case's rate; at most the central rate (left out: the central rate)."},
            "rate_high": {"required": False, "allow_null": True,
                          "help_text": "The high case's rate; at least the central rate (left out: the central rate)."},
        }
