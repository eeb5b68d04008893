"""Today's conditions ({"question": code, "equals": v} or {"question": code, "in": [...]}) as
expressions of the condition language, meaning the same as ``answers.matches`` made them mean."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from cmsfamily.reporting.choices import QuestionKind
from cmsfamily.reporting.conditions.grammar import ConditionError, Expr, number_text


def _literal(value: Any) -> Expr:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"op": "num", "v": number_text(Decimal(value))}
    return {"op": "str", "v": str(value)}


def _one(ref: Expr, value: Any, kind: str | None) -> Expr:
    literal = _literal(value)
    if kind == QuestionKind.MULTIPLE_CHOICE or kind is None:
        # matches() took an answer that is a list as "contains": selected() does the same, and
        # on a single answer it is plain equality.
        return {"op": "selected", "arg": ref, "v": literal["v"]}
    return {"op": "=", "a": ref, "b": literal}


def from_legacy(condition: dict | None, kind: str | None = None) -> Expr | None:
    """The expression of a show_if / require_if dict; ``kind``: the kind of the question it
    reads, when known (a multiple choice is tested with selected(), anything else with =)."""
    if not condition:
        return None
    ref: Expr = {"op": "ref", "q": str(condition.get("question", ""))}
    if "equals" in condition:
        return _one(ref, condition["equals"], kind)
    if "in" in condition:
        allowed = list(condition["in"] or [])
        if not allowed:
            raise ConditionError(_("The list of values of the condition is empty."))
        parts = [_one(ref, value, kind) for value in allowed]
        return parts[0] if len(parts) == 1 else {"op": "or", "args": parts}
    return {"op": "!=", "a": ref, "b": {"op": "str", "v": ""}}
