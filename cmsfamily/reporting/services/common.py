"""What the reporting services share: who may act, and whether the cycle is still open."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmsfamily.reporting.choices import CycleStatus
from cmsfamily.reporting.models import Cycle, Submission


def require(by, predicate, obj) -> None:
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
