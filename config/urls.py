from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import login_rate_limit, set_language
from portal import views

from . import views as project_views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("complexes.api.urls")),
    path("", include("services.api.urls")),
    path("", include("evaluation.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("dashboard.api.urls")),
]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.not_found
handler500 = views.server_error

# Uploaded files are never served from MEDIA_URL, not even under DEBUG: each goes out through a
# view that checks the reader's scope (a service request's attachment, an export's file).
urlpatterns = [
    path("", project_views.home, name="home"),
    # The navbar's language switch: Django's, also keeping the choice on a signed-in account.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("complexes/", include("complexes.urls")),
    path("services/", include("services.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("funding/", include("funding.urls")),
    path("dashboard/", include("dashboard.urls")),
    # Ahead of the admin's own route for the same path: its login form is rate limited too.
    path("admin/login/", login_rate_limit(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script), so the
    # Content-Security-Policy needs no inline script for it.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
    path("healthz/", views.health, name="health"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<slug:slug>.csv", views.open_data_csv, name="open_data_csv"),
    path("exports/", views.my_exports, name="my_exports"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
]
