"""What the portal accepts as an uploaded file, and how it hands one back.

The extension must be one we accept AND the first bytes must be what such a file starts with,
so that a renamed executable or HTML page is refused. Office Open XML files are ZIP archives:
their inner folder (word/, xl/, ppt/) must match the extension too. Uploads are stored under a
generated name in private storage (no public URL) and sent only by a view that has checked who
may see them.
"""

import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
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
    validate_upload(
        upload,
        extensions=ACCEPTED_EXTENSIONS,
        wrong_type=_("Attach a PDF, Office document or image (%(types)s)."),
    )


def private_upload_name(folder: str, filename: str) -> str:
    """A generated name: the uploader's file name never reaches the storage."""
    extension = Path(filename).suffix.lower()
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def uploaded_name(upload) -> str:
    """The name the uploader gave the file, for display and downloads only (never a path)."""
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][-150:]


def private_download(file_field, name: str, *, inline: bool = False) -> FileResponse:
    """An uploaded file, sent to someone the caller has checked may see it (uploads never have
    a public URL); 404 when nothing was uploaded. ``inline`` lets a page show it (licences
    side by side): their types are checked by content, and responses are ``nosniff``."""
    if not file_field:
        raise Http404
    response = FileResponse(
        file_field.open("rb"), as_attachment=not inline, filename=name or file_field.name
    )
    if inline:  # shown in a frame of the portal's own page, never of another site's
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def validate_upload(upload, *, extensions: tuple[str, ...], wrong_type: str) -> None:
    """Refuse a file of another type than ``extensions``, with a forged type, or too large."""
    limit = settings.SERVICE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The attachment is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = Path(upload.name or "").suffix.lower()
    if extension not in extensions:
        raise ValidationError(wrong_type % {"types": ", ".join(extensions)}, code="type")
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
