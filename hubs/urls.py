from django.urls import path

from . import views

app_name = "hubs"
urlpatterns = [
    path("hubs/", views.HubListView.as_view(), name="hub_list"),
    path("hubs/add/", views.HubCreateView.as_view(), name="hub_add"),
    path("hubs/<str:code>/", views.HubDetailView.as_view(), name="hub_detail"),
    path("hubs/<str:code>/roles/", views.HubRoleMapView.as_view(), name="hub_roles"),
    path("hubs/<str:code>/edit/", views.HubUpdateView.as_view(), name="hub_edit"),
    path("hubs/<str:code>/delete/", views.HubDeleteView.as_view(), name="hub_delete"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership_list"),
    path("partnerships/add/", views.PartnershipCreateView.as_view(), name="partnership_add"),
    path("partnerships/<int:pk>/", views.PartnershipDetailView.as_view(), name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", views.PartnershipUpdateView.as_view(), name="partnership_edit"),
    path("partnerships/<int:pk>/delete/", views.PartnershipDeleteView.as_view(), name="partnership_delete"),
    path("partnerships/<int:partnership>/contacts/add/", views.ContactCreateView.as_view(), name="contact_add"),
    path("contacts/<int:pk>/edit/", views.ContactUpdateView.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.ContactDeleteView.as_view(), name="contact_delete"),
    path("partnerships/<int:partnership>/activities/add/", views.ActivityCreateView.as_view(), name="activity_add"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity_edit"),
    path("activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("front-door/", views.FrontDoorView.as_view(), name="front_door"),
    path("good-practice/", views.CaseStudyListView.as_view(), name="casestudy_list"),
    path("good-practice/add/", views.CaseStudyCreateView.as_view(), name="casestudy_add"),
    path("good-practice/<int:pk>/", views.CaseStudyDetailView.as_view(), name="casestudy_detail"),
    path("good-practice/<int:pk>/edit/", views.CaseStudyUpdateView.as_view(), name="casestudy_edit"),
    path("good-practice/<int:pk>/delete/", views.CaseStudyDeleteView.as_view(), name="casestudy_delete"),
    path("placements/", views.PlacementsView.as_view(), name="placements"),
    path("placements/region/<str:code>/", views.RegionPlacementsView.as_view(), name="placements_region"),
    path("placements/ics/<str:code>/", views.IcsPlacementsView.as_view(), name="placements_ics"),
]
