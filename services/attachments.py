"""What an enterprise may upload: attachments to a service request (PDF, Office documents and
images) and its business licence (PDF or a scan), checked by ``portal.uploads``."""

from django.utils.translation import gettext as _

from portal.uploads import (  # noqa: F401 (the services app's names for them)
    ACCEPTED_EXTENSIONS,
    private_download,
    uploaded_name,
    validate_attachment,
    validate_upload,
)

LICENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")


def validate_licence(upload) -> None:
    """A business licence: a PDF or a photo/scan, checked like any attachment."""
    validate_upload(
        upload,
        extensions=LICENCE_EXTENSIONS,
        wrong_type=_("Upload the business licence as a PDF or an image (%(types)s)."),
    )
