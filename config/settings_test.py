"""Settings for the test suite: production settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-" + "x" * 48)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the finders, so tests need no collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
CELERY_TASK_ALWAYS_EAGER = True
# Tests never share a cache with Celery's broker: clearing it must not wipe the queues.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
