"""No lost updates: people saving the same answers at the same moment, on real connections.

Lives beside the browser tests because it needs committed transactions (each thread has its own
database connection). On SQLite writers are serialised by the database lock, so the races this
test provokes only exist on PostgreSQL, where it runs in CI.

An acknowledged write (200 from the API, ``ok`` from the service) must be in the final value:
every test counts the acknowledged writes and checks that none was lost. Run with ``-s`` to see
the counts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from cmsfamily.accounts.models import User
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import SubmissionStatus
from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the concurrent-writer race needs PostgreSQL"
)

# At most this many connections at once (PostgreSQL allows 100 by default, shared with others).
THREADS = 16
COMPLETE = [
    services.Edit("t.departments", "", "Ministry of Environment", 0),
    services.Edit("t.obstacles", "birds", "no", 0),
    services.Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


def _run(clients: int, work, threads: int = THREADS) -> list:
    """``work(index)`` for each client, on up to ``threads`` threads released together, each with
    its own connection; the results in client order. Whatever a client raises fails the test."""
    results: list = [None] * clients
    failures: list[BaseException] = []
    pending = iter(range(clients))
    lock = threading.Lock()
    barrier = threading.Barrier(min(threads, clients))

    def worker():
        try:
            barrier.wait(timeout=30)
            while True:
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                try:
                    results[index] = work(index)
                except BaseException as error:  # noqa: BLE001 - reported by the test thread
                    failures.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _index in range(min(threads, clients))]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in workers), "a writer hung"
    if failures:
        raise failures[0]
    return results


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """The hundreds of 400s, 403s and 409s the races provoke are expected: only errors are logged
    (the counts are printed instead)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def report(registry):
    _template, version = build_template()
    return Submission.objects.get(cycle=open_cycle(version), party__code="KE")


@pytest.fixture
def nfp(registry):
    return User.objects.get(email="nfp@kenya.example")


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _read(client, submission, code, key=""):
    """The value and revision of one answer as the API gives them (None, 0 when unanswered)."""
    response = client.get(f"/api/submissions/{submission.pk}/answers/")
    assert response.status_code == 200, response.content
    for row in response.json():
        if (row["question"], row["loop_key"]) == (code, key):
            return row["value"], row["revision"]
    return None, 0


def _answer(submission, code, key=""):
    return Answer.objects.filter(submission=submission, question__code=code, loop_key=key).first()


def test_fifty_read_modify_write_increments_lose_nothing(report, nfp):
    """Fifty clients each read the count through the API and write it plus one with the revision
    they read: those answered 200 are all in the final count, the others were answered 409. Then
    fifty more, each trying again after a 409 with what it now reads: all fifty count, once."""
    services.save_answers(submission=report, edits=[services.Edit("t.staff", "", 10, 0)], by=nfp)
    attempts: Counter = Counter()

    def increment(_index, retry=False):
        client = _api(nfp)
        for _attempt in range(500):
            value, revision = _read(client, report, "t.staff")
            response = client.post(
                f"/api/submissions/{report.pk}/answers/",
                [{"question": "t.staff", "value": value + 1, "base_revision": revision}],
                format="json",
            )
            attempts[(retry, response.status_code)] += 1
            assert response.status_code in (200, 409), response.content
            if response.status_code == 200 or not retry:
                return response.status_code
        return None

    once = Counter(_run(50, increment))
    answer = _answer(report, "t.staff")
    print(
        f"\nincrements, once each: {dict(once)}; final value {answer.value}, "
        f"lost {10 + once[200] - answer.value}"
    )
    assert once[200] >= 1 and once[200] + once[409] == 50
    assert answer.value == 10 + once[200] and answer.revision == 1 + once[200]

    retried = _run(50, lambda index: increment(index, retry=True))
    answer = _answer(report, "t.staff")
    print(
        f"increments retried after a conflict: {attempts[(True, 200)]} saved, "
        f"{attempts[(True, 409)]} conflicts; final value {answer.value}"
    )
    assert retried == [200] * 50
    assert answer.value == 10 + once[200] + 50
    assert answer.history.count() == 1 + once[200] + 50


