"""Fraud signals on voucher-paid requests: flags for an official to look at, never a block.

Three rules, each flagging every request it concerns once per reason (``FraudFlag`` is unique
per request and reason, so the nightly run is idempotent and a cleared flag stays cleared):

- shared identity: the enterprise and the provider (the complex or the delivering institution)
  share a legal representative, an address or a telephone;
- a burst under a cap: ``BURST_SIZE`` requests or more of one enterprise within
  ``BURST_WINDOW``, each paying by voucher within ``NEAR_CAP_MARGIN`` under the per-voucher or
  the per-enterprise cap of its year's ``VoucherRules``;
- one provider: ``SINGLE_PROVIDER_MIN`` voucher-paid requests or more of an enterprise, all to
  one complex.
"""

import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.exceptions import DomainError, InvalidTransition
from portal.limits import REASON_MAX_LENGTH

from .models import FraudFlag, FraudReason, RequestStatus, ServiceRequest, VoucherRules

BURST_SIZE = 3
BURST_WINDOW = timedelta(days=7)
NEAR_CAP_MARGIN = Decimal("0.05")
SINGLE_PROVIDER_MIN = 5
DETAIL_MAX_LENGTH = FraudFlag._meta.get_field("detail").max_length
# Shorter runs of digits are extensions or typing slips, not a line two firms could share.
PHONE_MIN_DIGITS = 7


def voucher_paid_requests():
    """Requests paying part of the price by voucher, not refused or withdrawn."""
    return ServiceRequest.objects.filter(voucher_amount__gt=0).exclude(
        status__in=(RequestStatus.REJECTED, RequestStatus.CANCELLED)
    )


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits if len(digits) >= PHONE_MIN_DIGITS else ""


def _text(value: str) -> str:
    return "".join((value or "").split()).casefold()


def _shared_identity() -> list[tuple[int, str]]:
    rows = voucher_paid_requests().values_list(
        "pk",
        "enterprise__legal_representative",
        "enterprise__address",
        "enterprise__contact_phone",
        "offering__institution__legal_representative",
        "offering__institution__contact_phone",
        "complex__address",
        "complex__contact_phone",
    )
    found = []
    for pk, representative, address, phone, provider_representative, *provider in rows:
        institution_phone, complex_address, complex_phone = provider
        shared = []
        if _text(representative) and _text(representative) == _text(provider_representative):
            shared.append(representative.strip())
        if _text(address) and _text(address) == _text(complex_address):
            shared.append(address.strip())
        if _phone(phone) and _phone(phone) in {_phone(institution_phone), _phone(complex_phone)}:
            shared.append(phone.strip())
        if shared:
            found.append((pk, " · ".join(shared)))
    return found


def _near_cap(amount: Decimal, rules: VoucherRules) -> bool:
    caps = (rules.max_amount_per_voucher, rules.cap_per_enterprise_per_year)
    return any(cap * (1 - NEAR_CAP_MARGIN) <= amount <= cap for cap in caps)


def _bursts_under_cap() -> list[tuple[int, str]]:
    rules_by_year: dict[int, VoucherRules] = {}
    near_by_enterprise = defaultdict(list)
    rows = voucher_paid_requests().order_by("enterprise_id", "submitted_at", "id")
    for pk, enterprise_id, submitted_at, amount in rows.values_list(
        "pk", "enterprise_id", "submitted_at", "voucher_amount"
    ):
        year = timezone.localtime(submitted_at).year
        if year not in rules_by_year:
            rules_by_year[year] = VoucherRules.objects.for_year(year)
        if _near_cap(amount, rules_by_year[year]):
            near_by_enterprise[enterprise_id].append((pk, submitted_at))
    found = {}
    for near in near_by_enterprise.values():
        for start, (_pk, opened) in enumerate(near):
            burst = [pk for pk, at in near[start:] if at - opened <= BURST_WINDOW]
            if len(burst) >= BURST_SIZE:
                detail = ", ".join(f"#{pk}" for pk in burst)[:DETAIL_MAX_LENGTH]
                found.update((pk, detail) for pk in burst if pk not in found)
    return list(found.items())


def _single_provider() -> list[tuple[int, str]]:
    enterprises = (
        voucher_paid_requests()
        .order_by()
        .values("enterprise_id")
        .annotate(requests=Count("id"), providers=Count("complex_id", distinct=True))
        .filter(requests__gte=SINGLE_PROVIDER_MIN, providers=1)
        .values("enterprise_id")
    )
    return list(
        voucher_paid_requests()
        .filter(enterprise_id__in=enterprises)
        .values_list("pk", "complex__name")
    )


RULES = {
    FraudReason.SHARED_IDENTITY: _shared_identity,
    FraudReason.BURST_UNDER_CAP: _bursts_under_cap,
    FraudReason.SINGLE_PROVIDER: _single_provider,
}


@transaction.atomic
def flags_compute() -> int:
    """Flag what the rules find; a request already flagged for a reason (cleared or not) is
    left as it is. Answers the number of new flags."""
    before = FraudFlag.objects.count()
    FraudFlag.objects.bulk_create(
        (
            FraudFlag(request_id=pk, reason=reason, detail=detail[:DETAIL_MAX_LENGTH])
            for reason, rule in RULES.items()
            for pk, detail in rule()
        ),
        ignore_conflicts=True,
    )
    return FraudFlag.objects.count() - before


@transaction.atomic
def flag_clear(*, flag_id: int, actor, note: str) -> FraudFlag:
    """Clear a flag in the official's scope with a note (``FraudFlag.DoesNotExist``, a 404,
    for one out of it)."""
    flag = FraudFlag.objects.in_scope(actor, "fraud_flag.clear").get(pk=flag_id)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the signal is cleared."), field="note")
    if len(note) > REASON_MAX_LENGTH:
        raise DomainError(
            _("Keep the note within %(limit)d characters.") % {"limit": REASON_MAX_LENGTH},
            field="note",
        )
    # Only an open flag is cleared: the first official's note is the one kept.
    cleared = FraudFlag.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(
        cleared_at=timezone.now(), cleared_by=actor, clear_note=note
    )
    if not cleared:
        raise InvalidTransition(_("This signal has already been cleared."))
    flag.refresh_from_db()
    return flag


def flagged_requests(*, user, cleared: bool = False):
    """The flags an official sees (open ones, or the cleared ones), newest first."""
    policy.page_requires(user, "fraud_flag.view")
    return (
        FraudFlag.objects.in_scope(user, "fraud_flag.view")
        .filter(cleared_at__isnull=not cleared)
        .select_related(
            "request__enterprise", "request__complex", "request__offering", "cleared_by"
        )
        .order_by("-flagged_at", "-id")
    )
