from rest_framework import serializers

from hubs.models import Hub
from trusts.models import IntegratedCareSystem

from ..models import College


class CollegeSerializer(serializers.ModelSerializer):
    ics = serializers.SlugRelatedField(slug_field="code", queryset=IntegratedCareSystem.objects.all())
    hub = serializers.SlugRelatedField(
        slug_field="region__code", queryset=Hub.objects.select_related("region"), required=False, allow_null=True
    )

    class Meta:
        model = College
        fields = ["ukprn", "name", "ics", "postcode", "hub", "provider_type"]
