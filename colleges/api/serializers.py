from rest_framework import serializers

from portal.api_fields import HubCodeField
from trusts.models import IntegratedCareSystem

from ..models import College


class CollegeSerializer(serializers.ModelSerializer):
    ics = serializers.SlugRelatedField(slug_field="code", queryset=IntegratedCareSystem.objects.all())
    hub = HubCodeField(required=False, allow_null=True)

    class Meta:
        model = College
        fields = ["ukprn", "name", "ics", "postcode", "hub", "provider_type"]
