"""The recomputation's advisory lock, held by another database session as a rival run would."""

from contextlib import contextmanager

from evaluation import recompute
from tests.processes import separate_session


@contextmanager
def recompute_lock_held_elsewhere():
    holder = separate_session()
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
