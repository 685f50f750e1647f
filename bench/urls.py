"""The portal's URLs plus the baseline of the load test: a JSON view that touches nothing."""

from django.http import JsonResponse
from django.urls import include, path


def trivial_json(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/trivial/", trivial_json), path("", include("config.urls"))]
