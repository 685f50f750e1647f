"""Issue 16, item 7: a month's voucher settlement, prepared by the province, checked (or
returned with a reason) by the complex's city or county, then paid; the operator follows it."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook

from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from services.models import (
    EntryKind,
    RequestStatus,
    SettlementReview,
    SettlementReviewState,
    VoucherEntry,
    VoucherSettlement,
)
from services.settlement_review import CHECK, PAY, PREPARE, RETURN, review_move, review_prepare

from .factories import advance

pytestmark = pytest.mark.django_db

State = SettlementReviewState


def last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def consumed(world):
    """The world's request completed (3,000 of voucher money consumed), dated last month."""
    advance(
        world["request"],
        RequestStatus.COMPLETED,
        operator=world["operator"],
        enterprise_user=world["enterprise_user"],
    )
    shift = timezone.now() - (timezone.localtime().replace(day=1) - timedelta(days=3))
    VoucherEntry.objects.update(at=F("at") - shift)
    return world


def prepared(world) -> SettlementReview:
    return review_prepare(complex_=world["complex"], month=last_month(), actor=world["province"])


def test_prepared_checked_paid(consumed):
    review = prepared(consumed)
    assert (review.state, review.amount) == (State.PREPARED, Decimal("3000.00"))
    city = consumed["official_in_scope"]
    review = review_move(review_id=review.pk, action=CHECK, actor=city)
    assert (review.state, review.checked_by) == (State.CHECKED, city)
    review = review_move(review_id=review.pk, action=PAY, actor=consumed["province"])
    settlement = VoucherSettlement.objects.get()
    assert (review.state, review.settlement) == (State.PAID, settlement)
    assert settlement.amount == Decimal("3000.00")
    assert VoucherEntry.objects.filter(kind=EntryKind.SETTLE).count() == 1
    # Audited: each move left an event.
    assert list(review.events.order_by("pgh_id").values_list("state", flat=True)) == [
        "prepared",
        "checked",
        "paid",
    ]


def test_returned_with_a_reason_then_prepared_again(consumed):
    review = prepared(consumed)
    city = consumed["official_in_scope"]
    with pytest.raises(DomainError) as refused:
        review_move(review_id=review.pk, action=RETURN, actor=city, reason="  ")
    assert refused.value.field == "reason"
    review = review_move(review_id=review.pk, action=RETURN, actor=city, reason="金额不一致")
    assert (review.state, review.reason) == (State.RETURNED, "金额不一致")
    review = prepared(consumed)
    assert review.state == State.PREPARED
    assert SettlementReview.objects.count() == 1


def _walk_to(world, state) -> SettlementReview:
    review = prepared(world)
    city, province = world["official_in_scope"], world["province"]
    steps = {
        State.PREPARED: [],
        State.CHECKED: [(CHECK, city)],
        State.RETURNED: [(RETURN, city)],
        State.PAID: [(CHECK, city), (PAY, province)],
    }[state]
    for action, actor in steps:
        review = review_move(review_id=review.pk, action=action, actor=actor, reason="不符")
    return review


ILLEGAL = [
    (State.PREPARED, PAY, "province"),
    (State.CHECKED, CHECK, "official_in_scope"),
    (State.RETURNED, CHECK, "official_in_scope"),
    (State.RETURNED, PAY, "province"),
    (State.PAID, CHECK, "official_in_scope"),
    (State.PAID, RETURN, "official_in_scope"),
    (State.PAID, PAY, "province"),
]


@pytest.mark.parametrize(
    ("state", "action", "who"), ILLEGAL, ids=[f"{s}-{a}" for s, a, _w in ILLEGAL]
)
def test_illegal_moves_are_refused(consumed, state, action, who):
    review = _walk_to(consumed, state)
    with pytest.raises(InvalidTransition):
        review_move(review_id=review.pk, action=action, actor=consumed[who], reason="不符")
    review.refresh_from_db()
    assert review.state == state


@pytest.mark.parametrize("state", [State.PREPARED, State.CHECKED, State.PAID], ids=str)
def test_preparing_again_is_refused_unless_returned(consumed, state):
    _walk_to(consumed, state)
    with pytest.raises(InvalidTransition):
        prepared(consumed)


