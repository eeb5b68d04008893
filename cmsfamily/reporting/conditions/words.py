"""A condition in words, in the reader's language: "2.1 is Yes and 2.3 is not answered"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cmsfamily.reporting.conditions.evaluate import DATE, is_date
from cmsfamily.reporting.conditions.grammar import Expr


@dataclass(frozen=True)
class Label:
    """How a question is named to people (its number, or its section and position) and the
    labels of its options, by value, in the reader's language."""

    name: str
    options: Mapping[str, str] = field(default_factory=dict)


def _phrases() -> dict[str, str]:
    return {
        "=": _("%(a)s is %(b)s"),
        "!=": _("%(a)s is not %(b)s"),
        "<": _("%(a)s is less than %(b)s"),
        "<=": _("%(a)s is at most %(b)s"),
        ">": _("%(a)s is more than %(b)s"),
        ">=": _("%(a)s is at least %(b)s"),
    }


def _date_phrases() -> dict[str, str]:
    return {
        "<": _("%(a)s is before %(b)s"),
        "<=": _("%(a)s is on or before %(b)s"),
        ">": _("%(a)s is after %(b)s"),
        ">=": _("%(a)s is on or after %(b)s"),
    }


class _Words:
    def __init__(self, labels: Mapping[str, Label | str]):
        self.labels = labels

    def label(self, code: str) -> Label:
        label = self.labels.get(code)
        if label is None:
            return Label(code)
        return Label(label) if isinstance(label, str) else label

    def options(self, node: Expr) -> Mapping[str, str]:
        if node["op"] == "ref":
            return self.label(node["q"]).options
        if node["op"] == "self":
            label = self.labels.get(".")
            return label.options if isinstance(label, Label) else {}
        return {}

    def literal(self, node: Expr, options: Mapping[str, str]) -> str:
        value = node["v"]
        if node["op"] == "num":
            if value in options:
                return options[value]
            return number_format(Decimal(value))
        if options:
            names = [options.get(part, part) for part in value.split(" ") if part]
            if names and all(part in options for part in value.split(" ") if part):
                return ", ".join(names)
        if is_date(value):
            return value
        return _("“%(value)s”") % {"value": value}

    def value(self, node: Expr, options: Mapping[str, str] | None = None) -> str:
        op = node["op"]
        if op == "ref":
            return self.label(node["q"]).name
        if op == "self":
            return _("this answer")
        if op in ("str", "num"):
            return self.literal(node, options or {})
        if op == "count-selected":
            return _("the number of options chosen in %(a)s") % {"a": self.value(node["arg"])}
        if op == "string-length":
            return _("the length of %(a)s") % {"a": self.value(node["arg"])}
        return f"({self.condition(node)})"

    def condition(self, node: Expr, parent: str = "") -> str:
        op = node["op"]
        if op in ("and", "or"):
            phrase = _("%(a)s and %(b)s") if op == "and" else _("%(a)s or %(b)s")
            parts = [self.condition(arg, op) for arg in node["args"]]
            text = parts[0]
            for part in parts[1:]:
                text = phrase % {"a": text, "b": part}
            return f"({text})" if parent and parent != op else text
        if op == "not":
            return _("not (%(a)s)") % {"a": self.condition(node["arg"])}
        if op == "selected":
            option = self.options(node["arg"]).get(node["v"]) or _("“%(value)s”") % {
                "value": node["v"]
            }
            return _("%(a)s includes %(b)s") % {"a": self.value(node["arg"]), "b": option}
        if op in ("=", "!=", "<", "<=", ">", ">="):
            left, right = node["a"], node["b"]
            if left["op"] == "str" and left["v"] == "":
                left, right = right, left
            if right["op"] == "str" and right["v"] == "" and op in ("=", "!="):
                phrase = _("%(a)s is not answered") if op == "=" else _("%(a)s is answered")
                return phrase % {"a": self.value(left)}
            dated = any(
                side.get("t") == DATE or (side["op"] == "str" and is_date(side["v"]))
                for side in (left, right)
            )
            phrases = _phrases()
            if dated and op in ("<", "<=", ">", ">="):
                phrases.update(_date_phrases())
            return phrases[op] % {
                "a": self.value(left, self.options(right)),
                "b": self.value(right, self.options(left)),
            }
        return _("%(a)s is answered") % {"a": self.value(node)}


def words(expr: Expr, labels: Mapping[str, Label | str], language: str) -> str:
    """The condition in words in ``language`` ("en", "fr" or "es"). ``labels``: by question code,
    how the question is named (a Label, or its name alone); "." for the answer being checked."""
    with translation.override(language):
        return _Words(labels).condition(expr)
