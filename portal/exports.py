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
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
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
    header: str | Promise
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: float = 14


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
        formatted = [column.number_format for column in self.columns]
        count = 0
        for row in _chunked(rows):
            values = []
            for column, number_format in zip(self.columns, formatted, strict=True):
                value = column.value(row)
                if isinstance(value, Promise):  # a choice's label
                    value = str(value)
                elif number_format and value is not None:
                    value = WriteOnlyCell(sheet, value=value)
                    value.number_format = number_format
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