WRONG_ROLE = [
    (State.PREPARED, CHECK, "province"),
    (State.PREPARED, CHECK, "operator"),
    (State.PREPARED, RETURN, "province"),
    (State.CHECKED, PAY, "official_in_scope"),
    (State.CHECKED, PAY, "operator"),
]


@pytest.mark.parametrize(
    ("state", "action", "who"), WRONG_ROLE, ids=[f"{s}-{a}-{w}" for s, a, w in WRONG_ROLE]
)
def test_moves_by_a_role_the_table_does_not_name_are_refused(consumed, state, action, who):
    review = _walk_to(consumed, state)
    with pytest.raises(NotPermitted):
        review_move(review_id=review.pk, action=action, actor=consumed[who], reason="不符")


def test_the_city_cannot_prepare_and_this_month_cannot_be_prepared(consumed):
    with pytest.raises(NotPermitted):
        review_prepare(
            complex_=consumed["complex"], month=last_month(), actor=consumed["official_in_scope"]
        )
    with pytest.raises(DomainError) as refused:
        review_prepare(
            complex_=consumed["complex"], month=timezone.localdate(), actor=consumed["province"]
        )
    assert refused.value.field == "month"


def test_a_month_without_consumed_money_is_not_prepared(world):
    with pytest.raises(InvalidTransition):
        prepared(world)


def test_pages_walk_the_review(consumed, client_as):
    month = last_month()
    province = client_as(consumed["province"])
    # The settlement page hands a due month to the review instead of paying it at once.
    settlements = province.get("/services/settlements/").content.decode()
    assert 'action="/services/settlements/review/"' in settlements
    assert 'value="prepare"' in settlements
    page = province.get("/services/settlements/review/")
    assert [row["amount"] for row in page.context["due"]] == [Decimal("3000.00")]
    assert b'value="prepare"' in page.content
    response = province.post(
        "/services/settlements/review/",
        {"action": PREPARE, "complex": consumed["complex"].pk, "month": str(month)},
    )
    assert response.status_code == 302
    review = SettlementReview.objects.get()
    # The province is offered no check; the city official of the complex is.
    assert b'value="check"' not in province.get("/services/settlements/review/").content
    city = client_as(consumed["official_in_scope"])
    page = city.get("/services/settlements/review/")
    assert b'value="check"' in page.content and b'value="prepare"' not in page.content
    city.post("/services/settlements/review/", {"action": CHECK, "review": review.pk})
    review.refresh_from_db()
    assert review.state == State.CHECKED
    province = client_as(consumed["province"])
    province.post("/services/settlements/review/", {"action": PAY, "review": review.pk})
    review.refresh_from_db()
    assert review.state == State.PAID


def test_a_return_without_reason_is_answered_by_name(consumed, client_as):
    review = prepared(consumed)
    city = client_as(consumed["official_in_scope"])
    response = city.post(
        "/services/settlements/review/", {"action": RETURN, "review": review.pk}, follow=True
    )
    assert "请说明退回结算的理由" in response.content.decode()
    review.refresh_from_db()
    assert review.state == State.PREPARED


def test_out_of_region_officials_get_404(consumed, client_as):
    review = prepared(consumed)
    outsider = client_as(consumed["official_out_of_scope"])
    page = outsider.get("/services/settlements/review/")
    assert list(page.context["reviews"].object_list) == []
    response = outsider.post(
        "/services/settlements/review/", {"action": CHECK, "review": review.pk}
    )
    assert response.status_code == 404
    sheet = outsider.get(f"/services/settlements/review/sheet.xlsx?review={review.pk}")
    assert sheet.status_code == 404
    review.refresh_from_db()
    assert review.state == State.PREPARED


