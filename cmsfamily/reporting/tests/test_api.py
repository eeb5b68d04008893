"""The reporting API: scoped reads, answers through the same checks as the form, the workflow."""

import pytest

from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle

COMPLETE = [
    {"question": "t.departments", "loop_key": "", "value": "Ministry", "base_revision": 0},
    {"question": "t.obstacles", "loop_key": "birds", "value": "no", "base_revision": 0},
    {"question": "t.obstacles", "loop_key": "aquatic-mammals", "value": "no", "base_revision": 0},
]


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1])


@pytest.fixture
def kenya(cycle):
    return Submission.objects.get(cycle=cycle, party__code="KE")


def answers_url(submission):
    return f"/api/submissions/{submission.pk}/answers/"


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=404,
        eurobats_officer=404,
    ),
)
def test_draft_answers_are_the_reporters(client_as, request, persona, status, kenya, nfp_kenya):
    services.save_answers(
        submission=kenya, edits=[services.Edit("t.departments", "", "x", 0)], by=nfp_kenya
    )
    client = client_for(client_as, request, persona)
    assert client.get(answers_url(kenya)).status_code == status
    assert client.get(f"/api/submissions/{kenya.pk}/").status_code == status


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=403,  # the API denies every anonymous write before looking anything up
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=404,
        eurobats_officer=404,
    ),
)
def test_only_the_reporter_writes_answers(client_as, request, persona, status, kenya):
    response = client_for(client_as, request, persona).post(
        answers_url(kenya), COMPLETE, content_type="application/json"
    )
    assert response.status_code == status
    assert Answer.objects.filter(submission=kenya).exists() == (status == 200)


def test_the_submission_list_is_scoped_and_constant_in_queries(
    client_as, nfp_kenya, nfp_germany, secretariat, cycle
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = [row["id"] for row in client_as(nfp_kenya).get("/api/submissions/").json()["results"]]
    assert ids == [Submission.objects.get(cycle=cycle, party__code="KE").pk]
    counts = []
    for user, code in ((nfp_kenya, "KE"), (nfp_germany, "DE")):
        submission = Submission.objects.get(cycle=cycle, party__code=code)
        services.save_answers(
            submission=submission,
            edits=[services.Edit(r["question"], r["loop_key"], r["value"], 0) for r in COMPLETE],
            by=user,
        )
        services.submit(submission=submission, by=user)
        client = client_as(secretariat)
        with CaptureQueriesContext(connection) as queries:
            rows = client.get("/api/submissions/").json()["results"]
        counts.append((len(rows), len(queries)))
    assert [rows for rows, _queries in counts] == [1, 2]
    assert counts[0][1] == counts[1][1] <= 12


def test_wrong_answers_are_refused_by_question_and_nothing_is_written(client_as, nfp_kenya, kenya):
    response = client_as(nfp_kenya).post(
        answers_url(kenya),
        [
            {"question": "t.departments", "value": "Ministry", "base_revision": 0},
            {"question": "t.staff", "value": "many", "base_revision": 0},
            {"question": "t.obstacles", "loop_key": "fish", "value": "no", "base_revision": 0},
            {"question": "other.template", "value": "x", "base_revision": 0},
        ],
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = {(e["question"], e["loop_key"]): e["messages"] for e in response.json()["errors"]}
    assert set(errors) == {("t.staff", ""), ("t.obstacles", "fish"), ("other.template", "")}
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"question": "t.staff"},
        "nonsense",
        [{"question": "t.staff", "value": 1, "base_revision": -1}],
    ],
)
def test_malformed_bodies_are_400(client_as, nfp_kenya, kenya, body):
    response = client_as(nfp_kenya).post(answers_url(kenya), body, content_type="application/json")
    assert response.status_code == 400


def test_a_stale_write_is_409_with_both_values(client_as, nfp_kenya, kenya):
    client = client_as(nfp_kenya)
    assert (
        client.post(answers_url(kenya), COMPLETE, content_type="application/json").status_code
        == 200
    )
    response = client.post(
        answers_url(kenya),
        [{"question": "t.departments", "value": "Other", "base_revision": 0}],
        content_type="application/json",
    )
    assert response.status_code == 409
    [conflict] = response.json()["conflicts"]
    assert (conflict["yours"], conflict["theirs"], conflict["their_revision"]) == (
        "Other",
        "Ministry",
        1,
    )


def test_a_stale_write_of_the_current_value_is_409(client_as, nfp_kenya, kenya):
    """Read 3 at revision 1, write 4: a client who read the same and wrote 4 after the first
    made no increment, and is told so."""
    client = client_as(nfp_kenya)
    increment = [{"question": "t.staff", "value": 4, "base_revision": 1}]
    client.post(
        answers_url(kenya),
        [{**increment[0], "value": 3, "base_revision": 0}],
        content_type="application/json",
    )
    assert client.post(answers_url(kenya), increment, content_type="application/json").json() == {
        "saved": [{"question": "t.staff", "loop_key": "", "revision": 2}],
        "not_included": [],
    }
    response = client.post(answers_url(kenya), increment, content_type="application/json")
    assert response.status_code == 409
    [conflict] = response.json()["conflicts"]
    assert (conflict["yours"], conflict["theirs"], conflict["their_revision"]) == (4, 4, 2)


