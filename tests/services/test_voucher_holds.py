"""Voucher money is held when a request is submitted (issue 16, item 2)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.exceptions import DomainError
from services import services, vouchers
from services.models import EntryKind, RequestStatus, ServiceRequest, Voucher, VoucherRules
from tests import factories

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory, advance

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-requests/"


@pytest.fixture
def scene(yongkang_complex):
    enterprise = factories.EnterpriseFactory()
    return {
        "offering": OfferingFactory(complex=yongkang_complex, price=Decimal("60000.00")),
        "enterprise": enterprise,
        "voucher": VoucherFactory(enterprise=enterprise, amount=Decimal("30000.00")),
        "operator": factories.operator_of(yongkang_complex),
        "user": factories.enterprise_user_of(enterprise),
    }


def submit(api, scene, amount, **headers):
    body = {
        "offering": scene["offering"].pk,
        "description": "整机安全检测",
        "voucher": scene["voucher"].pk,
        "voucher_amount": amount,
    }
    return api.post(URL, body, format="json", **headers)


def money(voucher: Voucher) -> tuple[Decimal, Decimal]:
    voucher.refresh_from_db()
    return voucher.balance, voucher.held


def test_two_requests_of_20000_on_a_30000_voucher_the_second_is_refused_at_submission(
    scene, api_as
):
    """The finding: both were accepted at submission, and the second failed only when the
    operator accepted it, without the enterprise being told."""
    api = api_as(scene["user"])
    first = submit(api, scene, "20000.00")
    assert first.status_code == 201, first.content
    assert money(scene["voucher"]) == (Decimal("10000.00"), Decimal("20000.00"))

    second = submit(api, scene, "20000.00")
    assert second.status_code == 400
    assert list(second.json()) == ["voucher_amount"]
    assert "10000.00" in second.json()["voucher_amount"][0]
    assert ServiceRequest.objects.count() == 1
    assert money(scene["voucher"]) == (Decimal("10000.00"), Decimal("20000.00"))

    accepted = api_as(scene["operator"]).post(f"{URL}{first.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert money(scene["voucher"]) == (Decimal("10000.00"), Decimal("20000.00"))


def test_the_refusal_is_in_the_callers_language(scene, api_as):
    submit(api_as(scene["user"]), scene, "25000.00")
    answer = submit(api_as(scene["user"]), scene, "10000.00", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.json() == {
        "voucher_amount": ["The voucher has 5000.00 CNY available: less than 10000.00 CNY."]
    }


def test_the_page_shows_the_refusal_on_the_voucher_amount_field(scene, client_as):
    ServiceRequestFactory(
        offering=scene["offering"],
        enterprise=scene["enterprise"],
        voucher=scene["voucher"],
        voucher_amount=Decimal("25000.00"),
    )
    page = client_as(scene["user"]).post(
        f"/services/offerings/{scene['offering'].pk}/",
        {"description": "检测", "voucher": scene["voucher"].pk, "voucher_amount": "10000"},
    )
    assert page.status_code == 200
    assert "5000.00" in page.context["form"].errors["voucher_amount"][0]
    assert ServiceRequest.objects.count() == 1


def test_a_voucher_pays_at_most_the_years_share_of_the_price(scene, api_as):
    VoucherRules.objects.update_or_create(
        year=scene["voucher"].valid_from.year, defaults={"max_share_of_price": Decimal("0.40")}
    )
    refused = submit(api_as(scene["user"]), scene, "24000.01")
    assert refused.status_code == 400 and list(refused.json()) == ["voucher_amount"]
    assert "24000.00" in refused.json()["voucher_amount"][0]
    assert submit(api_as(scene["user"]), scene, "24000.00").status_code == 201


def test_no_voucher_on_an_offering_without_a_price_until_it_is_quoted(scene, api_as):
    """A request for a service on quotation chooses its voucher when it accepts the quote
    (``services.quotes``): the submission refuses one and holds nothing, and a hold without an
    agreed price is refused too."""
    scene["offering"].price = None
    scene["offering"].save()
    refused = submit(api_as(scene["user"]), scene, "1000.00")
    assert refused.status_code == 400 and list(refused.json()) == ["voucher"]
    assert money(scene["voucher"]) == (Decimal("30000.00"), Decimal("0.00"))

    request = ServiceRequestFactory(offering=scene["offering"], enterprise=scene["enterprise"])
    with pytest.raises(DomainError) as refusal:
        vouchers.voucher_hold(
            service_request=request, voucher=scene["voucher"], amount=Decimal("1000.00"), actor=None
        )
    assert refusal.value.field == "voucher_amount"
    assert money(scene["voucher"]) == (Decimal("30000.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("status", "balance", "held", "kinds"),
    [
        ("rejected", "30000.00", "0.00", ["issue", "hold", "release"]),
        ("cancelled", "30000.00", "0.00", ["issue", "hold", "release"]),
        ("completed", "10000.00", "0.00", ["issue", "hold", "consume"]),
    ],
)
def test_reject_and_cancel_release_the_hold_and_confirmation_consumes_it(
    scene, status, balance, held, kinds
):
    request = ServiceRequestFactory(
        offering=scene["offering"],
        enterprise=scene["enterprise"],
        voucher=scene["voucher"],
        voucher_amount=Decimal("20000.00"),
    )
    advance(request, status, operator=scene["operator"], enterprise_user=scene["user"])
    assert money(scene["voucher"]) == (Decimal(balance), Decimal(held))
    ledger = scene["voucher"].entries.order_by("pk").values_list("kind", flat=True)
    assert list(ledger) == kinds


def test_a_request_rejected_after_acceptance_releases_once(scene):
    request = ServiceRequestFactory(
        offering=scene["offering"],
        enterprise=scene["enterprise"],
        voucher=scene["voucher"],
        voucher_amount=Decimal("20000.00"),
    )
    advance(request, RequestStatus.ACCEPTED, operator=scene["operator"], enterprise_user=None)
    services.service_request_reject(service_request=request, actor=scene["operator"], reason="满")
    assert money(scene["voucher"]) == (Decimal("30000.00"), Decimal("0.00"))
    assert scene["voucher"].entries.filter(kind=EntryKind.RELEASE).count() == 1


def test_expiry_releases_the_holds_of_requests_not_yet_accepted_and_lapses_the_rest(scene):
    waiting = ServiceRequestFactory(
        offering=scene["offering"],
        enterprise=scene["enterprise"],
        voucher=scene["voucher"],
        voucher_amount=Decimal("5000.00"),
    )
    accepted = ServiceRequestFactory(
        offering=scene["offering"],
        enterprise=scene["enterprise"],
        voucher=scene["voucher"],
        voucher_amount=Decimal("8000.00"),
    )
    advance(accepted, RequestStatus.ACCEPTED, operator=scene["operator"], enterprise_user=None)
    after_expiry = scene["voucher"].expires_on + timedelta(days=1)

    assert vouchers.vouchers_expire(today=after_expiry) == 1
    assert vouchers.vouchers_expire(today=after_expiry) == 0  # nothing left to do

    voucher = Voucher.objects.get(pk=scene["voucher"].pk)
    assert (voucher.balance, voucher.held, voucher.lapsed) == (
        Decimal("0.00"),
        Decimal("8000.00"),
        Decimal("22000.00"),
    )
    waiting.refresh_from_db()
    assert (waiting.voucher_id, waiting.voucher_amount) == (None, Decimal("0.00"))
    assert waiting.status == RequestStatus.SUBMITTED
    kinds = list(voucher.entries.order_by("pk").values_list("kind", "amount"))
    assert kinds[-2:] == [
        (EntryKind.RELEASE, Decimal("5000.00")),
        (EntryKind.LAPSE, Decimal("22000.00")),
    ]
    # The accepted request keeps its money, consumed when confirmed.
    assert accepted.voucher_amount == Decimal("8000.00")


def test_money_released_after_expiry_lapses_at_once(scene):
    request = ServiceRequestFactory(
        offering=scene["offering"],
        enterprise=scene["enterprise"],
        voucher=scene["voucher"],
        voucher_amount=Decimal("8000.00"),
    )
    advance(request, RequestStatus.ACCEPTED, operator=scene["operator"], enterprise_user=None)
    Voucher.objects.filter(pk=scene["voucher"].pk).update(
        valid_from=timezone.localdate() - timedelta(days=60),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    vouchers.vouchers_expire()
    services.service_request_reject(service_request=request, actor=scene["operator"], reason="满")
    voucher = Voucher.objects.get(pk=scene["voucher"].pk)
    assert (voucher.balance, voucher.held, voucher.lapsed) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("30000.00"),
    )


def test_the_enterprise_sees_available_held_and_consumed_money_and_the_ledger(scene, client_as):
    _held, consumed = (
        ServiceRequestFactory(
            offering=scene["offering"],
            enterprise=scene["enterprise"],
            voucher=scene["voucher"],
            voucher_amount=amount,
        )
        for amount in (Decimal("4000.00"), Decimal("6000.00"))
    )
    advance(
        consumed, RequestStatus.COMPLETED, operator=scene["operator"], enterprise_user=scene["user"]
    )
    page = client_as(scene["user"]).get(f"/services/vouchers/{scene['voucher'].pk}/")
    voucher = page.context["voucher"]
    assert (voucher.balance, voucher.held, voucher.consumed) == (
        Decimal("20000.00"),
        Decimal("4000.00"),
        Decimal("6000.00"),
    )
    assert [entry.kind for entry in page.context["entries"]] == ["issue", "hold", "hold", "consume"]
    assert page.context["totals"]["balance"] == Decimal("20000.00")
    listed = client_as(scene["user"]).get("/services/vouchers/").content.decode()
    row = listed.replace(",", "").split(f"/services/vouchers/{voucher.pk}/")[1]
    cells = [f"¥{amount}" for amount in ("30000.00", "20000.00", "4000.00", "6000.00")]
    positions = [row.index(cell) for cell in cells]
    assert positions == sorted(positions)  # issued, available, held, consumed
