"""The condition language against a template: the checks of the builder and the importers, circles
of conditions, transitive relevance, conditions in words, and today's conditions converted."""

import pytest
from django.utils import translation

from cmsfamily.reporting.conditions import (
    ConditionError,
    Label,
    Node,
    QuestionInfo,
    annotate,
    check_options,
    check_text,
    cycles,
    evaluate,
    from_legacy,
    kept,
    parse,
    relevance,
    unparse,
    words,
)
from cmsfamily.reporting.tests.condition_cases import catalogue  # noqa: F401

YES_NO = ("yes", "no", "na")
QUESTIONS = {
    "yn": QuestionInfo("yes_no", YES_NO, position=1),
    "n": QuestionInfo("integer", position=2),
    "dt": QuestionInfo("date", position=3),
    "t": QuestionInfo("short_text", position=4),
    "c": QuestionInfo("single_choice", ("a", "b", "1"), position=5),
    "m": QuestionInfo("multiple_choice", ("a", "b", "c"), position=6),
    "file": QuestionInfo("file", position=7),
    "ln": QuestionInfo("integer", position=8, loop="species"),
    "other": QuestionInfo("integer", position=9, loop="sites"),
    "last": QuestionInfo("yes_no", YES_NO, position=50),
}
HERE = QuestionInfo("short_text", position=10, loop="species")
PATH = "sections[3].items[2].show_if"


def problems(text, current=HERE, **options):
    expr, found = check_text(text, QUESTIONS, path=PATH, current=current, **options)
    return [problem.message for problem in found]


@pytest.mark.parametrize(
    "text",
    [
        "${yn} = 'yes' and ${c} = 'a'",
        "${yn} = 'yes' or ${yn} = ''",
        "${n} > 3 and ${n} <= 10.5",
        "${dt} >= '2024-01-31'",
        "${t} != ''",
        "${t} = 'free text'",
        "selected(${m}, 'b') or count-selected(${m}) >= 2",
        "${m} = 'a b'",
        "${c} = 1",
        "${ln} > 0",
        "not(${file} = '')",
        "string-length(${t}) > 3",
        "${c} = ${t}",
    ],
)
def test_good_conditions_pass(text):
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${nope} = 'yes'", "Unknown question nope."),
        ("${last} = 'yes'", "last comes at or after this point of the form"),
        ("${other} > 1", "other is repeated in another loop"),
        ("${yn} = 'maybe'", "“maybe” is not an option of ${yn}."),
        ("selected(${m}, 'z')", "“z” is not an option of ${m}."),
        ("${m} = 'a z'", "“z” is not an option of ${m}."),
        ("${c} = 7", "“7” is not an option of ${c}."),
        ("${dt} > 'soon'", "${dt} (a date) cannot be compared with 'soon' (text)."),
        ("${dt} = 3", "${dt} (a date) cannot be compared with 3 (a number)."),
        ("${n} = 'three'", "${n} (a number) cannot be compared with 'three' (text)."),
        ("${n} = ${dt}", "${n} (a number) cannot be compared with ${dt} (a date)."),
        ("${t} = 3", "${t} (text) cannot be compared with 3 (a number)."),
        ("${n} = ${c}", "${n} (a number) cannot be compared with ${c} (a choice)."),
        ("${t} < 'b'", "< can only compare numbers and dates; ${t} is neither."),
        ("${m} > 'a'", "> can only compare numbers and dates; ${m} is neither."),
        ("${n} < ''", "'' (not answered) can only be used with = or !=, not <."),
        ("selected(${n}, '1')", "selected() reads a choice question; ${n} is not one."),
        ("count-selected(${t}) > 1", "count-selected() reads a choice question; ${t} is not one."),
        ("${yn}", "${yn} is not a condition"),
        ("${yn} = 'yes' and ${n}", "${n} is not a condition"),
        ("(${n} > 1) = 'x'", "(a condition) cannot be compared"),
        ("${yn} = ", "Column 9: The condition ends too early."),
    ],
)
def test_each_problem_is_reported_with_its_path(text, message):
    expr, found = check_text(text, QUESTIONS, path=PATH, current=HERE)
    assert any(message in problem.message for problem in found), [p.message for p in found]
    assert all(str(problem).startswith(PATH + ": ") for problem in found)


