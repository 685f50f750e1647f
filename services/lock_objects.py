"""The row locks of the services app, in the one order every service takes them.

A transaction that locks several kinds of rows takes them in this order: a claim on a credit
code or a voucher application, the enterprise (its verification, or the vouchers issued to it in a year), the service
request, then the voucher it is paid with, then voucher entries (a monthly settlement). Rows of
one kind are locked in primary-key order. Two transactions therefore never hold what the other
waits for, and PostgreSQL has no deadlock to break.
"""

from django.db import connection
from django.db.models import QuerySet

from .models import (
    Enterprise,
    EnterpriseClaim,
    ImpactSurvey,
    ServiceRequest,
    SettlementReview,
    Voucher,
    VoucherApplication,
    VoucherEntry,
)


def claims_select_for_update(queryset: QuerySet[EnterpriseClaim]) -> QuerySet[EnterpriseClaim]:
    """0. Claims on a registered credit code, while an official decides them (``queryset``
    is already restricted to what the official may see)."""
    return queryset.order_by("pk").select_for_update(of=("self",))


def voucher_applications_select_for_update(
    queryset: QuerySet[VoucherApplication],
) -> QuerySet[VoucherApplication]:
    """0. Voucher applications, while an official decides them (then the enterprise is locked
    to count what it was issued in the year)."""
    return queryset.order_by("pk").select_for_update(of=("self",))


def enterprises_select_for_update(
    queryset: QuerySet[Enterprise] | None = None,
) -> QuerySet[Enterprise]:
    """1. Enterprises: their verification, and the vouchers issued to each in a year."""
    rows = Enterprise.objects.all() if queryset is None else queryset
    return rows.order_by("pk").select_for_update(of=("self",))


def service_requests_select_for_update() -> QuerySet[ServiceRequest]:
    """2. Service requests (only their own rows: the joined offering stays unlocked)."""
    return ServiceRequest.objects.order_by("pk").select_for_update(of=("self",))


def vouchers_select_for_update() -> QuerySet[Voucher]:
    """3. Vouchers, after the request that holds, releases or consumes their money."""
    return Voucher.objects.order_by("pk").select_for_update(of=("self",))


def voucher_entries_select_for_update() -> QuerySet[VoucherEntry]:
    """4. Voucher ledger entries, when a settlement claims them."""
    return VoucherEntry.objects.order_by("pk").select_for_update(of=("self",))


def settlement_reviews_select_for_update() -> QuerySet[SettlementReview]:
    """A month's settlement review, while it moves: taken before the voucher entries (4) that
    its payment claims, and never together with requests or vouchers."""
    return SettlementReview.objects.order_by("pk").select_for_update(of=("self",))


def impact_surveys_select_for_update() -> QuerySet[ImpactSurvey]:
    """An impact survey while its enterprise answers it; never taken with other rows."""
    return ImpactSurvey.objects.order_by("pk").select_for_update(of=("self",))


# pg_advisory_xact_lock key of the nightly impact-survey invitation run: "IMPACTSV" as a number.
IMPACT_SURVEY_RUN_KEY = int.from_bytes(b"IMPACTSV", "big") >> 1


def impact_survey_run_lock() -> None:
    """The nightly invitation run, for the rest of the transaction: a second run waits, then
    finds the invitations the first one made."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPACT_SURVEY_RUN_KEY])
