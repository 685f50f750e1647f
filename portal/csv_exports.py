"""Tables as CSV: PostgreSQL's COPY streamed to the download, through the list's own selector.

A ``TableExport`` whose every column also says how the database computes it (``Column.sql``)
can be downloaded as CSV: the selector's queryset, with the user's scope and the validated
filters, selects those expressions, and ``COPY (…) TO STDOUT`` writes the rows straight into
the response. No row becomes a Python object, so a table of 1.5 million rows streams in seconds
with flat memory and needs no background job. The header row is translated; values are what
the workbook shows (choice labels in the active language, wall-clock times), money and numbers
exact.
"""

import os
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

if TYPE_CHECKING:
    from .exports import TableExport

# Excel opens a UTF-8 CSV as UTF-8 only when it starts with the byte order mark.
BYTE_ORDER_MARK = "\ufeff"
PIPE_READ_BYTES = 1 << 16

SqlValue = str | Callable[[], Combinable]


class sql_local_time:  # named like the other builders of column expressions
    """A stored moment as the portal's wall-clock time, minutes shown (as the workbook); for
    the workbook itself, ``excel_serial`` gives the same moment as Excel stores a date and time
    (days since 1899-12-30), computed by the database instead of per row in Python."""

    def __init__(self, path: str):
        self.path = path

    def _wall_clock(self) -> Func:
        return Func(Value(settings.TIME_ZONE), F(self.path), function="timezone")

    def __call__(self) -> Func:
        return Func(
            self._wall_clock(),
            Value("YYYY-MM-DD HH24:MI"),
            function="to_char",
            output_field=CharField(),
        )

    def excel_serial(self) -> Func:
        # 25569: the Excel serial of 1970-01-01, the epoch EXTRACT counts from.
        return Func(
            self._wall_clock(),
            template="(EXTRACT(EPOCH FROM %(expressions)s)::float8 / 86400 + 25569)",
            output_field=FloatField(),
        )


def sql_choice_label(path: str, choices) -> Callable[[], Case]:
    """A choice field's label in the active language (built when the download starts)."""

    def expression() -> Case:
        return Case(
            *(When(**{path: value}, then=Value(str(label))) for value, label in choices.choices),
            default=F(path),
            output_field=CharField(),
        )

    return expression


def sql_yes_no(condition: Q | str) -> Callable[[], Case]:
    def expression() -> Case:
        test = Q(**{condition: True}) if isinstance(condition, str) else condition
        return Case(
            When(test, then=Value(_("Yes"))), default=Value(_("No")), output_field=CharField()
        )

    return expression


def copy_statement(table: "TableExport", rows: QuerySet) -> str | None:
    """The COPY statement of the rows, one selected expression per column, parameters bound;
    None when the rows are none by construction (a user who may see none)."""
    expressions = {
        f"column_{number}": F(column.sql) if isinstance(column.sql, str) else column.sql()
        for number, column in enumerate(table.columns)
    }
    try:
        sql, params = rows.values(**expressions).query.sql_with_params()
    except EmptyResultSet:
        return None
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
    return f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"


def copy_stream(statement: str) -> Iterator[bytes]:
    """The output of a COPY … TO STDOUT, chunk by chunk as the server sends it.

    psycopg2 writes a COPY into a file object and returns only at its end, so the COPY runs in
    a thread that writes into a pipe this generator reads. The thread uses this thread's
    database connection while the generator waits on the pipe, never both at once. A client
    that goes away closes the pipe: the COPY fails on its next write and the connection, left
    in the middle of a COPY, is closed."""
    cursor = connection.cursor()
    raw = cursor.cursor
    read_end, write_end = os.pipe()
    failure: list[BaseException] = []

    def run():
        try:
            with os.fdopen(write_end, "wb") as sink:
                raw.copy_expert(statement, sink, size=PIPE_READ_BYTES)
        except BaseException as error:  # handed to the reading side
            failure.append(error)

    writer = threading.Thread(target=run, name="csv-copy", daemon=True)
    writer.start()
    finished = False
    try:
        with os.fdopen(read_end, "rb") as source:
            while chunk := source.read(PIPE_READ_BYTES):
                yield chunk
        finished = True
    finally:
        writer.join()
        cursor.close()
        if failure or not finished:
            connection.close()
    if failure:
        raise failure[0]


def csv_response(table: "TableExport", request: HttpRequest) -> StreamingHttpResponse:
    user = request.user
    filters = table.filters(user, request.GET)
    statement = copy_statement(table, table.rows(user=user, filters=filters))
    header = ",".join(_csv_field(str(column.header)) for column in table.columns)

    def content() -> Iterator[bytes]:
        yield (BYTE_ORDER_MARK + header + "\r\n").encode()
        if statement is not None:
            yield from copy_stream(statement)

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    filename = table.filename(user, filters).removesuffix(".xlsx") + ".csv"
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_view(table: "TableExport"):
    @login_required
    @require_GET
    def download(request):
        return csv_response(table, request)

    return download


def _csv_field(text: str) -> str:
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
