from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("funding-rules", views.RuleSetViewSet, basename="funding-rule")

urlpatterns = router.urls
