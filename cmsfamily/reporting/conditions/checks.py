"""Checking a condition against the questions of a template: what the builder and the importers
report, each problem with its path (``sections[3].items[2].show_if``), before a condition is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cmsfamily.reporting.choices import NUMBER_KINDS, QuestionKind
from cmsfamily.reporting.conditions.evaluate import (
    DATE,
    MULTI,
    NUMBER,
    TEXT,
    decimal_of,
    is_date,
)
from cmsfamily.reporting.conditions.grammar import (
    COMPARISONS,
    ConditionError,
    Expr,
    columns,
    parse,
    references,
    unparse,
)

CHOICE, STRING, BOOLEAN, ANY = "choice", "string", "boolean", "any"


@dataclass(frozen=True)
class QuestionInfo:
    """What the checks need of a question placed in the form.

    ``position``: its place in the form (any increasing number); ``loop``: the id of the repeated
    section it is in, None outside any loop; ``options``: the values of its options.
    """

    kind: str
    options: tuple[str, ...] = ()
    position: int = 0
    loop: Any = None


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    column: int | None = field(default=None)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def type_of_kind(kind: str) -> str:
    """The type a question's answers have in a condition."""
    if kind in NUMBER_KINDS or kind == QuestionKind.YEAR:
        return NUMBER
    if kind == QuestionKind.DATE:
        return DATE
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return MULTI
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        return CHOICE
    if kind in (
        QuestionKind.SHORT_TEXT,
        QuestionKind.LONG_TEXT,
        QuestionKind.LINK,
        QuestionKind.PARTY,
    ):
        return TEXT
    return ANY


def annotate(expr: Expr, questions: Mapping[str, QuestionInfo], current=None) -> Expr:
    """The tree to store and send to the browser: each reference carries its question's type."""

    def walk(node: Expr) -> Expr:
        copy = dict(node)
        info = None
        if node["op"] == "ref":
            info = questions.get(node["q"])
        elif node["op"] == "self":
            info = current
        if info is not None:
            kind = type_of_kind(info.kind)
            if kind != ANY:
                copy["t"] = TEXT if kind == CHOICE else kind
        for key in ("a", "b", "arg"):
            if key in node:
                copy[key] = walk(node[key])
        if "args" in node:
            copy["args"] = [walk(arg) for arg in node["args"]]
        return copy

    return walk(expr)


_TYPE_NAMES = {
    NUMBER: lambda: _("a number"),
    DATE: lambda: _("a date"),
    MULTI: lambda: _("a multiple choice"),
    CHOICE: lambda: _("a choice"),
    TEXT: lambda: _("text"),
    STRING: lambda: _("text"),
    BOOLEAN: lambda: _("a condition"),
}


