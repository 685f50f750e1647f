"""Reading uploaded Excel workbooks (openpyxl), for every import of the portal."""

from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


def open_uploaded_workbook(upload, *, field: str = "file"):
    """The workbook, read-only with computed values, or a ValidationError naming ``field``."""
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(
            {field: [_("This is not an Excel workbook (.xlsx).")]}, code="format"
        ) from error
