"""A draft's answers and what they say: which questions are shown and required, what stops the
report from being submitted, and how far each section is answered.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.reporting import answers as typed
from cmsfamily.reporting import conditions
from cmsfamily.reporting.choices import RuleKind
from cmsfamily.reporting.conditions.evaluate import is_empty
from cmsfamily.reporting.models import (
    Answer,
    Item,
    Section,
    Submission,
    ValidationRule,
)
from cmsfamily.reporting.selectors.labels import condition_labels, item_name
from cmsfamily.reporting.selectors.tree import (
    LoopItem,
    Structure,
    keys_of,
    loop_items,
    section_node_id,
)


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


@dataclass(frozen=True)
class Relevance:
    """Which sections and questions of a report are relevant, transitively (a question is
    relevant when its section is, its own condition holds and every question its condition reads
    is relevant), and which relevant questions are required, per loop item."""

    places: Mapping[tuple[str, str], bool]
    required_places: frozenset[tuple[str, str]]

    def _place(self, node_id: str, key: str) -> bool:
        if (node_id, key) in self.places:
            return self.places[(node_id, key)]
        return self.places.get((node_id, ""), True)

    def shown(self, item: Item, key: str) -> bool:
        return self._place(item.question.code, key)

    def section_shown(self, section: Section, key: str) -> bool:
        return self._place(section_node_id(section.pk), key)

    def required(self, item: Item, key: str) -> bool:
        return (item.question.code, key) in self.required_places

    def kept(self, values: Mapping[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
        """The answers of relevant questions only: what a submitted version may hold."""
        return conditions.kept(values, {place: self._place(*place) for place in values})


_LAST = threading.local()


def relevance(structure: Structure, values: Mapping, loops: dict[int, list[LoopItem]]) -> Relevance:
    """The relevance of a report's questions for these answers and loop items, computed once for
    the same (structure, answers, loops) however many reads ask (the last one is kept)."""
    cached = getattr(_LAST, "entry", None)
    if cached is not None and cached[0] is structure and cached[1] == loops and cached[2] == values:
        return cached[3]
    computed = _relevance(structure, values, loops)
    _LAST.entry = (structure, dict(loops), dict(values), computed)
    return computed


def _report_nodes(structure: Structure, loops: dict) -> list[conditions.Node]:
    """The nodes of relevance with this report's loop keys."""
    return [
        replace(
            node,
            loop_keys=tuple(loop.key for loop in loops.get(structure.loop_nodes[node.id], [])),
        )
        if node.id in structure.loop_nodes
        else node
        for node in structure.condition_nodes
    ]


def _relevance(structure: Structure, values: Mapping, loops: dict) -> Relevance:
    places = conditions.relevance(_report_nodes(structure, loops), values)
    required: set[tuple[str, str]] = set()
    for node in structure.nodes:
        for loop in keys_of(node, loops):
            for item in node.items:
                code = item.question.code
                place = (code, loop.key)
                if not places.get(place, places.get((code, ""), True)):
                    continue
                tree = item.required_when_tree
                if item.required or (
                    tree
                    and all(
                        places.get((ref, loop.key), places.get((ref, ""), True))
                        for ref in conditions.references(tree)
                    )
                    and conditions.evaluate(tree, values, loop.key)
                ):
                    required.add(place)
    return Relevance(places, frozenset(required))


def _pin(node_id: str) -> tuple[str, dict]:
    """A stand-in for a condition the page may not evaluate itself: its answer is "1" where the
    condition holds. Its code cannot be a question's (codes have no colon)."""
    code = f"pin:{node_id}"
    return code, {"op": "=", "a": {"op": "ref", "q": code}, "b": {"op": "str", "v": "1"}}


