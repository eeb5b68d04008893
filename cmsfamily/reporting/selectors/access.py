"""Who reads and edits which section of a draft, and the one read of a section
(`section_state`) that its page and `services.save_answers` share.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from cmsfamily.reporting.choices import (
    EDITABLE_STATUSES,
    CycleStatus,
    SubmissionStatus,
)
from cmsfamily.reporting.models import (
    Answer,
    SectionAssignment,
    Submission,
)
from cmsfamily.reporting.selectors.checks import answer_values, answers_of
from cmsfamily.reporting.selectors.tree import LoopItem, Node, Structure, loop_items, structure


def editable_section_ids(submission: Submission, user, structure: Structure) -> set[int]:
    """The sections the user may edit now: all for the reporter, the assigned ones (and their
    subsections) for a contributor, none once the report has been submitted or its cycle closed."""
    from cmsfamily.reporting.rules import reports_for

    if (
        submission.status not in EDITABLE_STATUSES
        or submission.cycle.status == CycleStatus.CLOSED
        or not user.is_authenticated
    ):
        return set()
    if reports_for(user, submission):
        return {node.section.pk for node in structure.nodes}
    return assigned_section_ids(submission, user, structure)


def readable_section_ids(submission: Submission, user, structure: Structure) -> set[int]:
    """The sections of the draft the user may read: all for the reporter, the assigned ones (and
    their subsections) for a contributor while the report is drafted, none for anyone else."""
    if user.has_perm("reporting.view_draft", submission):
        return {node.section.pk for node in structure.nodes}
    if user.has_perm("reporting.view_draft_sections", submission):
        return assigned_section_ids(submission, user, structure)
    return set()


def reads_closed_draft(user, submission: Submission) -> bool:
    """The reporter and the contributors of a report whose cycle closed before it was accepted
    still read what they drafted (the rule of the draft's readers), though they can no longer
    change it."""
    return (
        submission.cycle.status == CycleStatus.CLOSED
        and submission.status not in (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED)
        and user.has_perm("reporting.view_draft_sections", submission)
    )


class SectionState:
    """A section of a report as one user finds it: its place in the form, what they may read
    and edit, and (read on first use) the items it repeats for and the answers so far.

    The one read of a section: the section page builds its form from it and hands it to
    `services.save_answers`, which takes the structure and the loop items from it and still
    works out itself what the user may edit."""

    def __init__(self, submission: Submission, user, structure: Structure, node: Node):
        self.submission = submission
        self.user = user
        self.structure = structure
        self.node = node
        self.editable = editable_section_ids(submission, user, structure)
        self.closed = reads_closed_draft(user, submission)

    @property
    def may_edit(self) -> bool:
        return self.node.section.pk in self.editable

    @property
    def may_remove(self) -> bool:
        """Items added by the reporter belong to the section that defines the loop."""
        return self.node.loop_section is not None and self.node.loop_section.pk in self.editable

    @cached_property
    def may_read(self) -> bool:
        return self.node.section.pk in readable_section_ids(
            self.submission, self.user, self.structure
        )

    @cached_property
    def loops(self) -> dict[int, list[LoopItem]]:
        return loop_items(self.structure, self.submission)

    @cached_property
    def values(self) -> dict[tuple[str, str], Any]:
        return answer_values(self.submission)

    @cached_property
    def answers(self) -> dict[tuple[str, str], Answer]:
        return answers_of(self.submission, codes=[item.question.code for item in self.node.items])


def section_state(submission: Submission, user, section_id: int) -> SectionState | None:
    """The section of this report for this user, or None when the report's form has none."""
    form = structure(submission.cycle.version)
    node = form.node(section_id)
    return None if node is None else SectionState(submission, user, form, node)


def readable_codes(submission: Submission, user, structure: Structure) -> set[str]:
    """The question codes of the sections the user may read in the draft."""
    sections = readable_section_ids(submission, user, structure)
    return {
        item.question.code
        for node in structure.nodes
        if node.section.pk in sections
        for item in node.items
    }


def assigned_section_ids(submission: Submission, user, structure: Structure) -> set[int]:
    """The sections assigned to a contributor, with their subsections: all they see of a report."""
    if not user.is_authenticated:
        return set()
    assigned = set(
        SectionAssignment.objects.filter(submission=submission, user=user).values_list(
            "section_id", flat=True
        )
    )
    parents = {node.section.pk: node.section.parent_id for node in structure.nodes}
    result = set()
    for node in structure.nodes:
        section = node.section
        ancestors = {section.pk}
        parent = section.parent_id
        while parent is not None:
            ancestors.add(parent)
            parent = parents.get(parent)
        if ancestors & assigned:
            result.add(section.pk)
    return result


def submission(user, pk) -> Submission | None:
    """A report the user sees, with the cycle, template and reporter its pages name."""
    return (
        Submission.objects.visible_to(user)
        .select_related("cycle__version__template__instrument", "party", "organisation")
        .filter(pk=pk)
        .first()
    )


def followed_submission(user, pk) -> Submission | None:
    """A report whose progress the user follows without reading it (the Secretariat keeping the
    cycle of a draft), or None."""
    found = (
        Submission.objects.select_related(
            "cycle__version__template__instrument", "party", "organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not user.has_perm("reporting.view_progress", found):
        return None
    return found


def reports(user, submission: Submission) -> bool:
    """Whether the user reports for this report (not only reviews or contributes to it)."""
    return Submission.objects.reported_by(user).filter(pk=submission.pk).exists()


def assignments(submission: Submission) -> list[SectionAssignment]:
    """The contributors assigned a section of the report, with the section and the user."""
    return list(
        SectionAssignment.objects.filter(submission=submission).select_related("section", "user")
    )


def assignment(submission: Submission, pk) -> SectionAssignment | None:
    """One assignment of the report (None once removed)."""
    return (
        SectionAssignment.objects.filter(pk=pk, submission=submission)
        .select_related("section", "user", "submission__cycle")
        .first()
    )


def is_editable(submission: Submission) -> bool:
    return submission.status in EDITABLE_STATUSES
