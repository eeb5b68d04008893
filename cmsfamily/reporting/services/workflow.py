"""The report's workflow: submit, recall, return, accept, publish, and review comments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.core.services import record_event
from cmsfamily.reporting import notifications, selectors
from cmsfamily.reporting import rules as who
from cmsfamily.reporting.choices import WORKFLOW, Step, SubmissionStatus
from cmsfamily.reporting.models import Item, ReviewComment, Submission, SubmissionVersion
from cmsfamily.reporting.services.common import field_error, guard_open, require

if TYPE_CHECKING:
    from cmsfamily.accounts.models import User


def _move(submission: Submission, step: Step, by: User | None, **fields: Any) -> Submission:
    """Make a step of the workflow table (`choices.WORKFLOW`) on the locked report."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status not in step.sources:
        raise ValidationError(
            _("A report that is %(status)s cannot be %(action)s.")
            % {
                "status": locked.get_status_display().lower(),
                "action": SubmissionStatus(step.target).label.lower(),
            },
            code="transition",
        )
    fields["status"] = step.target
    for name, value in fields.items():
        setattr(submission, name, value)
    Submission.objects.filter(pk=submission.pk).update(modified=timezone.now(), **fields)
    record_event(kind=step.event, target=submission, actor=by)
    return submission


def _require_actor(by: User | None, step: Step, submission: Submission) -> None:
    if step.needs_open_cycle:
        guard_open(submission)
    require(by, who.ACTORS[step.actor], submission)


@transaction.atomic
def submit(*, submission: Submission, by: User | None) -> SubmissionVersion:
    """Check the whole report; if nothing is wrong, freeze what was submitted as a new version.

    The report is locked before its answers are read: a save waits for the submit and is then
    refused, or was committed before and is in the version; none is acknowledged and left out."""
    _require_actor(by, WORKFLOW["submit"], submission)
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    structure = selectors.structure(submission.cycle.version)
    loops = selectors.loop_items(structure, submission)
    values = selectors.answer_values(submission)
    found = selectors.problems(structure, submission, values, loops)
    if found:
        raise ValidationError(
            [
                ValidationError(
                    f"{problem.label} {problem.message}".strip(),
                    code="incomplete",
                )
                for problem in found
            ],
        )
    now = timezone.now()
    _move(
        submission,
        WORKFLOW["submit"],
        by,
        submitted_at=now,
        first_submitted_at=locked.first_submitted_at or now,
    )
    content = selectors.snapshot(structure, submission, values, loops)
    number = (
        submission.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        snapshot=content,
        content_hash=selectors.content_hash(content),
        submitted_by=by,
        submitted_at=now,
        language=submission.language,
    )
    notifications.sent(submission, "resubmitted" if number > 1 else "submitted")
    return version


@transaction.atomic
def recall(*, submission: Submission, by: User | None) -> Submission:
    _require_actor(by, WORKFLOW["recall"], submission)
    _move(submission, WORKFLOW["recall"], by)
    notifications.sent(submission, "recalled")
    return submission


@transaction.atomic
def return_submission(*, submission: Submission, by: User | None, note: str) -> Submission:
    _require_actor(by, WORKFLOW["return"], submission)
    if not note.strip():
        raise field_error("note", _("Say what the reporter should change."), code="required")
    _move(submission, WORKFLOW["return"], by, review_note=note.strip())
    notifications.reviewed(submission)
    return submission


@transaction.atomic
def accept(*, submission: Submission, by: User | None) -> Submission:
    _require_actor(by, WORKFLOW["accept"], submission)
    _move(submission, WORKFLOW["accept"], by, accepted_at=timezone.now())
    notifications.reviewed(submission)
    return submission


@transaction.atomic
def publish(*, submission: Submission, by: User | None) -> Submission:
    _require_actor(by, WORKFLOW["publish"], submission)
    _move(submission, WORKFLOW["publish"], by, published_at=timezone.now())
    notifications.published(submission)
    return submission


@transaction.atomic
def comment(
    *,
    submission: Submission,
    code: str,
    by: User | None,
    text: str,
    key: str = "",
    parent: ReviewComment | None = None,
) -> ReviewComment:
    require(by, who.keeps_reporting_of | who.reports_for, submission)
    text = text.strip()
    if not text:
        raise field_error("text", _("Write the comment."), code="required")
    if len(text) > 10_000:
        raise field_error(
            "text", _("Use at most %(limit)s characters.") % {"limit": 10_000}, code="max_length"
        )
    structure_item = (
        Item.objects.filter(section__version=submission.cycle.version_id, question__code=code)
        .select_related("question")
        .first()
    )
    if structure_item is None:
        raise field_error(
            "code",
            _("This report has no question “%(code)s”.") % {"code": code},
            code="unknown_question",
        )
    if parent is not None and parent.submission_id != submission.pk:
        raise field_error("parent", _("Reply to a comment on this report."), code="invalid_choice")
    latest = submission.versions.order_by("-number").first()
    made = ReviewComment.objects.create(
        submission=submission,
        question=structure_item.question,
        loop_key=key,
        version=latest,
        parent=parent,
        author=by,
        text=text,
    )
    record_event(kind="submission.commented", target=submission, actor=by, question=code)
    return made
