"""The condition language: the subset of XLSForm expressions that `relevant`, `required` and
`constraint` columns hold in practice, read by a Lark grammar into a small JSON tree.

The tree (``Expr``) is plain dicts and lists, so that it is stored as it is and sent to the
browser, which evaluates it without parsing anything:

=================================  ==============================================
text                               tree
=================================  ==============================================
``${code}``                        ``{"op": "ref", "q": "code"}``
``.`` (the answer being checked)   ``{"op": "self"}``
``'text'`` or ``"text"``           ``{"op": "str", "v": "text"}``
``12.5``, ``-3``                   ``{"op": "num", "v": "12.5"}`` (exact, as text)
``a = b`` (``!= < <= > >=``)       ``{"op": "=", "a": a, "b": b}``
``a and b and c``                  ``{"op": "and", "args": [a, b, c]}`` (``or`` too)
``not(a)``                         ``{"op": "not", "arg": a}``
``selected(${q}, 'opt')``          ``{"op": "selected", "arg": q, "v": "opt"}``
``count-selected(${q})``           ``{"op": "count-selected", "arg": q}``
``string-length(.)``               ``{"op": "string-length", "arg": self}``
=================================  ==============================================

``${q} = ''`` means "not answered" and ``${q} != ''`` "answered", as in XLSForm. A reference may
carry the type of its question (``"t"``, added by ``checks.annotate``) so that both evaluators
compare numbers as numbers and dates as dates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

Expr = dict[str, Any]

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
MAX_LENGTH = 2_000

GRAMMAR = r"""
?start: disjunction

?disjunction: conjunction (_OR conjunction)*
?conjunction: comparison (_AND comparison)*
?comparison: operand (COMPARE operand)?

?operand: REF
        | DOT
        | STRING
        | NUMBER
        | MINUS NUMBER       -> negative
        | call
        | "(" disjunction ")"

call: NAME "(" [disjunction ("," disjunction)*] ")"

_OR: "or"
_AND: "and"
COMPARE: "!=" | "<=" | ">=" | "=" | "<" | ">"
MINUS: "-"
REF: "${" /[A-Za-z0-9_][A-Za-z0-9_.\-]*/ "}"
DOT: "."
NAME: /[a-z][a-z0-9\-]*/
STRING: /'[^']*'/ | /"[^"]*"/
NUMBER: /[0-9]+(\.[0-9]+)?/ | /\.[0-9]+/

