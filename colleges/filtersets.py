import django_filters
from django.db.models import Exists, OuterRef, Q

from core.filtersets import PortalFilterSet
from trusts.selectors import ics_choices, occupation_choices, region_choices

from .models import College, CourseOffer, QualificationType


def hub_choices():
    hubs = College.hub.field.related_model.objects.order_by("name")
    return list(hubs.values_list("region__code", "name"))


class CollegeFilterSet(PortalFilterSet):
    search_fields = ("name", "ukprn", "ics__code")
    ukprn = django_filters.CharFilter(label="UKPRN")
    ics = django_filters.CharFilter(field_name="ics__code", label="ICS code")
    region = django_filters.CharFilter(field_name="ics__region__code", label="Region code")
    hub = django_filters.CharFilter(field_name="hub__region__code", label="Hub (region code)")
    page_selects = {
        "ics": ("ICS", ics_choices),
        "region": ("Region", region_choices),
        "hub": ("Employer hub", hub_choices),
    }

    class Meta:
        model = College
        fields = ["ukprn", "ics", "region", "hub"]


class CourseOfferFilterSet(PortalFilterSet):
    """Filters of the course offer list page and `course-offers/`; `q` searches titles and codes."""

    search_fields = ("title", "course_code", "college__name", "college__ukprn", "apprenticeship_standard__reference")
    search_label = "Search course titles and codes"
    course_code = django_filters.CharFilter(label="Course code")
    college = django_filters.CharFilter(field_name="college__ukprn", label="College (UKPRN)")
    ics = django_filters.CharFilter(method="filter_ics", label="ICS code (where the offer is delivered)")
    region = django_filters.CharFilter(method="filter_region", label="Region code")
    level = django_filters.NumberFilter(label="Level")
    qualification_type = django_filters.ChoiceFilter(choices=QualificationType.choices, label="Qualification type")
    apprenticeship_standard = django_filters.CharFilter(
        field_name="apprenticeship_standard__reference", label="Apprenticeship standard (reference)"
    )
    academic_year = django_filters.CharFilter(label="Academic year, like 2026/27")
    occupation = django_filters.CharFilter(method="filter_occupation", label="Leads to occupation (code)")
    page_selects = {
        "ics": ("ICS where it is taught", ics_choices),
        "region": ("Region", region_choices),
        "occupation": ("Leads to the role", occupation_choices),
    }

    class Meta:
        model = CourseOffer
        fields = [
            "college", "course_code", "ics", "region", "level", "qualification_type", "apprenticeship_standard",
            "academic_year", "occupation",
        ]

    def filter_ics(self, queryset, name, value):
        """An offer lies in its delivery ICS when it has one, else in its college's ICS."""
        return queryset.filter(Q(delivery_ics__code=value) | Q(delivery_ics__isnull=True, college__ics__code=value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Q(delivery_ics__region__code=value) | Q(delivery_ics__isnull=True, college__ics__region__code=value)
        )

    def filter_occupation(self, queryset, name, value):
        """Offers matched by an entry route into the occupation (DESIGN.md section 6)."""
        from pathways.models import EntryRoute

        routes = EntryRoute.objects.filter(occupation__code=value).filter(
            Q(apprenticeship_standard__isnull=False, apprenticeship_standard=OuterRef("apprenticeship_standard"))
            | Q(
                apprenticeship_standard__isnull=True,
                qualification_type=OuterRef("qualification_type"),
                level=OuterRef("level"),
            )
        )
        return queryset.filter(Exists(routes))
