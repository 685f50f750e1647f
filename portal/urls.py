from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("complexes.api.urls")),
    path("", include("services.api.urls")),
    path("", include("evaluation.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("dashboard.api.urls")),
]

handler400 = views.bad_request
handler404 = views.not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("complexes/", include("complexes.urls")),
    path("services/", include("services.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("funding/", include("funding.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
    path("healthz/", views.health, name="health"),
    path("exports/", views.my_exports, name="my_exports"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
