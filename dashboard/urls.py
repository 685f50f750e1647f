from django.urls import path

from . import exports, impact, views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("compare/", views.compare, name="compare"),
    path("compare.xlsx", views.compare_export, name="compare_export"),
    path("impact/", impact.impact_page, name="impact"),
    path("regions.xlsx", exports.REGIONS.as_view(), name="regions_export"),
    path("warnings.xlsx", exports.WARNINGS.as_view(), name="warnings_export"),
]
