"""bench.settings with the cache and the Celery broker on REDIS_URL, as deployed: the fault runs
serve the portal with it (tests/faults)."""

from bench.settings import *  # noqa: F403
from portal import settings as deployed

CACHES = deployed.CACHES
CELERY_TASK_ALWAYS_EAGER = deployed.CELERY_TASK_ALWAYS_EAGER
