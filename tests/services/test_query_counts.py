"""The catalogue, the request queue and their endpoints make a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from services.models import EnterpriseClaim, RequestStatus
from tests import factories

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db

STATUSES = RequestStatus.values
LICENCE = "business-licences/2026/12/licence.pdf"  # the pages name it, never open it
QUOTE = {"quoted_price": Decimal(9000), "quoted_delivery_date": "2026-12-31"}


def populate(complex_, own_enterprise, size: int) -> None:
    """``size`` offerings, enterprises, vouchers and requests in every status; every other
    request is the measured enterprise's own."""
    for n in range(size):
        region = factories.region(("330784", "330782", "330110")[n % 3])
        offering = OfferingFactory(complex=complex_, price=None if n % 4 == 0 else Decimal(9000))
        enterprise = own_enterprise if n % 2 else factories.EnterpriseFactory(region=region)
        status = STATUSES[n % len(STATUSES)]
        completed = status == RequestStatus.COMPLETED
        ServiceRequestFactory(
            offering=offering,
            enterprise=enterprise,
            status=status,
            # A voucher pays part of a price: none for an offering on quotation.
            voucher=VoucherFactory(enterprise=enterprise) if offering.price else None,
            voucher_amount=Decimal(1000),
            rating=4 if completed else None,
            completed_at="2025-06-01T10:00:00+08:00" if completed else None,
            **(QUOTE if status == RequestStatus.QUOTED else {}),
        )
        # A registration waiting for verification, and a claim on a registered code.
        waiting = factories.EnterpriseFactory(
            region=region, verified=False, verified_at=None, business_licence=LICENCE
        )
        EnterpriseClaim.objects.create(
            enterprise=enterprise if n % 2 else waiting,
            claimant=factories.UserFactory(is_active=False),
            name=waiting.name,
            business_licence=LICENCE,
        )


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def measure(client_as, api_as, yongkang_complex):
    own_enterprise = factories.EnterpriseFactory()
    users = {
        "anonymous": None,
        "operator": factories.operator_of(yongkang_complex),
        "enterprise": factories.enterprise_user_of(own_enterprise),
        "province": factories.provincial_official(),
        "jinhua": factories.regional_official("330700"),
    }

    def run(size):
        populate(yongkang_complex, own_enterprise, size)
        counts = {}
        for who, url in PAGES:
            counts[(who, url)] = count(client_as(users[who]) if users[who] else Client(), url)
        for who, url in ENDPOINTS:
            counts[(who, url)] = count(api_as(users[who]), url)
        return counts

    return run


PAGES = [
    ("anonymous", "/services/"),
    ("anonymous", "/services/?region=330700&voucher_eligible=true&q=检测"),
    ("operator", "/services/requests/"),
    ("operator", "/services/requests/?status=accepted&overdue=true"),
    ("enterprise", "/services/requests/"),
    ("jinhua", "/services/requests/?completed_year=2025&status=completed"),
    ("operator", "/services/catalogue/"),
    ("province", "/services/enterprises/"),
    ("province", "/services/vouchers/"),
    ("province", "/services/settlements/"),
    ("jinhua", "/services/verification/"),
    ("province", "/services/verification/?state=verified&region=330700&q=公司"),
    ("enterprise", "/services/my-enterprise/"),
]
ENDPOINTS = [
    ("anonymous", "/api/v1/offerings/?page_size=200"),
    ("anonymous", "/api/v1/offerings/?region=330784&service_type=testing"),
    ("operator", "/api/v1/service-requests/?page_size=200"),
    ("province", "/api/v1/service-requests/?page_size=200&status=completed"),
    ("enterprise", "/api/v1/service-requests/"),
    ("province", "/api/v1/enterprises/?page_size=200"),
    ("province", "/api/v1/vouchers/?page_size=200"),
]


def test_counts_do_not_grow_with_the_data(measure):
    small = measure(7)
    large = measure(35)
    assert small == large


def test_pinned_counts(measure):
    # Logged-in pages: session + user + unread notifications; lists: count + page; filter
    # forms: the region and complex choices they draw; the catalogue's map: one aggregate and
    # the cities' names in the page's language.
    assert measure(7) == {
        ("anonymous", "/services/"): 6,
        ("anonymous", "/services/?region=330700&voucher_eligible=true&q=检测"): 7,
        ("operator", "/services/requests/"): 6,
        ("operator", "/services/requests/?status=accepted&overdue=true"): 5,
        ("enterprise", "/services/requests/"): 6,
        ("jinhua", "/services/requests/?completed_year=2025&status=completed"): 6,
        ("operator", "/services/catalogue/"): 5,
        ("province", "/services/enterprises/"): 6,
        ("province", "/services/vouchers/"): 6,
        ("province", "/services/settlements/"): 5,
        # The queue: + the pending claims, in one query with their enterprises.
        ("jinhua", "/services/verification/"): 7,
        ("province", "/services/verification/?state=verified&region=330700&q=公司"): 8,
        ("enterprise", "/services/my-enterprise/"): 5,
        ("anonymous", "/api/v1/offerings/?page_size=200"): 2,
        ("anonymous", "/api/v1/offerings/?region=330784&service_type=testing"): 3,
        ("operator", "/api/v1/service-requests/?page_size=200"): 2,
        ("province", "/api/v1/service-requests/?page_size=200&status=completed"): 2,
        ("enterprise", "/api/v1/service-requests/"): 2,
        ("province", "/api/v1/enterprises/?page_size=200"): 2,
        ("province", "/api/v1/vouchers/?page_size=200"): 2,
    }
