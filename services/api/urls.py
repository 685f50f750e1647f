from rest_framework.routers import DefaultRouter

from . import impact_surveys, views, voucher_applications

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("offerings", views.OfferingViewSet, basename="offering")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("service-requests", views.ServiceRequestViewSet, basename="service-request")
router.register("vouchers", views.VoucherViewSet, basename="voucher")
router.register(
    "voucher-applications",
    voucher_applications.VoucherApplicationViewSet,
    basename="voucher-application",
)
router.register("impact-surveys", impact_surveys.ImpactSurveyViewSet, basename="impact-survey")
router.register("voucher-settlements", views.SettlementViewSet, basename="voucher-settlement")

urlpatterns = router.urls
