"""`manage.py runserver` (what `make run` serves with) made to survive bursts of requests.

Django's development server starts a thread per client connection and never closes the
database connection such a thread opened: with persistent connections (CONN_MAX_AGE) the
connection outlives its thread until the garbage collector happens to free it, which on an
idle server can take many minutes. One burst of a hundred requests then used up PostgreSQL's
max_connections, and every later request failed until the collector ran.

This server closes a thread's database connections when its client connection ends (as
Django's own test server does) and serves at most MAX_CONNECTIONS client connections at once:
the others wait in the listen queue, so the database never sees more than that many
connections from it. An idle keep-alive connection is dropped after IDLE_SECONDS so that a
browser's spare connections do not hold those places.
"""

import threading

from django.core.servers.basehttp import WSGIServer
from django.db import connections
from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as RunserverCommand,
)

MAX_CONNECTIONS = 16
IDLE_SECONDS = 5
# A burst waits here instead of being refused (Django's development server keeps 10).
LISTEN_QUEUE = 256


class BoundedDevelopmentServer(WSGIServer):
    request_queue_size = LISTEN_QUEUE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.free_places = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def get_request(self):
        client, address = super().get_request()
        client.settimeout(IDLE_SECONDS)
        return client, address

    def verify_request(self, request, client_address):
        # Called by the accepting loop before it hands the connection to a thread: waiting
        # here stops accepting until a thread has finished. Every accepted connection ends in
        # close_request, whether a thread served it or starting one failed.
        self.free_places.acquire()
        return True

    def close_request(self, request):
        try:
            connections.close_all()
            super().close_request(request)
        finally:
            self.free_places.release()


class Command(RunserverCommand):
    server_cls = BoundedDevelopmentServer
