"""``valid_from`` of ``POST /api/v1/vouchers/`` is optional and defaults to the day of issue."""

from datetime import UTC, date, datetime

import pytest
from drf_spectacular.generators import SchemaGenerator

from services.models import Voucher
from tests import factories

pytestmark = pytest.mark.django_db

# 01:30 on 7 December in Hangzhou, still 6 December in UTC.
SHANGHAI_MORNING_UTC_EVENING = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)


def test_a_voucher_issued_without_a_start_is_valid_from_the_local_day_of_issue(api_as, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: SHANGHAI_MORNING_UTC_EVENING)
    enterprise = factories.EnterpriseFactory()
    response = api_as(factories.provincial_official()).post(
        "/api/v1/vouchers/",
        {"enterprise": enterprise.pk, "amount": "5000.00", "expires_on": "2027-12-31"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["valid_from"] == "2026-12-07"
    assert Voucher.objects.get().valid_from == date(2026, 12, 7)


def test_a_given_start_is_kept_and_checked_against_the_expiry(api_as):
    enterprise = factories.EnterpriseFactory()
    province = api_as(factories.provincial_official())
    body = {"enterprise": enterprise.pk, "amount": "5000.00", "expires_on": "2027-06-30"}
    kept = province.post("/api/v1/vouchers/", {**body, "valid_from": "2027-01-01"}, format="json")
    assert kept.status_code == 201 and kept.json()["valid_from"] == "2027-01-01"
    late = province.post("/api/v1/vouchers/", {**body, "valid_from": "2027-07-01"}, format="json")
    assert late.status_code == 400 and "expires_on" in late.json()


def test_the_issue_form_still_asks_for_the_start(client_as):
    enterprise = factories.EnterpriseFactory()
    response = client_as(factories.provincial_official()).post(
        "/services/vouchers/",
        {"form": "issue", "credit_code": enterprise.credit_code, "amount": "5000",
         "expires_on": "2027-12-31"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "valid_from" in response.context["issue_form"].errors
    assert not Voucher.objects.exists()


def test_the_schema_shows_valid_from_as_optional():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    voucher_request = schema["components"]["schemas"]["VoucherRequest"]
    assert "valid_from" in voucher_request["properties"]
    assert "valid_from" not in voucher_request["required"]
    assert {"enterprise", "amount", "expires_on"} <= set(voucher_request["required"])
