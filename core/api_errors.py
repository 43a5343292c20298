from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def exception_handler(exc, context):
    """DRF's handler, plus the service layer's errors.

    ApplicationError and model validation -> 400 with field errors; deleting something other
    records still point at -> 409 saying what holds it, instead of a server error; a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE -> 413 (Django's own answer would be an HTML 400).
    """
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is too large: send at most {limit:,} bytes."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):  # too many fields, a malformed multipart body ...
        exc = exceptions.ParseError(str(exc) or None)
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError(exc.errors)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, ProtectedError | RestrictedError):
        held_by = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        holders = sorted({str(obj._meta.verbose_name_plural) for obj in held_by})
        return Response(
            {"detail": f"This cannot be deleted while other records refer to it ({', '.join(holders)})."},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
