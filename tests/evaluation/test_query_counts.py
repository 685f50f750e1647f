"""The evaluation's list pages and endpoints make a fixed number of queries, whatever the
amount of data (seed_demo at scale 1 and 2)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1
THIS_YEAR = timezone.localdate().year

PAGES = {
    "province": [
        "/evaluation/reports/",
        f"/evaluation/reports/?year={THIS_YEAR}&status=submitted",
        f"/evaluation/results/?year={LAST_YEAR}",
        f"/evaluation/results/?year={LAST_YEAR}&category=emerging&region=330100",
    ],
    "city-330700": ["/evaluation/reports/", f"/evaluation/results/?year={LAST_YEAR}"],
}
ENDPOINTS = {
    "province": [
        "/api/v1/reports/?page_size=200",
        f"/api/v1/reports/?year={THIS_YEAR}&page_size=200",
        f"/api/v1/evaluations/?year={LAST_YEAR}&page_size=200",
        "/api/v1/indicators/?page_size=200",
        "/api/v1/jobs/",
    ],
    "city-330700": [
        "/api/v1/reports/?page_size=200",
        f"/api/v1/evaluations/?year={LAST_YEAR}",
    ],
}


def measure(client, api_client, scale):
    # The service records are not what these pages read: leave them out to keep the test quick.
    only = ["accounts", "complexes", "evaluation"]
    call_command("seed_demo", scale=scale, only=only, stdout=StringIO())
    counts = {}
    for username, urls in PAGES.items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            counts[(username, url)] = len(queries)
    for username, urls in ENDPOINTS.items():
        api_client.force_authenticate(User.objects.get(username=username))
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = api_client.get(url)
            assert response.status_code == 200, url
            assert response.json()["count"] > 0, url
            counts[(username, url)] = len(queries)
    return counts


PINNED = {
    # Reports page: session, user, inbox count, count, the page's ids then their rows,
    # reporting periods, the filter's region choices, the data's version.
    ("province", "/evaluation/reports/"): 9,
    ("province", f"/evaluation/reports/?year={THIS_YEAR}&status=submitted"): 9,
    ("city-330700", "/evaluation/reports/"): 9,
    # Results page: session, user, inbox count, count + a page of results (each with the number
    # ranked in its category), publication and its schemes, latest job, pending removals and
    # rectifications awaiting their re-check (a count and a page each), region choices
    # (+ the chosen region), the year picker's years with results and published years, the
    # data's version (tests/test_kept_pages.py: the page kept, after a commit); the default
    # year only when no year is asked for.
    ("province", f"/evaluation/results/?year={LAST_YEAR}"): 16,
    ("province", f"/evaluation/results/?year={LAST_YEAR}&category=emerging&region=330100"): 17,
    ("city-330700", f"/evaluation/results/?year={LAST_YEAR}"): 16,
    # Endpoints: count + page, + the values of the reports' page in one prefetch.
    ("province", "/api/v1/reports/?page_size=200"): 3,
    ("province", f"/api/v1/reports/?year={THIS_YEAR}&page_size=200"): 3,
    ("city-330700", "/api/v1/reports/?page_size=200"): 3,
    ("province", f"/api/v1/evaluations/?year={LAST_YEAR}&page_size=200"): 2,
    ("city-330700", f"/api/v1/evaluations/?year={LAST_YEAR}"): 2,
    ("province", "/api/v1/indicators/?page_size=200"): 2,
    ("province", "/api/v1/jobs/"): 2,
}


@pytest.mark.parametrize("scale", [1, 2])
def test_counts_are_pinned_and_do_not_grow_with_the_data(client, api_client, scale):
    # Each scale seeds its own rolled-back transaction: the same pins hold for both.
    assert measure(client, api_client, scale) == PINNED
