"""Django's PostgreSQL backend, waiting for a server that is restarting.

Once a process has reached the server, a new connection that fails because the server is not
there or not ready (refused, no socket, "starting up", "shutting down") is tried again for up
to DATABASE_CONNECT_RETRY_SECONDS instead of failing the request; with CONN_HEALTH_CHECKS a
broken persistent connection is replaced at the start of a request. So a restart costs only
the requests that were in the middle of a query. The first connection of a process does not
wait: a wrong address or database name shows at once.

Any other refusal fails at once. A server that is up but has no connection slot left ("too
many clients") is not helped by more clients knocking four times a second while holding their
requests open: that is how a burst of requests kept the slots taken.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base

RETRY_PAUSE_SECONDS = 0.25
# libpq and the server report these without an SQLSTATE, so they are recognised by their
# (English) messages; a message not listed here fails at once, the safe way round.
SERVER_NOT_READY = (
    "Connection refused",
    "No such file or directory",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is not yet accepting connections",
    "the database system is in recovery mode",
    "server closed the connection unexpectedly",
)
# Per process, not per connection object: Django may make a new one for a new thread or request.
reached_server = False


def server_not_ready(error: Exception) -> bool:
    return any(message in str(error) for message in SERVER_NOT_READY)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        global reached_server
        deadline = time.monotonic() + settings.DATABASE_CONNECT_RETRY_SECONDS
        while True:
            try:
                connection = super().get_new_connection(conn_params)
            except base.Database.OperationalError as error:
                if not (reached_server and server_not_ready(error)):
                    raise
                if time.monotonic() >= deadline:
                    raise
                time.sleep(RETRY_PAUSE_SECONDS)
            else:
                reached_server = True
                return connection