def test_a_write_retried_with_its_idempotency_key_is_answered_as_the_first_time(
    client_as, nfp_kenya, kenya
):
    client = client_as(nfp_kenya)

    def send(key):
        return client.post(
            answers_url(kenya), COMPLETE, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )

    first, again = send("3f2c9a"), send("3f2c9a")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert {row["revision"] for row in again.json()["saved"]} == {1}
    assert send("another").status_code == 409
    response = send("k" * 81)
    assert response.status_code == 400
    assert "at most 80 characters" in str(response.json())


def test_the_workflow_through_the_api(client_as, nfp_kenya, secretariat, kenya):
    reporter = client_as(nfp_kenya)
    reporter.post(answers_url(kenya), COMPLETE, content_type="application/json")
    response = reporter.post(f"/api/submissions/{kenya.pk}/submit/")
    assert response.status_code == 200 and response.json()["versions"] == [1]
    assert reporter.post(f"/api/submissions/{kenya.pk}/submit/").status_code == 403
    assert (
        reporter.post(answers_url(kenya), COMPLETE, content_type="application/json").status_code
        == 403
    )
    reviewer = client_as(secretariat)
    assert reviewer.post(f"/api/submissions/{kenya.pk}/return/", {}).status_code == 400
    assert reviewer.post(f"/api/submissions/{kenya.pk}/accept/").json()["status"] == "accepted"
    assert reviewer.post(f"/api/submissions/{kenya.pk}/publish/").json()["status"] == "published"
    reviewer.logout()
    public = reviewer.get(f"/api/submissions/{kenya.pk}/versions/").json()
    assert public[0]["number"] == 1 and len(public[0]["content_hash"]) == 64


def test_submitting_with_errors_is_400_with_the_list(client_as, nfp_kenya, kenya):
    response = client_as(nfp_kenya).post(f"/api/submissions/{kenya.pk}/submit/")
    assert response.status_code == 400
    assert any("needs an answer" in message for message in response.json()["non_field_errors"])


def test_templates_cycles_and_the_bank_are_public_once_frozen(client, cycle):
    assert client.get("/api/report-templates/").json()["count"] == 1
    structure = client.get("/api/report-templates/test-party-report/structure/").json()
    assert [section["number"] for section in structure] == ["I", "II", "III"]
    assert structure[1]["items"][1]["show_if"] == {"question": "t.obstacles", "equals": "yes"}
    assert (
        client.get("/api/report-templates/test-party-report/structure/?version=x").status_code
        == 400
    )
    assert client.get("/api/reporting-cycles/test-cycle/").json()["deadline"] == "2024-04-30"
    assert client.get("/api/report-questions/t.priority/").json()["options"][0]["value"] == "high"


def test_a_draft_template_is_hidden_from_the_public(client, db):
    build_template(slug="unused")
    assert client.get("/api/report-templates/").json()["count"] == 0


def test_the_answers_errors_carry_a_code_beside_each_message(client_as, nfp_kenya, kenya):
    """The service's own code reaches the client, as on every other endpoint (`codes`)."""
    client = client_as(nfp_kenya)
    too_long = client.post(
        answers_url(kenya),
        [{"question": "t.departments", "value": "Ministry", "base_revision": 0}],
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 81},
    )
    assert too_long.status_code == 400
    [error] = too_long.json()["errors"]
    assert error["codes"] == ["max_length"]
    assert len(error["messages"]) == 1
    wrong = client.post(
        answers_url(kenya),
        [{"question": "t.staff", "value": "many", "base_revision": 0}, {"question": "t.staff"}],
        content_type="application/json",
    )
    assert wrong.status_code == 400
    [error] = wrong.json()["errors"]
    assert error["question"] == "t.staff"
    assert error["codes"] == ["required", "required"]
    assert not Answer.objects.exists()


def test_a_conflict_names_the_question_by_its_label(client_as, nfp_kenya, kenya):
    client = client_as(nfp_kenya)
    write = [{"question": "t.staff", "value": 3, "base_revision": 0}]
    first = client.post(answers_url(kenya), write, content_type="application/json")
    assert first.status_code == 200
    response = client.post(
        answers_url(kenya), [{**write[0], "value": 5}], content_type="application/json"
    )
    assert response.status_code == 409
    [conflict] = response.json()["conflicts"]
    assert conflict["question"] == "t.staff" and conflict["label"]
