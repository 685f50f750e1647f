"""What the fault runs serve with gunicorn: the benchmarks' production settings with the cache
and the Celery broker on REDIS_URL, as deployed, and the test suite's password hasher (the
users come from the factories)."""

from bench.settings import *  # noqa: F403
from config import settings as deployed
from config import settings_test

CACHES = deployed.CACHES
CELERY_TASK_ALWAYS_EAGER = deployed.CELERY_TASK_ALWAYS_EAGER
PASSWORD_HASHERS = settings_test.PASSWORD_HASHERS
