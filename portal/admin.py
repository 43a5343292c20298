from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "email", "role", "hub", "ics", "college", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    list_select_related = ["hub", "ics", "college"]
    autocomplete_fields = ["ics", "college"]
    fieldsets = UserAdmin.fieldsets + (("Portal role", {"fields": ("role", "hub", "ics", "college")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Portal role", {"fields": ("role", "hub", "ics", "college")}),)
