"""What an enterprise may attach to a service request: PDF, Office documents and images.

The extension must be one we accept AND the first bytes must be what such a file starts with,
so that a renamed executable or HTML page is refused. Office Open XML files are ZIP archives:
their inner folder (word/, xl/, ppt/) must match the extension too.
"""

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt
ZIP = b"PK\x03\x04"
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".doc": (OLE2,),
    ".xls": (OLE2,),
    ".ppt": (OLE2,),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
OOXML_FOLDERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ACCEPTED_EXTENSIONS = tuple(SIGNATURES)


def validate_attachment(upload) -> None:
    """Refuse files of the wrong type, with a forged type, or too large."""
    limit = settings.SERVICE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The attachment is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = Path(upload.name or "").suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("Attach a PDF, Office document or image (%(types)s).")
            % {"types": ", ".join(ACCEPTED_EXTENSIONS)},
            code="type",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SIGNATURES[extension]) or not _ooxml_matches(upload, extension):
        raise ValidationError(
            _("The content of this file is not a %(type)s file.")
            % {"type": extension.lstrip(".").upper()},
            code="content",
        )


def _ooxml_matches(upload, extension: str) -> bool:
    folder = OOXML_FOLDERS.get(extension)
    if folder is None:
        return True
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
