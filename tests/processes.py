"""Real processes against the test database: a Celery worker, the portal under gunicorn."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def current_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for processes of its own."""
    settings = connection.settings_dict
    # A Unix-socket directory (the embedded server) goes percent-encoded in the host.
    host = quote(settings["HOST"], safe="")
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def separate_session():
    """A psycopg2 session of its own on the test database, as another process would have."""
    return psycopg2.connect(current_database_url())


def celery_worker(redis_url: str, **extra_env: str) -> subprocess.Popen:
    """`celery -A config worker -c 1` on the test database, in a process group of its own (so a
    test can kill it whole); stdout and stderr go to its ``stdout`` pipe."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": redis_url,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "-c", "1",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving_worker(redis_url: str, **extra_env: str) -> Iterator[subprocess.Popen]:
    """A Celery worker serving this test's tasks: the queue emptied first, tasks sent to the
    broker instead of run in the test's process, the worker stopped at the end."""
    from config.celery import app

    app.control.purge()
    process = celery_worker(redis_url, **extra_env)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = eager
        stop(process)


def wait_until_finished(job, process: subprocess.Popen, timeout: float = 90):
    """``job`` (a row with ``finished`` and ``status``) reloaded until the worker has finished it;
    the test fails if the worker stops or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        if process.poll() is not None:
            pytest.fail(f"the worker stopped: {process.stdout.read().decode()[-2000:]}")
        time.sleep(0.3)
    pytest.fail(f"{job} did not finish in {timeout} s (status {job.status})")
