"""Django's PostgreSQL backend, waiting for a server that is restarting.

A request that needs a new connection while the server restarts (refused, "starting up",
"shutting down") waits up to DATABASE_CONNECT_RETRY_SECONDS instead of failing; with
CONN_HEALTH_CHECKS a broken persistent connection is replaced at the start of a request. So a
restart costs only the requests that were in the middle of a query.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base

RETRY_PAUSE_SECONDS = 0.25


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + settings.DATABASE_CONNECT_RETRY_SECONDS
        while True:
            try:
                return super().get_new_connection(conn_params)
            except base.Database.OperationalError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(RETRY_PAUSE_SECONDS)
