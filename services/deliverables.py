"""Files the operator hands over when delivering: checked like the enterprise's attachments
(type by extension and content, size, the uploader's name kept for display only), stored
privately under generated names, and downloaded only through views that check scope."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.exceptions import DomainError

from .attachments import uploaded_name, validate_attachment
from .models import Deliverable, ServiceRequest


def check(files) -> None:
    """Refuse the whole delivery if one file is wrong (nothing is half-saved)."""
    limit = settings.SERVICE_DELIVERABLES_PER_DELIVERY
    if len(files) > limit:
        raise DomainError(
            _("Hand over at most %(limit)s files with one delivery.") % {"limit": limit},
            field="files",
        )
    for upload in files:
        try:
            validate_attachment(upload)
        except ValidationError as error:
            raise DomainError(
                _("%(name)s: %(problem)s")
                % {"name": uploaded_name(upload), "problem": error.messages[0]},
                field="files",
            ) from error


def attach(*, service_request: ServiceRequest, files, actor) -> list[Deliverable]:
    """Store checked files with the request (see ``check``)."""
    return [
        Deliverable.objects.create(
            request=service_request,
            file=upload,
            name=uploaded_name(upload),
            size=upload.size,
            uploaded_by=actor,
        )
        for upload in files
    ]
