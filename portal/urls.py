from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from planning import urls as planning_urls

from . import views
from .api_docs import PortalDocsView, PortalSchemaView
from .api_token_view import ApiTokenCreateView

api_v1 = [
    path("auth/token/", ApiTokenCreateView.as_view(), name="api-token"),
    path("schema/", PortalSchemaView.as_view(), name="schema"),
    path("docs/", PortalDocsView.as_view(url_name="schema"), name="docs"),
    path("", include("portal.api")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("about/data/", views.about_data, name="about_data"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/token/", views.account_token_rotate, name="account_token_rotate"),
    path("account/tokens/<int:user_id>/revoke/", views.account_token_revoke, name="account_token_revoke"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("trusts.urls")),
    path("", include("colleges.urls")),
    path("", include("hubs.urls")),
    path("", include("planning.urls")),
    # The dashboards and pathway pages lived in pathways: their old route names still reverse.
    path("", include((planning_urls.urlpatterns, "pathways"))),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
