"""Two cycles compared in the analyzer: each option's change in count and share, and the
reporters counted in both whose answer changed, linked to both versions at the question."""

import datetime as dt

import pytest

from cmsfamily.analytics.tests.test_analysis import GERMANY
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Cycle, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

URL = "/analysis/"


def publish(cycle, code, by, answers):
    """A report with the answers given, and those the form requires (from Germany's)."""
    submission = Submission.objects.get(cycle=cycle, party__code=code)
    given = {(c, k): v for c, k, v in answers}
    complete = {(c, k): v for c, k, v in GERMANY if c not in ("t.threats", "t.staff")}
    edits = [Edit(c, k, v, 0) for (c, k), v in {**complete, **given}.items()]
    assert services.save_answers(submission=submission, edits=edits, by=None).ok
    services.submit(submission=submission, by=None)
    services.accept(submission=submission, by=by)
    services.publish(submission=submission, by=by)
    return submission


@pytest.fixture
def two_cycles(db, secretariat):
    version = build_template()[1]
    later = open_cycle(version, slug="later-cycle", parties=("KE", "DE", "FR"))
    Cycle.objects.filter(pk=later.pk).update(
        title_en="Later cycle", period_start=dt.date(2024, 1, 1), period_end=dt.date(2026, 12, 31)
    )
    earlier = open_cycle(version, slug="earlier-cycle", parties=("KE", "DE"))
    publish(earlier, "KE", secretariat, [("t.threats", "", ["bycatch"]), ("t.staff", "", 3)])
    publish(earlier, "DE", secretariat, [("t.threats", "", ["habitat"]), ("t.staff", "", 5)])
    publish(
        later, "KE", secretariat, [("t.threats", "", ["bycatch", "habitat"]), ("t.staff", "", 3)]
    )
    publish(later, "DE", secretariat, [("t.threats", "", ["habitat"]), ("t.staff", "", 9)])
    publish(later, "FR", secretariat, [("t.threats", "", ["bycatch"])])
    return Cycle.objects.get(pk=earlier.pk), Cycle.objects.get(pk=later.pk)


def _table(response, code):
    return next(t for t in response.context["analysis"].tables if t.shared.code == code)


def test_each_option_changes_from_the_earlier_cycle_to_the_later(client, two_cycles):
    earlier, later = two_cycles
    # Chosen in either order, the earlier cycle (by its period) comes first.
    query = {"cycle": [later.slug, earlier.slug], "question": ["t.threats", "t.staff"]}
    response = client.get(URL, query)
    comparison = _table(response, "t.threats").comparison
    assert (comparison.before.slug, comparison.after.slug) == ("earlier-cycle", "later-cycle")
    rows = {o.label: (o.before, o.after, o.change, o.points) for o in comparison.options}
    assert rows["By-catch"] == (1, 2, 1, 17)  # 50 % of 2, then 67 % of 3
    assert rows["Habitat destruction"] == (1, 2, 1, 17)
    assert comparison.in_both == 2
    assert [(c.reporter, c.before, c.after) for c in comparison.changed] == [
        ("Kenya", "By-catch", "By-catch; Habitat destruction")
    ]
    kenya = Submission.objects.get(cycle=later, party__code="KE")
    assert (
        comparison.changed[0].after_url
        == f"/reports/submissions/{kenya.pk}/versions/1/#q-t-threats"
    )
    staff = _table(response, "t.staff").comparison
    assert staff.options == [] and [c.reporter for c in staff.changed] == ["Germany"]
    html = response.content.decode()
    assert "From Earlier" not in html and "Later cycle" in html
    assert "1 changed its answer." in html and "Change in share (points)" in html


def test_one_or_three_cycles_are_not_compared(client, two_cycles):
    earlier, _later = two_cycles
    response = client.get(URL, {"cycle": earlier.slug, "question": "t.threats"})
    assert _table(response, "t.threats").comparison is None