def test_of_writers_from_the_same_base_exactly_one_wins(report, nfp):
    """Twelve writers who all read the same revision, of an answer not yet made and of one made:
    one is saved, eleven are shown a conflict with the winner's value, whether they wrote other
    values or the same one (and none meets an IntegrityError)."""
    cases = [
        ("t.departments", 0, [f"Ministry {index}" for index in range(12)]),
        ("t.staff", 0, [5] * 12),
        ("t.departments", 1, ["Ministry"] * 12),
        ("t.staff", 1, list(range(100, 112))),  # not 5: saving the current value changes nothing
    ]
    for code, base_revision, values in cases:

        def write(index, code=code, base_revision=base_revision, values=values):
            return services.save_answers(
                submission=Submission.objects.get(pk=report.pk),
                edits=[services.Edit(code, "", values[index], base_revision)],
                by=nfp,
            )

        results = _run(12, write)
        saved = [r for r in results if r.ok]
        refused = [r for r in results if r.conflicts]
        answer = _answer(report, code)
        print(
            f"\n{code} from revision {base_revision}, {len(set(values))} value(s): "
            f"{len(saved)} saved, {len(refused)} conflicts"
        )
        assert len(saved) == 1 and len(refused) == 11, results
        for result in refused:
            [conflict] = result.conflicts
            assert conflict.theirs == answer.value  # each loser is shown the winner's value
            assert conflict.their_revision == base_revision + 1
        assert saved[0].values[(code, "")] == answer.value
        assert answer.revision == answer.history.count() == base_revision + 1


def test_appenders_each_find_their_row_in_the_table(report, nfp):
    """Twenty writers each add a row to the same table, trying again after a conflict: every row
    acknowledged is in the final table, once."""
    attempts = Counter()

    def append(index):
        for _attempt in range(200):
            answer = _answer(report, "t.projects")
            rows = list(answer.value) if answer else []
            result = services.save_answers(
                submission=Submission.objects.get(pk=report.pk),
                edits=[
                    services.Edit(
                        "t.projects",
                        "",
                        [*rows, {"name": f"Project {index}", "budget": "", "start": ""}],
                        answer.revision if answer else 0,
                    )
                ],
                by=nfp,
            )
            attempts["saved" if result.ok else "conflict"] += 1
            if result.ok:
                return f"Project {index}"
            assert result.conflicts, result.errors
        return None

    acknowledged = _run(20, append)
    names = [row["name"] for row in _answer(report, "t.projects").value]
    print(f"\nappenders: {dict(attempts)}, {len(names)} rows")
    assert None not in acknowledged
    assert sorted(names) == sorted(acknowledged)  # each once: none lost, none doubled


def test_saves_racing_a_submit_and_a_recall_are_in_the_version_or_refused(report, nfp):
    """A submit, two saves and a recall at the same moment, forty times over, through the API,
    the submit and the recall a little later each round so that each side wins some rounds: no
    500; while the report stays submitted, its answers are exactly those of the version it froze
    (no save was acknowledged after the submit's snapshot and left out of it)."""
    services.save_answers(submission=report, edits=COMPLETE, by=nfp)
    outcomes: Counter = Counter()
    url = f"/api/submissions/{report.pk}"
    checked = 0

    for round_ in range(40):
        report.refresh_from_db()
        if report.status != SubmissionStatus.DRAFT:
            services.recall(submission=report, by=nfp)

        def act(index, round_=round_):
            client = _api(nfp)
            if index == 0:
                time.sleep(round_ % 8 * 0.01)
                response = client.post(f"{url}/submit/")
                outcomes[f"submit {response.status_code}"] += 1
                return response.status_code
            if index == 3:
                time.sleep(round_ % 5 * 0.03)
                response = client.post(f"{url}/recall/")
                outcomes[f"recall {response.status_code}"] += 1
                return response.status_code
            _value, revision = _read(client, report, "t.narrative")
            response = client.post(
                f"{url}/answers/",
                [
                    {
                        "question": "t.narrative",
                        "value": f"Round {round_}, writer {index}",
                        "base_revision": revision,
                    }
                ],
                format="json",
            )
            outcomes[f"save {response.status_code}"] += 1
            return response.status_code

        statuses = _run(4, act)
        assert set(statuses) <= {200, 400, 403, 409}, statuses
        report.refresh_from_db()
        if report.status == SubmissionStatus.SUBMITTED:
            checked += 1
            version = report.versions.order_by("-number").first()
            values = selectors.answer_values(report)
            assert version.snapshot["answers"].get("t.narrative", {}).get("") == values.get(
                ("t.narrative", "")
            ), f"round {round_}: a save acknowledged after the snapshot is missing from it"
    print(f"\nsubmit/recall/save: {dict(sorted(outcomes.items()))}; {checked} rounds submitted")
    assert outcomes["save 200"] and outcomes["submit 200"] and checked
