"""Voucher money: held when a request is submitted, released when it is rejected or cancelled,
consumed when it is confirmed, and lapsed when the voucher expires unused.

Each function runs inside the caller's transaction (they are called by the request services)
and locks the voucher row through ``lock_objects`` after the request, the order every service
takes them in: two submissions against one voucher wait for each other, so they never hold more
than its balance. Every move writes one ledger line; the voucher row carries the running totals,
which the database keeps from going below zero.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal.exceptions import DomainError
from portal.money import round_money
from portal.notifications import notify

from .lock_objects import service_requests_select_for_update, vouchers_select_for_update
from .models import (
    EntryKind,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    Voucher,
    VoucherEntry,
    VoucherReminder,
    VoucherRules,
)


def voucher_hold(
    *,
    service_request: ServiceRequest,
    voucher: Voucher,
    amount: Decimal,
    actor,
    price: Decimal | None = None,
) -> None:
    """Hold ``amount`` of ``voucher`` for the (saved) request, or refuse with a field error.

    ``price`` is what the service costs (the offering's price unless a quote agreed another):
    a voucher pays at most the year's share of it. The request gets its ``voucher`` and
    ``voucher_amount`` here, so that the hold and the request always agree.
    """
    if service_request.voucher_amount:
        raise DomainError(_("This request already holds voucher money."), field="voucher")
    if voucher.enterprise_id != service_request.enterprise_id:
        raise DomainError(_("This voucher belongs to another enterprise."), field="voucher")
    if amount is None or amount <= 0:
        raise DomainError(_("The voucher amount must be positive."), field="voucher_amount")
    price = service_request.offering.price if price is None else price
    if price is None:
        raise DomainError(
            _("A voucher pays part of an agreed price: choose the amount once it is quoted."),
            field="voucher_amount",
        )
    share = VoucherRules.objects.for_year(voucher.valid_from.year).max_share_of_price
    most = round_money(price * share)
    if amount > most:
        raise DomainError(
            format_lazy(
                _("A voucher pays at most {share} of the price: {most} CNY for this service."),
                share=f"{share * 100:.0f} %",
                most=most,
            ),
            field="voucher_amount",
        )
    locked = vouchers_select_for_update().get(pk=voucher.pk)
    if not (locked.valid_from <= timezone.localdate() <= locked.expires_on):
        raise DomainError(_("This voucher is not valid today."), field="voucher")
    if amount > locked.balance:
        raise DomainError(
            format_lazy(
                _("The voucher has {balance} CNY available: less than {amount} CNY."),
                balance=locked.balance,
                amount=amount,
            ),
            field="voucher_amount",
        )
    _move(locked, balance=-amount, held=amount)
    service_request.voucher, service_request.voucher_amount = locked, amount
    service_request.save(update_fields=["voucher", "voucher_amount", "updated_at"])
    ledger_entry(locked, EntryKind.HOLD, amount, service_request, actor)


def voucher_release(*, service_request: ServiceRequest, actor) -> None:
    """Give the request's held money back to its voucher's balance (the request was rejected
    or cancelled). Money released on a voucher that has expired lapses at once."""
    if not service_request.voucher_amount:
        return
    amount = service_request.voucher_amount
    locked = vouchers_select_for_update().get(pk=service_request.voucher_id)
    _move(locked, balance=amount, held=-amount)
    ledger_entry(locked, EntryKind.RELEASE, amount, service_request, actor)
    if locked.expires_on < timezone.localdate():
        _lapse(locked, amount)


def voucher_consume(*, service_request: ServiceRequest, actor) -> None:
    """Spend the request's held money (the service was confirmed)."""
    if not service_request.voucher_amount:
        return
    amount = service_request.voucher_amount
    locked = vouchers_select_for_update().get(pk=service_request.voucher_id)
    _move(locked, held=-amount)
    ledger_entry(locked, EntryKind.CONSUME, amount, service_request, actor)


def _move(voucher: Voucher, *, balance: Decimal = Decimal(0), held: Decimal = Decimal(0)):
    Voucher.objects.filter(pk=voucher.pk).update(
        balance=F("balance") + balance, held=F("held") + held, updated_at=timezone.now()
    )
    voucher.balance += balance
    voucher.held += held


def _lapse(voucher: Voucher, amount: Decimal) -> None:
    Voucher.objects.filter(pk=voucher.pk).update(
        balance=F("balance") - amount, lapsed=F("lapsed") + amount, updated_at=timezone.now()
    )
    voucher.balance -= amount
    voucher.lapsed += amount
    ledger_entry(voucher, EntryKind.LAPSE, amount, None, None)


def ledger_entry(voucher, kind, amount, service_request, actor) -> VoucherEntry:
    """One line of the voucher's ledger (``service_request`` and ``actor`` may be None)."""
    return VoucherEntry.objects.create(
        voucher=voucher,
        kind=kind,
        amount=amount,
        service_request=service_request,
        complex_id=service_request.complex_id if service_request else None,
        actor=actor,
    )


# --- nightly -------------------------------------------------------------------------------


def vouchers_expire(*, today: date | None = None) -> int:
    """Close the vouchers that expired before ``today``: requests still waiting for the
    operator lose their voucher part (its hold is released), and the unused balance lapses.
    Requests the operator accepted keep theirs: that money was promised while the voucher was
    valid. Idempotent: an expired voucher with nothing left to lapse is not touched again.
    Returns how many vouchers were closed."""
    today = today or timezone.localdate()
    expired = Voucher.objects.filter(expires_on__lt=today).filter(
        Q(balance__gt=0)
        | Q(
            service_requests__status=RequestStatus.SUBMITTED,
            service_requests__voucher_amount__gt=0,
        )
    )
    closed = 0
    for voucher_id in expired.order_by("pk").values_list("pk", flat=True).distinct():
        _voucher_close(voucher_id)
        closed += 1
    return closed


@transaction.atomic
def _voucher_close(voucher_id: int) -> None:
    # Lock order: the requests first, then the voucher (lock_objects).
    waiting = list(
        service_requests_select_for_update().filter(
            voucher_id=voucher_id, status=RequestStatus.SUBMITTED, voucher_amount__gt=0
        )
    )
    for service_request in waiting:
        voucher_release(service_request=service_request, actor=None)
        ServiceRequestEvent.objects.create(
            request=service_request,
            from_status=service_request.status,
            to_status=service_request.status,
            note=str(_("The voucher expired before the request was accepted.")),
        )
        service_request.voucher, service_request.voucher_amount = None, Decimal(0)
        service_request.save(update_fields=["voucher", "voucher_amount", "updated_at"])
    voucher = vouchers_select_for_update().get(pk=voucher_id)
    if voucher.balance:
        _lapse(voucher, voucher.balance)
    if waiting:
        notify(
            recipients=User.objects.users_of_enterprise(voucher.enterprise_id),
            subject=format_lazy(_("Voucher No. {id} has expired"), id=voucher.pk),
            body=_(
                "Requests still waiting for the operator's acceptance are no longer paid "
                "with it: the operator will quote the full price."
            ),
            url=reverse("services:voucher_detail", args=[voucher.pk]),
        )


def voucher_reminders_send(*, today: date | None = None) -> int:
    """Tell the enterprises whose vouchers expire within 30 and within 7 days, once per voucher
    and kind (a unique row records each reminder, so a second run sends nothing). Vouchers with
    nothing left to spend get none. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    sent = 0
    for days in sorted(VoucherReminder.Kind.values):
        due = (
            Voucher.objects.filter(
                valid_from__lte=today,
                expires_on__gte=today,
                expires_on__lte=today + timedelta(days=days),
                balance__gt=0,
            )
            .exclude(reminders__days_before__lte=days)
            .order_by("pk")
        )
        for voucher in due:
            sent += _remind(voucher, days)
    return sent


@transaction.atomic
def _remind(voucher: Voucher, days: int) -> int:
    _reminder, created = VoucherReminder.objects.get_or_create(voucher=voucher, days_before=days)
    if not created:
        return 0
    notify(
        recipients=User.objects.users_of_enterprise(voucher.enterprise_id),
        subject=format_lazy(
            _("Voucher No. {id} expires on {day}"), id=voucher.pk, day=voucher.expires_on
        ),
        body=format_lazy(
            _("{balance} CNY are still available: what is not held by then lapses."),
            balance=voucher.balance,
        ),
        url=reverse("services:voucher_detail", args=[voucher.pk]),
    )
    return 1
