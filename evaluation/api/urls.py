from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports", views.ReportViewSet, basename="report")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("jobs", views.JobViewSet, basename="job")
router.register("expert-reviews", views.ExpertReviewViewSet, basename="expert-review")
router.register(
    "management-decisions", views.ManagementDecisionViewSet, basename="management-decision"
)

urlpatterns = [
    *router.urls,
    path(
        "reporting-progress/",
        views.ReportingProgressView.as_view(),
        name="reporting-progress",
    ),
]
