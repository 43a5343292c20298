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
    path("methodology/completion-rates/", views.completion_rates, name="completion_rates"),
    # Public career pathway pages
    path("pathways/", views.pathway_list, name="pathway_list"),
    path("pathways/<slug:code>/", views.pathway_detail, name="pathway_detail"),
]

urlpatterns += [
    # Gap reports asked for from the browser (issue 10.4), and scenarios (DESIGN.md 6.4, issue 10.3)
    path("dashboards/reports/new/", views.gap_report_request_page, name="gap_report_request"),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/new/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", views.scenario_update, name="scenario_update"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/copy/", views.scenario_copy, name="scenario_copy"),
    path("scenarios/<int:pk>/share/", views.scenario_share, name="scenario_share"),
    path("scenarios/<int:pk>/offers/add/", views.scenario_offer_add, name="scenario_offer_add"),
    path("scenarios/<int:pk>/offers/<int:offer_pk>/remove/", views.scenario_offer_remove,
         name="scenario_offer_remove"),
    path("scenarios/<int:pk>/adjustments/add/", views.scenario_adjustment_add, name="scenario_adjustment_add"),
    path("scenarios/<int:pk>/adjustments/<int:adjustment_pk>/remove/", views.scenario_adjustment_remove,
         name="scenario_adjustment_remove"),
    path("scenarios/<int:pk>/reports/request/", views.scenario_report_request, name="scenario_report_request"),
    path("scenarios/<int:pk>/compare/", views.scenario_compare, name="scenario_compare"),
]
