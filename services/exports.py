"""The officials' and operators' service tables as Excel downloads, with the pages' filters."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns, region_columns
from complexes.filters import offer_regions_in_scope
from portal.exports import DATE, DATE_TIME, MONEY, Column, TableExport, choice, local, yes_no

from . import selectors
from .filters import EnterpriseFilter, ServiceRequestFilter
from .models import RequestStatus, ServiceType


def requests_filter(request) -> ServiceRequestFilter:
    return ServiceRequestFilter(
        request.GET or None,
        queryset=selectors.service_requests(user=request.user),
        request=request,
    )


def enterprises_filter(request) -> EnterpriseFilter:
    if not request.user.is_official:
        raise PermissionDenied
    return offer_regions_in_scope(
        EnterpriseFilter(request.GET or None, queryset=selectors.enterprises(user=request.user)),
        request.user,
    )


def visible_vouchers(request):
    user = request.user
    if not (user.is_official or user.is_enterprise_user):
        raise PermissionDenied
    return selectors.vouchers(user=user)


def visible_settlements(request):
    user = request.user
    if not (user.is_official or user.is_operator):
        raise PermissionDenied
    return selectors.settlements(user=user)


service_type_label = choice("service_type", ServiceType)

SERVICE_REQUESTS = TableExport(
    title=_("Service requests"),
    columns=[
        Column(_("No."), lambda item: item.pk, width=9),
        Column(_("Submitted at"), lambda item: local(item.submitted_at), DATE_TIME, width=17),
        *complex_columns(lambda item: item.complex),
        Column(_("Enterprise"), lambda item: item.enterprise.name, width=30),
        Column(_("Credit code"), lambda item: item.enterprise.credit_code, width=21),
        Column(_("Offering"), lambda item: item.offering.title, width=30),
        Column(_("Service type"), lambda item: service_type_label(item.offering)),
        Column(_("Status"), choice("status", RequestStatus), width=10),
        Column(_("Due at"), lambda item: local(item.due_at), DATE_TIME, width=17),
        Column(_("Completed at"), lambda item: local(item.completed_at), DATE_TIME, width=17),
        Column(_("Overdue"), lambda item: yes_no(item.overdue), width=8),
        Column(_("Paid by voucher (CNY)"), lambda item: item.voucher_amount, MONEY),
        Column(_("Rating"), lambda item: item.rating, width=8),
    ],
    rows=lambda request: (
        requests_filter(request)
        .qs.select_related("complex__region__parent")
        # The long texts no column shows stay in the database.
        .defer(
            "description",
            "delivery_note",
            "rejection_reason",
            "comment",
            "offering__description",
            "complex__description",
        )
    ),
)

ENTERPRISES = TableExport(
    title=_("Enterprises"),
    columns=[
        Column(_("Name"), lambda enterprise: enterprise.name, width=34),
        Column(_("Credit code"), lambda enterprise: enterprise.credit_code, width=21),
        *region_columns(lambda enterprise: enterprise.region),
        Column(_("Size"), lambda enterprise: enterprise.get_size_display(), width=8),
        Column(_("High-tech"), lambda enterprise: yes_no(enterprise.high_tech), width=9),
        Column(_("S&T SME"), lambda enterprise: yes_no(enterprise.tech_sme), width=9),
        Column(_("Contact person"), lambda enterprise: enterprise.contact_name, width=12),
        Column(_("Contact phone"), lambda enterprise: enterprise.contact_phone, width=16),
    ],
    rows=lambda request: enterprises_filter(request).qs.order_by("name", "id"),
)

VOUCHERS = TableExport(
    title=_("Innovation vouchers"),
    columns=[
        Column(_("No."), lambda voucher: voucher.pk, width=9),
        Column(_("Enterprise"), lambda voucher: voucher.enterprise.name, width=34),
        Column(_("Credit code"), lambda voucher: voucher.enterprise.credit_code, width=21),
        Column(_("Issued amount (CNY)"), lambda voucher: voucher.amount, MONEY),
        Column(_("Balance (CNY)"), lambda voucher: voucher.balance, MONEY),
        Column(_("Held (CNY)"), lambda voucher: voucher.held, MONEY),
        Column(_("Valid from"), lambda voucher: voucher.valid_from, DATE, width=11),
        Column(_("Expires on"), lambda voucher: voucher.expires_on, DATE, width=11),
        Column(_("Status"), lambda voucher: voucher.get_status_display(), width=10),
    ],
    rows=visible_vouchers,
)

SETTLEMENTS = TableExport(
    title=_("Voucher settlements"),
    columns=[
        Column(_("Month"), lambda settlement: f"{settlement.month:%Y-%m}", width=9),
        *complex_columns(lambda settlement: settlement.complex),
        Column(_("Amount (CNY)"), lambda settlement: settlement.amount, MONEY),
        Column(_("Settled at"), lambda settlement: local(settlement.settled_at), DATE_TIME),
        Column(
            _("Settled by"),
            lambda settlement: settlement.settled_by.username if settlement.settled_by else "",
        ),
    ],
    rows=lambda request: visible_settlements(request).select_related("complex__region__parent"),
)
