from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_fields import NaturalKeyField
from core.api_values import ValuesRendering

from ..models import IntegratedCareSystem, Region, Trust, Vacancy


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class SuccessorSerializer(serializers.Serializer):
    """One successor of a closed board: its code and the share of the closed board's figures it takes."""

    code = serializers.CharField(source="successor.code", read_only=True)
    share = serializers.DecimalField(max_digits=7, decimal_places=6, read_only=True)


def _successions(ics, attr: str, manager: str):
    rows = getattr(ics, attr, None)  # prefetched by selectors.integrated_care_system_list
    return rows if rows is not None else list(getattr(ics, manager).select_related("successor", "predecessor"))


class IntegratedCareSystemSerializer(serializers.ModelSerializer):
    region = NaturalKeyField(slug_field="code", queryset=Region.objects.all())
    successors = serializers.SerializerMethodField(
        help_text="A closed board's successors, each with its share of the board's figures (shares sum to 1).")
    predecessors = serializers.SerializerMethodField(help_text="The codes of the boards this board succeeded.")

    class Meta:
        model = IntegratedCareSystem
        fields = ["code", "name", "region", "ons_code", "opened_on", "closed_on", "successors", "predecessors"]

    @extend_schema_field(SuccessorSerializer(many=True))
    def get_successors(self, ics):
        return SuccessorSerializer(_successions(ics, "successors", "successions_out"), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_predecessors(self, ics):
        return [row.predecessor.code for row in _successions(ics, "predecessor_rows", "successions_in")]

    def validate(self, attrs):
        opened_on = attrs.get("opened_on", getattr(self.instance, "opened_on", None))
        closed_on = attrs.get("closed_on", getattr(self.instance, "closed_on", None))
        if opened_on and closed_on and closed_on < opened_on:
            raise serializers.ValidationError({"closed_on": ["A board's last day cannot come before its first."]})
        return attrs


class MembershipSerializer(serializers.Serializer):
    """A span of days a trust or college belongs to a board: first and last days, null for open ends."""

    ics = serializers.CharField(source="ics.code", read_only=True)
    valid_from = serializers.DateField(read_only=True, allow_null=True)
    valid_to = serializers.DateField(read_only=True, allow_null=True)


class TrustSerializer(serializers.ModelSerializer):
    ics = NaturalKeyField(slug_field="code", queryset=IntegratedCareSystem.objects.all(),
                          help_text="Its board today.")
    boards = MembershipSerializer(many=True, read_only=True,
                                  help_text="Its memberships of boards over time (read only).")

    class Meta:
        model = Trust
        fields = ["ods_code", "name", "kind", "ics", "boards", "postcode", "town", "opened_on", "closed_on"]


class VacancySerializer(serializers.ModelSerializer):
    """One month of one vacancy series. Writes go through trusts.services, which checks the
    fields and the writer's scope in one place for the API and the CSV upload; this
    serializer describes the fields (and the schema) and renders rows."""

    trust = serializers.SlugRelatedField(
        slug_field="ods_code", read_only=True, allow_null=True,
        help_text="The trust's ODS code: required for an NHS row, blank for a social-care row.",
    )
    ics = serializers.SlugRelatedField(
        slug_field="code", read_only=True,
        help_text="The ICB code. For an NHS row, the trust's ICS (may be left out); an ICS analyst's own ICS.",
    )
    occupation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.DateField(help_text="The first day of the month the figures describe, like 2026-06-01.")

    class Meta:
        model = Vacancy
        fields = [
            "id", "sector", "trust", "ics", "occupation", "period", "vacancies_fte", "staff_in_post_fte", "synthetic",
        ]
        read_only_fields = ["id", "synthetic"]


class VacancyWriteSerializer(serializers.Serializer):
    """The request body of a vacancy write (documentation only: the service checks it)."""

    sector = serializers.ChoiceField(choices=["nhs", "social_care"])
    trust = serializers.CharField(required=False, allow_null=True, help_text="ODS code; required for nhs.")
    ics = serializers.CharField(required=False, allow_null=True, help_text="ICB code; required for social_care.")
    occupation = serializers.CharField(help_text="Occupation code, like care-workers.")
    period = serializers.DateField(help_text="The first day of a month.")
    vacancies_fte = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    staff_in_post_fte = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False,
                                                 allow_null=True)


class VacancyBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# The list's rows, read as values (trusts.selectors.vacancy_list_values), rendered as VacancySerializer renders.
render_vacancy_values = ValuesRendering(
    VacancySerializer, sources={"trust": "trust_code", "ics": "ics_code", "occupation": "occupation_code"}
)
