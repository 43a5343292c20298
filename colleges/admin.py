from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import College, CourseOffer


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["ukprn", "name", "ics", "hub", "provider_type"]
    list_filter = ["provider_type", "ics__region"]
    search_fields = ["ukprn", "name"]
    list_select_related = ["ics", "hub"]
    autocomplete_fields = ["ics"]


@admin.register(CourseOffer)
class CourseOfferAdmin(SimpleHistoryAdmin):
    list_display = ["course_code", "title", "college", "academic_year", "qualification_type", "level", "planned_places"]
    list_filter = ["academic_year", "qualification_type", "level"]
    search_fields = ["course_code", "title", "college__name", "college__ukprn"]
    list_select_related = ["college"]
    autocomplete_fields = ["college", "delivery_ics"]
    raw_id_fields = ["apprenticeship_standard"]
