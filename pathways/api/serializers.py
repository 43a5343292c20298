from rest_framework import serializers

from ..models import ApprenticeshipStandard, Occupation


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "name", "soc_code", "staff_group", "sector", "annual_leaver_rate"]


class ApprenticeshipStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprenticeshipStandard
        fields = ["reference", "title", "level", "duration_months", "route"]
