"""Running the same action from many threads at once, each on its own database connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

THREADS = 50


def run_at_once(function, arguments):
    """Run ``function`` on every argument in its own thread (and connection), all at once."""
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait(timeout=30)
            return function(argument)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))
