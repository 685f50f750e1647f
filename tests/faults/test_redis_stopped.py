"""Fault run: Redis (cache and Celery broker) stopped under a served portal.

A private redis-server on a free port (the machine's Redis stays up for the other tests) and
gunicorn with the deployed cache and broker settings (tests/faults/served_settings.py). With Redis stopped:
pages and writes keep working (the cache misses instead of failing), a recomputation started
then is recorded as not queued with a translated message, and the nightly run catches it up.
"""

import pytest
import requests
from django.utils import translation

from bench.serving import django_env, gunicorn
from evaluation import recompute, tasks
from portal.models import Job, JobStatus
from services.models import ServiceRequest
from tests import factories
from tests.evaluation import factories as evaluation
from tests.faults.served import api_session, browser_login, csrf_post
from tests.processes import current_database_url
from tests.services.factories import OfferingFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

YEAR = 2025


@pytest.fixture
def scene(db):
    complex_ = factories.ComplexFactory(region=factories.region("330784"))
    enterprise = factories.EnterpriseFactory(region=factories.region("330784"))
    evaluation.open_period(YEAR)
    return {
        "complex": complex_,
        "offering": OfferingFactory(complex=complex_),
        "report": evaluation.report(complex_, YEAR),
        "province": factories.provincial_official(),
        "operator": factories.operator_of(complex_),
        "enterprise": factories.enterprise_user_of(enterprise),
    }


def test_pages_and_writes_work_while_redis_is_stopped(private_redis, scene):
    env = django_env(
        current_database_url(), "tests.faults.served_settings", REDIS_URL=private_redis.url
    )
    with gunicorn(env, workers=1) as address:
        assert requests.get(f"{address}/services/").status_code == 200  # cache and broker up
        private_redis.stop()

        for path in ("/", "/services/", f"/services/offerings/{scene['offering'].pk}/",
                     "/complexes/", f"/complexes/{scene['complex'].code}/", "/accounts/login/"):  # fmt: skip
            assert requests.get(address + path).status_code == 200, path
        official = browser_login(address, scene["province"])
        assert official.get(f"{address}/dashboard/").status_code == 200

        enterprise = api_session(address, scene["enterprise"])
        created = enterprise.post(
            f"{address}/api/v1/service-requests/",
            json={"offering": scene["offering"].pk, "description": "新款角磨机整机安全检测"},
        )
        assert created.status_code == 201, created.text
        assert ServiceRequest.objects.filter(pk=created.json()["id"]).exists()

        operator = api_session(address, scene["operator"])
        saved = operator.patch(
            f"{address}/api/v1/reports/{scene['report'].pk}/",
            json={"version": scene["report"].version, "values": {"st_projects": 22}},
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["values"]["st_projects"] == 22

        # A recomputation started now cannot reach a worker: recorded, and said so.
        with translation.override("zh-hans"):
            not_queued = str(recompute.NOT_QUEUED)
        with translation.override("en"):
            assert not_queued != str(recompute.NOT_QUEUED)
        started = api_session(address, scene["province"]).post(
            f"{address}/api/v1/jobs/", json={"kind": "recompute", "year": YEAR}
        )
        assert started.status_code == 201, started.text
        assert (started.json()["status"], started.json()["error"]) == ("not_queued", not_queued)
        # Started again from the page: the same job, still not queued.
        page = csrf_post(official, address, "/evaluation/jobs/recompute/", {"year": YEAR})
        assert page.status_code == 200
        assert page.url.endswith(f"/{started.json()['id']}/")
        assert "未排队" in page.text and not_queued in page.text

        # Redis is back: the nightly run catches the job up.
        private_redis.start()
        assert requests.get(f"{address}/services/").status_code == 200
    assert Job.objects.filter(status=JobStatus.NOT_QUEUED).count() == 1
    tasks.nightly_recompute()
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
