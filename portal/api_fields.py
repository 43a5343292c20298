from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.api_fields import NaturalKeyField


@extend_schema_field(OpenApiTypes.STR)
class HubCodeField(NaturalKeyField):
    """A hub referenced by its region's code (Y56 ...), the hub's natural key."""

    def __init__(self, **kwargs):
        from hubs.models import Hub

        kwargs.setdefault("queryset", Hub.objects.select_related("region"))
        super().__init__(slug_field="region__code", **kwargs)
