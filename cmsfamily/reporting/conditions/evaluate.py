"""Evaluating a condition tree on the server. ``static/reporting/conditions.js`` is the same
evaluator for the browser, rule for rule; ``vectors.json`` holds the cases both must pass.

The rules, for both:

* An answer is looked up for the current loop item first, then outside the loop: ``(code, key)``,
  then ``(code, "")``. ``None``, ``""``, ``[]`` and ``{}`` are "not answered".
* ``x = ''`` holds when x is not answered, ``x != ''`` when it is. Any other comparison with an
  unanswered side is false (``${q} != 'yes'`` is false while q is not answered).
* A comparison is typed by its sides: number if either side is a number (a number literal, a
  number question, ``count-selected``, ``string-length``), else date, else multiple choice, else
  text. Numbers compare exactly (decimal text such as "12.50" or an int); dates must be
  ``YYYY-MM-DD``; a value that is not of the comparison's type makes the comparison false.
  Multiple choice compares the set of chosen options (a literal is a space-separated list, as in
  XLSForm) and only with ``=`` and ``!=``; text compares only with ``=`` and ``!=``.
* ``selected(x, 'o')``: o is among x's chosen options (or is x's answer, for a single choice).
  ``count-selected(x)``: how many are chosen (0 when not answered, 1 for a single answer).
  ``string-length(x)``: the number of characters (0 when not answered).
* A bare value used as a condition holds when it is answered (and is not the number 0).

A question that is not shown (``hidden``: the questions read that are not relevant, as
``relevance.py`` decides) counts as not answered. Where a condition asks whether it is answered,
that is the answer: ``${x} = ''`` holds and ``${x} != ''`` does not, ``string-length(${x})`` and
``count-selected(${x})`` are 0 when compared with the number 0, and ``${x}`` alone does not hold.
Any other reading of a hidden question (a comparison with a value, ``selected``, a count or a
length compared with anything but 0) is unknown, and and / or / not combine unknowns as in
three-valued logic: false and unknown is false, true or unknown is true, not unknown is unknown.
A condition that comes out unknown does not hold: the question it shows stays hidden, as a
question hidden by a hidden parent always was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from cmsfamily.reporting.conditions.grammar import COMPARISONS, Expr

NUMBER, DATE, MULTI, TEXT, ANY = "number", "date", "multi", "text", "any"
_DIGITS = frozenset("0123456789")
_MEASURES = ("count-selected", "string-length")


class _Unknown:
    """The value of a hidden question read other than as answered or not."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def decimal_of(value: Any) -> Decimal | None:
    """An int, or text of the form -?digits(.digits)?, as an exact number; anything else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        return None
    body = value[1:] if value.startswith("-") else value
    whole, dot, fraction = body.partition(".")
    if not whole or not set(whole) <= _DIGITS:
        return None
    if dot and (not fraction or not set(fraction) <= _DIGITS):
        return None
    return Decimal(value)


def is_date(value: Any) -> bool:
    """Whether a value is a real date written YYYY-MM-DD."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    parts = (value[:4], value[5:7], value[8:])
    if not all(set(part) <= _DIGITS for part in parts):
        return False
    try:
        dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return False
    return True


