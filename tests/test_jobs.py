"""One job model and one enqueue path for every kind of background job (exports,
recomputations): the shared library names no app, and each page and endpoint shows only its
own kind."""

import ast
from pathlib import Path

import pytest

from evaluation import recompute
from evaluation.models import JobKind
from portal import export_jobs
from portal.models import EXPORT, Job, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = {"accounts", "complexes", "dashboard", "evaluation", "funding", "services"}
JOB_MACHINERY = ["jobs.py", "job_kinds.py", "export_jobs.py", "models.py", "notifications.py"]


@pytest.mark.parametrize("module", JOB_MACHINERY)
def test_the_job_machinery_imports_no_domain_app(module):
    tree = ast.parse((ROOT / "portal" / module).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
    }
    assert imported & DOMAIN_APPS == set()


def test_exports_and_recomputations_share_the_table_and_the_broker_down_path(
    broker_down, django_capture_on_commit_callbacks
):
    province = factories.provincial_official()
    with django_capture_on_commit_callbacks(execute=True):
        export = export_jobs.export_job_start(
            owner=province,
            export="services:requests_export",
            filters={},
            title="服务申请",
            language="zh-hans",
        )
        recomputation = recompute.job_start(
            kind=JobKind.RECOMPUTE, actor=province, parameters={"year": 2025}
        )
    rows = {
        job.kind: (job.status, job.error, job.owner_id)
        for job in Job.objects.filter(pk__in=[export.pk, recomputation.pk])
    }
    assert rows == {
        EXPORT: (JobStatus.NOT_QUEUED, str(export_jobs.NOT_QUEUED), province.pk),
        JobKind.RECOMPUTE: (JobStatus.NOT_QUEUED, str(recompute.NOT_QUEUED), province.pk),
    }


def test_each_page_and_endpoint_shows_only_its_own_kind(api_as, client_as):
    province = factories.provincial_official()
    export = Job.objects.create(kind=EXPORT, owner=province, export="services:requests_export")
    recomputation = Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": 2025})
    api = api_as(province)
    assert [row["id"] for row in api.get("/api/v1/jobs/").json()["results"]] == [recomputation.pk]
    assert api.get(f"/api/v1/jobs/{export.pk}/").status_code == 404
    assert api.get(f"/api/v1/jobs/{recomputation.pk}/").json()["status"] == "queued"
    client = client_as(province)
    assert client.get(f"/exports/{recomputation.pk}/").status_code == 404
    assert client.get(f"/exports/{export.pk}/").status_code == 200
    assert client.get(f"/evaluation/jobs/{export.pk}/").status_code == 404
    assert client.get(f"/evaluation/jobs/{recomputation.pk}/").status_code == 200
