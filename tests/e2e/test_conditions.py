"""The browser's condition evaluator (static/reporting/conditions.js) against the server's: the
shared test vectors, and random expressions over random answers, on one blank page."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsfamily.reporting.conditions import evaluate
from cmsfamily.reporting.tests.condition_cases import SCRIPT, cases, load_vectors, lookup_of

pytestmark = pytest.mark.e2e

RUN = """(cases) => cases.map((c) =>
  CMSConditions.evaluate(c.tree, CMSConditions.table(c.answers), c.key, c.current))"""


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
        (vector["expr"], vector["answers"], vector["key"], vector["result"])
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
        evaluate(case["tree"], lookup_of(case["answers"]), case["key"], case["current"])
        for case in batch
    ]
    assert evaluator.evaluate(RUN, batch) == expected
