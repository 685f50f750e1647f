"""Real processes against the test database: a Celery worker, the portal under gunicorn."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def current_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for processes of its own."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )


def celery_worker(redis_url: str, **extra_env: str) -> subprocess.Popen:
    """`celery -A portal worker -c 1` on the test database, in a process group of its own (so a
    test can kill it whole); stdout and stderr go to its ``stdout`` pipe."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": redis_url,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "warning", "-c", "1",
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
