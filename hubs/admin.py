from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, CaseStudy, Contact, Hub, Partnership, PartnershipAgenda


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "host_college"]
    list_select_related = ["region", "host_college"]
    raw_id_fields = ["host_college"]
    search_fields = ["name", "region__code"]


class PartnershipAgendaInline(admin.TabularInline):
    model = PartnershipAgenda
    extra = 0
    filter_horizontal = ["contacts"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["college", "trust", "ics", "status", "started_on"]
    list_filter = ["status", "college__hub"]
    list_select_related = ["college", "trust", "ics"]
    search_fields = ["college__name", "trust__name", "ics__name"]
    raw_id_fields = ["college", "trust", "ics"]
    inlines = [PartnershipAgendaInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_title", "side", "team", "partnership"]
    list_select_related = ["partnership__college", "partnership__trust", "partnership__ics"]
    search_fields = ["name", "email"]
    raw_id_fields = ["partnership"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "happened_on", "partnership", "learners", "hires"]
    list_filter = ["kind"]
    list_select_related = ["partnership__college", "partnership__trust", "partnership__ics"]
    raw_id_fields = ["partnership"]


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "hub", "agenda", "updated_at"]
    list_filter = ["agenda", "hub"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["colleges", "trusts"]
