"""What the reporting services share: who may act, whether the cycle is still open, and how a
refusal names its field and its code.

Every ValidationError a reporting service raises carries a stable code, which the API answers
beside the message (`codes`, cmsfamily.core.api_errors) so a client need not read the text. A code
means the same wherever it is used: `required` (a value that must be given is missing),
`duplicate` (one already exists), `invalid_choice` (not one of the values this place allows),
`max_length`, `invalid_range` (an end before its start), `unknown_question` (a question the
version does not ask), `closed` (the cycle is closed), `not_editable` (the report's state no
longer allows changes), `transition` (the report or cycle cannot move to that state), `incomplete`
(problems remain before submitting), `frozen` (a cycle uses the version or question), and a few
more, each named where it is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmsfamily.reporting.choices import CycleStatus, VersionStatus
from cmsfamily.reporting.models import Cycle, Submission, TemplateVersion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from cmsfamily.accounts.models import User


def field_error(field: str, message: StrOrPromise, *, code: str) -> ValidationError:
    """A refusal of one field's value, with its stable code."""
    return ValidationError({field: ValidationError(message, code=code)})


def require(by: User | None, predicate: Callable[[User, Any], bool], obj: Any) -> None:
    """The service asks who may, itself: a page, an API or a workbook that forgot to ask is still
    refused. (`by=None` is the platform itself: loaders and commands.) Whether the report's state
    allows the change is asked by the state checks, with their own messages."""
    if by is not None and not predicate(by, obj):
        raise PermissionDenied(_("You may not do this for this report."))


CYCLE_CLOSED = gettext_lazy("This cycle is closed: the report can no longer be changed.")


def guard_open(submission: Submission) -> None:
    """Late drafts and submissions are taken while the cycle is open; once the Secretariat closes
    it, nothing in its reports changes until it reopens it. Read from the database, not from the
    submission's cached cycle, so that a page opened before the closing cannot write after it."""
    if Cycle.objects.filter(pk=submission.cycle_id, status=CycleStatus.CLOSED).exists():
        raise ValidationError(CYCLE_CLOSED, code="closed")


def require_draft(version: TemplateVersion) -> None:
    """A version a cycle uses is frozen: nothing in it changes (a new version is made instead)."""
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _(
                "Version %(number)s is used by a reporting cycle and can no longer change. "
                "Make a new version to edit the template."
            )
            % {"number": version.number},
            code="frozen",
        )