class _Checker:
    def __init__(self, questions, path, current, allow_later, columns=None):
        self.columns: Mapping[str, int] = columns or {}
        self.questions = questions
        self.path = path
        self.current = current
        self.allow_later = allow_later
        self.problems: list[Problem] = []

    def report(self, message: str, node: Expr | None = None) -> None:
        """A problem, at the column of the question it is about when the text is known."""
        column = self.columns.get(node["q"]) if node is not None and node["op"] == "ref" else None
        problem = Problem(self.path, message, column)
        if problem not in self.problems:
            self.problems.append(problem)

    def info(self, node: Expr) -> QuestionInfo | None:
        if node["op"] == "ref":
            return self.questions.get(node["q"])
        if node["op"] == "self":
            return self.current
        return None

    def type_of(self, node: Expr) -> str:
        op = node["op"]
        if op == "str":
            return STRING
        if op in ("num", "count-selected", "string-length"):
            return NUMBER
        if op in ("ref", "self"):
            info = self.info(node)
            return ANY if info is None else type_of_kind(info.kind)
        return BOOLEAN

    def reference(self, node: Expr) -> None:
        if node["op"] == "self":
            if self.current is None:
                self.report(_("“.” stands for the answer being checked: use ${code} here."))
            return
        code = node["q"]
        info = self.questions.get(code)
        if info is None:
            self.report(_("Unknown question %(code)s.") % {"code": code}, node)
            return
        current = self.current
        if current is None:
            if info.loop is not None:
                self.report(
                    _(
                        "%(code)s is repeated in a loop: only questions outside loops can be read here."
                    )
                    % {"code": code},
                    node,
                )
            return
        if not self.allow_later and info.position >= current.position:
            self.report(
                _(
                    "%(code)s comes at or after this point of the form: a condition may only read answers given before it."
                )
                % {"code": code},
                node,
            )
        if info.loop is not None and info.loop != current.loop:
            self.report(
                _(
                    "%(code)s is repeated in another loop: a condition may only read answers of the same loop item or outside any loop."
                )
                % {"code": code},
                node,
            )

    def option(self, node: Expr, value: str) -> None:
        info = self.info(node)
        if info is None or not info.options:
            return
        values = value.split(" ") if type_of_kind(info.kind) == MULTI else [value]
        for one in values:
            if one and one not in info.options:
                self.report(
                    _("“%(value)s” is not an option of %(question)s.")
                    % {"value": one, "question": unparse(node)},
                    node,
                )

    def mismatch(self, left: Expr, right: Expr) -> None:
        left_type, right_type = self.type_of(left), self.type_of(right)
        self.report(
            _("%(left)s (%(left_type)s) cannot be compared with %(right)s (%(right_type)s).")
            % {
                "left": unparse(left),
                "left_type": _TYPE_NAMES.get(left_type, _TYPE_NAMES[TEXT])(),
                "right": unparse(right),
                "right_type": _TYPE_NAMES.get(right_type, _TYPE_NAMES[TEXT])(),
            },
            left if left["op"] == "ref" else right,
        )

    def condition(self, node: Expr) -> None:
        """A node used as a condition: it must say true or false."""
        if self.type_of(node) != BOOLEAN:
            self.operand(node)
            self.report(
                _("%(text)s is not a condition: compare it with something, e.g. %(text)s != ''.")
                % {"text": unparse(node)}
            )
            return
        op = node["op"]
        if op in ("and", "or"):
            for arg in node["args"]:
                self.condition(arg)
        elif op == "not":
            self.condition(node["arg"])
        elif op == "selected":
            self.operand(node["arg"])
            kind = self.type_of(node["arg"])
            if kind not in (CHOICE, MULTI, ANY):
                self.report(
                    _("selected() reads a choice question; %(text)s is not one.")
                    % {"text": unparse(node["arg"])}
                )
            else:
                self.option(node["arg"], node["v"])
        elif op in COMPARISONS:
            self.comparison(op, node["a"], node["b"])

    def operand(self, node: Expr) -> None:
        op = node["op"]
        if op in ("ref", "self"):
            self.reference(node)
        elif op == "count-selected":
            self.operand(node["arg"])
            if self.type_of(node["arg"]) not in (CHOICE, MULTI, ANY):
                self.report(
                    _("count-selected() reads a choice question; %(text)s is not one.")
                    % {"text": unparse(node["arg"])}
                )
        elif op == "string-length":
            self.operand(node["arg"])
        elif self.type_of(node) == BOOLEAN:
            self.condition(node)

    def comparison(self, op: str, left: Expr, right: Expr) -> None:
        self.operand(left)
        self.operand(right)
        for side in (left, right):
            if side["op"] == "str" and side["v"] == "":
                if op not in ("=", "!="):
                    self.report(
                        _("'' (not answered) can only be used with = or !=, not %(op)s.")
                        % {"op": op}
                    )
                return
        types = {self.type_of(left), self.type_of(right)}
        if ANY in types:
            return
        if BOOLEAN in types:
            self.mismatch(left, right)
            return
        orderable = types <= {NUMBER, DATE, STRING} and bool(types & {NUMBER, DATE})
        if op not in ("=", "!=") and not orderable:
            self.report(
                _("%(op)s can only compare numbers and dates; %(text)s is neither.")
                % {
                    "op": op,
                    "text": unparse(left if self.type_of(left) not in (NUMBER, DATE) else right),
                }
            )
            return
        for side, other in ((left, right), (right, left)):
            if side["op"] in ("str", "num"):
                continue
            mine, theirs = self.type_of(side), self.type_of(other)
            if other["op"] in ("str", "num"):
                value = other["v"]
                not_number = mine == NUMBER and decimal_of(value) is None
                if not_number or (mine == DATE and not is_date(value)):
                    self.mismatch(side, other)
                elif mine in (CHOICE, MULTI):
                    self.option(side, value)
                elif mine == TEXT and other["op"] == "num":
                    self.mismatch(side, other)
                return
            if mine == theirs or {mine, theirs} <= {CHOICE, TEXT, MULTI}:
                continue
            self.mismatch(side, other)
            return


