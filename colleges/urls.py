from django.urls import path

from . import views

app_name = "colleges"
urlpatterns = [
    path("colleges/", views.CollegeListView.as_view(), name="college_list"),
    path("colleges/<str:ukprn>/", views.CollegeDetailView.as_view(), name="college_detail"),
    path("colleges/<str:ukprn>/offers/add/", views.CourseOfferCreateView.as_view(), name="courseoffer_create"),
    path("colleges/<str:ukprn>/offers/upload/", views.CourseOfferUploadView.as_view(), name="courseoffer_upload"),
    path(
        "colleges/<str:ukprn>/offers/upload/template.csv",
        views.CourseOfferUploadTemplateView.as_view(),
        name="courseoffer_upload_template",
    ),
    path("course-offers/", views.CourseOfferListView.as_view(), name="courseoffer_list"),
    path("course-offers/<int:pk>/", views.CourseOfferDetailView.as_view(), name="courseoffer_detail"),
    path("course-offers/<int:pk>/edit/", views.CourseOfferUpdateView.as_view(), name="courseoffer_update"),
    path("course-offers/<int:pk>/delete/", views.CourseOfferDeleteView.as_view(), name="courseoffer_delete"),
]
