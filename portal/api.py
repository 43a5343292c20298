"""The one API router: every app's viewsets under kebab-case plural paths (DESIGN.md section 5)."""

from django.urls import re_path
from rest_framework.routers import DefaultRouter

from colleges.api.views import CollegeViewSet, CourseOfferViewSet
from core.api_views import api_not_found
from hubs.api.views import ActivityViewSet, HubViewSet, PartnershipViewSet, PlacementViewSet
from pathways.api.views import (
    ApprenticeshipStandardViewSet,
    CompletionRateViewSet,
    EntryRouteViewSet,
    OccupationViewSet,
    ProgressionViewSet,
)
from planning.api.views import GapReportViewSet, ScenarioViewSet
from trusts.api.views import IntegratedCareSystemViewSet, RegionViewSet, TrustViewSet, VacancyViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet)
router.register("integrated-care-systems", IntegratedCareSystemViewSet)
router.register("trusts", TrustViewSet)
router.register("vacancies", VacancyViewSet)
router.register("colleges", CollegeViewSet)
router.register("course-offers", CourseOfferViewSet)
router.register("occupations", OccupationViewSet)
router.register("apprenticeship-standards", ApprenticeshipStandardViewSet)
router.register("entry-routes", EntryRouteViewSet)
router.register("progressions", ProgressionViewSet)
router.register("completion-rates", CompletionRateViewSet)
router.register("gap-reports", GapReportViewSet, basename="gapreport")
router.register("hubs", HubViewSet)
router.register("partnerships", PartnershipViewSet)
router.register("activities", ActivityViewSet)
router.register("scenarios", ScenarioViewSet, basename="scenario")
router.register("placements", PlacementViewSet, basename="placement")

app_name = "api"
# Last: any other path under the API answers a JSON 404.
urlpatterns = [*router.urls, re_path(r"^", api_not_found, name="not-found")]
