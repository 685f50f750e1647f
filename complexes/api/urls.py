from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("complexes", views.ComplexViewSet, basename="complex")
router.register("institutions", views.InstitutionViewSet, basename="institution")

urlpatterns = router.urls
