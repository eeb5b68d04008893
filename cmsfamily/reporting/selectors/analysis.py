"""The reads of the report analyzer (the `analytics` app): the cycles it offers, which version of
each report counts for whom, the reporters expected, and the questions several cycles share.

What counts is each reporter's latest version once the report is accepted or published (only the
latest version can be accepted, and publishing makes no new version). The public, and anyone who
does not keep the cycle, count published reports only; the secretariat of the cycle's instrument
(the CMS Secretariat for every cycle) also counts accepted ones. A draft never counts: it has no
version, and a returned or recalled version stops counting with its report's status.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTransform
from django.urls import reverse

from cmsfamily.reporting.choices import MEANING_KINDS, QuestionKind, SubmissionStatus, YesNo
from cmsfamily.reporting.conditions.grammar import references
from cmsfamily.reporting.models import Cycle, Item, Question, Submission, SubmissionVersion
from cmsfamily.reporting.selectors.checks import content_relevance
from cmsfamily.reporting.selectors.tree import Node, Structure, structure
from cmsfamily.reporting.selectors.versions import snapshot_values

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


@dataclass(frozen=True)
class CountedReport:
    """A report that counts, with the one version whose answers are counted."""

    submission: Submission
    version: SubmissionVersion
    form: Structure  # the cycle's form, read once per cycle
    # The part of the version's snapshot that was read, when the caller named the questions it
    # shows (`counted_reports(..., codes=...)`): their answers, those their relevance reads and
    # the loop items; None when the whole snapshot was read.
    content: dict | None = None

    @property
    def snapshot(self) -> dict:
        return self.version.snapshot if self.content is None else self.content

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
        content = self.snapshot
        relevant = content_relevance(self.form, content)
        by_code: dict[str, dict] = {}
        for (code, key), value in relevant.kept(snapshot_values(content)).items():
            by_code.setdefault(code, {})[key] = value
        return by_code

    @property
    def loop_labels(self) -> dict:
        return self.snapshot.get("loop_items") or {}

    @property
    def url(self) -> str:
        return reverse("reporting:version-detail", args=[self.submission.pk, self.version.number])


@dataclass(frozen=True)
class Reporters:
    counted: list[CountedReport]
    missing: list[Submission]  # expected, with nothing that counts for this user


def relevance_reads(forms: Iterable[Structure], codes: Iterable[str]) -> set[str]:
    """These questions' codes and those of the questions their relevance reads in these forms:
    what their own conditions and their sections' conditions reference, transitively."""
    wanted = set(codes)
    for form in forms:
        nodes = {node.id: node for node in form.condition_nodes}
        todo = [code for code in wanted if code in nodes]
        seen = set(todo)
        while todo:
            node = nodes[todo.pop()]
            more = [node.within] if node.within else []
            if node.condition:
                more += references(node.condition)
            for each in more:
                if each in nodes and each not in seen:
                    seen.add(each)
                    todo.append(each)
        wanted |= {each for each in seen if each in form.items_by_code}
    return wanted


def counted_reports(
    cycles: list[Cycle], user, *, codes: Collection[str] | None = None
) -> Reporters:
    """The reports of these cycles that count for the user, and the expected ones that do not:
    two queries whatever the number of reporters (the rule is asked per cycle, from the user's
    scope, which is read once).

    With `codes`, the database hands over only the answers of those questions (and of those
    their relevance reads) and the loop items, not each version's whole snapshot: a caller that
    shows a few questions of many reports reads what it shows. Their `answers` then hold those
    questions only."""
    kept = [cycle.pk for cycle in cycles if counts_accepted(user, cycle)]
    expected = list(
        Submission.objects.filter(cycle__in=cycles)
        .select_related("cycle", "party__region", "organisation")
        .order_by("cycle", "party__name", "organisation__short_name", "pk")
    )
    latest = (
        SubmissionVersion.objects.filter(submission=OuterRef("submission"))
        .order_by("-number")
        .values("number")[:1]
    )
    counts = Q(submission__status__in=COUNTED_FOR_EVERYONE) | Q(
        submission__status__in=COUNTED_FOR_KEEPERS, submission__cycle__in=kept
    )
    forms = {cycle.pk: structure(cycle.version) for cycle in cycles}
    found = SubmissionVersion.objects.filter(counts, submission__cycle__in=cycles).filter(
        number=Subquery(latest)
    )
    fields = ["pk", "submission_id", "number", "content_hash", "submitted_at"]
    contents: dict[int, dict] = {}
    if codes is None:
        found = found.only(*fields, "snapshot")
    else:
        reads = sorted(relevance_reads(forms.values(), codes))
        answers = KeyTransform("answers", "snapshot")
        parts = {f"answer_{index}": KeyTransform(code, answers) for index, code in enumerate(reads)}
        found = found.only(*fields).annotate(
            **parts, loop_items_part=KeyTransform("loop_items", "snapshot")
        )
    versions = {}
    for version in found:
        versions[version.submission_id] = version
        if codes is not None:
            contents[version.pk] = {
                "answers": {
                    code: value
                    for index, code in enumerate(reads)
                    if (value := getattr(version, f"answer_{index}")) is not None
                },
                "loop_items": version.loop_items_part or {},
            }
    counted = [
        CountedReport(
            submission,
            versions[submission.pk],
            forms[submission.cycle_id],
            contents.get(versions[submission.pk].pk),
        )
        for submission in expected
        if submission.pk in versions
    ]
    missing = [submission for submission in expected if submission.pk not in versions]
    return Reporters(counted, missing)


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
    structures = [structure(cycle.version) for cycle in cycles]
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