def test_the_sheet_lists_the_months_consumptions(consumed, client_as):
    review = prepared(consumed)
    response = client_as(consumed["official_in_scope"]).get(
        f"/services/settlements/review/sheet.xlsx?review={review.pk}"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "综合体",
        "消费时间",
        "需求编号",
        "企业",
        "信用代码",
        "服务项目",
        "创新券编号",
        "金额（元）",
    )
    request_ = consumed["request"]
    assert len(rows) == 2
    assert rows[1][0] == consumed["complex"].name
    assert rows[1][2:] == (
        request_.pk,
        consumed["enterprise"].name,
        consumed["enterprise"].credit_code,
        consumed["offering"].title,
        consumed["voucher"].pk,
        3000,
    )


def test_the_operator_follows_unsettled_reviewed_and_paid_months(consumed, client_as):
    operator = client_as(consumed["operator"])
    page = operator.get("/services/settlements/mine/")
    assert [(row["amount"], row["requests"]) for row in page.context["unsettled"]] == [
        (Decimal("3000.00"), 1)
    ]
    review = _walk_to(consumed, State.PAID)
    page = operator.get("/services/settlements/mine/")
    assert list(page.context["unsettled"]) == []
    assert page.context["reviews"] == [review]
    assert [settlement.amount for settlement in page.context["settled"]] == [Decimal("3000.00")]
    other = client_as(consumed["other_operator"]).get("/services/settlements/mine/")
    assert (list(other.context["unsettled"]), other.context["reviews"]) == ([], [])
    assert client_as(consumed["province"]).get("/services/settlements/mine/").status_code == 403


def _earlier_months(world, count: int) -> None:
    """More reviews and consumed months of the world's complex, in every state."""
    entry = VoucherEntry.objects.get(kind=EntryKind.CONSUME)
    states = list(State)
    for months_back in range(1, count + 1):
        month = (last_month() - timedelta(days=31 * months_back)).replace(day=1)
        VoucherEntry.objects.create(
            voucher=entry.voucher,
            kind=EntryKind.CONSUME,
            amount=Decimal("10.00"),
            service_request=entry.service_request,
            complex=entry.complex,
            at=entry.at - timedelta(days=31 * months_back),
        )
        state = states[months_back % len(states)]
        settlement = None
        if state == State.PAID:
            settlement = VoucherSettlement.objects.create(
                complex=world["complex"], month=month, amount=Decimal("10.00")
            )
        SettlementReview.objects.create(
            complex=world["complex"], month=month, amount=Decimal("10.00"), state=state,
            settlement=settlement,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "path", "queries"),
    [
        ("province", "/services/settlements/review/", 7),
        ("official_in_scope", "/services/settlements/review/", 7),
        ("operator", "/services/settlements/mine/", 7),
    ],
    ids=["province-review", "city-review", "operator-account"],
)
@pytest.mark.parametrize("earlier", [0, 5], ids=["one-month", "six-months"])
def test_query_counts_do_not_grow_with_the_months(
    consumed, client_as, django_assert_num_queries, who, path, queries, earlier
):
    _walk_to(consumed, State.CHECKED)
    _earlier_months(consumed, earlier)
    client = client_as(consumed[who])
    client.get(path)  # warm the session and the caches
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_paying_is_refused_when_the_months_money_changed_after_the_check(consumed):
    review = _walk_to(consumed, State.CHECKED)
    entry = VoucherEntry.objects.get(kind=EntryKind.CONSUME)
    VoucherEntry.objects.create(
        voucher=entry.voucher,
        kind=EntryKind.CONSUME,
        amount=Decimal("500.00"),
        service_request=entry.service_request,
        complex=entry.complex,
        at=entry.at,
    )
    with pytest.raises(InvalidTransition):
        review_move(review_id=review.pk, action=PAY, actor=consumed["province"])
    assert not VoucherSettlement.objects.exists()
    review.refresh_from_db()
    assert review.state == State.CHECKED
    # The city takes its check back; the province prepares the month again with the new sum.
    city, province = consumed["official_in_scope"], consumed["province"]
    review_move(review_id=review.pk, action=RETURN, actor=city, reason="月末又有消费")
    review = prepared(consumed)
    assert review.amount == Decimal("3500.00")
    review_move(review_id=review.pk, action=CHECK, actor=city)
    review = review_move(review_id=review.pk, action=PAY, actor=province)
    assert review.settlement.amount == Decimal("3500.00")
