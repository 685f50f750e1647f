"""Issue 16, item 8: fraud signals on voucher-paid requests (never blocking), computed by the
nightly task once per request and reason, seen and cleared by officials in scope."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.exceptions import DomainError, InvalidTransition
from services import fraud
from services.models import FraudFlag, FraudReason, ServiceRequest, VoucherRules
from services.tasks import compute_fraud_flags
from tests import factories

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db

R = FraudReason


def flags() -> set[tuple[int, str]]:
    return set(FraudFlag.objects.values_list("request_id", "reason"))


def paid_request(offering, enterprise, amount="3000.00", **fields) -> ServiceRequest:
    voucher = VoucherFactory(enterprise=enterprise, amount=Decimal("600000.00"))
    return ServiceRequestFactory(
        offering=offering, enterprise=enterprise, voucher=voucher, voucher_amount=amount, **fields
    )


# Shared identity.


@pytest.mark.parametrize(
    ("enterprise_fields", "provider_fields", "shared"),
    [
        (
            {"legal_representative": "王建国"},
            {"institution": {"legal_representative": " 王建国"}},
            "王建国",
        ),
        (
            {"address": "永康市 五金城 1 号"},
            {"complex": {"address": "永康市五金城1号"}},
            "永康市 五金城 1 号",
        ),
        (
            {"contact_phone": "0579-8712 3456"},
            {"complex": {"contact_phone": "057987123456"}},
            "0579-8712 3456",
        ),
        (
            {"contact_phone": "13800001111"},
            {"institution": {"contact_phone": "138 0000 1111"}},
            "13800001111",
        ),
    ],
    ids=["representative", "address", "complex-phone", "institution-phone"],
)
def test_an_enterprise_sharing_an_identity_with_its_provider_is_flagged(
    world, enterprise_fields, provider_fields, shared
):
    request_ = world["request"]
    for name, value in enterprise_fields.items():
        setattr(request_.enterprise, name, value)
    request_.enterprise.save()
    for part, values in provider_fields.items():
        row = request_.offering.institution if part == "institution" else request_.complex
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    assert fraud.flags_compute() == 1
    flag = FraudFlag.objects.get()
    assert (flag.request, flag.reason, flag.detail) == (request_, R.SHARED_IDENTITY, shared)


def test_different_or_empty_identities_raise_nothing(world):
    request_ = world["request"]
    # Both empty: nothing is shared. Different people, addresses, and a short extension number.
    assert fraud.flags_compute() == 0
    request_.enterprise.legal_representative = "王建国"
    request_.enterprise.address = "永康市五金城1号"
    request_.enterprise.contact_phone = "8001"
    request_.enterprise.save()
    request_.offering.institution.legal_representative = "李明"
    request_.offering.institution.contact_phone = "8001"
    request_.offering.institution.save()
    request_.complex.address = "永康市五金城2号"
    request_.complex.save()
    assert fraud.flags_compute() == 0


def test_a_request_without_voucher_money_is_not_looked_at(world):
    enterprise = world["enterprise"]
    enterprise.legal_representative = "王建国"
    enterprise.save()
    institution = world["offering"].institution
    institution.legal_representative = "王建国"
    institution.save()
    ServiceRequest.objects.update(voucher=None, voucher_amount=0)
    assert fraud.flags_compute() == 0


# Bursts just under a cap.


@pytest.fixture
def rules():
    year = timezone.localdate().year
    VoucherRules.objects.update_or_create(
        year=year,
        defaults={
            "max_amount_per_voucher": Decimal("10000.00"),
            "cap_per_enterprise_per_year": Decimal("40000.00"),
        },
    )


# A service dear enough that the share of its price a voucher may pay is above either cap.
PRICE_ABOVE_THE_CAPS = Decimal("100000.00")


def _burst(offering, enterprise, amounts, spacing):
    start = timezone.now() - timedelta(days=1) - spacing * len(amounts)
    return [
        paid_request(offering, enterprise, amount, submitted_at=start + spacing * number)
        for number, amount in enumerate(amounts)
    ]


@pytest.mark.parametrize(
    "amounts",
    [("9500.00", "9990.00", "10000.00"), ("38500.00", "9600.00", "39000.00")],
    ids=["per-voucher-cap", "either-cap"],
)
def test_a_burst_just_under_a_cap_is_flagged(rules, amounts):
    enterprise = factories.EnterpriseFactory()
    offering = OfferingFactory(price=PRICE_ABOVE_THE_CAPS)
    burst = _burst(offering, enterprise, amounts, timedelta(days=2))
    assert fraud.flags_compute() == 3
    assert flags() == {(request_.pk, R.BURST_UNDER_CAP) for request_ in burst}
    assert FraudFlag.objects.first().detail == ", ".join(f"#{r.pk}" for r in burst)


@pytest.mark.parametrize(
    ("amounts", "spacing"),
    [
        (("9500.00", "9990.00", "10000.00"), timedelta(days=4)),  # spread over eight days
        (("9400.00", "9990.00", "10000.00"), timedelta(days=1)),  # one of them 6 % under
        (("9500.00", "9990.00"), timedelta(hours=1)),  # two are not a burst
    ],
    ids=["slow", "not-near", "only-two"],
)
def test_no_burst_no_flag(rules, amounts, spacing):
    _burst(
        OfferingFactory(price=PRICE_ABOVE_THE_CAPS), factories.EnterpriseFactory(), amounts, spacing
    )
    assert fraud.flags_compute() == 0


# One provider.


def test_five_voucher_paid_requests_all_to_one_complex_are_flagged(world):
    enterprise, offering = world["enterprise"], world["offering"]
    more = [paid_request(offering, enterprise) for _number in range(4)]
    fraud.flags_compute()
    assert flags() == {(request_.pk, R.SINGLE_PROVIDER) for request_ in [world["request"], *more]}


@pytest.mark.parametrize("variant", ["four-requests", "a-second-complex", "one-cancelled"])
def test_fewer_or_spread_requests_raise_no_single_provider_flag(world, variant):
    enterprise, offering = world["enterprise"], world["offering"]
    more = [paid_request(offering, enterprise) for _number in range(3)]
    if variant == "a-second-complex":
        more += [paid_request(OfferingFactory(), enterprise)]
    elif variant == "one-cancelled":
        more += [paid_request(offering, enterprise, status="cancelled")]
    assert fraud.flags_compute() == 0


# Idempotence, the task, clearing.


def _shared_representative(world):
    world["enterprise"].legal_representative = "王建国"
    world["enterprise"].save()
    world["offering"].institution.legal_representative = "王建国"
    world["offering"].institution.save()


def test_the_nightly_task_is_idempotent_and_keeps_a_cleared_flag_cleared(world):
    _shared_representative(world)
    assert compute_fraud_flags() == 1
    assert compute_fraud_flags() == 0
    flag = fraud.flag_clear(
        flag_id=FraudFlag.objects.get().pk, actor=world["official_in_scope"], note="亲属关系已核实"
    )
    assert compute_fraud_flags() == 0
    flag.refresh_from_db()
    assert flag.cleared_at is not None
    assert FraudFlag.objects.count() == 1


def test_clearing_records_who_when_and_the_note(world):
    _shared_representative(world)
    fraud.flags_compute()
    official = world["official_in_scope"]
    pk = FraudFlag.objects.get().pk
    with pytest.raises(DomainError) as refused:
        fraud.flag_clear(flag_id=pk, actor=official, note="   ")
    assert refused.value.field == "note"
    flag = fraud.flag_clear(flag_id=pk, actor=official, note="已现场核查，系同名")
    assert (flag.cleared_by, flag.clear_note) == (official, "已现场核查，系同名")
    assert timezone.now() - flag.cleared_at < timedelta(minutes=1)
    with pytest.raises(InvalidTransition):
        fraud.flag_clear(flag_id=pk, actor=world["province"], note="再次")
    assert flag.events.count() == 2  # flagged, cleared


def test_the_page_shows_flags_in_scope_and_clears_them(world, client_as):
    _shared_representative(world)
    fraud.flags_compute()
    flag = FraudFlag.objects.get()
    official = client_as(world["official_in_scope"])
    page = official.get("/services/signals/")
    assert list(page.context["page"].object_list) == [flag]
    assert "企业与服务方的法定代表人、地址或电话相同" in page.content.decode()
    assert b'name="note"' in page.content
    missing_note = official.post("/services/signals/", {"flag": flag.pk}, follow=True)
    assert "请说明解除风险提示的理由" in missing_note.content.decode()
    official.post("/services/signals/", {"flag": flag.pk, "note": "已核实"})
    flag.refresh_from_db()
    assert (flag.cleared_by, flag.clear_note) == (world["official_in_scope"], "已核实")
    assert list(official.get("/services/signals/").context["page"].object_list) == []
    assert list(official.get("/services/signals/?cleared=1").context["page"].object_list) == [flag]


def test_out_of_region_officials_get_404_and_see_nothing(world, client_as):
    _shared_representative(world)
    fraud.flags_compute()
    flag = FraudFlag.objects.get()
    outsider = client_as(world["official_out_of_scope"])
    assert list(outsider.get("/services/signals/").context["page"].object_list) == []
    response = outsider.post("/services/signals/", {"flag": flag.pk, "note": "越权"})
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.cleared_at is None
    assert list(client_as(world["province"]).get("/services/signals/").context["page"]) == [flag]


@pytest.mark.parametrize("who", ["operator", "enterprise_user"])
def test_operators_and_enterprises_do_not_see_signals(world, client_as, who):
    assert client_as(world[who]).get("/services/signals/").status_code == 403


@pytest.mark.parametrize("more", [0, 6], ids=["one-flag", "many-flags"])
def test_the_page_query_count_is_constant(world, client_as, django_assert_num_queries, more):
    _shared_representative(world)
    for _number in range(more):
        paid_request(world["offering"], factories.EnterpriseFactory(legal_representative="王建国"))
    fraud.flags_compute()
    client = client_as(world["official_in_scope"])
    client.get("/services/signals/")
    with django_assert_num_queries(5):
        assert client.get("/services/signals/").status_code == 200


def test_the_fraud_run_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["services-fraud-signals"]
    assert entry["task"] == compute_fraud_flags.name == "services.tasks.compute_fraud_flags"
