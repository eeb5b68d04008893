"""Who reads and edits which section of a draft, and the one read of a report
(`report_state`) and of a section (`report_state(...).section(...)`) that the pages, the draft
workbook, the API and `services.save_answers` share.
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


class ReportState:
    """A report as one user finds it: its form, which sections they may read and edit, whether
    they report for it, the items its loops repeat for and the answers so far, each read on
    first use and kept.

    The one read of a report: its page, its progress, the draft workbook and the API's answers
    ask it, and `section` gives the state of one section (the section page's)."""

    def __init__(self, submission: Submission, user):
        self.submission = submission
        self.user = user
        self.structure = structure(submission.cycle.version)

    @cached_property
    def editable(self) -> set[int]:
        """The sections the user may edit now (`editable_section_ids`)."""
        return editable_section_ids(self.submission, self.user, self.structure)

    @cached_property
    def readable(self) -> set[int]:
        """The sections of the draft the user may read (`readable_section_ids`)."""
        return readable_section_ids(self.submission, self.user, self.structure)

    @cached_property
    def readable_codes(self) -> set[str]:
        """The question codes of the sections the user may read in the draft."""
        return _codes_of(self.structure, self.readable)

    @cached_property
    def assigned(self) -> set[int]:
        """The sections assigned to the user, with their subsections."""
        return assigned_section_ids(self.submission, self.user, self.structure)

    @cached_property
    def closed(self) -> bool:
        """Whether the user reads the draft of a closed cycle (`reads_closed_draft`)."""
        return reads_closed_draft(self.user, self.submission)

    @cached_property
    def reports(self) -> bool:
        """Whether the user reports for the report (not only reviews or contributes to it)."""
        return reports(self.user, self.submission)

    @cached_property
    def loops(self) -> dict[int, list[LoopItem]]:
        return loop_items(self.structure, self.submission)

    @cached_property
    def values(self) -> dict[tuple[str, str], Any]:
        return answer_values(self.submission)

    @cached_property
    def answers(self) -> dict[tuple[str, str], Answer]:
        """Every answer as an object, with its revision."""
        return answers_of(self.submission)

    def section(self, section_id: int) -> SectionState | None:
        """The section of this report for this user, or None when the report's form has none."""
        node = self.structure.node(section_id)
        return None if node is None else SectionState(self, node)


def report_state(submission: Submission, user) -> ReportState:
    """The report as this user finds it (see `ReportState`)."""
    return ReportState(submission, user)


class SectionState:
    """A section of a report as one user finds it: its place in the form, what they may read
    and edit, and (read on first use) the items it repeats for and the answers so far.

    The one read of a section, made from the report's (`report_state(...).section(...)`): the
    section page builds its form from it and hands it to `services.save_answers`, which takes
    the structure and the loop items from it and still works out itself what the user may edit."""

    def __init__(self, report: ReportState, node: Node):
        self.report = report
        self.submission = report.submission
        self.user = report.user
        self.structure = report.structure
        self.node = node
        self.editable = report.editable
        self.closed = report.closed

    @property
    def may_edit(self) -> bool:
        return self.node.section.pk in self.editable

    @property
    def may_remove(self) -> bool:
        """Items added by the reporter belong to the section that defines the loop."""
        return self.node.loop_section is not None and self.node.loop_section.pk in self.editable

    @property
    def may_read(self) -> bool:
        return self.node.section.pk in self.report.readable

    @property
    def loops(self) -> dict[int, list[LoopItem]]:
        return self.report.loops

    @property
    def values(self) -> dict[tuple[str, str], Any]:
        return self.report.values

    @cached_property
    def answers(self) -> dict[tuple[str, str], Answer]:
        """The section's answers (all of the report's already read, or these only)."""
        codes = {item.question.code for item in self.node.items}
        if "answers" in self.report.__dict__:
            return {spot: a for spot, a in self.report.answers.items() if spot[0] in codes}
        return answers_of(self.submission, codes=codes)


def readable_codes(submission: Submission, user, structure: Structure) -> set[str]:
    """The question codes of the sections the user may read in the draft."""
    return _codes_of(structure, readable_section_ids(submission, user, structure))


def _codes_of(structure: Structure, sections: set[int]) -> set[str]:
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
