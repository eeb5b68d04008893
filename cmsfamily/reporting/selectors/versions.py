"""The immutable versions of a report: the snapshot a submit takes, its hash, the difference
between two, and a version laid out for reading; who may read which version.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from cmsfamily.reporting.choices import (
    SubmissionStatus,
)
from cmsfamily.reporting.models import (
    Item,
    ReviewComment,
    Submission,
    SubmissionVersion,
)
from cmsfamily.reporting.selectors.checks import answer_anchor, content_relevance, relevance
from cmsfamily.reporting.selectors.tree import (
    LoopItem,
    Node,
    Structure,
    keys_of,
    loop_items,
    ordered_loop_items,
)


def snapshot(structure: Structure, submission: Submission, values: dict, loops=None) -> dict:
    """The content of a submit: answers of relevant questions, by question code and loop item
    (an answer to a question that is not shown, however deep the chain that hides it, stays in
    the draft and is never part of a version)."""
    loops = loop_items(structure, submission) if loops is None else loops
    relevant = relevance(structure, values, loops)
    content: dict[str, dict[str, Any]] = {}
    loop_labels: dict[str, str] = {}
    for node in structure.nodes:
        for loop in keys_of(node, loops):
            if loop.key:
                loop_labels[loop.key] = loop.label
            for item in node.items:
                value = values.get((item.question.code, loop.key))
                if value is None or not relevant.shown(item, loop.key):
                    continue
                content.setdefault(item.question.code, {})[loop.key] = value
    cycle = submission.cycle
    return {
        "cycle": cycle.slug,
        "template": structure.version.template.slug,
        "template_version": structure.version.number,
        "reporter": {
            "kind": "party" if submission.party_id else "organisation",
            "code": getattr(submission.reporter, "code", None)
            or getattr(submission.reporter, "slug", ""),
            "name": str(submission.reporter),
        },
        "language": submission.language,
        "loop_items": loop_labels,
        "answers": content,
    }


def value_hash(value) -> str:
    """A short fingerprint of an answer, so that a form can say which value it showed."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    code: str
    key: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def diff(older: dict, newer: dict) -> list[Change]:
    """Question by question, what differs between two snapshots (in the newer one's order)."""
    before, after = older.get("answers", {}), newer.get("answers", {})
    codes = list(after) + [code for code in before if code not in after]
    changes = []
    for code in codes:
        old, new = before.get(code, {}), after.get(code, {})
        for key in list(new) + [key for key in old if key not in new]:
            if old.get(key) != new.get(key):
                changes.append(Change(code, key, old.get(key), new.get(key)))
    return changes


@dataclass
class PrintedSection:
    node: Node
    rows: list = field(default_factory=list)  # (item, value) when not repeated
    loop_items: list = field(default_factory=list)  # (label, [value per item]) when repeated


def printed(structure: Structure, content: dict, loops=None) -> list[PrintedSection]:
    """A snapshot laid out for reading: each section's answers, a repeated section as a table
    (a row per loop item, a column per question, in the order of the form); answers to questions
    hidden by a condition left out, even when the version holds them."""
    loops = {} if loops is None else loops
    answers = content.get("answers", {})
    relevant = content_relevance(structure, content)
    sections = []
    for node in structure.nodes:
        section = PrintedSection(node)
        if node.loop_section is None:
            section.rows = [
                (item, answers.get(item.question.code, {}).get(""))
                for item in node.items
                if relevant.shown(item, "")
            ]
        else:
            section.loop_items = [
                (
                    loop.label,
                    [
                        answers.get(item.question.code, {}).get(loop.key)
                        if relevant.shown(item, loop.key)
                        else None
                        for item in node.items
                    ],
                )
                for loop in ordered_loop_items(node, loops, content)
            ]
        sections.append(section)
    return sections


def snapshot_values(content: dict) -> dict[tuple[str, str], Any]:
    """A version's answers by question code and loop item, as conditions read them."""
    return {
        (code, key): value
        for code, by_key in content.get("answers", {}).items()
        for key, value in by_key.items()
    }


@dataclass
class VersionAnswer:
    item: Item
    key: str
    loop_label: str
    value: Any

    @property
    def answered(self) -> bool:
        return self.value is not None

    @property
    def anchor(self) -> str:
        return answer_anchor(self.item.question.code, self.key)


def version_answers(
    structure: Structure, content: dict, loops: dict[int, list[LoopItem]]
) -> list[tuple[Node, list[VersionAnswer]]]:
    """A version's answers section by section, each under its question and loop item (in the
    order of the form); a question hidden by its condition is left out, with its answer if the
    version holds one."""
    answers = content.get("answers", {})
    relevant = content_relevance(structure, content)
    sections = []
    for node in structure.nodes:
        rows = [
            VersionAnswer(
                item, loop.key, loop.label, answers.get(item.question.code, {}).get(loop.key)
            )
            for loop in ordered_loop_items(node, loops, content)
            for item in node.items
            if relevant.shown(item, loop.key)
        ]
        sections.append((node, rows))
    return sections


def readable_versions(submission: Submission, user):
    """The versions of a report the user may read: all of them for the reporter and the
    instrument's secretariat; for everyone else only the published one, once the report is
    published (a version returned or recalled and never published stays theirs). Pages, API,
    files and exports all read versions through this."""
    versions = submission.versions.all()
    if user.has_perm("reporting.view_all_versions", submission):
        return versions
    if submission.status != SubmissionStatus.PUBLISHED:
        return versions.none()
    # Publishing is the last step and only the latest version can be accepted: the published
    # version is the latest one.
    latest = submission.versions.order_by("-number").values("pk")[:1]
    return versions.filter(pk__in=latest)


def readable_version(submission: Submission, user, number) -> SubmissionVersion | None:
    """A version the user may read, by number (None for one returned or recalled and never
    published, for the public and another Party), with who submitted it."""
    return (
        readable_versions(submission, user).select_related("submitted_by").filter(number=number)
    ).first()


def version_list(submission: Submission, user) -> list[SubmissionVersion]:
    """The versions the user may read, newest first, with who submitted each."""
    return list(
        readable_versions(submission, user).select_related("submitted_by").order_by("-number")
    )


def version_numbers(submission: Submission, user) -> list[int]:
    """The numbers of the versions the user may read, in the order of `readable_versions`."""
    return list(readable_versions(submission, user).values_list("number", flat=True))


def latest_version(submission: Submission) -> SubmissionVersion | None:
    """The report's last submitted version (what it holds while it cannot change)."""
    return submission.versions.select_related("submitted_by").order_by("-number").first()


def comments_by_answer(submission: Submission) -> dict[tuple[str, str], list[ReviewComment]]:
    """The review comments of a report (with their replies) by question code and loop item."""
    comments: dict[tuple[str, str], list[ReviewComment]] = defaultdict(list)
    for comment in (
        ReviewComment.objects.filter(submission=submission, parent=None)
        .select_related("author", "question")
        .prefetch_related(
            Prefetch("replies", queryset=ReviewComment.objects.select_related("author"))
        )
    ):
        comments[(comment.question.code, comment.loop_key)].append(comment)
    return comments


def review_comment(submission: Submission, pk) -> ReviewComment | None:
    """A review comment on this report (the one a reply answers)."""
    return ReviewComment.objects.filter(pk=pk, submission=submission).first()


def returned_comment_count(submission: Submission, version: SubmissionVersion) -> int:
    """How many comments (not counting replies) the Secretariat left on a returned version."""
    return ReviewComment.objects.filter(submission=submission, version=version, parent=None).count()
