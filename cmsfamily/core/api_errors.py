"""The API's one translation of the services' errors into answers (REST_FRAMEWORK's
EXCEPTION_HANDLER), so no view catches them itself.

A service's Django `ValidationError` is a 400 naming each field that is wrong with its messages
(`non_field_errors` when the error concerns no field), as the API has always answered, and beside
them `codes`: the same fields, each with the machine-readable code of each message in the same
order (the code the service gave the error, `invalid` when it gave none). A service's Django
`PermissionDenied` is a 403 `{"detail": …}` with the service's message. Everything else is DRF's.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

NON_FIELD_ERRORS = "non_field_errors"
DEFAULT_CODE = "invalid"


def _codes(errors: list[DjangoValidationError]) -> list[str]:
    return [error.code or DEFAULT_CODE for error in errors]


def validation_error_body(error: DjangoValidationError) -> dict[str, object]:
    """The 400 body of a Django ValidationError: its messages by field, and their codes."""
    if hasattr(error, "error_dict"):
        body: dict[str, object] = dict(error.message_dict)
        codes = {field: _codes(errors) for field, errors in error.error_dict.items()}
    else:
        body = {NON_FIELD_ERRORS: error.messages}
        codes = {NON_FIELD_ERRORS: _codes(error.error_list)}
    body["codes"] = codes
    return body


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        # DRF would answer its own generic sentence; the service's says why.
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
