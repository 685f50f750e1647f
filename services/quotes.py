"""Quotes for offerings priced "on quotation" (面议): the operator answers a submitted request
with a price, a delivery date and a note; the enterprise accepts it, choosing then the voucher
money to pay with (held at once), or declines it, handing the request back to the operator.

The moves are rows of the request state machine (``services.services.TRANSITIONS``).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exceptions import DomainError
from portal.money import round_money

from . import clocks, services
from .models import ServiceRequest, Voucher
from .request_notices import enterprise_users, operators, tell
from .vouchers import voucher_hold

QUOTE_FIELDS = ("quoted_price", "quoted_delivery_date", "quote_note", "quoted_at")


@transaction.atomic
def service_request_quote(
    *,
    service_request: ServiceRequest,
    actor,
    price: Decimal | None,
    delivery_date: date | None,
    note: str = "",
    today: date | None = None,
) -> ServiceRequest:
    """The operator quotes a price and a delivery date for a submitted request."""
    today = today or timezone.localdate()
    if price is None or price <= 0:
        raise DomainError(_("Quote a price above zero."), field="price")
    if delivery_date is None:
        raise DomainError(_("Give the date by which you will deliver."), field="delivery_date")
    if delivery_date < today:
        raise DomainError(_("The delivery date cannot be in the past."), field="delivery_date")
    note = (note or "").strip()
    locked, _from = services._move(
        service_request=service_request, action="quote", actor=actor, note=note, tell=False
    )
    locked.quoted_price, locked.quoted_delivery_date = round_money(price), delivery_date
    locked.quote_note, locked.quoted_at = note, timezone.now()
    services._save(locked, service_request, *QUOTE_FIELDS)
    tell(
        enterprise_users(locked),
        locked,
        subject=format_lazy(
            gettext_lazy("Quote for service request #{id} “{title}”: {price} CNY"),
            id=locked.pk,
            title=locked.offering.title,
            price=locked.quoted_price,
        ),
        body=format_lazy(
            gettext_lazy("Delivery by {day}. Accept or decline the quote on the request's page."),
            day=delivery_date.isoformat(),
        ),
    )
    return locked


@transaction.atomic
def service_request_accept_quote(
    *,
    service_request: ServiceRequest,
    actor,
    voucher: Voucher | None = None,
    voucher_amount: Decimal | None = None,
) -> ServiceRequest:
    """The enterprise accepts the quote: the request is accepted at the quoted price, due on
    the quoted date, and the voucher money it chooses now is held."""
    locked, _from = services._move(
        service_request=service_request, action="accept_quote", actor=actor, tell=False
    )
    voucher_amount = voucher_amount or Decimal("0")
    if voucher is not None or voucher_amount:
        if voucher_amount > locked.quoted_price:
            raise DomainError(
                _("The voucher cannot pay more than the quoted price."), field="voucher_amount"
            )
        services._check_voucher_use(offering=locked.offering, voucher=voucher)
        voucher_hold(
            service_request=locked,
            voucher=voucher,
            amount=voucher_amount,
            actor=actor,
            price=locked.quoted_price,
        )
    locked.accepted_at = timezone.now()
    locked.due_at = clocks.end_of_day(locked.quoted_delivery_date)
    services._save(locked, service_request, "voucher", "voucher_amount", "accepted_at", "due_at")
    tell(
        operators(locked),
        locked,
        subject=format_lazy(
            gettext_lazy("Quote accepted: service request #{id} “{title}”, {price} CNY"),
            id=locked.pk,
            title=locked.offering.title,
            price=locked.quoted_price,
        ),
        body=format_lazy(
            gettext_lazy("Deliver by {day}."), day=locked.quoted_delivery_date.isoformat()
        ),
    )
    return locked


@transaction.atomic
def service_request_decline_quote(
    *, service_request: ServiceRequest, actor, reason: str = ""
) -> ServiceRequest:
    """The enterprise declines the quote: the request goes back to the operator, whose answer
    clock starts again, to quote anew or reject."""
    reason = (reason or "").strip()
    locked, _from = services._move(
        service_request=service_request,
        action="decline_quote",
        actor=actor,
        note=reason,
        tell=False,
    )
    price = locked.quoted_price
    locked.quoted_price, locked.quoted_delivery_date, locked.quoted_at = None, None, None
    locked.quote_note = ""
    locked.answer_due_at = clocks.answer_deadline(timezone.now())
    services._save(locked, service_request, *QUOTE_FIELDS, "answer_due_at")
    tell(
        operators(locked),
        locked,
        subject=format_lazy(
            gettext_lazy("Quote declined: service request #{id} “{title}”, {price} CNY"),
            id=locked.pk,
            title=locked.offering.title,
            price=price,
        ),
        body=reason,
    )
    return locked
