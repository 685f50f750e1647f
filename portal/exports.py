"""Tables as Excel downloads: described once, written row by row in constant memory.

An app describes a table as a ``TableExport``: translated column headers, a value accessor per
column, number formats, the list's filter form and its selector, which gives the same scoped,
filtered rows the page shows. The download validates the query string with the filter form and
calls the selector with the user and the validated filters. Rows are read in chunks through a
server-side cursor and each goes to disk as it is written (``portal.sheet_rows``: the cells as
text, put into the sheets XlsxWriter writes with the header, styles and column widths), so memory
does not grow with the number of rows.

A table small enough (``EXPORT_INLINE_ROW_LIMIT``) is sent in the response; a larger one would
outlast the web server's timeout, so the download link offers to have it built instead, and a
worker builds the file (``portal.export_jobs``) from the stored user, filters and language,
through the same selector.
"""

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any

import xlsxwriter
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, QuerySet
from django.forms import Form
from django.http import FileResponse, HttpRequest
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import sheet_rows
from .csv_exports import SqlValue, csv_view, sql_local_time
from .exceptions import DomainError
from .filtering import Filters, filters_as_json, validated

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


@dataclass(frozen=True)
class Column:
    """A column: its header, how to read a row's value, and how Excel shows it.

    ``same_as`` names what the value depends on (a region's id for its name): the value is then
    computed once per distinct key in an export, not once per row; translated names and labels
    cost more than the rest of a row. ``sql`` says how the database computes the same value (a
    field or annotation of the table's rows, or a function building the expression when the
    download starts, in its language): a table whose columns all have it downloads as CSV too
    (``portal.csv_exports``). ``description`` explains the field in an open dataset's
    dictionary (``portal.open_data``).
    """

    header: str | Promise
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: float = 14
    same_as: Callable[[Any], Any] | None = None
    sql: SqlValue | None = None
    description: str | Promise = ""


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


def today_label(user, filters: Filters) -> str:
    return timezone.localdate().isoformat()


def no_filters(user, data: Mapping | None) -> Form:
    """The filter form of a table that has no filters: any query string chooses nothing."""
    return Form(data)


