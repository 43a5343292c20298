from rest_framework import serializers

from core.api_fields import NaturalKeyField

from ..models import ApprenticeshipStandard, EntryRoute, Occupation, Progression


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "name", "soc_code", "staff_group", "sector", "annual_leaver_rate"]


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


class EntryRouteSerializer(serializers.ModelSerializer):
    """A way into an occupation from a course: through a named apprenticeship standard, or by
    qualification type and level. The level may be left out for a standard: it is the standard's."""

    occupation = NaturalKeyField(slug_field="code", queryset=Occupation.objects.all())
    apprenticeship_standard = NaturalKeyField(
        slug_field="reference", queryset=ApprenticeshipStandard.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = EntryRoute
        fields = [
            "id", "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate",
            "lag_months", "notes",
        ]
        extra_kwargs = {"level": {"required": False, "allow_null": True}}
        validators = []  # the model's partial unique constraints are checked by full_clean() in the service


class ProgressionSerializer(serializers.ModelSerializer):
    from_occupation = NaturalKeyField(slug_field="code", queryset=Occupation.objects.all())
    to_occupation = NaturalKeyField(slug_field="code", queryset=Occupation.objects.all())

    class Meta:
        model = Progression
        fields = ["id", "from_occupation", "to_occupation", "typical_months", "via"]
        validators = []
