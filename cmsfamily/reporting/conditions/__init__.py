"""The condition language of "shown when", "required when" and "valid when": XLSForm's
expressions, parsed into a small JSON tree that is checked against the template, stored, sent to
the browser (``static/reporting/conditions.js`` evaluates the same tree the same way) and shown in
words. ``vectors.json`` holds the cases both evaluators must pass.
"""

from cmsfamily.reporting.conditions.checks import (
    Problem,
    QuestionInfo,
    annotate,
    check,
    check_options,
    check_text,
    cycles,
    type_of_kind,
)
from cmsfamily.reporting.conditions.evaluate import evaluate
from cmsfamily.reporting.conditions.grammar import (
    ConditionError,
    Expr,
    parse,
    references,
    unparse,
)
from cmsfamily.reporting.conditions.legacy import from_legacy
from cmsfamily.reporting.conditions.relevance import Node, kept, relevance, relevance_of
from cmsfamily.reporting.conditions.words import Label, words

__all__ = [
    "ConditionError",
    "Expr",
    "Label",
    "Node",
    "Problem",
    "QuestionInfo",
    "annotate",
    "check",
    "check_options",
    "check_text",
    "cycles",
    "evaluate",
    "from_legacy",
    "kept",
    "parse",
    "references",
    "relevance",
    "relevance_of",
    "type_of_kind",
    "unparse",
    "words",
]
