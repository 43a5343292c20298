from django.urls import path

from . import views

app_name = "trusts"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<str:code>/", views.RegionDetailView.as_view(), name="region_detail"),
    path(
        "integrated-care-systems/",
        views.IntegratedCareSystemListView.as_view(),
        name="integratedcaresystem_list",
    ),
    path(
        "integrated-care-systems/<str:code>/",
        views.IntegratedCareSystemDetailView.as_view(),
        name="integratedcaresystem_detail",
    ),
    path("trusts/", views.TrustListView.as_view(), name="trust_list"),
    path("trusts/<str:ods_code>/", views.TrustDetailView.as_view(), name="trust_detail"),
    path("vacancies/", views.VacancyListView.as_view(), name="vacancy_list"),
    path("vacancies/upload/", views.VacancyUploadView.as_view(), name="vacancy_upload"),
    path("vacancies/upload/template.csv", views.VacancyUploadTemplateView.as_view(), name="vacancy_upload_template"),
]
