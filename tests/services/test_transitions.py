"""Every action from every status, by every role, through the API: the status machine."""

from decimal import Decimal

import pytest

from services.models import Offering, RequestStatus, ServiceRequest, ServiceRequestEvent, Voucher
from services.services import SYSTEM, TRANSITIONS

from .factories import advance

pytestmark = pytest.mark.django_db

BODIES = {
    "reject": {"reason": "超出服务范围"},
    "deliver": {"note": "检测报告已出具"},
    "confirm": {"rating": 4, "comment": "及时"},
    "dispute": {"reason": "报告缺少盐雾数据"},
    "quote": {"price": "12000.00", "delivery_date": "2099-12-31", "note": "含复测"},
}
PARTY = {"operator": "operator", "enterprise": "enterprise_user"}
# What people do through the API; the nightly automatic confirmation is tested on its own.
API_TRANSITIONS = [action for action, move in TRANSITIONS.items() if move.party != SYSTEM]


def on_quotation(world):
    """Make the world's offering one priced on quotation (面议), its request without a voucher
    (one is chosen when the quote is accepted)."""
    Offering.objects.filter(pk=world["offering"].pk).update(price=None)
    ServiceRequest.objects.filter(pk=world["request"].pk).update(voucher=None, voucher_amount=0)
    world["request"].refresh_from_db()


def priced_for(action, status) -> bool:
    """Quote moves, and the quoted status, need an offering on quotation."""
    return TRANSITIONS[action].priced is not False and status != RequestStatus.QUOTED


def walk_to(world, status, *, priced=True):
    if not priced:
        on_quotation(world)
    return advance(
        world["request"],
        status,
        operator=world["operator"],
        enterprise_user=world["enterprise_user"],
    )


def post(api_as, world, who, action):
    return api_as(world[who]).post(
        f"/api/v1/service-requests/{world['request'].pk}/{action.replace('_', '-')}/",
        BODIES.get(action, {}),
        format="json",
    )


def snapshot(world):
    request = world["request"]
    request.refresh_from_db()
    voucher = Voucher.objects.get(pk=world["voucher"].pk)
    return (
        request.status,
        ServiceRequestEvent.objects.filter(request=request).count(),
        voucher.balance,
        voucher.held,
        voucher.entries.count(),
    )


@pytest.mark.parametrize("status", RequestStatus.values)
@pytest.mark.parametrize("action", API_TRANSITIONS)
def test_the_party_moves_from_legal_states_and_gets_409_from_the_others(
    world, api_as, action, status
):
    walk_to(world, status, priced=priced_for(action, status))
    move = TRANSITIONS[action]
    before = snapshot(world)
    response = post(api_as, world, PARTY[move.party], action)
    if status in move.sources:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == move.target
        after = snapshot(world)
        assert after[0] == move.target and after[1] == before[1] + 1
        assert response.json()["timeline"][-1]["to_status"] == move.target
    else:
        assert response.status_code == 409, response.content
        assert set(response.json()) == {"detail"}
        assert snapshot(world) == before


# Who else tries each action, from a state where it is legal: the role check or scope refuses.
OTHERS = {
    "anonymous": {"operator": 401, "enterprise": 401},
    "official_in_scope": {"operator": 403, "enterprise": 403},
    "official_out_of_scope": {"operator": 403, "enterprise": 403},
    "province": {"operator": 403, "enterprise": 403},
    "other_operator": {"operator": 404, "enterprise": 403},
    "other_enterprise_user": {"operator": 403, "enterprise": 404},
    "operator": {"enterprise": 403},
    "enterprise_user": {"operator": 403},
}


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (action, who)
        for action, move in TRANSITIONS.items()
        for who, answers in OTHERS.items()
        if move.party in answers
    ],
)
def test_no_one_else_may_move_the_request(world, api_as, action, who):
    move = TRANSITIONS[action]
    source = sorted(move.sources)[0]
    walk_to(world, source, priced=priced_for(action, source))
    before = snapshot(world)
    response = post(api_as, world, who, action)
    assert response.status_code == OTHERS[who][move.party], response.content
    assert snapshot(world) == before


