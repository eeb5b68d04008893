"""Reads of the reporting system shared by the pages, the API and the documents.

``structure`` reads a template version in a constant number of queries, whatever its size, and
everything else (the form, the validation panel, the snapshot, the diff) walks that structure in
memory.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as translated_language

from cmsfamily.reporting import answers as typed
from cmsfamily.reporting.choices import (
    EDITABLE_STATUSES,
    SPECIES_LOOPS,
    CycleStatus,
    LoopKind,
    RuleKind,
    SubmissionStatus,
)
from cmsfamily.reporting.models import (
    Answer,
    Cycle,
    Item,
    LoopEntry,
    Option,
    Section,
    SectionAssignment,
    Submission,
    TemplateVersion,
    ValidationRule,
)


@dataclass
class Node:
    """A section with its depth, its items and the loop it repeats over (its own or inherited)."""

    section: Section
    depth: int
    items: list[Item] = field(default_factory=list)
    loop: str = LoopKind.NONE
    loop_section: Section | None = None

    @property
    def anchor(self) -> str:
        return f"section-{self.section.pk}"


@dataclass
class Structure:
    version: TemplateVersion
    nodes: list[Node]
    items_by_code: dict[str, Item]
    node_of_item: dict[int, Node]
    rules: list[ValidationRule]

    def node(self, section_id: int) -> Node | None:
        return next((node for node in self.nodes if node.section.pk == section_id), None)

    @property
    def question_count(self) -> int:
        return len(self.items_by_code)


_STRUCTURES: dict[int, tuple[tuple, Structure]] = {}
_CACHED_VERSIONS = 32


def structure(version: TemplateVersion) -> Structure:
    """The tree of a version, read once per process for a frozen version (which never changes
    but for its questions' translations: the cache key has the bank's last change)."""
    if not version.is_frozen:
        return _structure(version)
    from django.db.models import Max

    from cmsfamily.reporting.models import Question

    stamp = (version.frozen_at, Question.objects.aggregate(last=Max("modified"))["last"])
    cached = _STRUCTURES.get(version.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    built = _structure(version)
    if len(_STRUCTURES) >= _CACHED_VERSIONS:
        _STRUCTURES.pop(next(iter(_STRUCTURES)))
    _STRUCTURES[version.pk] = (stamp, built)
    return built


def _structure(version: TemplateVersion) -> Structure:
    """The tree of a version: sections, items with their questions and options, and rules."""
    sections = list(version.sections.all())
    items = list(
        Item.objects.filter(section__version=version)
        .select_related("question")
        .prefetch_related(
            Prefetch("question__options", queryset=Option.objects.order_by("order", "pk"))
        )
        .order_by("order", "pk")
    )
    rules = list(version.rules.all())
    children: dict[int | None, list[Section]] = defaultdict(list)
    for section in sections:
        children[section.parent_id].append(section)
    nodes: list[Node] = []

    def walk(parent_id, depth, inherited: Node | None):
        for section in sorted(children.get(parent_id, []), key=lambda s: (s.order, s.pk)):
            node = Node(section=section, depth=depth)
            if section.loop:
                node.loop, node.loop_section = section.loop, section
            elif inherited is not None:
                node.loop, node.loop_section = inherited.loop, inherited.loop_section
            nodes.append(node)
            walk(section.pk, depth + 1, node if node.loop else inherited)

    walk(None, 0, None)
    by_section = {node.section.pk: node for node in nodes}
    node_of_item: dict[int, Node] = {}
    for item in items:
        node = by_section[item.section_id]
        node.items.append(item)
        node_of_item[item.pk] = node
    return Structure(
        version=version,
        nodes=nodes,
        items_by_code={item.question.code: item for item in items},
        node_of_item=node_of_item,
        rules=rules,
    )


@dataclass(frozen=True)
class LoopItem:
    key: str
    label: str
    added_by_reporter: bool = False


def _label(labels: dict, language: str) -> str:
    return labels.get(language) or labels.get("en") or next(iter(labels.values()), "")


def loop_items(structure: Structure, submission: Submission) -> dict[int, list[LoopItem]]:
    """The items each repeated section runs over for this reporter, by the id of the section
    that defines the loop (at most four queries, whatever the number of loops)."""
    language = get_language() or "en"
    result: dict[int, list[LoopItem]] = {}
    loops = {
        node.loop_section.pk: node.loop_section for node in structure.nodes if node.loop_section
    }
    if not loops:
        return result
    entries: dict[int, list[LoopItem]] = defaultdict(list)
    for entry in LoopEntry.objects.filter(submission=submission, section__in=loops):
        entries[entry.section_id].append(LoopItem(entry.key, entry.label, True))
    species = None
    for section_id, section in loops.items():
        if section.loop == LoopKind.FIXED:
            items = fixed_items(section, language)
        elif section.loop in SPECIES_LOOPS:
            if species is None:
                species = _range_species(submission)
            items = [
                item
                for item, appendices in species
                if section.loop == LoopKind.RANGE_SPECIES or "I" in appendices
            ]
        elif section.loop == LoopKind.ACTIVITY:
            items = _activities(section)
        else:
            items = []
        result[section_id] = items + entries.get(section_id, [])
    return result


def fixed_items(section: Section, language: str) -> list[LoopItem]:
    """The items of a section repeated over a fixed list (taxonomic groups), in the language."""
    return [
        LoopItem(str(entry["key"]), _label(entry.get("label") or {}, language))
        for entry in section.loop_items
    ]


def snapshot_loop_labels(structure: Structure, content: dict, language: str) -> dict[str, str]:
    """The loop item labels of a snapshot, with the fixed lists' items (taxonomic groups) in the
    language asked for: the snapshot keeps them in the language of the submitter's screen. The
    labels a reporter typed and species names are kept as stored."""
    labels = dict(content.get("loop_items", {}))
    seen = set()
    for node in structure.nodes:
        section = node.loop_section
        if section is None or section.loop != LoopKind.FIXED or section.pk in seen:
            continue
        seen.add(section.pk)
        for item in fixed_items(section, language):
            if item.key in labels:
                labels[item.key] = item.label
    return labels


def _range_species(submission: Submission) -> list[tuple[LoopItem, set[str]]]:
    """The Party's range species with the Appendices each is listed in (two queries)."""
    if not submission.party_id:
        return []
    from cmsfamily.species.models import Listing
    from cmsfamily.species.selectors import species_of_party

    appendices: dict[int, set[str]] = defaultdict(set)
    for taxon_id, appendix in Listing.objects.filter(
        taxon__range_states__party=submission.party_id
    ).values_list("taxon_id", "appendix"):
        appendices[taxon_id].add(appendix)
    return [
        (LoopItem(f"taxon-{taxon.pk}", taxon.scientific_name), appendices[taxon.pk])
        for taxon in species_of_party(submission.party)
    ]


