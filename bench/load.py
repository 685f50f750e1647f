"""``python -m bench.load``: 50 people browse the portal for 60 s (locust, bench/locustfile.py)
against gunicorn on 127.0.0.1, on the seeded scale-1 database of the benchmarks. Prints the
figures, writes them into docs/RELIABILITY.md, and exits non-zero if any request failed.
Needs DATABASE_URL (``make load`` supplies the embedded server when it is unset)."""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from .serving import PYTHON, ROOT, analyze, django_env, gunicorn, seeded_database, write_block

REPORT = ROOT / "docs" / "RELIABILITY.md"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SCALE = 1


def run_locust(address: str, users: int, seconds: int, prefix: Path) -> int:
    return subprocess.run(
        [PYTHON, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
         "--host", address, "--users", str(users), "--spawn-rate", str(max(users // 5, 1)),
         "--run-time", f"{seconds}s", "--stop-timeout", "5", "--csv", str(prefix),
         "--exit-code-on-error", "1", "--loglevel", "WARNING"],
        cwd=ROOT,
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


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--no-report", action="store_true", help="Print only.")
    options = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        parser.error("DATABASE_URL is not set (make load starts an embedded server).")
    url, _seconds = seeded_database(base_url, SCALE)
    analyze(url)
    # Other jobs on the machine share its cores: say how busy it was.
    busy = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch, gunicorn(django_env(url)) as address:
        prefix = Path(scratch) / "load"
        status = run_locust(address, options.users, options.seconds, prefix)
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
