# ruff: noqa: F811 (the fixtures of the page's tests are imported, then asked for by name)
"""The report analyzer as JSON (/api/analysis/): the page's figures, the same rule of what counts
for whom, each figure's answers with their versions, bad input as 400 naming the parameter."""

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
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Submission, SubmissionVersion
from cmsfamily.reporting.services import Edit

URL = "/api/analysis/"
ANSWERS = "/api/analysis/answers/"


def of(cycle, code) -> Submission:
    return Submission.objects.get(cycle=cycle, party__code=code)


def publish(submission, by, answers):
    services.save_answers(
        submission=submission, edits=[Edit(c, k, v, 0) for c, k, v in answers], by=None
    )
    services.submit(submission=submission, by=None)
    services.accept(submission=submission, by=by)
    services.publish(submission=submission, by=by)


def table(body, code, key=""):
    return next(t for t in body["tables"] if t["question"] == code and t["key"] == key)


def cells(found) -> dict[str, list]:
    return {row["label"]: [cell["value"] for cell in row["cells"]] for row in found["rows"]}


@pytest.mark.parametrize(
    ("persona", "counted"),
    matrix(
        anonymous=1,
        nfp_kenya=1,
        nfp_germany=1,  # its own accepted report is not published yet
        birdlife_fp=1,
        secretariat=2,  # keeps the CMS cycle: Germany's accepted report counts too
        eurobats_officer=1,
    ),
)
def test_the_api_counts_what_the_page_counts_for_each_persona(
    client_as, request, persona, counted, reports
):
    client = client_for(client_as, request, persona)
    query = {"cycle": reports.slug, "question": ["t.staff", "t.threats"]}
    body = client.get(URL, query).json()
    page = client.get("/analysis/", query).context["analysis"]
    assert body["reports_counted"] == counted == len(page.reports)
    assert body["missing"] == [str(s.reporter) for s in page.reporters.missing]
    staff = cells(table(body, "t.staff"))["All"]
    assert staff[:2] == [counted, "12" if counted == 1 else "32"]
    for shown, sent in zip(page.tables, body["tables"], strict=True):
        assert [str(h) for h in shown.header] == sent["header"]
        assert [[str(c.value) for c in row.cells] for row in shown.rows] == [
            [str(cell["value"]) for cell in row["cells"]] for row in sent["rows"]
        ]


def test_each_figure_leads_to_its_answers_and_their_versions(client, reports):
    body = client.get(URL, {"cycle": reports.slug, "question": "t.threats"}).json()
    habitat = next(
        r for r in table(body, "t.threats")["rows"] if r["label"] == "Habitat destruction"
    )
    link = habitat["cells"][0]["answers"]
    assert link.startswith("http://testserver/api/analysis/answers/?")
    found = client.get(link).json()
    assert [a["version"]["reporter"] for a in found["answers"]] == ["Kenya"]
    version = SubmissionVersion.objects.get(submission=of(reports, "KE"))
    sent = found["answers"][0]["version"]
    assert sent["number"] == version.number and sent["content_hash"] == version.content_hash
    assert found["answers"][0]["answer"] == ["bycatch", "habitat"]


def test_the_public_never_reaches_an_accepted_answer(client, reports):
    found = client.get(ANSWERS, {"cycle": reports.slug, "question": "t.staff"}).json()
    assert [a["version"]["reporter"] for a in found["answers"]] == ["Kenya"]
    assert "Germany" in found["missing"] and "France" in found["missing"]


def test_texts_are_plain_and_figures_exact(client, reports):
    body = client.get(URL, {"cycle": reports.slug, "question": "t.actions"}).json()
    texts = table(body, "t.actions", "birds")
    assert cells(texts) == {"Kenya": ["Power lines insulated."]}


@pytest.mark.parametrize(
    ("path", "query", "named"),
    [
        (URL, {"cycle": "no-such"}, "cycle"),
        (URL, {"cycle": "test-cycle", "question": "no.such"}, "question"),
        (URL, {"cycle": "test-cycle", "region": "atlantis"}, "region"),
        (URL, {"cycle": "test-cycle", "kind": "robot"}, "kind"),
        (URL, {"cycle": "test-cycle", "by": "colour"}, "by"),
        (ANSWERS, {"cycle": "test-cycle", "question": "no.such"}, "question"),
        (ANSWERS, {"cycle": "test-cycle"}, "question"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, reports, path, query, named):
    response = client.get(path, query)
    assert response.status_code == 400
    body = response.json()
    assert named in body and named in body["codes"]


def test_hostile_values_never_answer_500(client, reports):
    client.raise_request_exception = False
    for path in (URL, ANSWERS):
        for name in ("cycle", "section", "words", "question", "region", "kind", "by", "key"):
            for value in ["²", "x\x00", "-1", "9" * 30, "x" * 300, "'; --"]:
                query = {"cycle": reports.slug, "question": "t.staff", name: value}
                assert client.get(path, query).status_code in (200, 400), (path, name, value)


def test_writes_are_refused(client, secretariat, reports):
    client.force_login(secretariat)
    assert client.post(URL, {}).status_code == 405
    assert client.delete(ANSWERS).status_code == 405


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query).status_code == 200
    return len(context.captured_queries)


def test_the_cost_is_the_same_for_2_or_6_counted_reports(client, cycle, secretariat):
    for code in ("KE", "DE"):
        publish(of(cycle, code), secretariat, GERMANY)
    query = {"cycle": cycle.slug, "question": ["t.staff", "t.threats"], "by": "region"}
    figure = {**query, "question": "t.threats"}
    client.get(URL, query)  # warm the template structure's cache
    two = [_queries(client, URL, query), _queries(client, ANSWERS, figure)]
    assert max(two) <= 10, two
    for code in OTHERS[:4]:
        publish(of(cycle, code), secretariat, KENYA)
    assert client.get(URL, query).json()["reports_counted"] == 6
    assert [_queries(client, URL, query), _queries(client, ANSWERS, figure)] == two


def test_the_schema_documents_both_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/analysis/", "/api/analysis/answers/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/analysis/"]["get"]["parameters"]}
    assert {"cycle", "question", "region", "kind", "by"} <= parameters
