from django.urls import path

from . import views

app_name = "colleges"
urlpatterns = [
    path("colleges/", views.CollegeListView.as_view(), name="college_list"),
    path("colleges/<str:ukprn>/", views.CollegeDetailView.as_view(), name="college_detail"),
]
