"""The recomputation's advisory lock, held by another database session as a rival run would."""

from contextlib import contextmanager

import psycopg2
from django.db import connection

from evaluation import recompute


@contextmanager
def recompute_lock_held_elsewhere():
    settings = connection.settings_dict
    holder = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [recompute.RECOMPUTE_LOCK_KEY])
        yield
        # Unlock explicitly: the server frees a closed session's locks only once its backend
        # notices the disconnection, which may come after the caller's next attempt.
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [recompute.RECOMPUTE_LOCK_KEY])
    finally:
        holder.close()
