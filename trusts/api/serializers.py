from rest_framework import serializers

from core.api_fields import NaturalKeyField
from core.api_values import ValuesRendering

from ..models import IntegratedCareSystem, Region, Trust, Vacancy


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class IntegratedCareSystemSerializer(serializers.ModelSerializer):
    region = NaturalKeyField(slug_field="code", queryset=Region.objects.all())
    succeeded_by = NaturalKeyField(
        slug_field="code", queryset=IntegratedCareSystem.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = IntegratedCareSystem
        fields = ["code", "name", "region", "ons_code", "closed_on", "succeeded_by"]


class TrustSerializer(serializers.ModelSerializer):
    ics = NaturalKeyField(slug_field="code", queryset=IntegratedCareSystem.objects.all())

    class Meta:
        model = Trust
        fields = ["ods_code", "name", "kind", "ics", "postcode", "town", "opened_on", "closed_on"]


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
