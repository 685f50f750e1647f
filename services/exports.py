"""The officials' and operators' service tables as Excel downloads, with the pages' filters."""

from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns, complex_value_columns, region_columns, region_names
from complexes.filters import offer_regions_in_scope
from portal import policy
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
    policy.page_requires(request.user, "enterprise.list")
    return offer_regions_in_scope(
        EnterpriseFilter(request.GET or None, queryset=selectors.enterprises(user=request.user)),
        request.user,
    )


def visible_vouchers(request):
    user = request.user
    policy.page_requires(user, "voucher.list")
    return selectors.vouchers(user=user)


def visible_settlements(request):
    user = request.user
    policy.page_requires(user, "settlement.list")
    return selectors.settlements(user=user)


def request_rows(request):
    """The page's requests as dicts of the shown values: no model instances, region names
    joined in by the database."""
    return (
        requests_filter(request)
        .qs.annotate(**region_names("complex__region"))
        .values(
            "pk",
            "submitted_at",
            "complex__code",
            "complex__name",
            "city_name",
            "county_name",
            "enterprise__name",
            "enterprise__credit_code",
            "offering__title",
            "offering__service_type",
            "status",
            "due_at",
            "completed_at",
            "overdue",
            "voucher_amount",
            "rating",
        )
    )


SERVICE_REQUESTS = TableExport(
    title=_("Service requests"),
    columns=[
        Column(_("No."), itemgetter("pk"), width=9),
        Column(_("Submitted at"), lambda row: local(row["submitted_at"]), DATE_TIME, width=17),
        *complex_value_columns("complex"),
        Column(_("Enterprise"), itemgetter("enterprise__name"), width=30),
        Column(_("Credit code"), itemgetter("enterprise__credit_code"), width=21),
        Column(_("Offering"), itemgetter("offering__title"), width=30),
        Column(_("Service type"), choice("offering__service_type", ServiceType)),
        Column(_("Status"), choice("status", RequestStatus), width=10),
        Column(_("Due at"), lambda row: local(row["due_at"]), DATE_TIME, width=17),
        Column(_("Completed at"), lambda row: local(row["completed_at"]), DATE_TIME, width=17),
        Column(
            _("Overdue"), lambda row: yes_no(row["overdue"]), width=8, same_as=itemgetter("overdue")
        ),
        Column(_("Paid by voucher (CNY)"), itemgetter("voucher_amount"), MONEY),
        Column(_("Rating"), itemgetter("rating"), width=8),
    ],
    rows=request_rows,
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
