# ruff: noqa: F811 (the fixtures of the page's tests are imported, then asked for by name)
"""The gap matrix as JSON (/api/analysis/gaps/): the page's cells, scoped like the page, each cell
citing the version it was read from; bad input as a 400 naming the parameter; the cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.analytics import gaps as gap
from cmsfamily.analytics.tests.test_gaps import REQUIRED, cycle, reports  # noqa: F401 (fixtures)
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.services import Edit

URL = "/api/analysis/gaps/"


def of(cycle, code):
    return Submission.objects.get(cycle=cycle, party__code=code)


def answer(submission, answers):
    seen = {
        (a.question.code, a.loop_key): a.revision
        for a in Answer.objects.filter(submission=submission).select_related("question")
    }
    edits = [Edit(c, k, v, seen.get((c, k), 0)) for c, k, v in [*REQUIRED, *answers]]
    assert services.save_answers(submission=submission, edits=edits, by=None).ok


def _json(client, query="", status=200):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def _cells(body, kind="parties", number=3) -> dict[str, dict]:
    found = body["matrices"][kind]
    row = next(row for row in found["rows"] if row["target"] == number)
    return {cell["reporter"]: cell for cell in row["cells"]}


@pytest.mark.parametrize(
    ("persona", "germany"),
    matrix(
        anonymous=gap.NOT_REPORTED,
        nfp_kenya=gap.NOT_REPORTED,
        nfp_germany=gap.NOT_REPORTED,  # its own accepted report is not published yet
        birdlife_fp=gap.NOT_REPORTED,
        secretariat=gap.NONE,  # keeps the cycle: the accepted version counts
        eurobats_officer=gap.NOT_REPORTED,
    ),
)
def test_each_persona_reads_the_cells_its_page_shows(client_as, request, persona, germany, reports):
    client = client_for(client_as, request, persona)
    query = f"cycle={reports.slug}&target=3"
    cells = _cells(_json(client, query))
    page = client.get(f"/analysis/gaps/?{query}").context["gaps"]
    shown = {column.key: cell.status for column, cell in page.target_cells()}
    assert {key: cell["status"] for key, cell in cells.items()} == shown
    assert cells["party:KE"]["status"] == gap.IMPLEMENTATION
    assert cells["party:DE"]["status"] == germany
    assert cells["party:GB"]["status"] == gap.NOT_REPORTED  # a draft changes no figure
    assert (cells["party:DE"]["version"] is not None) == (germany == gap.NONE)


def test_a_cell_cites_its_version_and_answers(client, reports):
    body = _json(client, f"cycle={reports.slug}&target=3")
    kenya = _cells(body)["party:KE"]
    version = of(reports, "KE").versions.get()
    assert kenya["version"]["reporter"] == "Kenya"
    assert kenya["version"]["number"] == version.number
    assert kenya["version"]["content_hash"] == version.content_hash
    assert kenya["answers"] == [
        {
            "question": "t.committee",
            "number": kenya["answers"][0]["number"],
            "loop_item": "",
            "reads": "Yes",
            "meaning": gap.IMPLEMENTATION,
        }
    ]
    assert kenya["page"].startswith("http://testserver/analysis/gaps/cell/?cycle=test-cycle")
    assert "reporter=party%3AKE" in kenya["page"]
    assert _cells(body)["party:AU"]["page"] is None  # nothing expected: nothing to open
    assert body["target"] == 3 and body["cycles"] == [reports.slug]


def test_the_counts_per_region_and_the_meanings_are_the_pages(client, reports):
    body = _json(client, f"cycle={reports.slug}&target=3")
    page = client.get(f"/analysis/gaps/?cycle={reports.slug}&target=3").context["gaps"]
    assert [(c["region"], list(c["counts"].values())) for c in body["region_counts"]] == [
        (str(name), counts) for name, counts in page.region_counts()
    ]
    (committee,) = body["questions"]
    assert committee["code"] == "t.committee"
    assert {o["meaning"] for o in committee["options"]} == {
        "Reported implementation",
        "Reported none",
        "Not applicable",
    }
    assert {s["status"] for s in body["statuses"]} == set(gap.STATUSES)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("target=99", "target"),
        ("target=ten", "target"),
        ("region=atlantis", "region"),
        ("instrument=nowhere", "instrument"),
        ("cycle=no-such-cycle", "cycle"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, reports, query, named):
    body = _json(client, query, status=400)
    assert named in body and named in body["codes"]


def test_hostile_values_never_answer_500(client, reports):
    client.raise_request_exception = False
    for name in ("cycle", "target", "region", "instrument"):
        for value in ["²", "-1", "9" * 30, "x" * 300, "'; --"]:
            response = client.get(URL, {name: value})
            assert response.status_code in (200, 400), (name, value)


def test_writes_are_refused(client, secretariat, reports):
    client.force_login(secretariat)
    assert client.post(URL, {}).status_code == 405


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as context:
        _json(client, query)
    return len(context.captured_queries)


def test_the_cost_does_not_grow_with_the_reporters(
    client_as, secretariat, reports, django_assert_max_num_queries
):
    client = client_as(secretariat)
    query = f"cycle={reports.slug}&target=3"
    before = _queries(client, query)
    for code in ("GH", "GB"):
        submission = of(reports, code)
        answer(submission, [("t.committee", "", "no")])
        if submission.status == "draft":
            services.submit(submission=submission, by=None)
        services.accept(submission=submission, by=secretariat)
    assert _queries(client, query) == before
    with django_assert_max_num_queries(20):
        _json(client, query)


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"] for p in schema["paths"]["/api/analysis/gaps/"]["get"]["parameters"]}
    assert {"cycle", "target", "region", "instrument"} <= parameters
