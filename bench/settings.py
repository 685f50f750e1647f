"""Production settings for the benchmarks: a throwaway key, plain HTTP on 127.0.0.1, and the
bench URLconf that adds the trivial JSON view the load test compares against."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmarks-only-" + "x" * 48)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")

from config.settings import *  # noqa: F403
from config.settings import CACHES, DATABASES, STORAGES

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
# No collectstatic before a benchmark: pages find their static files through the finders.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# The production cache (Redis with REDIS_URL, else local memory), one key space per bench
# database, so that the scales never read each other's cached lists.
CACHES["default"]["KEY_PREFIX"] = DATABASES["default"]["NAME"]
CELERY_TASK_ALWAYS_EAGER = True