def test_a_malformed_condition_has_no_tree_and_its_column():
    expr, found = check_text("${yn} = 'yes' and", QUESTIONS, path=PATH, current=HERE)
    assert expr is None
    assert found[0].column == 18


def test_a_constraint_reads_its_own_answer_and_later_questions():
    assert problems(". != 'x' and ${last} = 'yes'", allow_later=True) == []
    assert "“.” stands for the answer being checked" in problems(". = 'x'", current=None)[0]


def test_a_section_condition_reads_only_questions_outside_loops():
    assert problems("${yn} = 'yes'", current=None) == []
    assert "ln is repeated in a loop" in problems("${ln} > 1", current=None)[0]


def test_annotate_gives_each_reference_its_type():
    expr = annotate(
        parse("${n} > 1 and ${dt} != '' and ${c} = 'a' and ${m} = 'a' and ${file} = ''"), QUESTIONS
    )
    types = [arg["a"].get("t") for arg in expr["args"]]
    assert types == ["number", "date", "text", "multi", None]


def test_cycles_are_found_once_each():
    conditions = {
        "a": parse("${b} = 'yes'"),
        "b": [parse("${c} > 1"), parse("${a} != ''")],
        "c": parse("${a} = 'x' or ${d} = ''"),
        "d": None,
        "e": parse("${e} = 'yes'"),
        "f": parse("${a} = 'yes'"),
    }
    found = cycles(conditions)
    assert sorted(found) == [["a", "b", "a"], ["a", "b", "c", "a"], ["e", "e"]]
    assert cycles({"a": parse("${b} = 1"), "b": parse("${c} = 1")}) == []


# --- relevance ---------------------------------------------------------------------------------


def chain():
    """Section 1 holds a root question and a chain of three; section 2 depends on the root."""
    return [
        Node("section:1"),
        Node("root", within="section:1"),
        Node("b", parse("${root} = 'yes'"), within="section:1"),
        Node("c", parse("${b} != ''"), within="section:1"),
        Node("d", parse("${c} > 2"), within="section:1"),
        Node("e", parse("${d} = '' or ${root} = 'yes'"), within="section:1"),
        Node("section:2", parse("${root} = 'yes'")),
        Node("f", within="section:2"),
        Node("section:2.1", within="section:2"),
        Node("g", within="section:2.1"),
    ]


def test_a_chain_of_conditions_is_shown_while_each_link_holds():
    values = {("root", ""): "yes", ("b", ""): "x", ("c", ""): 3, ("d", ""): "kept"}
    shown = relevance(chain(), values)
    assert all(shown.values())


def test_a_hidden_root_hides_every_descendant_however_deep():
    values = {("root", ""): "no", ("b", ""): "x", ("c", ""): 3, ("d", ""): "kept", ("f", ""): 1}
    shown = relevance(chain(), values)
    assert shown[("root", "")]
    hidden = [node for (node, _key), on in shown.items() if not on]
    assert hidden == ["b", "c", "d", "section:2", "f", "section:2.1", "g"]
    # e asks for d not answered: d is not shown, so it counts as not answered and e is shown
    assert shown[("e", "")]
    # the answers stay in the draft; only what is relevant is kept for a version
    assert kept(values, shown) == {("root", ""): "no"}
    # switching back restores them
    assert all(relevance(chain(), {**values, ("root", ""): "yes"}).values())


def test_a_condition_on_a_hidden_question_does_not_hold_even_when_it_would():
    values = {("root", ""): "no", ("b", ""): "x", ("c", ""): 3}
    shown = relevance(chain(), values)
    assert evaluate(parse("${c} > 2"), values)  # true on the raw answers...
    assert not shown[("d", "")]  # ...but c is not relevant, so d is hidden


