"""A large table's rows written as SpreadsheetML text and put into the sheets XlsxWriter wrote.

XlsxWriter writes each cell through its general API (type checks, dimension and span tracking,
attribute escaping per cell): 0.076 ms a row of 16 cells, 114 of the 144 s the 1.5 M service
requests took as Excel. Here a row's cells are formatted straight into text, each column's style
taken from the workbook's formats, and written to a temporary file per sheet; XlsxWriter still
writes the package (styles, the header row, column widths, the frozen header) and the rows are
spliced into its sheets when the workbook is packed. The escaping is XlsxWriter's rules: ``&<>``
as entities, control characters and literal ``_xHHHH_`` as Excel's ``_xHHHH_`` escapes.
"""

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO

from xlsxwriter.utility import xl_col_to_name

# Excel's day 0 for the 1900 date system; serials computed from it are right from 1900-03-01 on
# (Excel counts a 29 February 1900 that never was), long before anything the portal stores.
EXCEL_EPOCH = datetime(1899, 12, 30)
ONE_DAY = timedelta(days=1)
# A cell holds at most 32,767 characters as Excel counts them (UTF-16 code units).
CELL_TEXT_MAX = 32_767
NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
COPY_BUFFER = 1 << 20


def cell_text(text: str) -> str:
    if len(text) > CELL_TEXT_MAX // 2 and len(text.encode("utf-16-le")) > CELL_TEXT_MAX * 2:
        text = text.encode("utf-16-le")[: CELL_TEXT_MAX * 2].decode("utf-16-le", "ignore")
    if NEEDS_ESCAPING.search(text):
        text = LITERAL_ESCAPE.sub(r"_x005F\1", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = CONTROL_CHARACTER.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return text


def excel_serial(moment: date) -> float | int:
    """A naive date or time as Excel's serial number of days."""
    if isinstance(moment, datetime):
        return (moment - EXCEL_EPOCH) / ONE_DAY
    return (moment - EXCEL_EPOCH.date()).days


class SheetRows:
    """The data rows of one sheet, below its header row, as text in a temporary file."""

    def __init__(self, styles: Sequence[int], file: IO[str]):
        # The style attribute per column: XlsxWriter's index of the column's number format.
        self.columns = [
            (xl_col_to_name(position), f' s="{style}"' if style else "")
            for position, style in enumerate(styles)
        ]
        self.file = file
        self.count = 0

    def write(self, values: Sequence) -> None:
        self.count += 1
        number = self.count + 1  # row 1 is the header
        parts = [f'<row r="{number}">']
        for (letter, style), value in zip(self.columns, values, strict=True):
            if value is None:
                continue
            kind = type(value)
            if kind is int or kind is float or kind is Decimal:
                parts.append(f'<c r="{letter}{number}"{style}><v>{value:.16G}</v></c>')
            elif kind is bool:
                parts.append(f'<c r="{letter}{number}"{style} t="b"><v>{int(value)}</v></c>')
            elif kind is datetime or kind is date:
                parts.append(
                    f'<c r="{letter}{number}"{style}><v>{excel_serial(value):.16G}</v></c>'
                )
            else:  # text, translated labels (lazy strings) and anything else as its text
                text = cell_text(value if kind is str else str(value))
                space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                parts.append(
                    f'<c r="{letter}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                )
        parts.append("</row>")
        self.file.write("".join(parts))

    def last_cell(self) -> str:
        return f"{self.columns[-1][0]}{self.count + 1}"


@contextmanager
def written_rows(
    values: Iterable[Sequence], styles: Sequence[int], rows_per_sheet: int
) -> Iterator[list[SheetRows]]:
    """Each sheet's rows, a new sheet after ``rows_per_sheet``; at least one sheet. Their files
    are removed on leaving."""
    with ExitStack() as files:

        def new_sheet() -> SheetRows:
            file = files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline=""))
            return SheetRows(styles, file)

        sheets = [new_sheet()]
        for row in values:
            if sheets[-1].count == rows_per_sheet:
                sheets.append(new_sheet())
            sheets[-1].write(row)
        yield sheets


def pack(skeleton: IO[bytes], sheets: Sequence[SheetRows], handle: IO[bytes]) -> None:
    """The workbook XlsxWriter packed into ``skeleton`` (its sheets holding the header row only),
    with each sheet's rows added, packed again into ``handle``."""
    members = {f"xl/worksheets/sheet{number}.xml": sheet for number, sheet in enumerate(sheets, 1)}
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            sheet = members.get(info.filename)
            if sheet is None:
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            head = DIMENSION.sub(f'<dimension ref="A1:{sheet.last_cell()}"/>'.encode(), head)
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                sheet.file.flush()
                sheet.file.buffer.seek(0)
                shutil.copyfileobj(sheet.file.buffer, member, COPY_BUFFER)
                member.write(b"</sheetData>" + tail)
