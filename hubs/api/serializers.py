from decimal import ROUND_HALF_UP

from rest_framework import serializers

from colleges.models import College
from core.api_fields import NaturalKeyField
from pathways.models import Occupation
from trusts.models import IntegratedCareSystem, Region, Trust

from ..models import Activity, ActivityKind, Agenda, Hub, Partnership, PartnershipStatus


class HubSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="region.code", read_only=True)
    region = NaturalKeyField(slug_field="code", queryset=Region.objects.all())
    host_college = NaturalKeyField(
        slug_field="ukprn", queryset=College.objects.all(), required=False, allow_null=True
    )
    colleges = serializers.SlugRelatedField(slug_field="ukprn", many=True, read_only=True)

    class Meta:
        model = Hub
        fields = ["code", "name", "region", "host_college", "colleges"]


class PartnershipSerializer(serializers.ModelSerializer):
    """Writes go through hubs.services (scope, validation, audit history); see the viewset."""

    college = NaturalKeyField(slug_field="ukprn", queryset=College.objects.all())
    trust = NaturalKeyField(
        slug_field="ods_code", queryset=Trust.objects.all(), required=False, allow_null=True
    )
    ics = NaturalKeyField(
        slug_field="code", queryset=IntegratedCareSystem.objects.all(), required=False, allow_null=True,
        help_text="The trust's ICS (filled in from the trust when omitted), or the ICS partnered as a whole.",
    )
    status = serializers.ChoiceField(choices=PartnershipStatus.choices, default=PartnershipStatus.EXPLORING)
    agendas = serializers.ListField(
        source="agenda_codes", child=serializers.ChoiceField(choices=Agenda.choices), allow_empty=False
    )
    occupations = NaturalKeyField(
        slug_field="code", queryset=Occupation.objects.all(), many=True, required=False,
        help_text="Codes of the occupations (roles) the partnership works on; may be empty.",
    )

    class Meta:
        model = Partnership
        fields = ["id", "college", "trust", "ics", "status", "agendas", "occupations", "started_on", "summary"]
        validators = []  # uniqueness and the trust-ICS rule are checked by the service (full_clean)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "agenda_codes" in values:
            values["agendas"] = values.pop("agenda_codes")
        return values


class ActivitySerializer(serializers.ModelSerializer):
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.select_related("college"))
    kind = serializers.ChoiceField(choices=ActivityKind.choices)

    class Meta:
        model = Activity
        fields = [
            "id", "partnership", "kind", "happened_on", "learners", "placements_offered", "placements_filled",
            "interviews_guaranteed", "hires", "notes",
        ]


def _placement_figure(help_text: str):
    return serializers.DecimalField(
        max_digits=22, decimal_places=2, rounding=ROUND_HALF_UP, read_only=True, help_text=help_text
    )


class PlacementSerializer(serializers.Serializer):
    """One area's T Level industry placements in one academic year (DESIGN.md 6.5)."""

    level = serializers.ChoiceField(choices=["ics", "region", "national"], read_only=True)
    code = serializers.CharField(read_only=True, help_text="ICB code, region code, or E92000001 for England.")
    name = serializers.CharField(read_only=True)
    academic_year = serializers.CharField(read_only=True, help_text="Like 2026/27: 1 August to 31 July.")
    need = _placement_figure("Planned places of T Level offers completing in the academic year.")
    offered = _placement_figure("Placements offered by industry placement activities in the academic year.")
    filled = _placement_figure("Placements filled by industry placement activities in the academic year.")
    shortfall = _placement_figure("Need minus offered (negative when more were offered than needed).")
