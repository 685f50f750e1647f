"""The annual report as an Excel workbook: a template to download (with last year's values and
the units) and an upload imported all at once or not at all, with an error per cell."""

from decimal import Decimal
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from portal.excel import read_uploaded_sheet, refuse, write_text

from . import selectors, services
from .models import AnnualReport

TEMPLATE_MARK = "zj-complex-portal/annual-report/v1"
SHEET = "report"
FIRST_ROW = 4
CODE, NAME, UNIT, LAST_YEAR, VALUE, COMMENT = range(1, 7)
# About twenty indicators are reported: a sheet ten times as long is not the template.
MAX_ROWS = FIRST_ROW + 200
COLUMN_LETTERS = "ABCDEF"


def report_template(*, report: AnnualReport) -> bytes:
    """The workbook of a report: one row per reported indicator, current values filled in."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = TEMPLATE_MARK
    sheet["A1"].font = Font(color="999999", size=8)
    write_text(sheet["B1"], report.complex.code)
    sheet["C1"] = report.year
    title = _("%(complex)s · annual report %(year)s")
    write_text(sheet["A2"], title % {"complex": report.complex.name, "year": report.year})
    sheet["A2"].font = Font(bold=True, size=13)
    headers = [
        _("Code"),
        _("Indicator"),
        _("Unit"),
        _("Last year (%(year)s)") % {"year": report.year - 1},
        _("Value"),
        _("Explanation"),
    ]
    for column, header in enumerate(headers, 1):
        cell = sheet.cell(row=FIRST_ROW - 1, column=column, value=header)
        cell.font = Font(bold=True)
    last_year = selectors.previous_year_values(complex_id=report.complex_id, year=report.year)
    current = selectors.report_values(report=report)
    editable = PatternFill("solid", fgColor="FFF7D6")
    row = FIRST_ROW
    for indicator in selectors.indicators_by_code().values():
        if not indicator.is_reported:
            continue
        entry = current.get(indicator.code)
        write_text(sheet.cell(row=row, column=CODE), indicator.code)
        write_text(sheet.cell(row=row, column=NAME), indicator.name)
        write_text(sheet.cell(row=row, column=UNIT), indicator.unit)
        previous = last_year.get(indicator.code)
        sheet.cell(row=row, column=LAST_YEAR, value=_number(previous))
        sheet.cell(
            row=row, column=VALUE, value=_number(entry.value if entry else None)
        ).fill = editable
        comment = write_text(sheet.cell(row=row, column=COMMENT), entry.comment if entry else "")
        comment.fill = editable
        row += 1
    for letter, width in zip(COLUMN_LETTERS, (26, 40, 10, 20, 20, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def report_import(*, report: AnnualReport, upload, actor) -> AnnualReport:
    """Read an uploaded template and save every value through ``report_update`` in one
    transaction. Any bad cell refuses the whole file, with one message per cell."""
    rows = read_uploaded_sheet(upload, sheet=SHEET, max_rows=MAX_ROWS, max_columns=COMMENT)
    mark, complex_code, year = _padded(rows[0], 3) if rows else (None, None, None)
    if mark != TEMPLATE_MARK:
        raise ValidationError({"file": [_("This is not the portal's annual report template.")]})
    if complex_code != report.complex.code or str(year) != str(report.year):
        raise ValidationError(
            {
                "file": [
                    _(
                        "This template belongs to another complex or year: download this report's own."
                    )
                ]
            }
        )
    indicators = selectors.indicators_by_code()
    values, comments, errors = {}, {}, []
    for position, cells in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        row = _padded(cells, COMMENT)
        code = row[CODE - 1]
        if code in (None, ""):
            continue
        indicator = indicators.get(str(code).strip())
        if indicator is None or not indicator.is_reported:
            errors.append(
                _("Cell A%(row)s: unknown indicator “%(code)s”.") % {"row": position, "code": code}
            )
            continue
        raw = row[VALUE - 1]
        comment = row[COMMENT - 1]
        try:
            parsed = services.parse_values({indicator.code: raw})
        except ValidationError as error:
            for message in error.message_dict[indicator.code]:
                errors.append(
                    _("Cell E%(row)s (%(indicator)s): %(message)s")
                    % {"row": position, "indicator": indicator.name, "message": message}
                )
            continue
        values.update(parsed)
        comments[indicator.code] = "" if comment is None else str(comment)
    if errors:
        raise refuse(errors)
    return services.report_update(
        report=report, version=report.version, actor=actor, values=values, comments=comments
    )


def _padded(cells: tuple, length: int) -> list:
    """A row's first ``length`` values, None for the cells the sheet leaves out."""
    return (list(cells) + [None] * length)[:length]
