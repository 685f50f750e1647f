from django.urls import path

from . import views

urlpatterns = [path("dashboard/summary/", views.SummaryView.as_view(), name="dashboard-summary")]
