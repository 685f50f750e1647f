"""The year's voucher rules bound what is issued, through the API, the page and the import:
the most one voucher carries, and the cap of what one enterprise is issued in a year."""

from datetime import date
from decimal import Decimal

import pytest

from services.models import Voucher, VoucherRules
from tests import factories

from .test_flow import sheet

pytestmark = pytest.mark.django_db

YEAR = 2026


def issue(api, enterprise, amount, *, year=YEAR, language="zh-hans"):
    return api.post(
        "/api/v1/vouchers/",
        {
            "enterprise": enterprise.pk,
            "amount": amount,
            "valid_from": str(date(year, 3, 1)),
            "expires_on": str(date(year, 12, 31)),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.fixture
def province(api_as):
    return api_as(factories.provincial_official())


def test_shipped_defaults_hold_for_every_year_until_one_has_its_own():
    shipped = VoucherRules.objects.get()
    assert (shipped.year, shipped.max_amount_per_voucher, shipped.cap_per_enterprise_per_year) == (
        2017,
        Decimal("500000.00"),
        Decimal("500000.00"),
    )
    assert (shipped.max_share_of_price, shipped.validity_days) == (Decimal("0.50"), 365)
    assert VoucherRules.objects.for_year(YEAR) == shipped
    own = VoucherRules.objects.create(year=YEAR, max_amount_per_voucher=Decimal("80000.00"))
    assert VoucherRules.objects.for_year(YEAR + 1) == own
    assert VoucherRules.objects.for_year(YEAR - 1) == shipped


def test_the_issue_found_in_the_audit_is_refused(province):
    enterprise = factories.EnterpriseFactory()
    response = issue(province, enterprise, "999999999999.99")
    assert response.status_code == 400
    assert list(response.json()) == ["amount"]
    assert not Voucher.objects.exists()


def test_a_voucher_may_carry_the_bound_and_not_a_cent_more(province):
    VoucherRules.objects.create(
        year=YEAR,
        max_amount_per_voucher=Decimal("300000.00"),
        cap_per_enterprise_per_year=Decimal("1000000.00"),
    )
    enterprise = factories.EnterpriseFactory()
    over = issue(province, enterprise, "300000.01", language="en")
    assert over.status_code == 400
    assert over.json() == {"amount": ["A voucher of 2026 carries at most 300000.00 CNY."]}
    at_bound = issue(province, enterprise, "300000.00")
    assert at_bound.status_code == 201, at_bound.json()


def test_an_enterprise_is_issued_up_to_the_cap_of_the_year(province):
    enterprise, other = factories.EnterpriseFactory(), factories.EnterpriseFactory()
    assert issue(province, enterprise, "300000.00").status_code == 201
    assert issue(province, enterprise, "200000.00").status_code == 201  # the cap exactly
    over = issue(province, enterprise, "0.01")
    assert over.status_code == 400
    assert "500000.00" in over.json()["amount"][0]
    assert Voucher.objects.filter(enterprise=enterprise).count() == 2
    # Another enterprise, or the next year, starts from nothing.
    assert issue(province, other, "500000.00").status_code == 201
    assert issue(province, enterprise, "500000.00", year=YEAR + 1).status_code == 201


def test_the_page_and_the_import_apply_the_same_rules(client_as, province):
    enterprise = factories.EnterpriseFactory()
    page = client_as(factories.provincial_official()).post(
        "/services/vouchers/",
        {
            "form": "issue",
            "credit_code": enterprise.credit_code,
            "amount": "500000.01",
            "valid_from": "2026-03-01",
            "expires_on": "2026-12-31",
        },
    )
    assert page.status_code == 200
    assert "500000.00" in page.content.decode()
    imported = province.post(
        "/api/v1/vouchers/import/",
        {
            "file": sheet(
                [
                    [enterprise.credit_code, 400000, date(2026, 1, 1), date(2026, 12, 31)],
                    [enterprise.credit_code, 100000.01, date(2026, 2, 1), date(2026, 12, 31)],
                ]
            )
        },
        format="multipart",
    )
    assert imported.status_code == 400
    assert not Voucher.objects.exists()
