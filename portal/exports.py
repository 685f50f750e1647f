"""Tables as Excel downloads: described once, written row by row in constant memory.

An app describes a table as a ``TableExport``: translated column headers, a value accessor per
column, number formats, and the function that gives the same scoped, filtered rows its page
shows. The workbook is written by openpyxl in write-only mode (each row goes to disk as it is
appended) from rows read in chunks through a server-side cursor, so memory does not grow with
the number of rows; the finished file is sent from a temporary file.
"""

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0.00"
TWO_DECIMALS = "0.00"
DATE = "yyyy-mm-dd"
DATE_TIME = "yyyy-mm-dd hh:mm"
# Rows fetched per round trip of the server-side cursor: large enough to keep the round trips
# few, small enough that a chunk of model instances stays a few megabytes.
CHUNK_SIZE = 2000
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


@dataclass(frozen=True)
class Column:
    """A column: its header, how to read a row's value, and how Excel shows it.

    ``same_as`` names what the value depends on (a region's id for its name): the value is then
    computed once per distinct key in an export, not once per row; translated names and labels
    cost more than the rest of a row.
    """

    header: str | Promise
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: float = 14
    same_as: Callable[[Any], Any] | None = None


def choice(attribute: str, choices: type[models.Choices]) -> Callable[[Any], Any]:
    """The label of a choice field's value, looked up in a dict of the labels per language."""
    labels_by_language: dict[str | None, dict] = {}

    def label(row):
        language = get_language()
        if language not in labels_by_language:
            labels_by_language[language] = {value: str(text) for value, text in choices.choices}
        value = getattr(row, attribute)
        return labels_by_language[language].get(value, value)

    return label


def local(moment: datetime | None) -> datetime | None:
    """A stored (aware) moment as the portal's wall-clock time: Excel has no time zones."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def today_label(request: HttpRequest) -> str:
    return timezone.localdate().isoformat()


@dataclass(frozen=True)
class TableExport:
    """One downloadable table. ``rows`` receives the request and answers the rows the user may
    see under the page's filters (raising PermissionDenied or Http404 as the page does);
    ``label`` names the file after its subject (a year, a date)."""

    title: str | Promise
    columns: Sequence[Column]
    rows: Callable[[HttpRequest], Iterable]
    label: Callable[[HttpRequest], str] = field(default=today_label)

    def write(self, rows: Iterable, handle) -> int:
        """Write the workbook into an open binary file; answers the number of data rows."""
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=self.sheet_title())
        for position, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(position)].width = column.width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=str(column.header))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        remembered: list[dict] = [{} for _column in self.columns]
        count = 0
        for row in _chunked(rows):
            values = []
            for column, known in zip(self.columns, remembered, strict=True):
                if column.same_as is None:
                    value = column.value(row)
                else:
                    key = column.same_as(row)
                    if key not in known:
                        known[key] = column.value(row)
                    value = known[key]
                if isinstance(value, Promise):
                    value = str(value)
                elif column.number_format and value is not None:
                    value = WriteOnlyCell(sheet, value=value)
                    value.number_format = column.number_format
                values.append(value)
            sheet.append(values)
            count += 1
        book.save(handle)
        return count

    def sheet_title(self) -> str:
        return str(self.title).translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_MAX]

    def filename(self, request: HttpRequest) -> str:
        return f"{self.title}-{self.label(request)}.xlsx"

    def response(self, request: HttpRequest) -> FileResponse:
        rows = self.rows(request)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        self.write(rows, handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=self.filename(request), content_type=XLSX
        )

    def as_view(self):
        @login_required
        @require_GET
        def download(request):
            return self.response(request)

        return download

    def as_public_view(self):
        """For tables the public may read on their page (the directory of complexes)."""
        return require_GET(self.response)


def _chunked(rows: Iterable) -> Iterable:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return rows
