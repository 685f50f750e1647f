"""The officials' and operators' service tables as Excel downloads, with the pages' filters."""

from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns, complex_value_columns, region_columns
from complexes.filters import page_filter_form
from portal.csv_exports import sql_choice_label, sql_local_time, sql_yes_no
from portal.exports import DATE, DATE_TIME, MONEY, Column, TableExport, choice, local, yes_no

from . import selectors
from .filters import EnterpriseFilter, OfferingFilter, ServiceRequestFilter
from .models import RequestStatus, ServiceType

SERVICE_REQUESTS = TableExport(
    title=_("Service requests"),
    columns=[
        Column(_("No."), itemgetter("pk"), width=9, sql="pk"),
        Column(
            _("Submitted at"),
            lambda row: local(row["submitted_at"]),
            DATE_TIME,
            width=17,
            sql=sql_local_time("submitted_at"),
        ),
        *complex_value_columns("complex"),
        Column(_("Enterprise"), itemgetter("enterprise__name"), width=30, sql="enterprise__name"),
        Column(
            _("Credit code"),
            itemgetter("enterprise__credit_code"),
            width=21,
            sql="enterprise__credit_code",
        ),
        Column(_("Offering"), itemgetter("offering__title"), width=30, sql="offering__title"),
        Column(
            _("Service type"),
            choice("offering__service_type", ServiceType),
            sql=sql_choice_label("offering__service_type", ServiceType),
        ),
        Column(
            _("Status"),
            choice("status", RequestStatus),
            width=10,
            sql=sql_choice_label("status", RequestStatus),
        ),
        Column(
            _("Due at"),
            lambda row: local(row["due_at"]),
            DATE_TIME,
            width=17,
            sql=sql_local_time("due_at"),
        ),
        Column(
            _("Completed at"),
            lambda row: local(row["completed_at"]),
            DATE_TIME,
            width=17,
            sql=sql_local_time("completed_at"),
        ),
        Column(
            _("Overdue"),
            lambda row: yes_no(row["overdue"]),
            width=8,
            same_as=itemgetter("overdue"),
            sql=sql_yes_no("overdue"),
        ),
        Column(
            _("Paid by voucher (CNY)"), itemgetter("voucher_amount"), MONEY, sql="voucher_amount"
        ),
        Column(_("Rating"), itemgetter("rating"), width=8, sql="rating"),
    ],
    filter_form=page_filter_form(ServiceRequestFilter),
    rows=selectors.service_request_rows,
)

OFFERINGS = TableExport(
    title=_("Service catalogue"),
    columns=[
        Column(
            _("No."),
            lambda offering: offering.pk,
            sql="pk",
            description=_("The offering's number in the service catalogue."),
        ),
        Column(
            _("Offering"),
            lambda offering: offering.title,
            sql="title",
            description=_("What the service is."),
        ),
        Column(
            _("Service type"),
            lambda offering: offering.get_service_type_display(),
            sql=sql_choice_label("service_type", ServiceType),
            description=_("One of the ten kinds of service the complexes offer."),
        ),
        *complex_columns(lambda offering: offering.complex, database_path="complex"),
        Column(
            _("Delivering institution"),
            lambda offering: offering.institution.name,
            sql="institution__name",
            description=_("The member institution that delivers the service."),
        ),
        Column(
            _("Price (CNY)"),
            lambda offering: offering.price,
            MONEY,
            sql="price",
            description=_("The listed price; empty when the price is agreed on quotation."),
        ),
        Column(
            _("Typical turnaround (days)"),
            lambda offering: offering.turnaround_days,
            sql="turnaround_days",
            description=_("Days from acceptance to delivery, as the complex states them."),
        ),
        Column(
            _("Vouchers accepted"),
            lambda offering: yes_no(offering.voucher_eligible),
            sql=sql_yes_no("voucher_eligible"),
            description=_("Whether innovation vouchers may pay part of the price."),
        ),
    ],
    filter_form=page_filter_form(OfferingFilter),
    rows=lambda user, filters: selectors.offering_catalogue(filters=filters),
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
    filter_form=page_filter_form(EnterpriseFilter),
    rows=selectors.enterprise_list,
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
    rows=lambda user, filters: selectors.voucher_list(user=user),
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
    rows=lambda user, filters: selectors.settlement_list(user=user),
)
