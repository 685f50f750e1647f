"""Reading uploaded Excel workbooks (openpyxl), for every import of the portal.

An upload is a zip of XML parts, and every part can be made to cost far more than its size: a
35 KB file unpacks to 200,000 rows, a part can declare entities that expand, and a truncated
part fails deep inside the parser. So the file is checked before openpyxl reads it (its size,
the number of parts, what they unpack to and at what ratio, no document type declaration in
any part: Excel never writes one), the sheet's declared dimension is checked before its rows
are read, and reading stops at the caller's row limit whatever the dimension said. Whatever
openpyxl or the XML parser then raises is the file's fault: a ValidationError naming the field,
never a 500. The messages of a refused file are capped (``refuse``), so a page or a session
never holds thousands of them.
"""

import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# An .xlsx that Excel writes has a dozen parts and a few sheets.
MAX_PARTS = 100
MAX_SHEETS = 10
MAX_COLUMNS = 50
# Excel's parts compress about tenfold; a hundredfold is a file made to unpack.
MAX_COMPRESSION_RATIO = 100
SHOWN_MESSAGES = 50
DOCUMENT_TYPE = b"<!DOCTYPE"
SCAN_CHUNK = 64 * 1024
# What a damaged or hostile file makes the zip module, openpyxl or the XML parsers raise
# (xml.etree's and lxml's ParseError are SyntaxErrors).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)


def refuse(messages: list[str], *, field: str = "file") -> ValidationError:
    """The ValidationError of a refused file: its first messages and how many more there are."""
    shown = list(messages[:SHOWN_MESSAGES])
    if len(messages) > SHOWN_MESSAGES:
        shown.append(
            _("… and %(count)d more problems.") % {"count": len(messages) - SHOWN_MESSAGES}
        )
    return ValidationError({field: shown}, code="invalid")


def write_text(cell, value: str | None):
    """Put text in an openpyxl cell as text. openpyxl makes a string that starts with "=" a
    formula, live when the file is opened (and read back as no value at all): a comment or a
    name written this way stays what the person typed. ``quotePrefix`` keeps Excel from
    reading it as a formula when the cell is edited."""
    cell.value = value
    if value is not None:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def read_uploaded_sheet(
    upload, *, max_rows: int, max_columns: int, sheet: str | None = None, field: str = "file"
) -> list[tuple] | None:
    """The values of a sheet's first ``max_rows`` rows and ``max_columns`` columns, from row 1
    (row n at index n - 1); None when the workbook has no sheet named ``sheet`` (the active
    one when ``sheet`` is None). A file beyond the limits, or that is not a workbook, is a
    ValidationError naming ``field``."""
    _check_archive(upload, field)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise _not_a_workbook(field) from error
    try:
        if len(book.sheetnames) > MAX_SHEETS:
            raise refuse(
                [_("At most %(limit)d sheets per workbook.") % {"limit": MAX_SHEETS}], field=field
            )
        if sheet is not None and sheet not in book.sheetnames:
            return None
        worksheet = book.active if sheet is None else book[sheet]
        # The dimension a sheet declares ("A1:F200004") is read without its rows.
        if (worksheet.max_row or 0) > max_rows or (worksheet.max_column or 0) > MAX_COLUMNS:
            raise _too_large(max_rows, field)
        rows = list(
            worksheet.iter_rows(max_row=max_rows + 1, max_col=max_columns, values_only=True)
        )
    except UNREADABLE as error:
        raise _not_a_workbook(field) from error
    finally:
        book.close()
    if len(rows) > max_rows:  # the dimension was missing or lied
        raise _too_large(max_rows, field)
    return rows


def _check_archive(upload, field: str) -> None:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    limit = settings.EXCEL_IMPORT_MAX_BYTES
    if size > limit:
        raise refuse(
            [_("The file is larger than %(size)s MB.") % {"size": f"{limit / 2**20:g}"}],
            field=field,
        )
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if (
                len(parts) > MAX_PARTS
                or unpacked > settings.EXCEL_IMPORT_MAX_UNPACKED_BYTES
                or unpacked > max(size, 1) * MAX_COMPRESSION_RATIO
            ):
                raise refuse(
                    [_("The workbook unpacks to far more than it weighs: it is refused.")],
                    field=field,
                )
            for part in parts:
                if _declares_document_type(archive, part):
                    raise refuse(
                        [
                            _(
                                "The workbook declares a document type or entities, "
                                "which Excel never writes: it is refused."
                            )
                        ],
                        field=field,
                    )
    except UNREADABLE as error:
        raise _not_a_workbook(field) from error
    finally:
        upload.seek(0)


def _declares_document_type(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the part holds ``<!DOCTYPE``, or is XML not in UTF-8 (where that would not be
    found by its bytes): read in chunks, to the end, so a truncated part fails here too."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            if not tail and part.filename.endswith((".xml", ".rels")) and b"\x00" in chunk[:4]:
                return True
            if DOCUMENT_TYPE in tail + chunk:
                return True
            tail = chunk[-len(DOCUMENT_TYPE) :]
    return False


def _too_large(max_rows: int, field: str) -> ValidationError:
    return refuse(
        [
            _("At most %(rows)d rows and %(columns)d columns per sheet.")
            % {"rows": max_rows, "columns": MAX_COLUMNS}
        ],
        field=field,
    )


def _not_a_workbook(field: str) -> ValidationError:
    return ValidationError({field: [_("This is not an Excel workbook (.xlsx).")]}, code="format")
