"""Migration services.0009: requests still submitted when money moved to being held from
submission hold theirs, oldest first; one its voucher no longer covers goes on without it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Before both branches of 0007: the requests' branch (0008_request_quotes_deliverables_clocks)
# adds columns such as the not-null ``auto_confirmed`` that the models of the vouchers' branch
# do not know, so rows written with those models need a database without them.
BEFORE = [("services", "0007_merge_profile_and_voucher_rules")]
AFTER = [("services", "0009_hold_submitted_voucher_money")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """The tests after this one need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_submitted_requests_hold_their_money_oldest_first():
    complex_ = factories.ComplexFactory()
    enterprise = factories.EnterpriseFactory()
    institution = factories.InstitutionFactory(complex=complex_)
    old = migrate(BEFORE)
    Voucher = old.get_model("services", "Voucher")
    Offering = old.get_model("services", "Offering")
    ServiceRequest = old.get_model("services", "ServiceRequest")
    voucher = Voucher.objects.create(
        enterprise_id=enterprise.pk, amount=Decimal("30000"), balance=Decimal("30000"),
        valid_from=date(2026, 1, 1), expires_on=date(2026, 12, 31),
    )  # fmt: skip
    offering = Offering.objects.create(
        complex_id=complex_.pk, institution_id=institution.pk, title="检测", service_type="testing",
        price=Decimal("60000"), turnaround_days=5, voucher_eligible=True,
    )  # fmt: skip
    now = timezone.now()
    first, second, no_voucher = (
        ServiceRequest.objects.create(
            offering_id=offering.pk,
            complex_id=complex_.pk,
            enterprise_id=enterprise.pk,
            description="检测",
            status=status,
            voucher_id=voucher.pk,
            voucher_amount=Decimal("20000"),
            submitted_at=now - timedelta(hours=hours),
        )
        for status, hours in (("submitted", 5), ("submitted", 3), ("submitted", 1))
    )
    ServiceRequest.objects.filter(pk=no_voucher.pk).update(voucher=None, voucher_amount=0)

    new = migrate(AFTER)

    voucher = new.get_model("services", "Voucher").objects.get(pk=voucher.pk)
    assert (voucher.balance, voucher.held) == (Decimal("10000.00"), Decimal("20000.00"))
    requests = new.get_model("services", "ServiceRequest").objects
    assert requests.get(pk=first.pk).voucher_amount == Decimal("20000.00")
    assert (requests.get(pk=second.pk).voucher_id, requests.get(pk=second.pk).voucher_amount) == (
        None,
        Decimal("0.00"),
    )
    entries = new.get_model("services", "VoucherEntry").objects.filter(voucher_id=voucher.pk)
    assert list(entries.values_list("kind", "service_request_id")) == [("hold", first.pk)]
    events = new.get_model("services", "ServiceRequestEvent").objects.filter(request_id=second.pk)
    assert "创新券余额不足" in events.get().note
