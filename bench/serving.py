"""What the benchmarks, the load test and the fault runs share: a seeded database of their own
and the portal served by gunicorn on 127.0.0.1."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "bench.settings"


def bench_database_url(base_url: str, scale: int) -> str:
    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'portal'}_bench_s{scale}"
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def admin_connection(base_url: str):
    connection = psycopg2.connect(urlunsplit(urlsplit(base_url)._replace(path="/postgres")))
    connection.autocommit = True
    return connection


def is_seeded(base_url: str, url: str) -> bool:
    with admin_connection(base_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)])
        if cursor.fetchone() is None:
            return False
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('complexes_complex') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT EXISTS (SELECT 1 FROM complexes_complex)")
        return cursor.fetchone()[0]


def recreate_database(base_url: str, url: str) -> None:
    name = database_name(url)
    connection = admin_connection(base_url)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def django_env(url: str, settings: str = SETTINGS, **extra: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings, **extra}


def manage(url: str, *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=django_env(url), check=True)


def seed(base_url: str, url: str, scale: int) -> float:
    recreate_database(base_url, url)
    manage(url, "migrate", "--no-input", "-v", "0")
    started = perf_counter()
    manage(url, "seed_demo", "--scale", str(scale))
    return perf_counter() - started


def seeded_database(base_url: str, scale: int, reseed: bool = False) -> tuple[str, float | None]:
    """The scale's own database, seeded unless it already is: its URL and the seconds seeding
    took (None when reused)."""
    url = bench_database_url(base_url, scale)
    if reseed or not is_seeded(base_url, url):
        print(f"Seeding scale {scale} into {database_name(url)} …", flush=True)
        return url, seed(base_url, url, scale)
    manage(url, "migrate", "--no-input", "-v", "0")
    return url, None


def analyze(url: str) -> None:
    """Planner statistics and visibility maps, as the database has them once autovacuum has
    passed after seeding (index-only scans read the table for pages not yet marked visible)."""
    connection = psycopg2.connect(url)
    connection.autocommit = True  # VACUUM runs outside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def gunicorn(env: dict, port: int | None = None, workers: int = 2, ready_path: str = "/healthz/",
             log=subprocess.DEVNULL) -> Iterator[str]:  # fmt: skip
    """gunicorn serving the portal on 127.0.0.1 with the environment given; yields its address
    once ``ready_path`` answers."""
    address = f"http://127.0.0.1:{port or free_port()}"
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "-b", address.removeprefix("http://"),
         "-w", str(workers)],
        cwd=ROOT,
        env=env,
        stderr=log,
    )  # fmt: skip
    try:
        wait_until_answering(address + ready_path)
        yield address
    finally:
        server.terminate()
        server.wait()


def write_block(report: Path, marker: str, lines: list[str]) -> None:
    """Replace the block between ``<!-- marker -->`` and ``<!-- /marker -->`` in the report, or
    append it."""
    begin, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = "\n".join([begin, *lines, end])
    text = report.read_text() if report.exists() else ""
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    report.write_text(text)
