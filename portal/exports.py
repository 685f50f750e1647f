"""Tables as Excel downloads: described once, written row by row in constant memory.

An app describes a table as a ``TableExport``: translated column headers, a value accessor per
column, number formats, and the function that gives the same scoped, filtered rows its page
shows. The workbook is written by XlsxWriter in constant-memory mode (each row goes to disk as
it is written) from rows read in chunks through a server-side cursor, so memory does not grow
with the number of rows.

A table small enough (``EXPORT_INLINE_ROW_LIMIT``) is sent in the response; a larger one would
outlast the web server's timeout, so the download link offers to have it built instead, and a
worker builds the file (``portal.export_jobs``) under the same user, filters and language.
"""

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import xlsxwriter
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .exceptions import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0.00"
TWO_DECIMALS = "0.00"
DATE = "yyyy-mm-dd"
DATE_TIME = "yyyy-mm-dd hh:mm"
# Rows fetched per round trip of the server-side cursor: large enough to keep the round trips
# few, small enough that a chunk stays a few megabytes.
CHUNK_SIZE = 2000
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
# An Excel sheet holds 1,048,576 rows; a longer table goes on in another sheet, header and all.
SHEET_ROWS = 1_048_576
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Cells hold what the portal stores: text is never read as a formula or a link.
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


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
    """The label of a choice field's value, looked up in a dict of the labels per language.
    ``attribute`` names the value on a model row, or the key on a row read with ``values()``."""
    labels_by_language: dict[str | None, dict] = {}

    def label(row):
        language = get_language()
        if language not in labels_by_language:
            labels_by_language[language] = {value: str(text) for value, text in choices.choices}
        value = row[attribute] if isinstance(row, dict) else getattr(row, attribute)
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
        book = xlsxwriter.Workbook(handle, WORKBOOK_OPTIONS)
        formats = [
            book.add_format({"num_format": column.number_format}) if column.number_format else None
            for column in self.columns
        ]
        bold = book.add_format({"bold": True})
        remembered: list[dict] = [{} for _column in self.columns]
        plan = list(zip(self.columns, remembered, formats, strict=True))
        count = 0
        line = SHEET_ROWS
        for row in _chunked(rows):
            if line == SHEET_ROWS:
                writers = self._new_sheet(book, bold)
                line = 1
            for position, (column, known, cell_format) in enumerate(plan):
                if column.same_as is None:
                    value = column.value(row)
                else:
                    key = column.same_as(row)
                    if key not in known:
                        known[key] = column.value(row)
                    value = known[key]
                if value is None:
                    continue
                writer = writers.get(type(value))
                if writer is None:  # translated labels (lazy strings) and anything else
                    writer, value = writers[str], str(value)
                writer(line, position, value, cell_format)
            line += 1
            count += 1
        if count == 0:
            self._new_sheet(book, bold)
        book.close()
        return count

    def _new_sheet(self, book, bold) -> dict[type, Callable]:
        """Add a sheet with the header row; answers its cell writer per type of value."""
        number = len(book.worksheets()) + 1
        title = self.sheet_title() if number == 1 else f"{self.sheet_title()[:25]} ({number})"
        sheet = book.add_worksheet(title)
        for position, column in enumerate(self.columns):
            sheet.set_column(position, position, column.width)
            sheet.write_string(0, position, str(column.header), bold)
        sheet.freeze_panes(1, 0)
        return {
            str: sheet.write_string,
            int: sheet.write_number,
            float: sheet.write_number,
            Decimal: sheet.write_number,
            datetime: sheet.write_datetime,
            date: sheet.write_datetime,
            bool: sheet.write_boolean,
        }

    def sheet_title(self) -> str:
        return str(self.title).translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_MAX]

    def filename(self, request: HttpRequest) -> str:
        return f"{self.title}-{self.label(request)}.xlsx"

    def response(self, request: HttpRequest):
        """The file; for a signed-in user's table above the inline limit, the page that offers
        to prepare it in the background (a POST from that page records the job)."""
        rows = self.rows(request)
        if request.user.is_authenticated and _exceeds(rows, settings.EXPORT_INLINE_ROW_LIMIT):
            return self._in_background(request)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        self.write(rows, handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=self.filename(request), content_type=XLSX
        )

    def _in_background(self, request: HttpRequest):
        # Recording a job is a change, so it takes a POST (CSRF-checked): a link on another
        # site cannot set a signed-in person's exports going.
        from .export_jobs import export_job_pending, export_job_start  # they build on this

        parameters = {
            "owner": request.user,
            "export": request.resolver_match.view_name,
            "query": request.GET.urlencode(),
            "language": get_language(),
        }
        refused = None
        if request.method == "POST":
            try:
                return redirect(export_job_start(title=str(self.title), **parameters))
            except DomainError as error:
                refused = error.message
        else:
            pending = export_job_pending(**parameters)
            if pending is not None:
                return redirect(pending)
        context = {
            "title": self.title,
            "limit": settings.EXPORT_INLINE_ROW_LIMIT,
            "retention_days": settings.EXPORT_RETENTION_DAYS,
            "refused": refused,
            "crumbs": [(_("My exports"), reverse("my_exports")), (self.title, None)],
        }
        return render(
            request,
            "exports/confirm.html",
            context,
            status=HTTPStatus.TOO_MANY_REQUESTS if refused else HTTPStatus.OK,
        )

    def as_view(self):
        @login_required
        @require_http_methods(["GET", "POST"])
        def download(request):
            return self.response(request)

        download.table_export = self
        return download

    def as_public_view(self):
        """For tables the public may read on their page (the directory of complexes)."""
        download = require_http_methods(["GET", "POST"])(self.response)
        download.table_export = self
        return download


def table_export_at(path: str) -> TableExport | None:
    """The table whose download link is at ``path``, if it is one."""
    return getattr(resolve(path).func, "table_export", None)


def table_export_named(view_name: str) -> TableExport:
    return table_export_at(reverse(view_name))


def replayed_request(*, user, path: str, query: str = "") -> HttpRequest:
    """A GET of ``path?query`` by ``user``, for building a download outside a web request (a
    worker, a command) through the same rows function and checks as the page."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META["SERVER_NAME"], request.META["SERVER_PORT"] = "127.0.0.1", "80"
    request.user = user
    request.resolver_match = resolve(path)
    return request


def _exceeds(rows: Iterable, limit: int) -> bool:
    # Counting stops after limit + 1 rows, unordered: cheap whatever the table's size.
    if isinstance(rows, QuerySet):
        return rows.order_by()[: limit + 1].count() > limit
    return len(rows) > limit


def _chunked(rows: Iterable) -> Iterable:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return rows