%ignore /[ \t\r\n]+/
"""

_parser = Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=True)


class ConditionError(ValueError):
    """A condition that cannot be read: the message (in the active language) and its column."""

    def __init__(self, message: str, column: int | None = None):
        self.message = message
        self.column = column
        if column is not None:
            message = _("Column %(column)s: %(message)s") % {"column": column, "message": message}
        super().__init__(message)


def number_text(value: Decimal) -> str:
    """A number as the tree keeps it: exact, no exponent, no trailing zeros, no "-0"."""
    whole = value == value.to_integral_value()
    text = format(value.to_integral_value() if whole else value.normalize(), "f")
    return "0" if text == "-0" else text


def _arity(name: Token, args: list, count: int) -> None:
    if len(args) != count:
        raise ConditionError(
            _("%(name)s() takes %(count)s value(s), not %(given)s.")
            % {"name": name, "count": count, "given": len(args)},
            name.column,
        )


@v_args(inline=True)
class _Tree(Transformer):
    def REF(self, token: Token) -> Expr:
        return {"op": "ref", "q": token[2:-1]}

    def DOT(self, token: Token) -> Expr:
        return {"op": "self"}

    def STRING(self, token: Token) -> Expr:
        return {"op": "str", "v": token[1:-1]}

    def NUMBER(self, token: Token) -> Expr:
        return {"op": "num", "v": number_text(Decimal(str(token)))}

    def negative(self, minus: Token, number: Expr) -> Expr:
        return {"op": "num", "v": number_text(-Decimal(number["v"]))}

    def comparison(self, left: Expr, operator: Token, right: Expr) -> Expr:
        return {"op": str(operator), "a": left, "b": right}

    def disjunction(self, *args: Expr) -> Expr:
        return _flat("or", args)

    def conjunction(self, *args: Expr) -> Expr:
        return _flat("and", args)

    def call(self, name: Token, *given: Expr | None) -> Expr:
        args = [arg for arg in given if arg is not None]
        if name == "not":
            _arity(name, args, 1)
            return {"op": "not", "arg": args[0]}
        if name in ("count-selected", "string-length"):
            _arity(name, args, 1)
            return {"op": str(name), "arg": args[0]}
        if name == "selected":
            _arity(name, args, 2)
            option = args[1]
            if option["op"] not in ("str", "num"):
                raise ConditionError(
                    _("The second value of selected() must be an option in quotes, e.g. 'yes'."),
                    name.column,
                )
            return {"op": "selected", "arg": args[0], "v": option["v"]}
        if name in ("today", "now"):
            raise ConditionError(
                _("%(name)s() is not supported: compare with a date such as '2025-01-31'.")
                % {"name": name},
                name.column,
            )
        raise ConditionError(
            _("Unknown function %(name)s().") % {"name": name},
            name.column,
        )


def _flat(op: str, args: tuple[Expr, ...]) -> Expr:
    flat: list[Expr] = []
    for arg in args:
        flat.extend(arg["args"] if arg.get("op") == op else [arg])
    return {"op": op, "args": flat}


def _unexpected(error: UnexpectedInput, text: str) -> ConditionError:
    if isinstance(error, UnexpectedEOF) or error.pos_in_stream is None:
        return ConditionError(_("The condition ends too early."), len(text) + 1)
    if isinstance(error, UnexpectedCharacters):
        found = text[error.pos_in_stream]
    else:
        found = str(getattr(error, "token", "")) or text[error.pos_in_stream]
    if getattr(getattr(error, "token", None), "type", "") == "$END":
        return ConditionError(_("The condition ends too early."), len(text) + 1)
    return ConditionError(
        _("Unexpected “%(found)s”.") % {"found": found},
        error.column,
    )


def parse(text: str) -> Expr:
    """Read a condition written as an XLSForm expression; raise ConditionError if it cannot be."""
    if not text or not text.strip():
        raise ConditionError(_("The condition is empty."), 1)
    if len(text) > MAX_LENGTH:
        raise ConditionError(
            _("The condition is longer than %(limit)s characters.") % {"limit": MAX_LENGTH}
        )
    try:
        tree = _parser.parse(text)
        return _Tree().transform(tree)
    except UnexpectedInput as error:
        raise _unexpected(error, text) from None
    except VisitError as error:
        if isinstance(error.orig_exc, ConditionError):
            raise error.orig_exc from None
        raise


def columns(text: str) -> dict[str, int]:
    """The column of each question's first reference in a condition as written (read by the
    grammar's own lexer), for pointing at the place a problem is found; {} if it cannot be read."""
    found: dict[str, int] = {}
    try:
        for token in _parser.lex(text):
            if token.type == "REF" and token.column is not None:
                found.setdefault(str(token)[2:-1], token.column)
    except UnexpectedInput:
        return found
    return found


def _quoted(value: str) -> str:
    return f'"{value}"' if "'" in value else f"'{value}'"


_PRECEDENCE = {"or": 1, "and": 2}


def unparse(expr: Expr, parent: int = 0) -> str:
    """The XLSForm text of a tree (what ``parse`` reads back into the same tree)."""
    op = expr["op"]
    if op == "ref":
        return "${" + expr["q"] + "}"
    if op == "self":
        return "."
    if op == "str":
        return _quoted(expr["v"])
    if op == "num":
        return expr["v"]
    if op in COMPARISONS:
        text = f"{unparse(expr['a'], 3)} {op} {unparse(expr['b'], 3)}"
        return f"({text})" if parent >= 3 else text
    if op in _PRECEDENCE:
        level = _PRECEDENCE[op]
        text = f" {op} ".join(unparse(arg, level) for arg in expr["args"])
        return f"({text})" if parent >= level else text
    if op == "not":
        return f"not({unparse(expr['arg'])})"
    if op == "selected":
        return f"selected({unparse(expr['arg'])}, {_quoted(expr['v'])})"
    return f"{op}({unparse(expr['arg'])})"


def references(expr: Expr) -> list[str]:
    """The question codes a condition reads, in order of first appearance."""
    found: list[str] = []

    def walk(node: Expr) -> None:
        if node["op"] == "ref":
            if node["q"] not in found:
                found.append(node["q"])
            return
        for key in ("a", "b", "arg"):
            if key in node:
                walk(node[key])
        for arg in node.get("args", ()):
            walk(arg)

    walk(expr)
    return found
