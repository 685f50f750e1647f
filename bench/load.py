"""``python -m bench.load``: 50 people use the portal for 60 s (locust, bench/locustfile.py)
against gunicorn on 127.0.0.1, on the seeded scale-1 database of the benchmarks. Prints the
figures, writes them into docs/RELIABILITY.md, and exits non-zero if any request failed.
``--ramp 50,100,150,200`` runs one round per number of people instead and reports where the
server saturates (requests per second stop growing while the times grow). Needs DATABASE_URL
(``make load`` supplies the embedded server when it is unset)."""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import psycopg2

from .serving import PYTHON, ROOT, analyze, django_env, gunicorn, seeded_database, write_block

REPORT = ROOT / "docs" / "RELIABILITY.md"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SCALE = 1


# Demo accounts the signed-in people of the locustfile choose from.
ACCOUNTS_PER_ROLE = 200


def write_demo_accounts(url: str, path: Path) -> None:
    accounts = {}
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        for kind, role in (("operators", "operator"), ("enterprises", "enterprise")):
            # The owners: an operator's user name names the complex (op-<code>).
            cursor.execute(
                "SELECT username FROM accounts_user WHERE role = %s AND team_role = 'owner' "
                "AND is_active ORDER BY username LIMIT %s",
                [role, ACCOUNTS_PER_ROLE],
            )
            accounts[kind] = [username for (username,) in cursor.fetchall()]
    path.write_text(json.dumps(accounts))


def run_locust(address: str, users: int, seconds: int, prefix: Path, accounts: Path) -> int:
    return subprocess.run(
        [PYTHON, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
         "--host", address, "--users", str(users), "--spawn-rate", str(max(users // 5, 1)),
         "--run-time", f"{seconds}s", "--stop-timeout", "5", "--csv", str(prefix),
         "--exit-code-on-error", "1", "--loglevel", "WARNING"],
        cwd=ROOT,
        env={**os.environ, "LOAD_ACCOUNTS": str(accounts)},
    ).returncode  # fmt: skip


def figures(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def table(rows: list[dict], users: int, seconds: int) -> list[str]:
    lines = [
        f"{users} users for {seconds} s, measured {date.today().isoformat()}:",
        "",
        "| page | requests | failures | req/s | median ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        lines.append(
            f"| {row['Type']} {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    return lines


def ramp_table(rounds: list[tuple[int, dict]], seconds: int) -> list[str]:
    """One line per round; the saturation point is the first round whose requests per second
    grew by less than a tenth while the people grew."""
    lines = [
        f"Ramp: one round of {seconds} s per number of people, measured "
        f"{date.today().isoformat()}:",
        "",
        "| people | requests | failures | req/s | median ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    saturated = None
    for number, (users, row) in enumerate(rounds):
        lines.append(
            f"| {users} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
        if number and saturated is None:
            before = float(rounds[number - 1][1]["Requests/s"])
            if float(row["Requests/s"]) < before * 1.1:
                saturated = rounds[number - 1][0]
    lines += [
        "",
        f"Saturates at about {saturated} people: beyond them the server answers no more "
        "requests per second, and each person waits longer."
        if saturated
        else "Did not saturate within the rounds: requests per second grew with the people.",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--ramp", help="Comma-separated numbers of people, one round each (e.g. 50,100,150,200)."
    )
    parser.add_argument("--no-report", action="store_true", help="Print only.")
    options = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        parser.error("DATABASE_URL is not set (make load starts an embedded server).")
    url, _seconds = seeded_database(base_url, SCALE)
    analyze(url)
    # Other jobs on the machine share its cores: say how busy it was.
    busy = os.getloadavg()[0]
    rounds = [int(users) for users in options.ramp.split(",")] if options.ramp else []
    # Each simulated person comes from an address of their own, as people behind the
    # production proxy do (bench/locustfile.py): from one address, the per-address login
    # budget would refuse a hundred people signing in, as it should.
    served = django_env(url, DJANGO_BEHIND_PROXY="true", DJANGO_PROXY_COUNT="1")
    with tempfile.TemporaryDirectory() as scratch, gunicorn(served) as address:
        accounts = Path(scratch) / "accounts.json"
        write_demo_accounts(url, accounts)
        if rounds:
            results = []
            for users in rounds:
                prefix = Path(scratch) / f"ramp-{users}"
                run_locust(address, users, options.seconds, prefix, accounts)
                results.append((users, figures(prefix)[-1]))
            lines = [
                f"Command: `python -m bench.load --ramp {options.ramp} --seconds "
                f"{options.seconds}`: gunicorn -w 2 on the seeded scale-1 database; locust on "
                f"the same machine ({os.cpu_count()} cores, load average {busy:.1f}).",
                "",
                *ramp_table(results, options.seconds),
            ]
            print("\n".join(lines))
            if not options.no_report:
                write_block(REPORT, "load ramp", lines)
            return 0
        prefix = Path(scratch) / "load"
        status = run_locust(address, options.users, options.seconds, prefix, accounts)
        rows = figures(prefix)
    lines = [
        f"Command: `make load` (`python -m bench.load --users {options.users} "
        f"--seconds {options.seconds}`): gunicorn -w 2 on the seeded scale-1 database; "
        f"locust on the same machine ({os.cpu_count()} cores, load average {busy:.1f} when it began).",
        "",
        *table(rows, options.users, options.seconds),
    ]
    print("\n".join(lines))
    failures = sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")
    if not options.no_report:
        write_block(REPORT, "load", lines)
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