def page_conditions(
    structure: Structure,
    node,
    values: Mapping,
    loops: dict,
    readable: set[str] | None = None,
) -> dict:
    """What a section page's script needs to recompute relevance as answers change, as
    ``conditions.js`` reads it: the nodes of relevance (every section and question of the form,
    with this report's loop keys), the answers any condition reads ([code, key, value]; the
    page's own inputs take precedence) and the "required when" of the section's questions.

    ``readable``: the question codes the user may read in the draft, when not all of them (a
    contributor's assigned sections). No other answer leaves the server: a condition that reads
    one is sent as its outcome, computed here, for each loop item (it cannot change on this
    page, whose inputs are all readable)."""
    nodes = _report_nodes(structure, loops)
    required = {
        item.question.code: item.required_when_tree
        for item in node.items
        if item.required_when_tree and not item.required
    }
    extra: list[list] = []
    if readable is not None:
        places = relevance(structure, values, loops).places
        keys = ["", *sorted({loop.key for items in loops.values() for loop in items})]

        def outcome(tree, key: str) -> bool:
            return all(
                places.get((ref, key), places.get((ref, ""), True))
                for ref in conditions.references(tree)
            ) and conditions.evaluate(tree, values, key)

        def pinned(node_id: str, tree):
            if not tree or set(conditions.references(tree)) <= readable:
                return tree
            code, stand_in = _pin(node_id)
            outside = outcome(tree, "")
            extra.append([code, "", "1" if outside else "0"])
            # A loop item's outcome only where it differs: the page reads "" otherwise.
            extra.extend(
                [code, key, "1" if inside else "0"]
                for key in keys[1:]
                if (inside := outcome(tree, key)) != outside
            )
            return stand_in

        nodes = [replace(n, condition=pinned(n.id, n.condition)) for n in nodes]
        required = {code: pinned(f"required:{code}", tree) for code, tree in required.items()}
    read: set[str] = set()
    for tree in [*(n.condition for n in nodes), *required.values()]:
        if tree:
            read.update(conditions.references(tree))
    if readable is not None:
        read &= readable
    return {
        "nodes": [
            {
                "id": n.id,
                "condition": n.condition,
                "within": n.within,
                "loop_keys": None if n.loop_keys is None else list(n.loop_keys),
            }
            for n in nodes
        ],
        "values": [[code, key, value] for (code, key), value in values.items() if code in read]
        + extra,
        "required": required,
    }


@dataclass(frozen=True)
class LeftOut:
    """An answer of the draft that a submitted version will not hold, and why: the condition
    (in words) of the question, or of the section (``section``: its number) that hides it."""

    item: Item
    loop: LoopItem
    name: str
    condition: str
    section: str = ""


def left_out(structure: Structure, node, values: Mapping, loops: dict) -> list[LeftOut]:
    """The answers of a section that will not be included in the report, because the question
    (or a section holding it) is not shown, with the condition that hides it in words."""
    relevant = relevance(structure, values, loops)
    language = get_language() or "en"
    parents = {n.section.pk: n.section for n in structure.nodes}
    labels: dict[str, conditions.Label] | None = None
    found = []
    for loop in keys_of(node, loops):
        for item in node.items:
            if is_empty(values.get((item.question.code, loop.key))):
                continue
            if relevant.shown(item, loop.key):
                continue
            chain: list[Section] = []
            section: Section | None = node.section
            while section is not None:
                chain.insert(0, section)
                section = parents.get(section.parent_id) if section.parent_id else None
            cause = next(
                (
                    one
                    for one in chain
                    if one.shown_when_tree and not relevant.section_shown(one, loop.key)
                ),
                None,
            )
            tree = cause.shown_when_tree if cause is not None else item.shown_when_tree
            if not tree:
                continue
            if labels is None:
                labels = condition_labels(structure)
            name = item_name(structure, item)
            found.append(
                LeftOut(
                    item,
                    loop,
                    f"{name} ({loop.label})" if loop.label else name,
                    conditions.words(tree, labels, language),
                    cause.number if cause is not None else "",
                )
            )
    return found


def not_included(
    structure: Structure, values: Mapping, loops: dict, spots
) -> dict[tuple[str, str], LeftOut]:
    """Of these answers (question code, loop key), those a submitted version would leave out
    (their question or a section holding it is not shown), each with why."""
    spots = set(spots)
    nodes = {
        structure.node_of_item[structure.items_by_code[code].pk].section.pk
        for code, _key in spots
        if code in structure.items_by_code
    }
    return {
        (out.item.question.code, out.loop.key): out
        for node in structure.nodes
        if node.section.pk in nodes
        for out in left_out(structure, node, values, loops)
        if (out.item.question.code, out.loop.key) in spots
    }


def content_loops(structure: Structure, content: dict) -> dict[int, list[LoopItem]]:
    """The loop items a version's content holds answers for, by loop section: what its
    relevance is computed over."""
    answers = content.get("answers", {})
    loops: dict[int, list[LoopItem]] = {}
    for node in structure.nodes:
        if node.loop_section is None:
            continue
        found = loops.setdefault(node.loop_section.pk, [])
        known = {loop.key for loop in found}
        for item in node.items:
            for key in answers.get(item.question.code, {}):
                if key and key not in known:
                    known.add(key)
                    found.append(LoopItem(key, key))
    return loops


