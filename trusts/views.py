"""Pages for the geography and the NHS trusts: browse, filter, and see how they connect."""

from django.db.models import Prefetch

from colleges.selectors import college_list
from portal.views import PortalDetailView, PortalListView, use_select

from . import selectors
from .filtersets import IntegratedCareSystemFilterSet, RegionFilterSet, TrustFilterSet
from .models import IntegratedCareSystem, Region, TrustKind

OPEN_CHOICES = [("true", "Open"), ("false", "Closed")]
CURRENT_CHOICES = [("true", "Current"), ("false", "Closed or merged")]


def region_choices():
    return list(Region.objects.order_by("name").values_list("code", "name"))


def ics_choices():
    return [
        (code, _short(name)) for code, name in IntegratedCareSystem.objects.order_by("name").values_list("code", "name")
    ]


def _short(name: str) -> str:
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


class RegionListView(PortalListView):
    filterset_class = RegionFilterSet
    template_name = "trusts/region_list.html"

    def get_queryset(self):
        return selectors.region_list().select_related("hub")


class RegionDetailView(PortalDetailView):
    template_name = "trusts/region_detail.html"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Region.objects.select_related("hub", "hub__host_college").prefetch_related(
            Prefetch(
                "integrated_care_systems",
                queryset=selectors.integrated_care_system_list().order_by("closed_on", "name"),
                to_attr="ics_rows",
            )
        )


class IntegratedCareSystemListView(PortalListView):
    filterset_class = IntegratedCareSystemFilterSet
    template_name = "trusts/integratedcaresystem_list.html"

    def get_queryset(self):
        return selectors.integrated_care_system_list()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        use_select(filterset, "region", region_choices(), label="Region")
        use_select(filterset, "current", CURRENT_CHOICES, label="Status")
        filterset.form.fields["code"].label = "ICB code"
        return filterset


class IntegratedCareSystemDetailView(PortalDetailView):
    template_name = "trusts/integratedcaresystem_detail.html"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return selectors.integrated_care_system_list().prefetch_related("predecessors")

    def get_context_data(self, **kwargs):
        ics = self.object
        trusts = list(selectors.trust_list().filter(ics=ics).order_by("name"))
        return super().get_context_data(
            open_trusts=[trust for trust in trusts if trust.is_open],
            closed_trusts=[trust for trust in trusts if not trust.is_open],
            colleges=list(college_list().filter(ics=ics).order_by("name")),
            **kwargs,
        )


class TrustListView(PortalListView):
    filterset_class = TrustFilterSet
    template_name = "trusts/trust_list.html"

    def get_queryset(self):
        return selectors.trust_list()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        use_select(filterset, "ics", ics_choices(), label="ICS")
        use_select(filterset, "region", region_choices(), label="Region")
        use_select(filterset, "kind", TrustKind.choices, label="Kind of trust")
        use_select(filterset, "open", OPEN_CHOICES, label="Status")
        filterset.form.fields["ods_code"].label = "ODS code"
        return filterset


class TrustDetailView(PortalDetailView):
    template_name = "trusts/trust_detail.html"
    slug_field = slug_url_kwarg = "ods_code"

    def get_queryset(self):
        return selectors.trust_list().select_related("ics__succeeded_by", "ics__region__hub")
