from rest_framework import serializers

from ..models import IntegratedCareSystem, Region, Trust


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class IntegratedCareSystemSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    succeeded_by = serializers.SlugRelatedField(
        slug_field="code", queryset=IntegratedCareSystem.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = IntegratedCareSystem
        fields = ["code", "name", "region", "ons_code", "closed_on", "succeeded_by"]


class TrustSerializer(serializers.ModelSerializer):
    ics = serializers.SlugRelatedField(slug_field="code", queryset=IntegratedCareSystem.objects.all())

    class Meta:
        model = Trust
        fields = ["ods_code", "name", "kind", "ics", "postcode", "town", "opened_on", "closed_on"]
