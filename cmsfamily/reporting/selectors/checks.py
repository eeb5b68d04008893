"""A draft's answers and what they say: which questions are shown and required, what stops the
report from being submitted, and how far each section is answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cmsfamily.reporting import answers as typed
from cmsfamily.reporting.choices import (
    RuleKind,
)
from cmsfamily.reporting.models import (
    Answer,
    Item,
    Section,
    Submission,
    ValidationRule,
)
from cmsfamily.reporting.selectors.tree import LoopItem, Structure, keys_of, loop_items


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


def draft_value(submission: Submission, code: str, key: str):
    """The value of one answer of the draft (None when unanswered)."""
    return (
        Answer.objects.filter(submission=submission, question__code=code, loop_key=key)
        .values_list("value", flat=True)
        .first()
    )
