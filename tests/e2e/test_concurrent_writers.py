"""No lost updates: two people saving the same answer at the same moment, on real connections.

Lives beside the browser tests because it needs committed transactions (each thread has its own
database connection). On SQLite writers are serialised by the database lock, so the race this
test provokes only exists on PostgreSQL, where it runs in CI.
"""

import threading

import pytest
from django.db import connection, connections

from cmsfamily.accounts.models import User
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the concurrent-writer race needs PostgreSQL"
)


def _race(submission, user, values, base_revision):
    """Each value saved by its own thread, all released at once; the results in order."""
    barrier = threading.Barrier(len(values))
    results: list = [None] * len(values)

    def write(index, value):
        try:
            barrier.wait(timeout=10)
            results[index] = services.save_answers(
                submission=Submission.objects.get(pk=submission.pk),
                edits=[services.Edit("t.departments", "", value, base_revision)],
                by=user,
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i, v)) for i, v in enumerate(values)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("base_revision", [0, 1], ids=["new answer", "existing answer"])
def test_of_two_simultaneous_saves_one_wins_and_the_other_sees_a_conflict(registry, base_revision):
    _template, version = build_template()
    submission = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    user = User.objects.get(email="nfp@kenya.example")
    if base_revision:
        services.save_answers(
            submission=submission, edits=[services.Edit("t.departments", "", "Start", 0)], by=user
        )
    results = _race(submission, user, ["Ministry A", "Ministry B"], base_revision)
    saved = [r for r in results if r.ok]
    refused = [r for r in results if r.conflicts]
    assert len(saved) == 1 and len(refused) == 1, results
    answer = Answer.objects.get(submission=submission, question__code="t.departments")
    [conflict] = refused[0].conflicts
    assert conflict.theirs == answer.value  # the loser is shown the winner's value
    assert conflict.yours != answer.value
    assert answer.revision == base_revision + 1
    assert answer.history.count() == base_revision + 1