def _activities(section: Section) -> list[LoopItem]:
    if section.loop_programme_id is None:
        return []
    from cmsfamily.workplans.models import Activity

    return [
        LoopItem(f"activity-{pk}", f"{number} {title}")
        for pk, number, title in Activity.objects.filter(programme=section.loop_programme_id)
        .order_by("sort_key")
        .values_list("pk", "number", "title")
    ]


def keys_of(node: Node, loops: dict[int, list[LoopItem]]) -> list[LoopItem]:
    """The loop items of a section, or one unnamed item when the section is not repeated."""
    if node.loop_section is None:
        return [LoopItem("", "")]
    return loops.get(node.loop_section.pk, [])


def answers_of(submission: Submission, codes=None) -> dict[tuple[str, str], Answer]:
    """The answers as objects (with their revision), of the given questions only if named."""
    rows = Answer.objects.filter(submission=submission).select_related("question", "carried_from")
    if codes is not None:
        rows = rows.filter(question__code__in=list(codes))
    return {(answer.question.code, answer.loop_key): answer for answer in rows}


def answer_values(submission: Submission) -> dict[tuple[str, str], Any]:
    """Every answer's value by question code and loop item: what checks and snapshots need."""
    return {
        (code, key): value
        for code, key, value in Answer.objects.filter(submission=submission).values_list(
            "question__code", "loop_key", "value"
        )
    }


