"""Drafting a report: saving answers (conflicts, idempotency), loop items, section assignments,
files, confirming carried-forward answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cmsfamily.core.services import record_event
from cmsfamily.reporting import answers as typed
from cmsfamily.reporting import rules as who
from cmsfamily.reporting import selectors
from cmsfamily.reporting.choices import EDITABLE_STATUSES, SPECIES_LOOPS, LoopKind, SubmissionStatus
from cmsfamily.reporting.models import (
    WRITE_KEY_LENGTH,
    Answer,
    Item,
    LoopEntry,
    Section,
    SectionAssignment,
    Submission,
)
from cmsfamily.reporting.services.common import field_error, guard_open, require

if TYPE_CHECKING:
    from cmsfamily.accounts.models import User


@dataclass(frozen=True)
class Edit:
    """One answer as sent: the question, the loop item, the value, and the revision the sender
    last saw (0 when they saw no answer)."""

    code: str
    key: str
    value: Any
    base_revision: int
    seen: str | None = None  # value_hash of the answer the sender's page showed


@dataclass(frozen=True)
class Conflict:
    code: str
    key: str
    yours: Any
    theirs: Any
    their_revision: int
    by: str
    at: dt.datetime | None


@dataclass
class SaveResult:
    saved: dict[tuple[str, str], int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    values: dict[tuple[str, str], Any] = field(default_factory=dict)  # what was saved

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.errors


def _require_section(by: User | None, submission: Submission, section: Section) -> None:
    if by is not None and section.pk not in selectors.editable_section_ids(
        submission, by, selectors.structure(submission.cycle.version)
    ):
        raise PermissionDenied(
            _("You may not edit section %(number)s.") % {"number": section.number}
        )


def _guard_editable(submission: Submission) -> None:
    if submission.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This report is %(status)s: it can no longer be changed.")
            % {"status": submission.get_status_display().lower()},
            code="not_editable",
        )


def save_answers(
    *,
    submission: Submission,
    edits: list[Edit],
    by: User | None,
    state: selectors.SectionState | None = None,
    language: str = "en",
    numbers: str | None = None,
    write_key: str = "",
) -> SaveResult:
    """Check every edit, then write all of them or none.

    Numbers typed as text are read in the language ``numbers`` (the page's), or only in the
    plain form programs send ("1234.5") when it is None (the API, values already cleaned).

    Nothing is written when an edit is invalid (``errors``, by question and loop item) or when
    an answer's current revision is not the one the sender read (``conflicts``, with both
    values), whatever the value sent: the sender chooses and saves again with the revision they
    have now seen. ``write_key`` (an idempotency key, up to 80 characters) is kept with each answer
    written, so that the same sender retrying the same write with the same key, its answer
    lost on the way, is answered as the first time instead of with a conflict.
    """
    guard_open(submission)
    _guard_editable(submission)
    if len(write_key) > WRITE_KEY_LENGTH:
        raise ValidationError(
            _("An idempotency key has at most %(limit)s characters.") % {"limit": WRITE_KEY_LENGTH},
            code="max_length",
        )
    if state is not None and state.submission.pk != submission.pk:
        raise ValueError("The section state is another report's.")
    # The page's read of the section (`selectors.report_state(...).section(...)`) lends its form
    # and loop items; what `by` may edit is asked here, never handed in. `by=None` is the
    # platform (loaders).
    structure = state.structure if state else selectors.structure(submission.cycle.version)
    editable = (
        {node.section.pk for node in structure.nodes}
        if by is None
        else selectors.editable_section_ids(submission, by, structure)
    )
    loops = state.loops if state else selectors.loop_items(structure, submission)
    result = SaveResult()
    cleaned: dict[tuple[str, str], tuple[Any, int]] = {}
    lookups = typed.Pickers()
    for edit in edits:
        spot = (edit.code, edit.key)
        item = structure.items_by_code.get(edit.code)
        if item is None:
            result.errors[spot] = [
                _("This report has no question “%(code)s”.") % {"code": edit.code}
            ]
            continue
        node = structure.node_of_item[item.pk]
        if node.section.pk not in editable:
            raise PermissionDenied(
                _("You may not edit section %(number)s.") % {"number": node.section.number}
            )
        if edit.key not in {loop.key for loop in selectors.keys_of(node, loops)}:
            result.errors[spot] = [
                _("“%(key)s” is not one of the items this section is repeated for.")
                % {"key": edit.key}
            ]
            continue
        try:
            value = typed.clean(
                item.question,
                edit.value,
                options=list(item.question.options.all()),
                lookups=lookups,
                language=language,
                file_prefix=file_prefix(submission),
                numbers=numbers,
            )
        except ValidationError as error:
            result.errors[spot] = error.messages
            continue
        if edit.seen is not None and edit.seen == selectors.value_hash(value):
            continue  # a field the sender did not touch: neither a write nor a conflict
        cleaned[spot] = (value, edit.base_revision)
    _check_valid_when(submission, structure, loops, state, cleaned, result)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _write(submission, structure, cleaned, by, result, write_key)
            if result.conflicts:
                transaction.set_rollback(True)
                result.saved.clear()
    except IntegrityError:
        # Someone created one of these answers between our read and our write.
        result.saved.clear()
        conflicts = _conflicts_now(submission, structure, cleaned)
        if not conflicts:
            raise  # something else: never answer "saved" for what was rolled back
        result.conflicts.extend(conflicts)
    return result


def _check_valid_when(submission, structure, loops, state, cleaned, result: SaveResult) -> None:
    """An answer that breaks its question's "valid when", read over the answers as they will be
    after this save (only where the question is relevant then), is refused as an out-of-bounds
    number is: an error on its field, and nothing of the save is written."""
    if not any(structure.items_by_code[code].valid_when_tree for code, _key in cleaned):
        return
    before = state.values if state is not None else selectors.answer_values(submission)
    after = {**before, **{spot: value for spot, (value, _base) in cleaned.items()}}
    for spot, message in selectors.broken_conditions(structure, after, loops, cleaned).items():
        result.errors.setdefault(spot, []).append(message)


def _write(submission, structure, cleaned, by, result: SaveResult, write_key: str) -> None:
    # Every writer of the report waits here for the one before it, so that the revisions read
    # below are the committed ones and stay so until this transaction ends.
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    _guard_editable(locked)
    codes = {code for code, _key in cleaned}
    existing = {
        (answer.question.code, answer.loop_key): answer
        for answer in Answer.objects.select_for_update(of=("self",))
        .filter(submission=submission, question__code__in=codes)
        .select_related("question", "updated_by")
    }
    to_update, to_create = [], []
    now = timezone.now()
    for (code, key), (value, base) in cleaned.items():
        answer = existing.get((code, key))
        current = answer.revision if answer else 0
        result.values[(code, key)] = value
        if base != current:
            if _retried(answer, value, write_key, by):
                result.saved[(code, key)] = current  # the same write again: the same answer
            else:  # even when the value is the same: the sender's write was based on another
                result.conflicts.append(_conflict(code, key, value, answer))
            continue
        if (answer.value if answer else None) == value:
            result.saved[(code, key)] = current  # nothing to change: not a conflict either
            continue
        if answer is None:
            to_create.append(
                Answer(
                    submission=submission,
                    question=structure.items_by_code[code].question,
                    loop_key=key,
                    value=value,
                    revision=1,
                    updated_by=by,
                    write_key=write_key,
                )
            )
            result.saved[(code, key)] = 1
        else:
            answer.value, answer.revision, answer.updated_by = value, current + 1, by
            answer.carried_from, answer.write_key = None, write_key
            answer.updated_at = now
            to_update.append(answer)
            result.saved[(code, key)] = current + 1
    if result.conflicts:
        return
    if to_update:
        # Only the value differs from row to row: one CASE for it, one plain UPDATE for the rest
        # (the rows are locked and their revisions checked above, so +1 is each one's new one).
        # Five CASEs of one branch per answer cost more time than the two statements.
        bulk_update_with_history(to_update, Answer, ["value"], default_user=by)
        Answer.objects.filter(pk__in=[answer.pk for answer in to_update]).update(
            revision=F("revision") + 1,
            updated_by=by,
            updated_at=now,
            carried_from=None,
            write_key=write_key,
        )
    if to_create:
        bulk_create_with_history(to_create, Answer, default_user=by)
    if locked.status == SubmissionStatus.NOT_STARTED and (to_update or to_create):
        Submission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.DRAFT, modified=timezone.now()
        )
        submission.status = SubmissionStatus.DRAFT


def _retried(answer: Answer | None, value: Any, write_key: str, by: User | None) -> bool:
    """The current revision is this very write, made before by the same sender with the same
    idempotency key (whose answer was lost on the way): not a conflict."""
    return bool(
        write_key
        and answer is not None
        and answer.write_key == write_key
        and answer.updated_by_id == getattr(by, "pk", None)
        and answer.value == value
    )


def _conflict(code, key, yours, answer: Answer | None) -> Conflict:
    return Conflict(
        code=code,
        key=key,
        yours=yours,
        theirs=answer.value if answer else None,
        their_revision=answer.revision if answer else 0,
        by=str(answer.updated_by) if answer and answer.updated_by else "",
        at=answer.updated_at if answer else None,
    )


def _conflicts_now(submission, structure, cleaned) -> list[Conflict]:
    existing = {
        (answer.question.code, answer.loop_key): answer
        for answer in Answer.objects.filter(
            submission=submission, question__code__in={code for code, _key in cleaned}
        ).select_related("question", "updated_by")
    }
    return [
        _conflict(code, key, value, existing.get((code, key)))
        for (code, key), (value, base) in cleaned.items()
        if (existing[(code, key)].revision if (code, key) in existing else 0) != base
    ]


def file_prefix(submission: Submission) -> str:
    return f"reporting/submissions/{submission.pk}/"


@transaction.atomic
def add_loop_entry(
    *, submission: Submission, section: Section, label: str, by: User | None, key: str = ""
) -> LoopEntry:
    guard_open(submission)
    _guard_editable(submission)
    if section.version_id == submission.cycle.version_id:
        _require_section(by, submission, section)
    if section.version_id != submission.cycle.version_id or section.loop not in (
        LoopKind.REPORTER_ITEMS,
        *SPECIES_LOOPS,
    ):
        raise ValidationError(_("Items cannot be added to this section."), code="not_repeated")
    if section.loop in SPECIES_LOOPS:
        # A species the Party reports on though the table does not list it as a range State.
        from cmsfamily.species.models import Taxon

        taxon = (
            Taxon.objects.filter(pk=key.removeprefix("taxon-")).first()
            if (
                key.startswith("taxon-")
                and key.removeprefix("taxon-").isascii()
                and key.removeprefix("taxon-").isdecimal()
            )
            else None
        )
        if taxon is None:
            raise field_error("key", _("Choose a species from the list."), code="invalid_choice")
        key, label = f"taxon-{taxon.pk}", taxon.scientific_name
        shown = selectors.loop_items(selectors.structure(section.version), submission)
        if any(item.key == key for item in shown.get(section.pk, [])):
            raise field_error("key", _("This item is already in the list."), code="duplicate")
    label = label.strip()
    if not label:
        raise field_error("label", _("Give the item a name."), code="required")
    if section.loop not in SPECIES_LOOPS:
        existing = LoopEntry.objects.filter(submission=submission, section=section).count()
        key = f"item-{existing + 1}"
        while LoopEntry.objects.filter(submission=submission, section=section, key=key).exists():
            existing += 1
            key = f"item-{existing + 1}"
    if LoopEntry.objects.filter(submission=submission, section=section, key=key).exists():
        raise field_error("key", _("This item is already in the list."), code="duplicate")
    try:
        with transaction.atomic():
            entry = LoopEntry.objects.create(
                submission=submission, section=section, key=key, label=label
            )
    except IntegrityError:  # the same item added at the same moment (a double click)
        raise field_error("key", _("This item is already in the list."), code="duplicate") from None
    record_event(
        kind="submission.item_added",
        target=submission,
        actor=by,
        section=section.number,
        key=key,
        label=label,
    )
    return entry


@transaction.atomic
def remove_loop_entry(*, entry: LoopEntry, by: User | None) -> None:
    guard_open(entry.submission)
    _guard_editable(entry.submission)
    _require_section(by, entry.submission, entry.section)
    codes = Item.objects.filter(section=entry.section_id).values_list("question_id", flat=True)
    Answer.objects.filter(
        submission=entry.submission_id, loop_key=entry.key, question__in=codes
    ).delete()
    record_event(
        kind="submission.item_removed",
        target=entry.submission,
        actor=by,
        section=entry.section.number,
        key=entry.key,
        label=entry.label,
    )
    entry.delete()


@transaction.atomic
def assign_section(
    *, submission: Submission, section: Section, user: User, by: User | None
) -> SectionAssignment:
    guard_open(submission)
    _guard_editable(submission)
    require(by, who.reports_for, submission)
    if section.version_id != submission.cycle.version_id:
        raise field_error("section", _("Choose a section of this report."), code="invalid_choice")
    assignment, _created = SectionAssignment.objects.get_or_create(
        submission=submission, section=section, user=user, defaults={"assigned_by": by}
    )
    record_event(
        kind="submission.assigned",
        target=submission,
        actor=by,
        section=section.number,
        user=user.pk,
    )
    return assignment


@transaction.atomic
def unassign_section(*, assignment: SectionAssignment, by: User | None) -> None:
    guard_open(assignment.submission)
    _guard_editable(assignment.submission)
    require(by, who.reports_for, assignment.submission)
    record_event(
        kind="submission.unassigned",
        target=assignment.submission,
        actor=by,
        section=assignment.section.number,
    )
    assignment.delete()


@transaction.atomic
def confirm_carried(*, submission: Submission, section: Section, by: User | None) -> int:
    """The reporter confirms the carried-forward answers of a section as this cycle's answers."""
    guard_open(submission)
    _guard_editable(submission)
    _require_section(by, submission, section)
    codes = Item.objects.filter(section=section).values_list("question__code", flat=True)
    return Answer.objects.filter(
        submission=submission, question__code__in=list(codes), carried_from__isnull=False
    ).update(carried_from=None, updated_by=by, updated_at=timezone.now())
