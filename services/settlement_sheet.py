"""The sheet of one month's settlement review: each consumption of voucher money, in Excel."""

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.exports import DATE_TIME, MONEY, Column, TableExport, local
from portal.inputs import LARGEST_ID, WholeNumberField

from .models import SettlementReview
from .settlement_review import review_sheet_entries


class ReviewSheetForm(forms.Form):
    review = WholeNumberField(
        label=_("settlement review"), minimum=1, maximum=LARGEST_ID, required=False
    )


def _rows(*, user, filters):
    if "review" not in filters:
        raise Http404
    try:
        return review_sheet_entries(user=user, review_id=filters["review"])
    except SettlementReview.DoesNotExist:
        raise Http404 from None


def _request(entry):
    return entry.service_request


SETTLEMENT_REVIEW_SHEET = TableExport(
    title=_("Settlement sheet"),
    columns=[
        Column(_("Complex"), lambda entry: entry.complex.name, width=30),
        Column(_("Consumed at"), lambda entry: local(entry.at), DATE_TIME, width=17),
        Column(_("Request No."), lambda entry: entry.service_request_id, width=10),
        Column(_("Enterprise"), lambda entry: _request(entry).enterprise.name, width=30),
        Column(_("Credit code"), lambda entry: _request(entry).enterprise.credit_code, width=21),
        Column(_("Offering"), lambda entry: _request(entry).offering.title, width=30),
        Column(_("Voucher No."), lambda entry: entry.voucher_id, width=10),
        Column(_("Amount (CNY)"), lambda entry: entry.amount, MONEY),
    ],
    filter_form=lambda user, data: ReviewSheetForm(data),
    rows=_rows,
)
