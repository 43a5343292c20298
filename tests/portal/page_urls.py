"""Test-only pages built on the shared write views, to exercise them before any app has its own.

Trusts are written by staff only (they define no `is_writable_by`), so any other role is out of scope.
"""

from django import forms
from django.urls import include, path, reverse_lazy

from core.views import PortalCreateView, PortalDeleteView, PortalUpdateView
from portal.urls import urlpatterns as portal_urlpatterns
from trusts.models import Trust


class TrustForm(forms.ModelForm):
    class Meta:
        model = Trust
        fields = ["ods_code", "name", "kind", "ics", "opened_on"]


class TrustCreate(PortalCreateView):
    model = Trust
    form_class = TrustForm
    page_title = "Add a trust"
    success_url = reverse_lazy("trusts:trust_list")


class TrustUpdate(PortalUpdateView):
    model = Trust
    form_class = TrustForm
    slug_field = slug_url_kwarg = "ods_code"
    page_title = "Change a trust"
    success_url = reverse_lazy("trusts:trust_list")


class TrustDelete(PortalDeleteView):
    model = Trust
    slug_field = slug_url_kwarg = "ods_code"
    success_url = reverse_lazy("trusts:trust_list")


test_pages = [
    path("add/", TrustCreate.as_view(), name="trust_add"),
    path("<str:ods_code>/edit/", TrustUpdate.as_view(), name="trust_edit"),
    path("<str:ods_code>/delete/", TrustDelete.as_view(), name="trust_delete"),
]

urlpatterns = [path("test-pages/trusts/", include((test_pages, "testpages"))), *portal_urlpatterns]
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