def text_of(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(text_of(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ""
    return str(value)


def options_of(value: Any) -> set[str]:
    if isinstance(value, list):
        return {text_of(item) for item in value}
    return {part for part in text_of(value).split(" ") if part}


def _inferred(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return NUMBER
    if isinstance(value, list):
        return MULTI
    return TEXT


class _Evaluation:
    def __init__(self, lookup: Mapping, key: str, current: Any, hidden: Collection[str] = ()):
        self.lookup = lookup
        self.key = key
        self.current = current
        self.hidden = hidden

    def answer(self, code: str) -> Any:
        if (code, self.key) in self.lookup:
            return self.lookup[(code, self.key)]
        return self.lookup.get((code, ""))

    def value(self, node: Expr, emptiness: bool = False) -> tuple[Any, str]:
        """The value of an operand and its type. ``emptiness``: the operand is read only for
        whether it is answered, so a hidden question is read as not answered, not UNKNOWN."""
        op = node["op"]
        if op == "str":
            return node["v"], TEXT
        if op == "num":
            return node["v"], NUMBER
        if op in ("ref", "self"):
            kind = node.get("t", ANY)
            if op == "ref" and node["q"] in self.hidden:
                return (None, TEXT if kind == ANY else kind) if emptiness else (UNKNOWN, kind)
            value = self.answer(node["q"]) if op == "ref" else self.current
            return value, _inferred(value) if kind == ANY else kind
        if op == "count-selected":
            value, _kind = self.value(node["arg"], emptiness)
            if value is UNKNOWN:
                return UNKNOWN, NUMBER
            if is_empty(value):
                return 0, NUMBER
            return (len(value) if isinstance(value, list) else 1), NUMBER
        if op == "string-length":
            value, _kind = self.value(node["arg"], emptiness)
            if value is UNKNOWN:
                return UNKNOWN, NUMBER
            return (0 if is_empty(value) else len(text_of(value))), NUMBER
        result = self.holds(node)
        return (UNKNOWN if result is None else result), "boolean"

    def holds(self, node: Expr) -> bool | None:
        """Whether a condition holds: True, False, or None where it reads a hidden question in a
        way that decides it (unknown)."""
        op = node["op"]
        if op in ("and", "or"):
            decisive = op == "or"  # the result that settles it: True for or, False for and
            unknown = False
            for arg in node["args"]:
                result = self.holds(arg)
                if result is decisive:
                    return decisive
                unknown = unknown or result is None
            return None if unknown else not decisive
        if op == "not":
            result = self.holds(node["arg"])
            return None if result is None else not result
        if op in COMPARISONS:
            return self.compare(op, node["a"], node["b"])
        if op == "selected":
            value, _kind = self.value(node["arg"])
            if value is UNKNOWN:
                return None
            if is_empty(value):
                return False
            if isinstance(value, list):
                return node["v"] in {text_of(item) for item in value}
            return text_of(value) == node["v"]
        value, kind = self.value(node, emptiness=True)
        if value is UNKNOWN:
            return None
        if kind == "boolean":
            return bool(value)
        if is_empty(value):
            return False
        return kind != NUMBER or decimal_of(value) != 0

    def compare(self, op: str, left: Expr, right: Expr) -> bool | None:
        for side, other in ((left, right), (right, left)):
            if side["op"] == "str" and side["v"] == "" and op in ("=", "!="):
                value, _kind = self.value(other, emptiness=True)
                if value is UNKNOWN:
                    return None
                return is_empty(value) if op == "=" else not is_empty(value)
        zero = {"op": "num", "v": "0"} in (left, right)
        a, a_kind = self.value(left, emptiness=zero and left["op"] in _MEASURES)
        b, b_kind = self.value(right, emptiness=zero and right["op"] in _MEASURES)
        if a is UNKNOWN or b is UNKNOWN:
            return None
        if is_empty(a) or is_empty(b):
            return False
        kinds = {a_kind, b_kind}
        if NUMBER in kinds:
            x, y = decimal_of(a), decimal_of(b)
            if x is None or y is None:
                return False
            return _ordered(op, x, y)
        if DATE in kinds:
            if not (is_date(a) and is_date(b)):
                return False
            return _ordered(op, a, b)
        if op not in ("=", "!="):
            return False
        same = options_of(a) == options_of(b) if MULTI in kinds else text_of(a) == text_of(b)
        return same if op == "=" else not same


def _ordered(op: str, x: Any, y: Any) -> bool:
    if op == "=":
        return x == y
    if op == "!=":
        return x != y
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    return x >= y


def evaluate(
    expr: Expr,
    lookup: Mapping,
    key: str = "",
    current: Any = None,
    hidden: Collection[str] = (),
) -> bool:
    """Whether a condition holds on these answers ((code, loop key) -> value) for a loop item.

    ``current`` is the answer being checked, what ``.`` stands for in a "valid when" condition.
    ``hidden``: the questions it reads that are not shown here (see the module's rules); a
    condition that comes out unknown does not hold.
    """
    return _Evaluation(lookup, key, current, hidden).holds(expr) is True
