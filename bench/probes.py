"""Measurements that run inside a fresh Django process against the bench database:
``python -m bench.probes NAME [REPEAT]`` prints one JSON object on its last line."""

import json
import resource
import statistics
import sys
from time import perf_counter

import django


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = perf_counter()
        function()
        durations.append((perf_counter() - started) * 1000)
    return durations


class QueryCounter:
    """A database execute wrapper that counts the queries run inside it."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def pages(repeat: int) -> dict:
    """Server time of the dashboard overview and the summary endpoint, as the province sees
    them (the biggest scope), through the Django test client: no network, the whole stack of
    middleware, views and templates."""
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(
        User.objects.get(username="province"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    results = {}
    for label, url in [
        ("dashboard_overview", "/dashboard/"),
        ("summary_endpoint", "/api/v1/dashboard/summary/"),
    ]:
        response = client.get(url)  # warm-up: imports, template loading, connection
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(url)
        durations = timed(lambda url=url: client.get(url), repeat)
        results[label] = {
            "median_ms": statistics.median(durations),
            "max_ms": max(durations),
            "queries": queries.count,
        }
    return results


# The pages people open, as each kind of user: the load mix of bench/locustfile.py and the
# list pages officials, operators and enterprises use day to day. ``{offering}`` and ``{code}``
# are an offering and a complex of the database; ``{own_code}`` is the operator's complex.
PAGE_WALK = {
    "anonymous": [
        "/",
        "/services/",
        "/services/?page=2",
        "/services/offerings/{offering}/",
        "/complexes/",
        "/complexes/{code}/",
    ],
    "province": [
        "/dashboard/",
        "/services/",
        "/complexes/",
        "/complexes/{code}/",
        "/evaluation/results/",
        "/evaluation/reports/",
        "/services/requests/",
        "/services/enterprises/",
    ],
    "city-330700": [
        "/dashboard/",
        "/complexes/",
        "/evaluation/results/",
        "/evaluation/reports/",
        "/services/requests/",
    ],
    "county-330784": [
        "/dashboard/",
        "/complexes/",
        "/evaluation/results/",
        "/evaluation/reports/",
        "/services/requests/",
    ],
    "operator": [
        "/complexes/{own_code}/",
        "/services/requests/",
        "/services/catalogue/",
        "/evaluation/reports/",
    ],
    "enterprise": [
        "/services/",
        "/services/requests/",
        "/services/vouchers/",
        "/services/my-enterprise/",
    ],
}


def busiest_accounts() -> dict[str, str]:
    """The operator of the complex and the enterprise with the most service requests: the
    longest daily lists of their kind."""
    from django.db.models import Count

    from accounts.models import Role, User
    from services.models import ServiceRequest

    def busiest(field: str) -> int:
        return (
            ServiceRequest.objects.values(field)
            .annotate(n=Count("id"))
            .order_by("-n", field)
            .values_list(field, flat=True)[0]
        )

    owners = User.objects.filter(team_role="owner", is_active=True)
    operator = owners.get(role=Role.OPERATOR, complex_id=busiest("complex"))
    enterprise = owners.get(role=Role.ENTERPRISE, enterprise_id=busiest("enterprise"))
    return {"operator": operator.username, "enterprise": enterprise.username}


def page_walk(repeat: int) -> dict:
    """Server time (test client, warm: median and 95th percentile of ``repeat`` runs) and
    queries of every page of ``PAGE_WALK`` as its user sees it."""
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from complexes.models import Complex
    from services.models import Offering

    accounts = busiest_accounts()
    operator = User.objects.select_related("complex").get(username=accounts["operator"])
    values = {
        "offering": Offering.objects.active().order_by("id").values_list("id", flat=True)[0],
        # The complex with the most member institutions: the longest complex page.
        "code": Complex.objects.with_member_counts()
        .order_by("-member_count", "code")
        .values_list("code", flat=True)[0],
        "own_code": operator.complex.code,
    }
    results = {}
    for role, urls in PAGE_WALK.items():
        client = Client()
        if role != "anonymous":
            client.force_login(
                User.objects.get(username=accounts.get(role, role)),
                backend="django.contrib.auth.backends.ModelBackend",
            )
        for template in urls:
            url = template.format(**values)
            response = client.get(url)  # warm-up: imports, templates, caches
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code} to {role}")
            queries = QueryCounter()
            with connection.execute_wrapper(queries):
                client.get(url)
            durations = timed(lambda url=url, client=client: client.get(url), repeat)
            results[f"{role} {template}"] = {
                "median_ms": statistics.median(durations),
                "p95_ms": statistics.quantiles(durations, n=20, method="inclusive")[18],
                "queries": queries.count,
            }
    return results


def recompute(repeat: int) -> dict:
    """Nightly recomputations of the latest year with approved reports (every step) in one
    process, as a long-lived Celery worker runs them: the first run in the fresh process (which
    also fills the new connection's caches) and the median of the ``repeat`` runs after it, the
    way the floor is measured too. The peak resident memory covers them all."""
    from evaluation.recompute import evaluation_recompute, recompute_year_default

    year = recompute_year_default()
    runs = []
    for _ in range(repeat + 1):
        steps = {}
        started = perf_counter()
        evaluation_recompute(
            year=year,
            report=lambda step, progress, seconds, steps=steps: steps.__setitem__(step, seconds),
        )
        runs.append({"wall_s": perf_counter() - started, "steps": steps})
    first, *warm = runs
    median = sorted(warm, key=lambda run: run["wall_s"])[len(warm) // 2]
    return {
        "year": year,
        "first_s": first["wall_s"],
        "wall_s": median["wall_s"],
        "steps": median["steps"],
        "peak_mb": peak_rss_mb(),
    }


def figures(repeat: int) -> dict:
    """The dashboard's nightly figures refresh for the current year."""
    from dashboard.figures import figures_refresh
    from dashboard.selectors import current_year

    started = perf_counter()
    figures_refresh(year=current_year())
    return {"wall_s": perf_counter() - started, "peak_mb": peak_rss_mb()}


# The floor of the recomputation: the same per-complex aggregates of the service records that
# services.indicators computes, written by hand in one pass.
FLOOR_SQL = """
SELECT complex_id, count(*), count(DISTINCT enterprise_id), round(avg(rating), 2),
       sum(voucher_amount)
FROM services_servicerequest
WHERE status = 'completed' AND completed_at >= make_date(%s, 1, 1)
  AND completed_at < make_date(%s + 1, 1, 1)
GROUP BY complex_id
"""


def floor(repeat: int) -> dict:
    from django.db import connection

    from evaluation.recompute import recompute_year_default

    year = recompute_year_default()

    def aggregate():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [year, year])
            cursor.fetchall()

    durations = timed(aggregate, repeat)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM services_servicerequest")
        (requests,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM complexes_complex")
        (complexes,) = cursor.fetchone()
    return {
        "median_s": statistics.median(durations) / 1000,
        "service_requests": requests,
        "complexes": complexes,
    }


def export(repeat: int) -> dict:
    """The Excel export of every service request as the province sees it, through the
    background path (far above the inline limit): an export job built by the worker's own
    function in this fresh process, whose peak resident memory is then the export's. The job,
    its file and its notification are deleted afterwards."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    from accounts.models import Notification, User
    from portal.export_jobs import export_job_run
    from portal.models import EXPORT, Job, JobStatus

    job = Job.objects.create(
        kind=EXPORT,
        owner=User.objects.get(username="province"),
        export="services:requests_export",
        title="service requests (bench)",
        language=settings.LANGUAGE_CODE,
    )
    started = perf_counter()
    job = export_job_run(job_id=job.pk)
    wall = perf_counter() - started
    peak = peak_rss_mb()
    try:
        if job.status != JobStatus.SUCCEEDED:
            raise RuntimeError(f"The export failed: {job.error}")
        return {"wall_s": wall, "peak_mb": peak, "rows": job.rows, "size_mb": job.size / 1024**2}
    finally:
        if job.file:
            default_storage.delete(job.file.name)
        Notification.objects.filter(url=job.get_absolute_url()).delete()
        job.delete()


def csv_export(repeat: int) -> dict:
    """The CSV download of every service request as the province sees it, through the view
    (the Django test client, no network): COPY streamed into the response, read to its end."""
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="province"))
    started = perf_counter()
    response = client.get("/services/requests/export.csv")
    if response.status_code != 200:
        raise RuntimeError(f"The CSV export answered {response.status_code}")
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
    wall = perf_counter() - started
    return {"wall_s": wall, "peak_mb": peak_rss_mb(), "rows": rows - 1, "size_mb": size / 1024**2}


PROBES = {
    "pages": pages,
    "page_walk": page_walk,
    "recompute": recompute,
    "figures": figures,
    "floor": floor,
    "export": export,
    "csv_export": csv_export,
}

if __name__ == "__main__":
    name, repeat = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1
    django.setup()
    print(json.dumps(PROBES[name](repeat)))