def _value(values: dict, code: str, key: str):
    if (code, key) in values:
        return values[(code, key)]
    return values.get((code, ""))


def is_shown(item: Item, values: dict, key: str) -> bool:
    if not item.show_if:
        return True
    return typed.matches(item.show_if, _value(values, item.show_if.get("question", ""), key))


def is_required(item: Item, values: dict, key: str) -> bool:
    if item.required:
        return True
    if item.require_if:
        return typed.matches(
            item.require_if, _value(values, item.require_if.get("question", ""), key)
        )
    return False


@dataclass(frozen=True)
class Problem:
    item: Item | None
    section: Section | None
    loop: LoopItem
    message: str

    @property
    def anchor(self) -> str:
        if self.item is None:
            return ""
        return answer_anchor(self.item.question.code, self.loop.key)


def answer_anchor(code: str, key: str) -> str:
    text = f"{code}--{key}" if key else code
    safe = "".join(char if char.isalnum() else "-" for char in text)
    return f"q-{safe}"


def problems(
    structure: Structure, submission: Submission, values: dict, loops=None
) -> list[Problem]:
    """Everything that stops the report from being submitted, in the order of the template."""
    loops = loop_items(structure, submission) if loops is None else loops
    found: list[Problem] = []
    for node in structure.nodes:
        for loop in keys_of(node, loops):
            for item in node.items:
                if not is_shown(item, values, loop.key):
                    continue
                if (
                    is_required(item, values, loop.key)
                    and values.get((item.question.code, loop.key)) is None
                ):
                    found.append(
                        Problem(item, node.section, loop, _("This question needs an answer."))
                    )
    for rule in structure.rules:
        found.extend(_rule_problems(rule, structure, values))
    return found


def _rule_problems(rule: ValidationRule, structure: Structure, values: dict) -> list[Problem]:
    operands: dict[str, Any] = rule.operands or {}
    parts: list[Any]
    total: Any
    if rule.kind == RuleKind.PARTS_AT_MOST_TOTAL:
        parts, total = list(operands.get("parts", [])), operands.get("total")
        anchor_code = total
    else:
        parts, total = [operands.get("left")], operands.get("right")
        anchor_code = operands.get("left")
    codes = [*parts, total]
    keys = {key for (code, key) in values if code in codes} or {""}
    item = structure.items_by_code.get(anchor_code)
    node = structure.node_of_item.get(item.pk) if item else None
    found = []
    for key in sorted(keys):
        right = typed.as_number(_value(values, total, key))
        numbers = [typed.as_number(_value(values, code, key)) for code in parts]
        present = [number for number in numbers if number is not None]
        if right is None or not present:
            continue
        if sum(present) > right:
            found.append(
                Problem(item, node.section if node else None, LoopItem(key, key), rule.message)
            )
    return found


# --- the immutable version --------------------------------------------------------------------


def snapshot(structure: Structure, submission: Submission, values: dict, loops=None) -> dict:
    """The content of a submit: answers of shown questions, by question code and loop item."""
    loops = loop_items(structure, submission) if loops is None else loops
    content: dict[str, dict[str, Any]] = {}
    loop_labels: dict[str, str] = {}
    for node in structure.nodes:
        for loop in keys_of(node, loops):
            if loop.key:
                loop_labels[loop.key] = loop.label
            for item in node.items:
                value = values.get((item.question.code, loop.key))
                if value is None or not is_shown(item, values, loop.key):
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


# --- who edits what ---------------------------------------------------------------------------


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


# --- lists and dashboards ---------------------------------------------------------------------


def submissions(user, **filters):
    return (
        Submission.objects.visible_to(user)
        .filter(**filters)
        .select_related("cycle", "party", "organisation", "party__region")
        .order_by("cycle", "party__name", "organisation__short_name")
    )


