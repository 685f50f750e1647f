"""Django's PostgreSQL backend, waiting for a server that is restarting.

Once a process has reached the server, a new connection that fails (refused, "starting up",
"shutting down") is tried again for up to DATABASE_CONNECT_RETRY_SECONDS instead of failing the
request; with CONN_HEALTH_CHECKS a broken persistent connection is replaced at the start of a
request. So a restart costs only the requests that were in the middle of a query. The first
connection of a process does not wait: a wrong address or database name shows at once.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base

RETRY_PAUSE_SECONDS = 0.25
# Per process, not per connection object: Django may make a new one for a new thread or request.
reached_server = False


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        global reached_server
        deadline = time.monotonic() + settings.DATABASE_CONNECT_RETRY_SECONDS
        while True:
            try:
                connection = super().get_new_connection(conn_params)
            except base.Database.OperationalError:
                if not reached_server or time.monotonic() >= deadline:
                    raise
                time.sleep(RETRY_PAUSE_SECONDS)
            else:
                reached_server = True
                return connection
