"""The reads of the report analyzer (the `analytics` app): the cycles it offers, which version of
each report counts for whom, the reporters expected, and the questions several cycles share.

What counts is each reporter's latest version once the report is accepted or published (only the
latest version can be accepted, and publishing makes no new version). The public, and anyone who
does not keep the cycle, count published reports only; the secretariat of the cycle's instrument
(the CMS Secretariat for every cycle) also counts accepted ones. A draft never counts: it has no
version, and a returned or recalled version stops counting with its report's status.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import JSONField, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.urls import reverse

from cmsfamily.reporting.choices import MEANING_KINDS, QuestionKind, SubmissionStatus, YesNo
from cmsfamily.reporting.conditions import references
from cmsfamily.reporting.models import Cycle, Item, Question, Submission, SubmissionVersion
from cmsfamily.reporting.selectors.checks import content_kept
from cmsfamily.reporting.selectors.tree import Node, Structure, structure

COUNTED_FOR_EVERYONE = frozenset({SubmissionStatus.PUBLISHED})
COUNTED_FOR_KEEPERS = frozenset({SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED})


def analysable_cycles(user) -> list[Cycle]:
    """The cycles the user sees, newest first, with their template and instrument."""
    return list(
        Cycle.objects.visible_to(user)
        .select_related("version__template__instrument")
        .order_by("-deadline", "slug")
    )


def counts_accepted(user, cycle: Cycle) -> bool:
    """The user keeps the cycle (the review pages' rule), so its accepted reports count too."""
    return user.has_perm("reporting.manage_cycle", cycle)


def forms_of(cycles) -> dict[int, Structure]:
    """Each cycle's form (cycle id -> its structure), read once per template version: the
    cycles of a template share their version."""
    by_version: dict[int, Structure] = {}
    for cycle in cycles:
        if cycle.version_id not in by_version:
            by_version[cycle.version_id] = structure(cycle.version)
    return {cycle.pk: by_version[cycle.version_id] for cycle in cycles}


@dataclass(frozen=True)
class CountedReport:
    """A report that counts, with the one version whose answers are counted."""

    submission: Submission
    version: SubmissionVersion
    form: Structure  # the cycle's form, read once per cycle
    # The part of the version's content that was read (`counted_reports(..., codes=...)`): the
    # answers to some questions and the loop items' labels; None when the whole was read.
    content: dict | None = None
    # The questions of those asked that it answers (`counted_reports(..., answered_only=True)`),
    # when no answer was read; None otherwise.
    answered: frozenset[str] | None = None

    @property
    def snapshot(self) -> dict:
        return self.version.snapshot if self.content is None else self.content

    def answers_any(self, codes: Iterable[str]) -> bool:
        """Whether it answers one of these questions (relevant in it)."""
        if self.answered is not None:
            return not self.answered.isdisjoint(codes)
        return any(self.answers.get(code) for code in codes)

    @property
    def cycle(self) -> Cycle:
        return self.submission.cycle

    @property
    def reporter(self):
        return self.submission.reporter

    @cached_property
    def answers(self) -> dict:
        """The version's answers to the questions relevant in it, by question code and loop
        key: a version taken before relevance was transitive may hold answers to questions its
        form now hides, which no figure counts (as no version page shows them)."""
        by_code: dict[str, dict] = {}
        for (code, key), value in content_kept(self.form, self.snapshot).items():
            by_code.setdefault(code, {})[key] = value
        return by_code

    @property
    def loop_labels(self) -> dict:
        return self.snapshot.get("loop_items", {})

    @property
    def url(self) -> str:
        return reverse("reporting:version-detail", args=[self.submission.pk, self.version.number])


@dataclass(frozen=True)
class Reporters:
    counted: list[CountedReport]
    missing: list[Submission]  # expected, with nothing that counts for this user


def counted_reports(
    cycles: list[Cycle],
    user,
    *,
    codes: Iterable[str] | None = None,
    answered_only: bool = False,
) -> Reporters:
    """The reports of these cycles that count for the user, and the expected ones that do not:
    two queries whatever the number of reporters (the rule is asked per cycle, from the user's
    scope, which is read once).

    With `codes`, only the answers to those questions (and to the questions their conditions
    read, so that what is relevant is decided as on the whole) are read, with the loop items'
    labels: the database picks them out of each version's content, which is sent whole only
    without `codes` (a national report's content holds thousands of answers; a figure reads a
    few of them). With `answered_only` too, only which of them each report answers is read
    (`CountedReport.answers_any`), unless a condition decides whether they are shown: then their
    answers are read, to decide it as the version's page does."""
    kept = [cycle.pk for cycle in cycles if counts_accepted(user, cycle)]
    expected = list(
        Submission.objects.filter(cycle__in=cycles)
        .select_related("party__region", "organisation")
        .order_by("cycle", "party__name", "organisation__short_name", "pk")
    )
    by_pk = {cycle.pk: cycle for cycle in cycles}
    for submission in expected:  # the cycles given, not a copy of one per report
        submission.cycle = by_pk[submission.cycle_id]
    latest = (
        SubmissionVersion.objects.filter(submission=OuterRef("submission"))
        .order_by("-number")
        .values("number")[:1]
    )
    counts = Q(submission__status__in=COUNTED_FOR_EVERYONE) | Q(
        submission__status__in=COUNTED_FOR_KEEPERS, submission__cycle__in=kept
    )
    forms = forms_of(cycles)
    chosen = SubmissionVersion.objects.filter(counts, submission__cycle__in=cycles).filter(
        number=Subquery(latest)
    )
    fields = ["pk", "submission_id", "number", "content_hash", "submitted_at"]
    keys_only = False
    if codes is None:
        chosen = chosen.only(*fields, "snapshot")
    else:
        codes = sorted(set(codes))
        needed, conditional = _reads(forms.values(), codes)
        keys_only = answered_only and not conditional
        chosen = chosen.only(*fields)
        if not keys_only:
            chosen = chosen.annotate(part=_content_part(needed, forms.values()))
        elif codes:
            chosen = chosen.annotate(answered=_answered(codes))
    versions = {version.submission_id: version for version in chosen}
    counted = [
        CountedReport(
            submission,
            version,
            forms[submission.cycle_id],
            getattr(version, "part", None),
            frozenset(getattr(version, "answered", None) or ()) if keys_only else None,
        )
        for submission in expected
        if (version := versions.get(submission.pk)) is not None
    ]
    missing = [submission for submission in expected if submission.pk not in versions]
    return Reporters(counted, missing)


def with_answers(reports: list[CountedReport], codes: Iterable[str]) -> list[CountedReport]:
    """These counted reports with their answers to these questions (and to those their
    conditions read) and their loop items' labels read: one query, for the few reports a page
    shows answers of among many it counts."""
    if not reports:
        return []
    forms = {id(report.form): report.form for report in reports}.values()
    needed, _conditional = _reads(forms, sorted(set(codes)))
    parts = dict(
        SubmissionVersion.objects.filter(pk__in=[report.version.pk for report in reports])
        .annotate(part=_content_part(needed, forms))
        .values_list("pk", "part")
    )
    return [replace(report, content=parts[report.version.pk], answered=None) for report in reports]


def _reads(forms: Iterable[Structure], codes: Iterable[str]) -> tuple[list[str], bool]:
    """These question codes and, transitively, those the conditions deciding their relevance
    read (the items' own and their enclosing sections'); and whether any condition does."""
    nodes: dict[str, list] = {}
    for form in forms:
        for node in form.condition_nodes:
            nodes.setdefault(node.id, []).append(node)
    seen = set()
    conditional = False
    pending = list(codes)
    while pending:
        node_id = pending.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        for node in nodes.get(node_id, []):
            if node.condition is not None:
                conditional = True
                pending += references(node.condition)
            if node.within:
                pending.append(node.within)
    return sorted(node_id for node_id in seen if not node_id.startswith("section:")), conditional


# The part of a version's content a figure reads: its answers to some questions and the loop
# items' labels. On PostgreSQL the stored answers are decompressed once (the subquery that
# OFFSET 0 keeps apart), then each question's answers are looked up in them: each `->` on the
# stored column would decompress it again, and `jsonb_each` would copy every question's answers.
_PART = {
    "postgresql": """(
        SELECT jsonb_build_object(
            'answers', COALESCE((
                SELECT jsonb_object_agg(code, whole.answers -> code)
                FROM unnest(%s::text[]) AS code
                WHERE whole.answers ? code
            ), '{}'::jsonb)
            {labels}
        )
        FROM (
            SELECT "reporting_submissionversion"."snapshot" -> 'answers' AS answers OFFSET 0
        ) AS whole
    )""",
    "sqlite": """(
        SELECT json_group_object(
            part.key,
            CASE WHEN part.key = 'answers' THEN (
                SELECT json_group_object(answer.key, json(answer.value))
                FROM json_each(part.value) AS answer
                WHERE answer.key IN (SELECT value FROM json_each(%s))
            ) ELSE json(part.value) END
        )
        FROM json_each("reporting_submissionversion"."snapshot") AS part
        WHERE part.key IN {keys}
    )""",
}


# Which of some questions a version answers (its content holds only answered questions).
_ANSWERED = {
    "postgresql": """COALESCE((
        SELECT jsonb_agg(code)
        FROM jsonb_object_keys("reporting_submissionversion"."snapshot" -> 'answers') AS code
        WHERE code = ANY(%s)
    ), '[]'::jsonb)""",
    "sqlite": """(
        SELECT json_group_array(answer.key)
        FROM json_each("reporting_submissionversion"."snapshot", '$.answers') AS answer
        WHERE answer.key IN (SELECT value FROM json_each(%s))
    )""",
}


def _answered(codes: list[str]) -> RawSQL:
    vendor = connection.vendor
    param: Any = codes if vendor == "postgresql" else json.dumps(codes)
    # A constant statement; the codes are passed as a parameter.
    return RawSQL(_ANSWERED[vendor], (param,), output_field=JSONField())  # noqa: S611  # nosec B611


_LABELS = """, 'loop_items', COALESCE(
    "reporting_submissionversion"."snapshot" -> 'loop_items', '{}'::jsonb
)"""


def _content_part(codes: list[str], forms: Iterable[Structure]) -> RawSQL:
    """The answers to these questions, with the loop items' labels when one of them is asked
    in a repeated section (a national report's species list is long)."""
    vendor = connection.vendor
    param: Any = codes if vendor == "postgresql" else json.dumps(codes)
    looped = any(
        form.node_of_item[item.pk].loop_section is not None
        for form in forms
        for code in codes
        if (item := form.items_by_code.get(code)) is not None
    )
    if vendor == "postgresql":
        statement = _PART[vendor].replace("{labels}", _LABELS if looped else "")
    else:
        keys = "('answers', 'loop_items')" if looped else "('answers')"
        statement = _PART[vendor].replace("{keys}", keys)
    # A constant statement; the codes are passed as a parameter.
    return RawSQL(statement, (param,), output_field=JSONField())  # noqa: S611  # nosec B611


@dataclass(frozen=True)
class SharedQuestion:
    """A bank question every chosen cycle asks, where the first cycle's form has it."""

    item: Item
    node: Node

    @property
    def code(self) -> str:
        return self.item.question.code

    @property
    def question(self):
        return self.item.question

    @property
    def section(self):
        return self.node.section


def shared_questions(cycles: list[Cycle]) -> list[SharedQuestion]:
    """The questions of the bank all these cycles ask, in the order of the first cycle's form.
    One bank serves every template, so the same code is the same question in every cycle and
    instrument: that is what makes the figures comparable."""
    if not cycles:
        return []
    read = forms_of(cycles)
    structures = [read[cycle.pk] for cycle in cycles]
    common = set(structures[0].items_by_code)
    for other in structures[1:]:
        common &= set(other.items_by_code)
    first = structures[0]
    return [
        SharedQuestion(item, node)
        for node in first.nodes
        for item in node.items
        if item.question.code in common
    ]


def target_tags(targets) -> dict[int, list[str]]:
    """The codes of the bank questions tagged with each of these Strategic Plan targets (target
    id -> codes, in code order): one query whatever the number of targets and questions."""
    tags: dict[int, list[str]] = {}
    through = Question.targets.through.objects.filter(target__in=targets)
    for target_id, code in through.values_list("target_id", "question__code").order_by(
        "question__code"
    ):
        tags.setdefault(target_id, []).append(code)
    return tags


def option_values(question: Question) -> list[tuple[str, str]]:
    """The options of a question that may carry a meaning (stored value, label), in the form's
    order: a yes/no question's three answers, a choice question's options."""
    if question.kind == QuestionKind.YES_NO:
        return [(choice.value, str(choice.label)) for choice in YesNo]
    if question.kind in MEANING_KINDS:
        return [(option.value, option.label) for option in question.options.all()]
    return []
