"""The condition language: reading it (with the position of each error), writing it back, and
the server's evaluator on the shared test vectors."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cmsfamily.reporting.conditions import ConditionError, evaluate, parse, relevance, unparse
from cmsfamily.reporting.conditions.evaluate import decimal_of, is_date
from cmsfamily.reporting.tests.condition_cases import (  # noqa: F401
    catalogue,
    expressions,
    load_relevance_vectors,
    load_vectors,
    lookup_of,
    nodes_of,
)

VECTORS = load_vectors()


def test_the_vectors_cover_every_operator():
    texts = " ".join(vector["expr"] for vector in VECTORS)
    for operator in (
        "= ",
        "!=",
        "< ",
        "<=",
        "> ",
        ">=",
        " and ",
        " or ",
        "not(",
        "selected(",
        "count-selected(",
        "string-length(",
        "= ''",
        "!= ''",
        ".",
    ):
        assert operator in texts, operator
    assert len(VECTORS) >= 60
    assert {vector["key"] for vector in VECTORS} > {""}


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["expr"] for vector in VECTORS])
def test_the_server_passes_every_vector(vector):
    result = evaluate(
        vector["tree"],
        lookup_of(vector["answers"]),
        vector["key"],
        vector["current"],
        hidden=vector["hidden"],
    )
    assert result is vector["result"], vector.get("note", "")


RELEVANCE_VECTORS = load_relevance_vectors()


@pytest.mark.parametrize(
    "form", RELEVANCE_VECTORS, ids=[form["about"][:60] for form in RELEVANCE_VECTORS]
)
def test_the_server_passes_every_relevance_vector(form):
    shown = relevance(nodes_of(form), lookup_of(form["answers"]))
    assert list(shown.values()) == form["shown"], form["about"]


def test_the_vectors_cover_hidden_questions_in_every_combination():
    hidden = [vector for vector in VECTORS if vector["hidden"]]
    texts = " ".join(vector["expr"] for vector in hidden)
    for operator in ("= ''", "!= ''", "string-length(", "count-selected(", " and ", " or ", "not("):
        assert operator in texts, operator
    assert {vector["result"] for vector in hidden} == {True, False}
    assert any(vector["key"] for vector in hidden)
    assert len(RELEVANCE_VECTORS) >= 8


def test_parse_builds_the_json_tree():
    assert parse("${a} = 'yes' and (${b} != '' or not(${c} > -3.50))") == {
        "op": "and",
        "args": [
            {"op": "=", "a": {"op": "ref", "q": "a"}, "b": {"op": "str", "v": "yes"}},
            {
                "op": "or",
                "args": [
                    {"op": "!=", "a": {"op": "ref", "q": "b"}, "b": {"op": "str", "v": ""}},
                    {
                        "op": "not",
                        "arg": {
                            "op": ">",
                            "a": {"op": "ref", "q": "c"},
                            "b": {"op": "num", "v": "-3.5"},
                        },
                    },
                ],
            },
        ],
    }
    assert parse('selected(${m}, "x")') == {
        "op": "selected",
        "arg": {"op": "ref", "q": "m"},
        "v": "x",
    }
    assert parse("count-selected(${q.1-a}) >= 2")["a"] == {
        "op": "count-selected",
        "arg": {"op": "ref", "q": "q.1-a"},
    }
    assert parse("string-length(.) < 5")["a"] == {"op": "string-length", "arg": {"op": "self"}}
    assert parse("${a}=1 or ${b}=2 or ${c}=3")["op"] == "or"
    assert len(parse("${a}=1 or ${b}=2 or ${c}=3")["args"]) == 3


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("${a} = ", 8, "ends too early"),
        ("${a} == 1", 7, "Unexpected “=”"),
        ("${a} + 1", 6, "Unexpected “+”"),
        ("${a} = 1 = 2", 10, "Unexpected “=”"),
        ("(${a} = 1", 10, "ends too early"),
        ("${a} = 1 and", 13, "ends too early"),
        ("today() > '2024-01-01'", 1, "today() is not supported"),
        ("${a} = 1 or foo(${b})", 13, "Unknown function foo()"),
        ("selected(${a})", 1, "takes 2 value(s), not 1"),
        ("selected(${a}, ${b})", 1, "option in quotes"),
        ("not(${a} = 1, ${b} = 2)", 1, "takes 1 value(s)"),
        ("   ", 1, "is empty"),
        ("${a} = 'open", 8, "Unexpected “'”"),
        ("${} = 1", 1, "Unexpected “$”"),
    ],
)
def test_parse_errors_carry_the_column(text, column, message):
    with pytest.raises(ConditionError) as caught:
        parse(text)
    assert caught.value.column == column
    assert message in caught.value.message
    assert str(caught.value).startswith(f"Column {column}: ")


@pytest.mark.usefixtures("catalogue")
def test_parse_errors_are_in_the_users_language():
    with translation.override("fr"), pytest.raises(ConditionError) as caught:
        parse("${a} = ")
    assert str(caught.value) == "Colonne 8 : La condition s'arrête trop tôt."
    with translation.override("es"), pytest.raises(ConditionError) as caught:
        parse("${a} = 1 or foo(${b})")
    assert str(caught.value) == "Columna 13: Función desconocida: foo()."


def test_a_very_long_condition_is_refused():
    with pytest.raises(ConditionError):
        parse(" or ".join(["${a} = 1"] * 300))


@given(expressions.filter(lambda expr: "'" not in str(expr) or '"' not in str(expr)))
@settings(max_examples=200, deadline=None)
def test_unparse_gives_back_the_same_tree(expr):
    def canonical(node):
        # parse flattens nested and/or of the same kind: compare with a flattened tree
        if node["op"] in ("and", "or"):
            args = []
            for arg in node["args"]:
                arg = canonical(arg)
                args.extend(arg["args"] if arg["op"] == node["op"] else [arg])
            return {"op": node["op"], "args": args}
        copy = dict(node)
        for key in ("a", "b", "arg"):
            if key in node:
                copy[key] = canonical(node[key])
        return copy

    assert parse(unparse(expr)) == canonical(expr)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (12, "12"),
        ("12.50", "12.50"),
        ("-0.5", "-0.5"),
        ("1e5", None),
        (" 1", None),
        ("1.", None),
        (".5", None),
        (True, None),
        (1.5, None),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_numbers_are_read_strictly(value, number):
    result = decimal_of(value)
    assert (None if result is None else str(result)) == number


@given(st.dates())
def test_every_real_date_is_a_date(day):
    assert is_date(day.isoformat())


@pytest.mark.parametrize(
    "text", ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-01-01T"]
)
def test_what_is_not_a_date(text):
    assert not is_date(text)
