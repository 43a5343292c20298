from decimal import ROUND_HALF_UP

from rest_framework import serializers

from core.api_fields import NaturalKeyField

from ..models import ApprenticeshipStandard, EntryRoute, GapReport, GapReportRow, Occupation, Progression


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "name", "soc_code", "staff_group", "sector", "annual_leaver_rate"]


class ApprenticeshipStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprenticeshipStandard
        fields = ["reference", "title", "level", "duration_months", "route"]


class GapReportSerializer(serializers.ModelSerializer):
    """A report run: its state (poll `url` until `status` is succeeded or failed) and what it rests on."""

    url = serializers.HyperlinkedIdentityField(view_name="api:gapreport-detail")
    rows_url = serializers.HyperlinkedIdentityField(view_name="api:gapreport-rows")
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GapReport
        fields = [
            "id", "url", "status", "progress", "as_of", "horizon_years", "requested_by", "created_at",
            "started_at", "finished_at", "error", "inputs", "rows_url",
        ]
        read_only_fields = fields


class GapReportRequestSerializer(serializers.Serializer):
    """What to compute: `as_of` defaults to today, `horizon_years` to 3."""

    as_of = serializers.DateField(required=False)
    horizon_years = serializers.IntegerField(required=False, default=3, min_value=1, max_value=10)


class GapReportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=GapReport.Status.choices)
    url = serializers.URLField()


def _figure(**kwargs):
    """Figures are stored to 6 decimals and rounded to 2 only here, on output."""
    return serializers.DecimalField(max_digits=22, decimal_places=2, rounding=ROUND_HALF_UP, read_only=True, **kwargs)


class GapReportRowSerializer(serializers.ModelSerializer):
    occupation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    demand_fte = _figure()
    supply_fte = _figure()
    gap_fte = _figure()
    coverage = _figure(allow_null=True)

    class Meta:
        model = GapReportRow
        fields = [
            "level", "code", "name", "occupation", "occupation_name", "year", "demand_fte", "supply_fte", "gap_fte",
            "coverage",
        ]
        read_only_fields = fields


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
