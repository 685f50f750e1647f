"""Quotes for offerings priced on quotation (面议): the operator quotes, the enterprise accepts
(choosing then the voucher money, held at once) or declines; through the API and the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Notification
from services import clocks
from services.models import Offering, RequestStatus, ServiceRequest, Voucher

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoted_world(world):
    """A request for the world's service, now on quotation, submitted without a voucher (a
    voucher is chosen at the quote's acceptance), and a fresh voucher of its enterprise: the
    world's own request holds money of the world's voucher since its submission."""
    Offering.objects.filter(pk=world["offering"].pk).update(price=None)
    world["offering"].refresh_from_db()
    world["request"] = ServiceRequestFactory(
        offering=world["offering"], enterprise=world["enterprise"]
    )
    world["voucher"] = VoucherFactory(enterprise=world["enterprise"])
    return world


def url(world, action=""):
    base = f"/api/v1/service-requests/{world['request'].pk}/"
    return f"{base}{action}/" if action else base


def quote(api_as, world, **body):
    delivery = (timezone.localdate() + timedelta(days=20)).isoformat()
    body = {"price": "12000.00", "delivery_date": delivery, "note": "含两次复测。", **body}
    return api_as(world["operator"]).post(url(world, "quote"), body, format="json")


def voucher_state(world):
    voucher = Voucher.objects.get(pk=world["voucher"].pk)
    return voucher.balance, voucher.held, list(voucher.entries.values_list("kind", flat=True))


def test_the_operator_quotes_and_the_enterprise_accepts_with_a_voucher(quoted_world, api_as):
    world = quoted_world
    quoted = quote(api_as, world)
    assert quoted.status_code == 200, quoted.content
    body = quoted.json()
    assert body["status"] == "quoted"
    assert (body["quoted_price"], body["quote_note"]) == ("12000.00", "含两次复测。")
    told = Notification.objects.get(recipient=world["enterprise_user"])
    assert "12000.00" in told.subject and told.url == f"/services/requests/{world['request'].pk}/"

    accepted = api_as(world["enterprise_user"]).post(
        url(world, "accept-quote"),
        {"voucher": world["voucher"].pk, "voucher_amount": "5000.00"},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert (body["status"], body["voucher"], body["voucher_amount"]) == (
        "accepted",
        world["voucher"].pk,
        "5000.00",
    )
    delivery = timezone.localdate() + timedelta(days=20)
    assert body["due_at"] is not None
    request_ = ServiceRequest.objects.get(pk=world["request"].pk)
    assert request_.due_at == clocks.end_of_day(delivery)
    assert voucher_state(world) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        ["issue", "hold"],
    )
    assert Notification.objects.filter(
        recipient=world["operator"], subject__contains="12000.00"
    ).exists()
    # The rest of the journey is the usual one: the held money is consumed on confirmation.
    assert api_as(world["operator"]).post(url(world, "start")).status_code == 200
    delivered = api_as(world["operator"]).post(url(world, "deliver"), {"note": "报告已出具"})
    assert delivered.status_code == 200
    confirmed = api_as(world["enterprise_user"]).post(url(world, "confirm"), {"rating": 5})
    assert confirmed.status_code == 200
    assert voucher_state(world)[2] == ["issue", "hold", "consume"]


def test_accepting_without_a_voucher_holds_nothing(quoted_world, api_as):
    quote(api_as, quoted_world)
    accepted = api_as(quoted_world["enterprise_user"]).post(url(quoted_world, "accept-quote"))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["voucher"] is None
    assert voucher_state(quoted_world)[2] == ["issue"]


@pytest.mark.parametrize(
    ("price", "amount"),
    [("5000.00", "5000.01"), ("20000.00", "10000.01"), ("20000.00", "-1")],
    ids=["above-the-quote", "above-the-balance", "negative"],
)
def test_a_voucher_amount_the_quote_or_balance_does_not_cover_is_refused(
    quoted_world, api_as, price, amount
):
    world = quoted_world
    quote(api_as, world, price=price)
    before = voucher_state(world)
    answer = api_as(world["enterprise_user"]).post(
        url(world, "accept-quote"),
        {"voucher": world["voucher"].pk, "voucher_amount": amount},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert "voucher_amount" in answer.json()
    assert ServiceRequest.objects.get(pk=world["request"].pk).status == RequestStatus.QUOTED
    assert voucher_state(world) == before


def test_another_enterprises_voucher_is_not_accepted(quoted_world, api_as):
    world = quoted_world
    quote(api_as, world)
    other = Voucher.objects.create(
        enterprise=world["other_enterprise_user"].enterprise,
        amount=Decimal("9000.00"),
        balance=Decimal("9000.00"),
        valid_from=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    answer = api_as(world["enterprise_user"]).post(
        url(world, "accept-quote"), {"voucher": other.pk, "voucher_amount": "10"}, format="json"
    )
    assert answer.status_code == 400 and "voucher" in answer.json()


def test_a_declined_quote_goes_back_to_the_operator_with_a_new_answer_clock(quoted_world, api_as):
    world = quoted_world
    quote(api_as, world)
    declined = api_as(world["enterprise_user"]).post(
        url(world, "decline-quote"), {"reason": "价格高于预算"}, format="json"
    )
    assert declined.status_code == 200, declined.content
    body = declined.json()
    assert (body["status"], body["quoted_price"], body["quoted_delivery_date"]) == (
        "submitted",
        None,
        None,
    )
    assert body["timeline"][-1]["note"] == "价格高于预算"
    request_ = ServiceRequest.objects.get(pk=world["request"].pk)
    assert request_.answer_due_at > timezone.now()
    assert Notification.objects.filter(recipient=world["operator"], body="价格高于预算").exists()
    # The operator may quote again, lower.
    assert quote(api_as, world, price="9000.00").json()["quoted_price"] == "9000.00"


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("other_operator", "quote", 404),
        ("other_enterprise_user", "accept-quote", 404),
        ("other_enterprise_user", "decline-quote", 404),
        ("official_out_of_scope", "accept-quote", 403),
        ("official_in_scope", "quote", 403),
        ("enterprise_user", "quote", 403),
        ("operator", "accept-quote", 403),
    ],
)
def test_only_the_parties_quote_and_decide(quoted_world, api_as, who, action, status):
    world = quoted_world
    if action != "quote":
        quote(api_as, world)
    before = ServiceRequest.objects.get(pk=world["request"].pk).status
    body = {"price": "100.00", "delivery_date": "2099-01-01"} if action == "quote" else {}
    answer = api_as(world[who]).post(url(world, action), body, format="json")
    assert answer.status_code == status, answer.content
    assert ServiceRequest.objects.get(pk=world["request"].pk).status == before


def test_a_voucher_cannot_be_chosen_before_the_price_is_agreed(quoted_world, api_as):
    world = quoted_world
    answer = api_as(world["enterprise_user"]).post(
        "/api/v1/service-requests/",
        {
            "offering": world["offering"].pk,
            "description": "外观专利设计",
            "voucher": world["voucher"].pk,
            "voucher_amount": "1000.00",
        },
        format="json",
    )
    assert answer.status_code == 400 and "voucher" in answer.json()


def test_the_pages_show_each_party_its_own_quote_form(quoted_world, client_as):
    world = quoted_world
    page = f"/services/requests/{world['request'].pk}/"
    assert 'action="' + page + 'quote/"' in client_as(world["operator"]).get(page).text
    assert "quote/" not in client_as(world["enterprise_user"]).get(page).text
    assert "quote/" not in client_as(world["official_in_scope"]).get(page).text

    operator = client_as(world["operator"])
    delivery = (timezone.localdate() + timedelta(days=15)).isoformat()
    sent = operator.post(
        page + "quote/",
        {"quote-price": "8800.00", "quote-delivery_date": delivery, "quote-note": "加急"},
    )
    assert sent.status_code == 302
    enterprise = client_as(world["enterprise_user"])
    text = enterprise.get(page).text
    assert "8,800.00" in text or "8800.00" in text
    assert 'action="' + page + 'accept_quote/"' in text
    assert "accept_quote/" not in client_as(world["operator"]).get(page).text
    enterprise = client_as(world["enterprise_user"])
    refused = enterprise.post(
        page + "accept_quote/",
        {"accept_quote-voucher": world["voucher"].pk, "accept_quote-voucher_amount": "9000.00"},
    )
    assert refused.status_code == 400
    assert ServiceRequest.objects.get(pk=world["request"].pk).status == RequestStatus.QUOTED
    accepted = enterprise.post(
        page + "accept_quote/",
        {"accept_quote-voucher": world["voucher"].pk, "accept_quote-voucher_amount": "4000.00"},
    )
    assert accepted.status_code == 302
    assert voucher_state(world)[:2] == (Decimal("6000.00"), Decimal("4000.00"))


def test_a_quote_in_the_past_is_refused_on_the_page(quoted_world, client_as):
    world = quoted_world
    page = f"/services/requests/{world['request'].pk}/"
    answer = client_as(world["operator"]).post(
        page + "quote/", {"quote-price": "100", "quote-delivery_date": "2020-01-01"}
    )
    assert answer.status_code == 400
    assert ServiceRequest.objects.get(pk=world["request"].pk).status == RequestStatus.SUBMITTED


def test_the_catalogue_offering_on_quotation_gets_a_request_and_a_quote(world, api_as):
    offering = OfferingFactory(complex=world["complex"], price=None, title="外观设计")
    request_ = ServiceRequestFactory(offering=offering, enterprise=world["enterprise"])
    answer = api_as(world["operator"]).post(
        f"/api/v1/service-requests/{request_.pk}/quote/",
        {"price": "3000", "delivery_date": "2099-06-30"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["quoted_delivery_date"] == "2099-06-30"


def test_the_request_form_of_an_offering_on_quotation_asks_for_no_voucher(quoted_world, client_as):
    page = client_as(quoted_world["enterprise_user"]).get(
        f"/services/offerings/{quoted_world['offering'].pk}/"
    )
    assert page.status_code == 200
    assert 'name="voucher"' not in page.text and "价格面议" in page.text
