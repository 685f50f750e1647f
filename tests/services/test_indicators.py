"""derived_values: each figure equals an independent count of the records it stands for."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services.indicators import derived_values
from services.models import RequestStatus
from tests import factories

from .factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def completed(offering, enterprise, when, rating, voucher_amount="0", **kwargs):
    voucher = None
    if Decimal(voucher_amount):
        from .factories import VoucherFactory

        voucher = VoucherFactory(enterprise=enterprise)
    return ServiceRequestFactory(
        offering=offering, enterprise=enterprise, status=RequestStatus.COMPLETED,
        completed_at=when, rating=rating, voucher=voucher, voucher_amount=voucher_amount, **kwargs,
    )  # fmt: skip


def test_the_four_figures_per_complex(yongkang_complex, hangzhou_complex):
    yongkang = OfferingFactory(complex=yongkang_complex)
    yuhang = OfferingFactory(complex=hangzhou_complex)
    first, second = factories.EnterpriseFactory(), factories.EnterpriseFactory()
    in_2025 = datetime(2025, 6, 1, 10, tzinfo=SHANGHAI)
    completed(yongkang, first, in_2025, 5, "3000.00")
    completed(yongkang, first, in_2025, 4, "1500.50")
    completed(yongkang, second, in_2025, 4)
    completed(yuhang, second, in_2025, 3)
    # Not counted: completed in another year (by Shanghai's calendar), or not completed.
    completed(yongkang, second, datetime(2025, 12, 31, 16, 30, tzinfo=ZoneInfo("UTC")), 1)
    completed(yongkang, second, datetime(2024, 12, 31, 23, tzinfo=SHANGHAI), 1)
    ServiceRequestFactory(offering=yongkang, enterprise=second, status=RequestStatus.DELIVERED)

    values = {(complex_id, code): value for complex_id, code, value in derived_values(year=2025)}
    assert values == {
        (yongkang_complex.pk, "services_delivered"): Decimal(3),
        (yongkang_complex.pk, "enterprises_served"): Decimal(2),
        (yongkang_complex.pk, "average_rating"): Decimal("4.33"),
        (yongkang_complex.pk, "voucher_amount"): Decimal("4500.50"),
        (hangzhou_complex.pk, "services_delivered"): Decimal(1),
        (hangzhou_complex.pk, "enterprises_served"): Decimal(1),
        (hangzhou_complex.pk, "average_rating"): Decimal("3.00"),
        (hangzhou_complex.pk, "voucher_amount"): Decimal("0.00"),
    }
    # The one rule for zero and missing: a year without completed requests counts zero of
    # each total for every complex not removed; an average of nothing is missing.
    factories.ComplexFactory(status="removed")
    assert derived_values(year=2023) == [
        (complex_id, code, Decimal(0))
        for complex_id in sorted((yongkang_complex.pk, hangzhou_complex.pk))
        for code in ("services_delivered", "enterprises_served", "voucher_amount")
    ]


def test_figures_match_the_traceable_request_list(yongkang_complex, api_as):
    """What the official's filtered list shows is what the indicator counts."""
    offering = OfferingFactory(complex=yongkang_complex)
    for n in range(6):
        completed(
            offering, factories.EnterpriseFactory(), datetime(2025, 3, n + 1, tzinfo=SHANGHAI),
            1 + n % 5,
        )  # fmt: skip
    listing = api_as(factories.regional_official("330784")).get(
        "/api/v1/service-requests/",
        {"complex": yongkang_complex.pk, "completed_year": 2025, "status": "completed"},
    )
    rows = listing.json()["results"]
    independent = defaultdict(Decimal)
    for row in rows:
        independent["services_delivered"] += 1
        independent["rating_sum"] += row["rating"]
    values = {code: value for _c, code, value in derived_values(year=2025)}
    assert values["services_delivered"] == independent["services_delivered"] == 6
    assert values["average_rating"] == round(independent["rating_sum"] / 6, 2)


def test_the_setting_names_this_source(settings):
    assert "services.indicators.derived_values" in settings.EVALUATION_DERIVED_SOURCES


def test_the_counted_records_are_the_requests_the_figures_count(yongkang_complex):
    from services.indicators import counted_records

    offering = OfferingFactory(complex=yongkang_complex)
    counted = completed(
        offering, factories.EnterpriseFactory(), datetime(2025, 6, 1, tzinfo=SHANGHAI), 4
    )
    completed(offering, factories.EnterpriseFactory(), datetime(2024, 6, 1, tzinfo=SHANGHAI), 5)
    records = counted_records(code="services_delivered", complex_id=yongkang_complex.pk, year=2025)
    assert [row[1] for row in records.rows] == [counted.enterprise.name]
    assert len(records.columns) == len(records.rows[0])
    values = {code: value for _c, code, value in derived_values(year=2025)}
    assert values["services_delivered"] == len(records.rows)
