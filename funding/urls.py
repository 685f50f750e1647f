from django.urls import path

from . import exports, views

app_name = "funding"
urlpatterns = [
    path("", views.table, name="table"),
    path("export.xlsx", exports.ALLOCATIONS.as_view(), name="export"),
    path("simulate/", views.simulate, name="simulate"),
    path("recompute/", views.recompute, name="recompute"),
    path("publish/", views.publish, name="publish"),
    path("rules/", views.rules, name="rules"),
    path("history/<str:code>/", views.history, name="history"),
    path("decisions/<int:pk>/document.pdf", views.decision_pdf, name="decision_pdf"),
]
