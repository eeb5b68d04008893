"""What the tests of the condition language share: the test vectors, ready for either evaluator,
and hypothesis strategies of random expressions and answers."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import strategies as st

from cmsfamily.reporting.conditions import Node, QuestionInfo, annotate, parse
from cmsfamily.reporting.conditions.grammar import number_text

TRANSLATIONS = Path(__file__).resolve().parents[3] / "translations-logic.jsonl"
VECTORS = Path(__file__).resolve().parents[1] / "conditions" / "vectors.json"
SCRIPT = Path(__file__).resolve().parents[1] / "static" / "reporting" / "conditions.js"


def load_vectors() -> list[dict]:
    """Each vector with its checked tree ("tree", annotated with the questions' types) and the
    questions it reads that are not shown ("hidden", none unless it says)."""
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    questions = {code: QuestionInfo(kind) for code, kind in data["questions"].items()}
    return [
        {
            **vector,
            "hidden": vector.get("hidden", []),
            "tree": annotate(parse(vector["expr"]), questions),
        }
        for vector in data["vectors"]
    ]


def load_relevance_vectors() -> list[dict]:
    """Each form of the relevance vectors with its nodes as ``conditions.js`` reads them (the
    condition parsed into "condition")."""
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    return [
        {
            **case,
            "nodes": [
                {
                    "id": node["id"],
                    "condition": parse(node["expr"]) if node["expr"] else None,
                    "within": node["within"],
                    "loop_keys": node["loop_keys"],
                }
                for node in case["nodes"]
            ],
        }
        for case in data["relevance"]
    ]


def lookup_of(answers: list) -> dict:
    return {(code, key): value for code, key, value in answers}


@pytest.fixture
def catalogue():
    """The condition language's strings in French and Spanish, from translations-logic.jsonl while it
    has not been merged into the .po files (afterwards the catalogues already hold them)."""
    if not TRANSLATIONS.exists():
        yield
        return
    from django.utils.translation import trans_real

    rows = [json.loads(line) for line in TRANSLATIONS.read_text(encoding="utf-8").splitlines()]
    added = []
    for language in ("fr", "es"):
        catalog = trans_real.translation(language)._catalog
        for row in rows:
            if catalog.get(row["msgid"]) is None:
                catalog[row["msgid"]] = row[language]
                added.append((catalog, row["msgid"]))
    yield
    for catalog, msgid in added:
        for part in catalog._catalogs:
            part.pop(msgid, None)


# Random expressions over a few questions of each type, and random answers that are sometimes
# missing, empty, or of the wrong type.
KINDS = {
    "n": "integer",
    "d": "decimal",
    "dt": "date",
    "t": "short_text",
    "c": "single_choice",
    "m": "multiple_choice",
    "x": "species",
}
QUESTIONS = {code: QuestionInfo(kind) for code, kind in KINDS.items()}
OPTIONS = ["a", "b", "c", "1", "2"]
KEYS = ["", "k1", "k2"]

numbers = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False).map(
        lambda value: format(value, "f")
    ),
    st.sampled_from(["0", "-0", "0.0", "12345678901234.0000000001", "12345678901234"]),
)
dates = st.sampled_from(
    ["2024-02-29", "2023-02-29", "2024-03-01", "1999-12-31", "2024-13-01", "2024-3-1", "abc"]
)
texts = st.one_of(st.sampled_from(OPTIONS + ["", " ", "a b", "😀é"]), st.text(max_size=6))
literal_values = st.one_of(numbers, dates, texts)

refs = st.sampled_from(list(KINDS)).map(lambda code: {"op": "ref", "q": code})
operands = st.one_of(
    refs,
    st.just({"op": "self"}),
    literal_values.map(lambda value: {"op": "str", "v": value}),
    numbers.map(lambda value: {"op": "num", "v": number_text(Decimal(value))}),
    refs.map(lambda ref: {"op": "count-selected", "arg": ref}),
    refs.map(lambda ref: {"op": "string-length", "arg": ref}),
)


def _conditions(children):
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda args: {"op": "and", "args": args}),
        st.lists(children, min_size=2, max_size=3).map(lambda args: {"op": "or", "args": args}),
        children.map(lambda arg: {"op": "not", "arg": arg}),
    )


comparisons = st.builds(
    lambda op, a, b: {"op": op, "a": a, "b": b},
    st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
    operands,
    operands,
)
selections = st.builds(
    lambda ref, option: {"op": "selected", "arg": ref, "v": option}, refs, st.sampled_from(OPTIONS)
)
expressions = st.recursive(st.one_of(comparisons, selections, operands), _conditions, max_leaves=8)
typed_expressions = expressions.map(lambda expr: annotate(expr, QUESTIONS))

answer_values = st.one_of(
    st.none(),
    st.integers(-1000, 1000),
    numbers,
    dates,
    texts,
    st.lists(st.sampled_from(OPTIONS), unique=True, max_size=4),
    st.just({}),
    st.just({"name": "report.pdf"}),
)
answers = st.lists(
    st.tuples(st.sampled_from([*KINDS, "u"]), st.sampled_from(KEYS), answer_values).map(list),
    max_size=8,
    unique_by=lambda row: (row[0], row[1]),
)
cases = st.fixed_dictionaries(
    {
        "tree": typed_expressions,
        "answers": answers,
        "key": st.sampled_from(KEYS),
        "current": answer_values,
        # the questions read that are not shown
        "hidden": st.lists(st.sampled_from(list(KINDS)), unique=True, max_size=3),
    }
)


@st.composite
def forms(draw):
    """A random form for relevance: two sections (the second maybe within the first, maybe a
    loop) and the questions above, each maybe conditional, maybe in a section: as JSON nodes."""
    conditions = st.none() | typed_expressions
    nodes = [
        {"id": "s1", "condition": draw(conditions), "within": None, "loop_keys": None},
        {
            "id": "s2",
            "condition": draw(conditions),
            "within": draw(st.sampled_from([None, "s1"])),
            "loop_keys": draw(st.sampled_from([None, ["k1", "k2"], ["k2"]])),
        },
    ]
    for code in draw(st.permutations(list(KINDS))):
        nodes.append(
            {
                "id": code,
                "condition": draw(conditions),
                "within": draw(st.sampled_from([None, "s1", "s2"])),
                "loop_keys": None,
            }
        )
    return {"nodes": nodes, "answers": draw(answers)}


def nodes_of(form: dict) -> list[Node]:
    return [
        Node(
            node["id"],
            node["condition"],
            node["within"],
            None if node["loop_keys"] is None else tuple(node["loop_keys"]),
        )
        for node in form["nodes"]
    ]