def check_options(values: Iterable[str], kind: str, *, path: str) -> list[Problem]:
    """What is wrong with the option values of a choice question, for conditions and XLSForm:
    each is given, once, and can be written in quotes; a multiple choice's have no spaces (its
    answer is written as the values chosen, separated by spaces)."""
    found: list[Problem] = []
    seen: set[str] = set()
    for value in values:
        if not value or not value.strip():
            found.append(Problem(path, _("An option has no value.")))
            continue
        if value in seen:
            found.append(
                Problem(path, _("The option value “%(value)s” is used twice.") % {"value": value})
            )
        seen.add(value)
        if "'" in value and '"' in value:
            found.append(
                Problem(
                    path,
                    _("The option value “%(value)s” has both kinds of quotes.") % {"value": value},
                )
            )
        if kind == QuestionKind.MULTIPLE_CHOICE and any(char.isspace() for char in value):
            found.append(
                Problem(
                    path,
                    _("The option value “%(value)s” of a multiple choice may not contain spaces.")
                    % {"value": value},
                )
            )
    return found


def check(
    expr: Expr,
    questions: Mapping[str, QuestionInfo],
    *,
    path: str,
    current: QuestionInfo | None = None,
    allow_later: bool = False,
    columns: Mapping[str, int] | None = None,
) -> list[Problem]:
    """What is wrong with a condition placed at ``path`` (empty list: nothing).

    ``current``: the question (or, for a section's condition, the place of the section) whose
    condition it is; without it, only questions outside loops may be read and ``.`` may not be
    used. ``allow_later``: a "valid when" condition may read questions later in the form.
    ``columns``: where each question is first referenced in the text (``grammar.columns``), for
    the column of a problem about it.
    """
    checker = _Checker(questions, path, current, allow_later, columns)
    checker.condition(expr)
    return checker.problems


def check_text(
    text: str,
    questions: Mapping[str, QuestionInfo],
    *,
    path: str,
    current: QuestionInfo | None = None,
    allow_later: bool = False,
) -> tuple[Expr | None, list[Problem]]:
    """Parse and check a condition as written: the tree to keep (None if it cannot be read) and
    what is wrong with it."""
    try:
        expr = parse(text)
    except ConditionError as error:
        return None, [Problem(path, str(error), error.column)]
    problems = check(
        expr,
        questions,
        path=path,
        current=current,
        allow_later=allow_later,
        columns=columns(text),
    )
    return annotate(expr, questions, current), problems


def cycles(conditions_by_code: Mapping[str, Expr | Iterable[Expr] | None]) -> list[list[str]]:
    """The circles of conditions: each as the codes around it, the first repeated at the end
    (``["a", "b", "a"]``: a's condition reads b and b's reads a)."""
    graph: dict[str, list[str]] = {}
    for code, conditions in conditions_by_code.items():
        if conditions is None:
            exprs: list[Expr] = []
        elif isinstance(conditions, dict):
            exprs = [conditions]
        else:
            exprs = [expr for expr in conditions if expr]
        reads: list[str] = []
        for expr in exprs:
            reads.extend(code for code in references(expr) if code not in reads)
        graph[code] = reads
    found: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(code: str) -> None:
        state[code] = 1
        path.append(code)
        for target in graph.get(code, ()):
            if state.get(target) == 1:
                circle = path[path.index(target) :]
                turn = circle.index(min(circle))
                canonical = tuple(circle[turn:] + circle[:turn])
                if canonical not in seen:
                    seen.add(canonical)
                    found.append([*canonical, canonical[0]])
            elif target in graph and target not in state:
                visit(target)
        path.pop()
        state[code] = 2

    for code in graph:
        if code not in state:
            visit(code)
    return found
