# ruff: noqa: F811 (the fixtures of the page's tests are imported, then asked for by name)
"""What the figures read of each counted version: the targets' index, the gap matrix and the
search name the questions they show, and the database hands over those answers (and those their
relevance reads) only, never each version's whole snapshot; their cost stays bounded as the
reports grow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.analytics.tests.test_analysis import (  # noqa: F401 (fixtures)
    GERMANY,
    KENYA,
    OTHERS,
    cycle,
    reports,
)
from cmsfamily.analytics.tests.test_analysis_api import of, publish
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.models import Question
from cmsfamily.strategy.models import Target

# The snapshot column selected whole, as a column of the SELECT list (the database reading parts
# of it names it inside a function: `jsonb_each("...snapshot")`, `json_each("...snapshot", ...)`).
WHOLE_SNAPSHOT = re.compile(r'(SELECT|,)\s*"reporting_submissionversion"\."snapshot"\s*(,|FROM)')


def test_a_named_read_holds_the_answers_the_whole_read_holds(reports, secretariat):
    whole = reporting.counted_reports([reports], secretariat)
    named = reporting.counted_reports([reports], secretariat, codes={"t.actions", "t.staff"})
    assert [r.reporter for r in named.counted] == [r.reporter for r in whole.counted]
    for full, part in zip(whole.counted, named.counted, strict=True):
        for code in ("t.actions", "t.staff"):
            assert part.answers.get(code) == full.answers.get(code)
        assert part.loop_labels == full.loop_labels
        assert "t.priority" not in part.answers and "t.priority" in full.answers
    germany = next(r for r in named.counted if str(r.reporter) == "Germany")
    assert germany.answers["t.actions"] == {
        "birds": "<p>Nets marked.</p>",
        "aquatic-mammals": "<p>Dams opened.</p>",
    }


def _reads(client, url, query=None) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query or {}).status_code == 200
    return [each["sql"] for each in context.captured_queries]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/analysis/targets/", None),
        ("/analysis/targets/10/", None),
        ("/api/analysis/targets/", None),
        ("/analysis/gaps/", {"cycle": "test-cycle", "target": "10"}),
        ("/search/", {"q": "insulated"}),
    ],
)
def test_no_whole_snapshot_is_read_and_the_cost_is_bounded_at_two_sizes(
    client, secretariat, cycle, url, query
):
    """Two sizes: 2 counted reports, then 7; the same statements, none reading a whole
    snapshot."""
    for code in ("t.departments", "t.staff", "t.priority"):
        Question.objects.get(code=code).targets.add(
            Target.objects.get(plan__code="spms-2015-2023", number=10)
        )
    client.force_login(secretariat)
    publish(of(cycle, "KE"), secretariat, KENYA)
    publish(of(cycle, "DE"), secretariat, GERMANY)
    client.get(url, query or {})  # warm the form's cache
    small = _reads(client, url, query)
    for code in OTHERS[:5]:
        publish(of(cycle, code), secretariat, KENYA)
    large = _reads(client, url, query)
    assert len(large) == len(small) <= 25, (len(small), len(large))
    assert not [sql for sql in large if WHOLE_SNAPSHOT.search(sql)]