@dataclass(frozen=True)
class TableExport:
    """One downloadable table.

    ``filter_form(user, data)`` is the list's filter form, as its page builds it, bound to a
    query string or to stored filters; ``rows(user=…, filters=…)`` is the list's selector: it
    answers the rows the user may see under the validated filters (raising PermissionDenied or
    Http404 as the page does); ``label(user, filters)`` names the file after its subject (a
    year, a date)."""

    title: str | Promise
    columns: Sequence[Column]
    rows: Callable[..., Iterable]
    filter_form: Callable[[Any, Mapping | None], Form] = field(default=no_filters)
    label: Callable[[Any, Filters], str] = field(default=today_label)

    def filters(self, user, data: Mapping | None) -> dict[str, Any]:
        """The validated filters of a query string or of stored filters (``InvalidFilters``
        for a value the list's form refuses)."""
        return validated(self.filter_form(user, data or None))

    def write(self, rows: Iterable, handle) -> int:
        """Write the workbook into an open binary file; answers the number of data rows."""
        if isinstance(rows, QuerySet) and self.csv_columns_complete():
            values = self._database_values(rows)
        else:
            values = self._python_values(rows)
        with tempfile.TemporaryFile() as skeleton:
            book = xlsxwriter.Workbook(skeleton)
            formats = [
                book.add_format({"num_format": column.number_format})
                if column.number_format
                else None
                for column in self.columns
            ]
            bold = book.add_format({"bold": True})
            # The formats' style indices, which XlsxWriter gives a format when a column or cell
            # first uses it, as the rows written apart refer to them.
            styles = [0 if fmt is None else fmt._get_xf_index() for fmt in formats]
            with sheet_rows.written_rows(values, styles, SHEET_ROWS - 1) as sheets:
                for number in range(1, len(sheets) + 1):
                    self._add_sheet(book, number, formats, bold)
                book.close()
                sheet_rows.pack(skeleton, sheets, handle)
                return sum(sheet.count for sheet in sheets)

    def _database_values(self, rows: QuerySet) -> Iterable[tuple]:
        """The cells of each row as the database computes them for the CSV (labels in the
        active language, region names, yes/no), read as tuples in chunks: no row becomes a
        model instance and no value passes through Python formatting. Moments come as Excel's
        date serials."""
        expressions = []
        for column in self.columns:
            if isinstance(column.sql, str):
                expression = F(column.sql)
            elif isinstance(column.sql, sql_local_time):
                expression = column.sql.excel_serial()
            else:
                expression = column.sql()
            expressions.append(expression)
        return rows.values_list(*expressions).iterator(chunk_size=CHUNK_SIZE)

    def _python_values(self, rows: Iterable) -> Iterable[tuple]:
        """The cells of each row through the columns' accessors; a value that depends only on
        its ``same_as`` key is computed once per key."""
        remembered: list[dict] = [{} for _column in self.columns]
        plan = list(zip(self.columns, remembered, strict=True))
        for row in _chunked(rows):
            cells = []
            for column, known in plan:
                if column.same_as is None:
                    cells.append(column.value(row))
                    continue
                key = column.same_as(row)
                if key not in known:
                    known[key] = column.value(row)
                cells.append(known[key])
            yield cells

    def _add_sheet(self, book, number: int, formats, bold) -> None:
        """A sheet with the header row, the columns' widths and formats, the header frozen."""
        title = self.sheet_title() if number == 1 else f"{self.sheet_title()[:25]} ({number})"
        sheet = book.add_worksheet(title)
        for position, (column, cell_format) in enumerate(zip(self.columns, formats, strict=True)):
            sheet.set_column(position, position, column.width, cell_format)
            sheet.write_string(0, position, str(column.header), bold)
        sheet.freeze_panes(1, 0)

    def sheet_title(self) -> str:
        return str(self.title).translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_MAX]

    def filename(self, user, filters: Filters) -> str:
        return f"{self.title}-{self.label(user, filters)}.xlsx"

    def response(self, request: HttpRequest):
        """The file; for a signed-in user's table above the inline limit, the page that offers
        to prepare it in the background (a POST from that page records the job)."""
        user = request.user
        filters = self.filters(user, request.GET)
        rows = self.rows(user=user, filters=filters)
        if user.is_authenticated and _exceeds(rows, settings.EXPORT_INLINE_ROW_LIMIT):
            return self._in_background(request, filters)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        self.write(rows, handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=self.filename(user, filters), content_type=XLSX
        )

    def _in_background(self, request: HttpRequest, filters: Filters):
        # Recording a job is a change, so it takes a POST (CSRF-checked): a link on another
        # site cannot set a signed-in person's exports going.
        from .export_jobs import export_job_pending, export_job_start  # they build on this

        parameters = {
            "owner": request.user,
            "export": request.resolver_match.view_name,
            "filters": filters_as_json(self.filter_form(request.user, None), filters),
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

    def as_csv_view(self):
        """The same table as CSV, streamed by the database (every column must have ``sql``)."""
        if not self.csv_columns_complete():
            raise ImproperlyConfigured(f"{self.title}: every column needs its sql to be a CSV")
        return csv_view(self)

    def csv_columns_complete(self) -> bool:
        return all(column.sql is not None for column in self.columns)

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


def _exceeds(rows: Iterable, limit: int) -> bool:
    # Counting stops after limit + 1 rows, unordered: cheap whatever the table's size.
    if isinstance(rows, QuerySet):
        return rows.order_by()[: limit + 1].count() > limit
    return len(rows) > limit


def _chunked(rows: Iterable) -> Iterable:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return rows
