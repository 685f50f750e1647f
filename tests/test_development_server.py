"""The development server (`manage.py runserver`, what `make run` serves with) bounds what a
burst of requests costs: the fault run (tests/faults/test_connection_bursts.py) sends the
bursts; these tests pin the two rules on the server class itself."""

import http.client
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connections

from portal.management.commands.runserver import MAX_CONNECTIONS, BoundedDevelopmentServer


@contextmanager
def serving(app) -> Iterator[int]:
    """The server as runserver builds it (threaded), serving ``app``; yields its port."""
    server_class = type("WSGIServer", (socketserver.ThreadingMixIn, BoundedDevelopmentServer), {})
    server_class.daemon_threads = True
    server = server_class(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def get(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_at_most_max_connections_are_served_at_once():
    lock = threading.Lock()
    in_flight = [0]
    most = [0]

    def slow_app(environ, start_response):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)
        with lock:
            in_flight[0] -= 1
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]

    statuses = []
    with serving(slow_app) as port:
        clients = [
            threading.Thread(target=lambda: statuses.append(get(port)))
            for _ in range(MAX_CONNECTIONS * 3)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
    assert statuses == [200] * (MAX_CONNECTIONS * 3)
    # Concurrent (each request sleeps), never more than the bound.
    assert 1 < most[0] <= MAX_CONNECTIONS


@pytest.mark.django_db
def test_a_thread_closes_its_database_connection_when_its_client_leaves():
    opened = []

    def database_app(environ, start_response):
        wrapper = connections["default"]
        wrapper.ensure_connection()
        opened.append(wrapper)
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]

    with serving(database_app) as port:
        assert get(port) == 200
        deadline = time.monotonic() + 5
        while opened[0].connection is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    assert opened[0].connection is None
