"""The OpenAPI schema and its interactive docs: for signed-in users unless API_SCHEMA_PUBLIC is set.

The docs page is self-contained (Swagger UI from drf-spectacular-sidecar, served as our own static
files, and its start-up script fetched from the same view with `?script`), so it works under the
portal's Content-Security-Policy without inline script or a CDN.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission


class SchemaAccess(BasePermission):
    """Signed-in users only, unless settings.API_SCHEMA_PUBLIC (read on each request)."""

    message = "Sign in (or send `Authorization: Token <key>`) to read the API schema."

    def has_permission(self, request, view):
        return settings.API_SCHEMA_PUBLIC or bool(request.user and request.user.is_authenticated)


class PortalSchemaView(SpectacularAPIView):
    permission_classes = [SchemaAccess]


class PortalDocsView(SpectacularSwaggerSplitView):
    permission_classes = [SchemaAccess]

    def handle_exception(self, exc):
        # A person opening the docs in a browser is sent to the sign-in page, then back here.
        if isinstance(exc, NotAuthenticated) and "script" not in self.request.GET:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
