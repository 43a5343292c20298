"""The one API router: every app's viewsets under kebab-case plural paths (DESIGN.md section 5)."""

from rest_framework.routers import DefaultRouter

from colleges.api.views import CollegeViewSet
from pathways.api.views import ApprenticeshipStandardViewSet, OccupationViewSet
from trusts.api.views import IntegratedCareSystemViewSet, RegionViewSet, TrustViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet)
router.register("integrated-care-systems", IntegratedCareSystemViewSet)
router.register("trusts", TrustViewSet)
router.register("colleges", CollegeViewSet)
router.register("occupations", OccupationViewSet)
router.register("apprenticeship-standards", ApprenticeshipStandardViewSet)

app_name = "api"
urlpatterns = router.urls