def test_relevance_in_a_loop_is_per_loop_item():
    nodes = [
        Node("gate"),
        Node("section:loop", parse("${gate} = 'yes'"), loop_keys=("birds", "bats")),
        Node("present", within="section:loop"),
        Node("count", parse("${present} = 'yes'"), within="section:loop"),
        Node("trend", parse("${count} > 10 and ${gate} = 'yes'"), within="section:loop"),
    ]
    values = {
        ("gate", ""): "yes",
        ("present", "birds"): "yes",
        ("count", "birds"): 12,
        ("present", "bats"): "no",
        ("count", "bats"): 40,
    }
    shown = relevance(nodes, values)
    assert shown[("count", "birds")] and shown[("trend", "birds")]
    assert not shown[("count", "bats")] and not shown[("trend", "bats")]
    assert shown[("section:loop", "")]
    assert ("section:loop", "birds") not in shown
    closed = relevance(nodes, {**values, ("gate", ""): "no"})
    assert not any(on for (node, key), on in closed.items() if key)


def test_a_circle_of_conditions_is_not_shown():
    nodes = [Node("a", parse("${b} = ''")), Node("b", parse("${a} = ''"))]
    assert relevance(nodes, {}) == {("a", ""): False, ("b", ""): False}


# --- words -------------------------------------------------------------------------------------

LABELS = {
    "yn": Label("2.1", {"yes": "Yes", "no": "No"}),
    "t": "2.3",
    "m": Label("4", {"a": "Birds", "b": "Bats"}),
    "n": "5",
    "dt": "6",
}


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "${yn} = 'yes' and ${t} = ''", "2.1 is Yes and 2.3 is not answered"),
        ("fr", "${yn} = 'yes' and ${t} = ''", "2.1 est Yes et 2.3 n'a pas de réponse"),
        ("es", "${yn} = 'yes' and ${t} = ''", "2.1 es Yes y 2.3 no tiene respuesta"),
        ("en", "selected(${m}, 'a') or ${n} >= 3", "4 includes Birds or 5 is at least 3"),
        ("fr", "selected(${m}, 'a') or ${n} >= 3", "4 comprend Birds ou 5 est au moins 3"),
        ("es", "selected(${m}, 'a') or ${n} >= 3", "4 incluye Birds o 5 es como mínimo 3"),
        ("en", "${n} > 2.5", "5 is more than 2.5"),
        ("fr", "${n} > 2.5", "5 est supérieur à 2,5"),
        ("en", "${dt} < '2024-01-31'", "6 is before 2024-01-31"),
        ("es", "${dt} < '2024-01-31'", "6 es anterior al 2024-01-31"),
        (
            "en",
            "${yn} = 'no' and (${t} != '' or not(${m} = 'a b'))",
            "2.1 is No and (2.3 is answered or not (4 is Birds, Bats))",
        ),
        ("fr", "${t} = 'ok'", "2.3 est « ok »"),
        ("en", "count-selected(${m}) > 1", "the number of options chosen in 4 is more than 1"),
        ("es", "string-length(.) <= 10", "la longitud de esta respuesta es como máximo 10"),
        ("en", "${zz} != 'x'", "zz is not “x”"),
    ],
)
@pytest.mark.usefixtures("catalogue")
def test_words_in_three_languages(language, text, expected):
    assert words(parse(text), LABELS, language) == expected


def test_words_leave_the_active_language_alone():
    words(parse("${yn} = 'yes'"), LABELS, "fr")
    assert translation.get_language() == "en"


@pytest.mark.usefixtures("catalogue")
def test_check_messages_are_translated():
    with translation.override("fr"):
        assert problems("${nope} = 1") == ["Question inconnue : nope."]
    with translation.override("es"):
        assert problems("${nope} = 1") == ["Pregunta desconocida: nope."]


# --- today's conditions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "kind", "text"),
    [
        ({"question": "yn", "equals": "yes"}, "yes_no", "${yn} = 'yes'"),
        ({"question": "n", "equals": 3}, "integer", "${n} = 3"),
        ({"question": "m", "equals": "a"}, "multiple_choice", "selected(${m}, 'a')"),
        ({"question": "c", "equals": "a"}, None, "selected(${c}, 'a')"),
        ({"question": "c", "in": ["a", "b"]}, "single_choice", "${c} = 'a' or ${c} = 'b'"),
        (
            {"question": "m", "in": ["a", "b"]},
            "multiple_choice",
            "selected(${m}, 'a') or selected(${m}, 'b')",
        ),
        ({"question": "c", "in": ["a"]}, "single_choice", "${c} = 'a'"),
        ({"question": "t"}, "short_text", "${t} != ''"),
    ],
)
def test_from_legacy(legacy, kind, text):
    assert unparse(from_legacy(legacy, kind)) == text