def cycles(user):
    return (
        Cycle.objects.visible_to(user)
        .select_related("version__template__instrument")
        .annotate(
            expected_count=Count("submissions", distinct=True),
            submitted_count=Count(
                "submissions",
                filter=Q(submissions__first_submitted_at__isnull=False),
                distinct=True,
            ),
        )
    )


def completion(structure: Structure, values: dict, loops: dict) -> dict[int, tuple[int, int]]:
    """Per section: answered and expected (shown) questions, for the progress shown to drafters."""
    result = {}
    for node in structure.nodes:
        answered = expected = 0
        for loop in keys_of(node, loops):
            for item in node.items:
                if not is_shown(item, values, loop.key):
                    continue
                expected += 1
                if values.get((item.question.code, loop.key)) is not None:
                    answered += 1
        result[node.section.pk] = (answered, expected)
    return result


def is_editable(submission: Submission) -> bool:
    return submission.status in EDITABLE_STATUSES


@dataclass(frozen=True)
class Timeliness:
    label: str
    expected: int
    on_time: int
    late: int
    missing: int

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def reporting_rate(self) -> float | None:
        return self.submitted / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def _cutoff(day):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def timeliness(cycle: Cycle) -> list[Timeliness]:
    """Submitted on time, late and missing, per region (organisations as one group) and in all:
    one aggregate query. A report counts from its first submission, even if recalled since."""
    cutoff = _cutoff(cycle.deadline)
    # `values()` on a model without translated fields reads the English column; ask for the
    # reader's language by name, with English where a translation is missing.
    localized = f"party__region__{build_localized_fieldname('name', translated_language())}"
    rows = (
        Submission.objects.filter(cycle=cycle)
        .values(
            localized,
            "party__region__name_en",
            "party__region__order",
            "organisation__kind",
        )
        .annotate(
            expected=Count("pk"),
            on_time=Count("pk", filter=Q(first_submitted_at__lt=cutoff)),
            late=Count("pk", filter=Q(first_submitted_at__gte=cutoff)),
        )
        .order_by("party__region__order", "organisation__kind")
    )
    result = []
    for row in rows:
        label = row[localized] or row["party__region__name_en"] or _("Organisations")
        result.append(
            Timeliness(
                label,
                row["expected"],
                row["on_time"],
                row["late"],
                row["expected"] - row["on_time"] - row["late"],
            )
        )
    merged: dict[str, Timeliness] = {}
    for entry in result:
        if entry.label in merged:
            old = merged[entry.label]
            entry = Timeliness(
                entry.label,
                old.expected + entry.expected,
                old.on_time + entry.on_time,
                old.late + entry.late,
                old.missing + entry.missing,
            )
        merged[entry.label] = entry
    regions = list(merged.values())
    total = Timeliness(
        _("All reporters"),
        sum(r.expected for r in regions),
        sum(r.on_time for r in regions),
        sum(r.late for r in regions),
        sum(r.missing for r in regions),
    )
    return [*regions, total]


@dataclass(frozen=True)
class CycleTimeliness:
    cycle: Cycle
    rates: Timeliness


def timeliness_by_cycle(cycles) -> list[CycleTimeliness]:
    """One row per cycle (so per instrument and period), in two queries: the reports expected,
    and the first-submission times of those sent (each cycle has its own deadline)."""
    cycles = list(cycles)
    if not cycles:
        return []
    expected = dict(
        Submission.objects.filter(cycle__in=cycles)
        .values("cycle")
        .annotate(expected=Count("pk"))
        .values_list("cycle", "expected")
    )
    firsts: dict[int, list] = defaultdict(list)
    for cycle_id, first in Submission.objects.filter(
        cycle__in=cycles, first_submitted_at__isnull=False
    ).values_list("cycle", "first_submitted_at"):
        firsts[cycle_id].append(first)
    result = []
    for cycle in cycles:
        cutoff = _cutoff(cycle.deadline)
        on_time = sum(1 for first in firsts[cycle.pk] if first < cutoff)
        late = len(firsts[cycle.pk]) - on_time
        total = expected.get(cycle.pk, 0)
        result.append(
            CycleTimeliness(
                cycle, Timeliness(str(cycle), total, on_time, late, total - on_time - late)
            )
        )
    return result


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
    values = snapshot_values(content)
    sections = []
    for node in structure.nodes:
        section = PrintedSection(node)
        if node.loop_section is None:
            section.rows = [
                (item, answers.get(item.question.code, {}).get(""))
                for item in node.items
                if is_shown(item, values, "")
            ]
        else:
            section.loop_items = [
                (
                    loop.label,
                    [
                        answers.get(item.question.code, {}).get(loop.key)
                        if is_shown(item, values, loop.key)
                        else None
                        for item in node.items
                    ],
                )
                for loop in ordered_loop_items(node, loops, content)
            ]
        sections.append(section)
    return sections