@pytest.mark.parametrize(
    ("status", "balance", "held", "kinds"),
    [
        (RequestStatus.SUBMITTED, "7000.00", "3000.00", ["issue", "hold"]),
        (RequestStatus.ACCEPTED, "7000.00", "3000.00", ["issue", "hold"]),
        (RequestStatus.IN_PROGRESS, "7000.00", "3000.00", ["issue", "hold"]),
        (RequestStatus.DELIVERED, "7000.00", "3000.00", ["issue", "hold"]),
        (RequestStatus.COMPLETED, "7000.00", "0.00", ["issue", "hold", "consume"]),
        (RequestStatus.REJECTED, "10000.00", "0.00", ["issue", "hold", "release"]),
        (RequestStatus.CANCELLED, "10000.00", "0.00", ["issue", "hold", "release"]),
    ],
)
def test_the_voucher_follows_the_request(world, status, balance, held, kinds):
    walk_to(world, status)
    voucher = Voucher.objects.get(pk=world["voucher"].pk)
    assert (voucher.balance, voucher.held) == (Decimal(balance), Decimal(held))
    assert list(voucher.entries.values_list("kind", flat=True)) == kinds


@pytest.mark.parametrize("first", ["reject", "cancel"])
def test_a_hold_is_released_when_an_accepted_request_is_rejected_or_cancelled(world, first):
    walk_to(world, RequestStatus.ACCEPTED)
    from services import services

    if first == "reject":
        services.service_request_reject(
            service_request=world["request"], actor=world["operator"], reason="设备故障"
        )
    else:
        services.service_request_cancel(
            service_request=world["request"], actor=world["enterprise_user"]
        )
    voucher = Voucher.objects.get(pk=world["voucher"].pk)
    assert (voucher.balance, voucher.held) == (Decimal("10000.00"), Decimal("0.00"))
    assert list(voucher.entries.values_list("kind", flat=True)) == ["issue", "hold", "release"]


def test_a_dispute_sends_the_request_back_to_work_and_keeps_the_timeline(world, api_as):
    walk_to(world, RequestStatus.DELIVERED)
    response = post(api_as, world, "enterprise_user", "dispute")
    assert response.status_code == 200
    timeline = [(e["from_status"], e["to_status"], e["actor"]) for e in response.json()["timeline"]]
    operator, enterprise = world["operator"].username, world["enterprise_user"].username
    assert timeline == [
        ("", "submitted", None),
        ("submitted", "accepted", operator),
        ("accepted", "in_progress", operator),
        ("in_progress", "delivered", operator),
        ("delivered", "in_progress", enterprise),
    ]
    assert response.json()["timeline"][-1]["note"] == "报告缺少盐雾数据"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("reject", {"reason": ""}, "reason"),
        ("deliver", {}, "note"),
        ("confirm", {"rating": 6}, "rating"),
        ("confirm", {"rating": 0}, "rating"),
        ("dispute", {"reason": ""}, "reason"),
        ("quote", {"delivery_date": "2099-01-01"}, "price"),
        ("quote", {"price": "0", "delivery_date": "2099-01-01"}, "price"),
        ("quote", {"price": "100.00"}, "delivery_date"),
        ("quote", {"price": "100.00", "delivery_date": "2020-01-01"}, "delivery_date"),
        ("quote", {"price": "100.00", "delivery_date": "2099-01-01", "note": "长" * 2001}, "note"),
    ],
)
def test_required_reasons_notes_and_ratings(world, api_as, action, body, field):
    move = TRANSITIONS[action]
    source = sorted(move.sources)[0]
    walk_to(world, source, priced=priced_for(action, source))
    before = snapshot(world)
    response = api_as(world[PARTY[move.party]]).post(
        f"/api/v1/service-requests/{world['request'].pk}/{action}/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(world) == before


@pytest.mark.parametrize(
    ("action", "priced"), [("quote", True), ("accept", False)], ids=["quote-priced", "accept-面议"]
)
def test_a_priced_offering_is_not_quoted_and_one_on_quotation_not_accepted_unquoted(
    world, api_as, action, priced
):
    walk_to(world, RequestStatus.SUBMITTED, priced=priced)
    before = snapshot(world)
    response = post(api_as, world, "operator", action)
    assert response.status_code == 409, response.content
    assert snapshot(world) == before