def test_from_legacy_means_what_matches_meant():
    from cmsfamily.reporting.answers import matches

    conditions = [
        {"question": "q", "equals": "a"},
        {"question": "q", "equals": 3},
        {"question": "q", "in": ["a", "b"]},
        {"question": "q"},
    ]
    values = [None, "a", "b", "c", 3, ["a"], ["b", "c"], ["c", "a"]]
    for condition in conditions:
        expr = from_legacy(condition)
        for value in values:
            expected = matches(condition, value)
            assert evaluate(expr, {("q", ""): value}) is expected, (condition, value)
    assert from_legacy(None) is None


def test_from_legacy_refuses_an_empty_list():
    with pytest.raises(ConditionError):
        from_legacy({"question": "q", "in": []})


def test_option_values_that_break_the_format_are_reported():
    path = "sections[1].items[4].options"
    found = check_options(["a", "a", "", "two words", 'it\'s "x"'], "multiple_choice", path=path)
    assert [problem.message for problem in found] == [
        "The option value “a” is used twice.",
        "An option has no value.",
        "The option value “two words” of a multiple choice may not contain spaces.",
        'The option value “it\'s "x"” has both kinds of quotes.',
        'The option value “it\'s "x"” of a multiple choice may not contain spaces.',
    ]
    assert all(problem.path == path for problem in found)
    assert check_options(["two words", "b"], "single_choice", path=path) == []


@pytest.mark.parametrize("text", ["'2024-01-01' < '2024-02-01'", "'a' < 'b'"])
def test_ordering_two_texts_is_reported(text):
    assert "can only compare numbers and dates" in problems(text)[0]


def test_sections_within_each_other_do_not_loop_forever():
    nodes = [
        Node("s1", within="s2"),
        Node("s2", within="s1", loop_keys=("k",)),
        Node("q", within="s1"),
    ]
    shown = relevance(nodes, {})
    assert shown and not any(shown.values())  # a circle of sections: nothing of it is shown


def test_a_hidden_question_counts_as_not_answered_and_its_value_is_unknown():
    from cmsfamily.reporting.conditions import holds

    values = {("root", ""): "no", ("b", ""): "kept"}
    shown = relevance(chain(), values)
    assert not shown[("b", "")]

    def relevant(code, key):
        return shown.get((code, key), True)

    assert evaluate(parse("${b} = 'kept'"), values)  # on the raw answers it holds...
    assert not holds(parse("${b} = 'kept'"), values, "", relevant)  # ...b hidden: unknown
    assert not holds(parse("not(${b} = 'kept')"), values, "", relevant)  # still unknown
    assert holds(parse("${b} = ''"), values, "", relevant)  # not answered
    assert not holds(parse("${b} != ''"), values, "", relevant)
    assert holds(parse("${b} = 'kept' or ${root} = 'no'"), values, "", relevant)
    assert not holds(parse("${b} = 'kept' and ${root} = 'no'"), values, "", relevant)
    assert holds(parse("not(${b} = 'kept' and ${root} = 'yes')"), values, "", relevant)


def test_a_circle_is_hidden_but_a_not_answered_gate_over_it_opens():
    nodes = [
        Node("a", parse("${b} = ''")),
        Node("b", parse("${a} = ''")),
        Node("gate", parse("${a} = ''")),
        Node("value", parse("${a} = 'x'")),
    ]
    for order in (nodes, nodes[::-1], [nodes[2], nodes[0], nodes[3], nodes[1]]):
        shown = relevance(order, {("a", ""): "x"})
        assert shown == {
            ("a", ""): False,
            ("b", ""): False,
            ("gate", ""): True,
            ("value", ""): False,
        }