def snapshot_values(content: dict) -> dict[tuple[str, str], Any]:
    """A version's answers by question code and loop item, as `is_shown` reads them."""
    return {
        (code, key): value
        for code, by_key in content.get("answers", {}).items()
        for key, value in by_key.items()
    }


def ordered_loop_items(node: Node, loops: dict[int, list[LoopItem]], content=None):
    """The loop items of a section in the one order the form, the version pages and the print
    view share: the order of their source (the template's list, the Party's species by group and
    name, the programme's activities, then the items the reporter added). With a version's
    ``content``, only the items it holds, named as now (a fixed list in the reader's language)
    or else as submitted; items the version holds that the source no longer has come last, by
    name."""
    live = keys_of(node, loops)
    if content is None:
        return live
    if node.loop_section is None:
        return [LoopItem("", "")]
    answers = content.get("answers", {})
    labels = content.get("loop_items", {})
    present = {key for item in node.items for key in answers.get(item.question.code, {})}
    ordered = [
        LoopItem(loop.key, loop.label or labels.get(loop.key, loop.key), loop.added_by_reporter)
        for loop in live
        if loop.key in present
    ]
    rest = present - {loop.key for loop in ordered}
    for key in sorted(rest, key=lambda key: (sort_key(labels.get(key, key)), key)):
        ordered.append(LoopItem(key, labels.get(key, key)))
    return ordered


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
    values = snapshot_values(content)
    sections = []
    for node in structure.nodes:
        rows = [
            VersionAnswer(
                item, loop.key, loop.label, answers.get(item.question.code, {}).get(loop.key)
            )
            for loop in ordered_loop_items(node, loops, content)
            for item in node.items
            if is_shown(item, values, loop.key)
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


# --- publication ------------------------------------------------------------------------------


def cycle_reporters(cycle: Cycle, *, descending: bool = False) -> list[Submission]:
    """Every reporter expected in the cycle, by name (a Party's name, an organisation's short
    name), each with the number of its last submitted version: the version that is published
    once the report is (publishing makes no new version). Not scoped: the caller decides what of
    each row the user may see.

    Sorted here rather than by the database, whose collation differs between SQLite and
    PostgreSQL installations: accents are ignored, so Côte d'Ivoire stands among the C's. A cycle
    has a few hundred reporters at most; one query reads them all."""
    from django.db.models import OuterRef, Subquery

    from cmsfamily.reporting.models import SubmissionVersion

    latest = (
        SubmissionVersion.objects.filter(submission=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = (
        Submission.objects.filter(cycle=cycle)
        .select_related("party", "organisation")
        .annotate(latest_version=Subquery(latest))
    )
    return sorted(rows, key=lambda row: (sort_key(str(row.reporter)), row.pk), reverse=descending)


def sort_key(name: str) -> str:
    """A name as it is alphabetised: without accents or case."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def published_cycles(user):
    """The cycles the user sees that have at least one published report, with their number."""
    from cmsfamily.reporting.choices import SubmissionStatus

    return (
        Cycle.objects.visible_to(user)
        .annotate(
            published_count=Count(
                "submissions", filter=Q(submissions__status=SubmissionStatus.PUBLISHED)
            )
        )
        .filter(published_count__gt=0)
        .order_by("-deadline", "slug")
    )
