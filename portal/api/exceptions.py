from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from portal.exceptions import DomainError, InvalidTransition, NotPermitted, StaleVersion


def portal_exception_handler(exc, context):
    """DRF's handler, plus the portal's domain errors and Django's model validation errors."""
    if isinstance(exc, (InvalidTransition, StaleVersion)):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotPermitted):
        return Response({"detail": str(exc.message)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        key = exc.field or "non_field_errors"
        return Response({key: [str(exc.message)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        # Deleting a row that others still point at (an institution with offerings) conflicts
        # with the current state rather than being a server fault.
        return Response(
            {"detail": _("This object is still in use and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))
    return exception_handler(exc, context)
