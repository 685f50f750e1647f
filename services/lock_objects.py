"""The row locks of the services app, in the one order every service takes them.

A transaction that locks several kinds of rows takes them in this order: the service request
first, then the voucher it is paid with, then voucher entries (a monthly settlement). Rows of
one kind are locked in primary-key order. Two transactions therefore never hold what the other
waits for, and PostgreSQL has no deadlock to break.
"""

from django.db.models import QuerySet

from .models import ServiceRequest, Voucher, VoucherEntry


def service_requests_select_for_update() -> QuerySet[ServiceRequest]:
    """1. Service requests (only their own rows: the joined offering stays unlocked)."""
    return ServiceRequest.objects.order_by("pk").select_for_update(of=("self",))


def vouchers_select_for_update() -> QuerySet[Voucher]:
    """2. Vouchers, after the request that holds, releases or consumes their money."""
    return Voucher.objects.order_by("pk").select_for_update(of=("self",))


def voucher_entries_select_for_update() -> QuerySet[VoucherEntry]:
    """3. Voucher ledger entries, when a settlement claims them."""
    return VoucherEntry.objects.order_by("pk").select_for_update(of=("self",))
