"""The browser's condition evaluator (static/reporting/conditions.js) against the server's: the
shared test vectors, random expressions over random answers, and the relevance of random forms,
on one blank page."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsfamily.reporting.conditions import evaluate, parse, relevance
from cmsfamily.reporting.tests.condition_cases import (
    SCRIPT,
    cases,
    forms,
    load_relevance_vectors,
    load_vectors,
    lookup_of,
    nodes_of,
)

pytestmark = pytest.mark.e2e

RUN = """(cases) => cases.map((c) =>
  CMSConditions.evaluate(c.tree, CMSConditions.table(c.answers), c.key, c.current, c.hidden))"""
RELEVANCE = """(forms) => forms.map((form) =>
  CMSConditions.relevance(form.nodes, CMSConditions.table(form.answers)))"""


@pytest.fixture
def evaluator(page):
    """A blank page with conditions.js loaded (nothing else: no server, no parsing)."""
    page.goto("about:blank")
    page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    return page


def test_the_browser_passes_every_vector(evaluator):
    vectors = load_vectors()
    results = evaluator.evaluate(RUN, vectors)
    wrong = [
        (vector["expr"], vector["answers"], vector["hidden"], vector["key"], vector["result"])
        for vector, result in zip(vectors, results, strict=True)
        if result is not vector["result"]
    ]
    assert wrong == []


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(cases, min_size=20, max_size=20))
def test_random_expressions_give_the_same_result_in_the_browser(evaluator, batch):
    # 10 batches of 20 random cases: 200 expressions, one evaluate call per batch
    expected = [
        evaluate(
            case["tree"],
            lookup_of(case["answers"]),
            case["key"],
            case["current"],
            hidden=case["hidden"],
        )
        for case in batch
    ]
    assert evaluator.evaluate(RUN, batch) == expected


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(forms(), min_size=10, max_size=10))
def test_random_forms_have_the_same_relevance_in_the_browser(evaluator, batch):
    # chains, sections within sections, loops and circles of conditions: 100 forms per run
    expected = [
        [
            [node, key, shown]
            for (node, key), shown in relevance(nodes_of(form), lookup_of(form["answers"])).items()
        ]
        for form in batch
    ]
    found = evaluator.evaluate(RELEVANCE, batch)
    assert found == expected


def test_the_browser_passes_every_relevance_vector(evaluator):
    # chains through "not answered" gates, circles, loops, sections: as the server (test_conditions)
    forms = load_relevance_vectors()
    found = evaluator.evaluate(RELEVANCE, forms)
    assert [[shown for _id, _key, shown in rows] for rows in found] == [
        form["shown"] for form in forms
    ]


def test_a_hidden_root_hides_its_chain_in_the_browser(evaluator):
    nodes = [
        {"id": "root", "condition": None, "within": None, "loop_keys": None},
        {"id": "b", "condition": parse("${root} = 'yes'"), "within": None, "loop_keys": None},
        {"id": "c", "condition": parse("${b} != ''"), "within": None, "loop_keys": None},
        {"id": "d", "condition": parse("${c} != ''"), "within": None, "loop_keys": None},
    ]
    run = "([nodes, answers]) => CMSConditions.relevance(nodes, CMSConditions.table(answers))"
    answers = [["root", "", "no"], ["b", "", "x"], ["c", "", "y"]]
    assert [shown for _id, _key, shown in evaluator.evaluate(run, [nodes, answers])] == [
        True,
        False,
        False,
        False,
    ]
    answers[0][2] = "yes"  # switching back shows the whole chain again
    assert [shown for _id, _key, shown in evaluator.evaluate(run, [nodes, answers])] == [
        True,
        True,
        True,
        True,
    ]
