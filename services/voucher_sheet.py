"""Reading a sheet of vouchers to issue: one row per voucher, every cell checked.

Columns A–D: unified social credit code, amount (CNY), valid from, expires on. The first row
holds the headers. Errors name the row and the column, so the sheet can be fixed and sent again.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from portal import credit_code
from portal.excel import open_uploaded_workbook
from portal.money import round_money

from .models import Enterprise

COLUMNS = (
    ("A", gettext_lazy("Unified social credit code")),
    ("B", gettext_lazy("Amount (CNY)")),
    ("C", gettext_lazy("Valid from")),
    ("D", gettext_lazy("Expires on")),
)
MAX_ROWS = 5000


def template_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "vouchers"
    sheet.append([str(header) for _column, header in COLUMNS])
    return workbook


def parse_voucher_sheet(upload) -> list[dict]:
    """The rows to issue, or a ValidationError listing every faulty cell."""
    workbook = open_uploaded_workbook(upload)
    raw_rows = [
        (number, values)
        for number, values in enumerate(
            workbook.active.iter_rows(min_row=2, max_col=4, values_only=True), start=2
        )
        if any(value not in (None, "") for value in values)
    ]
    workbook.close()
    if not raw_rows:
        raise ValidationError({"file": [_("The sheet has no vouchers below its header row.")]})
    if len(raw_rows) > MAX_ROWS:
        raise ValidationError(
            {"file": [_("At most %(limit)d vouchers per sheet.") % {"limit": MAX_ROWS}]}
        )
    codes = {credit_code.normalise(str(values[0] or "")) for _number, values in raw_rows}
    enterprises = Enterprise.objects.in_bulk(codes, field_name="credit_code")
    rows, errors = [], []
    for number, values in raw_rows:
        cells = (list(values) + [None] * 4)[:4]
        row, row_errors = _parse_row(cells, enterprises)
        errors += [
            _("Row %(row)d, column %(column)s (%(header)s): %(message)s")
            % {"row": number, "column": column, "header": header, "message": message}
            for column, header, message in row_errors
        ]
        rows.append(row)
    if errors:
        raise ValidationError({"file": errors})
    return rows


def _parse_row(cells, enterprises):
    errors = []
    (
        (code_col, code_header),
        (amount_col, amount_header),
        (from_col, from_header),
        (
            to_col,
            to_header,
        ),
    ) = COLUMNS
    code = credit_code.normalise(str(cells[0] or ""))
    enterprise = None
    try:
        credit_code.validate_credit_code(code)
    except ValidationError as error:
        errors.append((code_col, code_header, error.messages[0]))
    else:
        enterprise = enterprises.get(code)
        if enterprise is None:
            errors.append((code_col, code_header, _("No registered enterprise has this code.")))
    amount = _amount(cells[1])
    if amount is None:
        errors.append((amount_col, amount_header, _("Give a positive amount in yuan.")))
    valid_from, expires_on = _date(cells[2]), _date(cells[3])
    if valid_from is None:
        errors.append((from_col, from_header, _("Give a date (YYYY-MM-DD).")))
    if expires_on is None:
        errors.append((to_col, to_header, _("Give a date (YYYY-MM-DD).")))
    elif valid_from is not None and expires_on < valid_from:
        errors.append((to_col, to_header, _("The voucher cannot expire before it is valid.")))
    row = {
        "enterprise": enterprise,
        "amount": amount,
        "valid_from": valid_from,
        "expires_on": expires_on,
    }
    return row, errors


def _amount(value) -> Decimal | None:
    try:
        amount = round_money(Decimal(str(value).replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount > 0 else None


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
