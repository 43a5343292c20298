"""Pages for colleges (and, from the course-offers work, their offers)."""

from hubs.models import Hub
from portal.views import PortalDetailView, PortalListView, use_select
from trusts.views import ics_choices, region_choices

from .filtersets import CollegeFilterSet
from .selectors import college_list


class CollegeListView(PortalListView):
    filterset_class = CollegeFilterSet
    template_name = "colleges/college_list.html"

    def get_queryset(self):
        return college_list()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        use_select(filterset, "ics", ics_choices(), label="ICS")
        use_select(filterset, "region", region_choices(), label="Region")
        hubs = Hub.objects.select_related("region").order_by("name")
        use_select(filterset, "hub", [(hub.region.code, hub.name) for hub in hubs], label="Employer hub")
        filterset.form.fields["ukprn"].label = "UKPRN"
        return filterset


class CollegeDetailView(PortalDetailView):
    template_name = "colleges/college_detail.html"
    slug_field = slug_url_kwarg = "ukprn"

    def get_queryset(self):
        return college_list().select_related("hub__host_college", "ics__succeeded_by")
