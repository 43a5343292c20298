from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    # Gap dashboards: England, a region (the hub's view), an ICS (the people board's), an occupation's drill-down
    path("dashboards/", views.dashboard, name="dashboard"),
    path("dashboards/request/", views.dashboard_request, name="dashboard_request"),
    path("dashboards/compare/", views.dashboard_compare, name="dashboard_compare"),
    path("dashboards/trend/", views.dashboard_trend, name="dashboard_trend"),
    path("dashboards/region/<str:code>/", views.dashboard_region, name="dashboard_region"),
    path("dashboards/ics/<str:code>/", views.dashboard_ics, name="dashboard_ics"),
    path(
        "dashboards/<str:level>/<str:code>/occupations/<slug:occupation>/",
        views.dashboard_occupation,
        name="dashboard_occupation",
    ),
    path("methodology/", views.methodology, name="methodology"),
    # Public career pathway pages
    path("pathways/", views.pathway_list, name="pathway_list"),
    path("pathways/<slug:code>/", views.pathway_detail, name="pathway_detail"),
]