def content_relevance(structure: Structure, content: dict) -> Relevance:
    """The relevance of the answers a version holds (a version taken before relevance was
    transitive may hold answers it now leaves out)."""
    values = {
        (code, key): value
        for code, by_key in content.get("answers", {}).items()
        for key, value in by_key.items()
    }
    return relevance(structure, values, content_loops(structure, content))


def content_kept(structure: Structure, content: dict) -> dict[tuple[str, str], Any]:
    """The answers a version holds (or the part of them read) to questions relevant in it, as
    `content_relevance(...).kept(...)` gives them, the relevance of these answers only being
    evaluated: a figure reads a few answers of a form of thousands of fields."""
    values = snapshot_answers(content)
    if not any(node.condition for node in structure.condition_nodes):
        return values  # a form without conditions shows every question
    nodes = _report_nodes(structure, content_loops(structure, content))
    relevant = conditions.relevance_of(nodes, values, values)
    return {place: value for place, value in values.items() if relevant[place]}


def snapshot_answers(content: dict) -> dict[tuple[str, str], Any]:
    return {
        (code, key): value
        for code, by_key in content.get("answers", {}).items()
        for key, value in by_key.items()
    }


def broken_conditions(
    structure: Structure, values: Mapping, loops: dict, spots
) -> dict[tuple[str, str], str]:
    """Of these answers (question code, loop key), those that break their question's "valid
    when", each with what the reporter is told: the question's message in their language, or the
    condition in words. Only answers of relevant questions are checked, over the relevant
    answers (``values``: the report's answers as they are, or will be after a save)."""
    trees = {
        spot: item.valid_when_tree
        for spot in spots
        if (item := structure.items_by_code.get(spot[0])) is not None and item.valid_when_tree
    }
    if not trees:
        return {}
    kept = relevance(structure, values, loops).kept(values)
    language = get_language() or "en"
    labels: dict[str, conditions.Label] | None = None
    found = {}
    for (code, key), tree in trees.items():
        value = kept.get((code, key))
        if is_empty(value) or conditions.evaluate(tree, kept, key, current=value):
            continue
        item = structure.items_by_code[code]
        message = item.valid_message.get(language) or item.valid_message.get("en")
        if not message:
            if labels is None:
                labels = condition_labels(structure)
            message = _("This answer must meet its condition: %(condition)s.") % {
                "condition": conditions.words(tree, labels, language)
            }
        found[(code, key)] = message
    return found


@dataclass(frozen=True)
class Problem:
    item: Item | None
    section: Section | None
    loop: LoopItem
    message: str
    label: str = ""  # how its question is named (``item_name``); empty for a form-wide rule

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
    relevant = relevance(structure, values, loops)
    found: list[Problem] = []
    for node in structure.nodes:
        for loop in keys_of(node, loops):
            for item in node.items:
                if (
                    relevant.required(item, loop.key)
                    and values.get((item.question.code, loop.key)) is None
                ):
                    found.append(
                        Problem(item, node.section, loop, _("This question needs an answer."))
                    )
    # Answers of questions that are not relevant are never checked.
    kept = relevant.kept(values)
    spots = [
        (item.question.code, loop.key)
        for node in structure.nodes
        for loop in keys_of(node, loops)
        for item in node.items
        if item.valid_when_tree
    ]
    for (code, key), message in broken_conditions(structure, values, loops, spots).items():
        item = structure.items_by_code[code]
        node = structure.node_of_item[item.pk]
        loop = next((one for one in keys_of(node, loops) if one.key == key), LoopItem(key, key))
        found.append(Problem(item, node.section, loop, message))
    for rule in structure.rules:
        found.extend(_rule_problems(rule, structure, kept))
    return [
        replace(problem, label=item_name(structure, problem.item))
        if problem.item is not None
        else problem
        for problem in found
    ]


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


def completion(structure: Structure, values: dict, loops: dict) -> dict[int, tuple[int, int]]:
    """Per section: answered and expected (shown) questions, for the progress shown to drafters."""
    relevant = relevance(structure, values, loops)
    result = {}
    for node in structure.nodes:
        answered = expected = 0
        for loop in keys_of(node, loops):
            for item in node.items:
                if not relevant.shown(item, loop.key):
                    continue
                expected += 1
                if values.get((item.question.code, loop.key)) is not None:
                    answered += 1
        result[node.section.pk] = (answered, expected)
    return result


def draft_value(submission: Submission, code: str, key: str):
    """The value of one answer of the draft (None when unanswered)."""
    return (
        Answer.objects.filter(submission=submission, question__code=code, loop_key=key)
        .values_list("value", flat=True)
        .first()
    )
