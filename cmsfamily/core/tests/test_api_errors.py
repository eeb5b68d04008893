"""The API's exception handler: a service's ValidationError is the 400 the API always gave (the
messages by field, `non_field_errors` without one) plus `codes`; its PermissionDenied a 403 with
its message; anything else is DRF's answer."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions

from cmsfamily.core.api_errors import exception_handler


def _answer(error):
    response = exception_handler(error, {})
    return response.status_code, response.data


def test_an_error_without_a_field_is_a_non_field_error_with_its_code():
    status, body = _answer(ValidationError("The programme is closed.", code="closed"))
    assert status == 400
    assert body == {
        "non_field_errors": ["The programme is closed."],
        "codes": {"non_field_errors": ["closed"]},
    }


def test_an_error_without_a_code_has_the_code_invalid():
    assert _answer(ValidationError("Wrong."))[1]["codes"] == {"non_field_errors": ["invalid"]}


def test_each_message_of_each_field_has_its_code_in_the_same_order():
    error = ValidationError(
        {
            "start": [
                ValidationError("Before %(year)s.", code="too_early", params={"year": 2019}),
                ValidationError("A Sunday."),
            ],
            "currency": ValidationError("No rate.", code="unknown_currency"),
        }
    )
    status, body = _answer(error)
    assert status == 400
    assert body == {
        "start": ["Before 2019.", "A Sunday."],
        "currency": ["No rate."],
        "codes": {"start": ["too_early", "invalid"], "currency": ["unknown_currency"]},
    }


def test_a_list_of_errors_keeps_each_code():
    error = ValidationError([ValidationError("One.", code="one"), ValidationError("Two.")])
    assert _answer(error)[1] == {
        "non_field_errors": ["One.", "Two."],
        "codes": {"non_field_errors": ["one", "invalid"]},
    }


def test_a_services_permission_denied_is_a_403_with_its_message():
    assert _answer(PermissionDenied("This report cannot be edited now.")) == (
        403,
        {"detail": "This report cannot be edited now."},
    )


def test_a_permission_denied_without_a_message_is_drfs_403():
    assert _answer(PermissionDenied()) == (
        403,
        {"detail": "You do not have permission to perform this action."},
    )


def test_drfs_own_errors_are_answered_as_before():
    assert _answer(exceptions.ValidationError({"year": ["Bad."]})) == (400, {"year": ["Bad."]})
    assert _answer(Http404()) == (404, {"detail": "Not found."})
