# ruff: noqa: F811 (the fixtures of the page's tests are imported, then asked for by name)
"""Implementation per target as JSON (/api/analysis/targets/): the page's figures and tables,
scoped like the page, each figure citing the versions it rests on; bad input; the cost."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmsfamily.analytics.tests.test_analysis import GERMANY, KENYA
from cmsfamily.analytics.tests.test_analysis_api import of, publish
from cmsfamily.analytics.tests.test_targets import (  # noqa: F401 (fixtures)
    TAGGED,
    cycle,
    reports,
    work,
)
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting.models import SubmissionVersion

INDEX = "/api/analysis/targets/"
TEN = f"{INDEX}10/"


def _json(client, url, query=None, status=200):
    response = client.get(url, query or {})
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


@pytest.mark.parametrize(
    ("persona", "counted"),
    matrix(
        anonymous=["Kenya"],
        nfp_kenya=["Kenya"],
        nfp_germany=["Kenya"],  # its own accepted report is not published yet
        birdlife_fp=["Kenya"],
        secretariat=["Germany", "Kenya"],  # keeps the CMS cycle: accepted counts too
        eurobats_officer=["Kenya"],
    ),
)
def test_each_persona_reads_the_figures_its_page_shows(
    client_as, request, persona, counted, reports
):
    client = client_for(client_as, request, persona)
    body = _json(client, TEN)
    page = client.get("/analysis/targets/10/").context
    assert sorted(v["reporter"] for v in body["versions"]) == counted
    assert body["reports_counted"] == len(page["row"].reports) == len(counted)
    assert body["reports_expected"] == page["row"].expected == 8
    staff = next(f for f in body["figures"] if f["question"] == "t.staff")["tables"][0]
    all_row = next(row for row in staff["rows"] if row["label"] == "All")
    assert all_row["cells"][0]["value"] == len(counted)
    assert all_row["cells"][1]["value"] == ("12" if counted == ["Kenya"] else "32")
    shown = {s.key: s.export_rows() for s in page["sheets"].values()}
    for sent in body["tables"]:
        assert [[str(c) for c in row] for row in shown[sent["key"]]] == [
            [str(c) for c in row] for row in sent["rows"]
        ]


def test_each_version_is_cited_with_reporter_number_and_hash(client, reports):
    body = _json(client, TEN)
    kenya = SubmissionVersion.objects.get(submission=of(reports, "KE"))
    (cited,) = body["versions"]
    assert cited["reporter"] == "Kenya" and cited["cycle"] == reports.slug
    assert (cited["number"], cited["content_hash"]) == (kenya.number, kenya.content_hash)
    page = reverse("reporting:version-detail", args=[kenya.submission_id, kenya.number])
    assert cited["url"] == f"http://testserver{page}"
    assert [v["reporter"] for v in body["answering"]] == ["Kenya"]
    assert {"France", "United Kingdom"} <= {m["reporter"] for m in body["missing"]}


def test_a_figure_leads_to_its_answers_and_their_versions(client, reports):
    body = _json(client, TEN)
    priority = next(f for f in body["figures"] if f["question"] == "t.priority")["tables"][0]
    high = next(row for row in priority["rows"] if row["label"] == "High")
    link = high["cells"][0]["answers"]
    assert link.startswith("http://testserver/api/analysis/answers/?cycle=test-cycle")
    found = _json(client, link)
    assert [a["version"]["reporter"] for a in found["answers"]] == ["Kenya"]
    assert found["answers"][0]["version"]["content_hash"]


def test_the_index_rolls_up_the_16_targets_as_the_page(client, secretariat, reports, work):
    client.force_login(secretariat)
    body = _json(client, INDEX)
    assert [row["target"]["number"] for row in body] == list(range(1, 17))
    ten = body[9]
    assert ten["questions"] == sorted(TAGGED)
    assert (ten["reports_counted"], ten["reports_expected"], ten["reporters_answering"]) == (
        2,
        8,
        2,
    )
    assert ten["activities_direct"] == 1
    assert Decimal(ten["contributions_usd"]) == Decimal(6000 + 1500 + 700)
    assert sorted(v["reporter"] for v in ten["versions"]) == ["Germany", "Kenya"]
    assert ten["target"]["url"] == "http://testserver/analysis/targets/10/"


def test_the_public_index_counts_published_versions_only(client, reports, work):
    ten = _json(client, INDEX)[9]
    assert [v["reporter"] for v in ten["versions"]] == ["Kenya"]
    assert Decimal(ten["contributions_usd"]) == Decimal(6000 + 1500)


@pytest.mark.parametrize("number", [0, 17, 99, 2**40])
def test_an_unknown_target_is_a_404_that_names_it(client, reports, number):
    body = _json(client, f"{INDEX}{number}/", status=404)
    assert f"no target {number}" in str(body)


@pytest.mark.parametrize("path", ["ten/", "-1/", "1.5/", "%00/"])
def test_a_target_that_is_not_a_number_is_a_404(client, reports, path):
    assert client.get(f"{INDEX}{path}").status_code == 404


def test_writes_are_refused(client, secretariat, reports):
    client.force_login(secretariat)
    assert client.post(INDEX, {}).status_code == 405
    assert client.delete(TEN).status_code == 405
    client.logout()
    assert client.post(TEN, {}).status_code in (401, 403)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_cost_does_not_grow_with_the_reports(
    client, secretariat, cycle, django_assert_max_num_queries
):
    client.force_login(secretariat)
    publish(of(cycle, "KE"), secretariat, KENYA)
    client.get(TEN)  # warm the form's cache
    two = [_queries(client, INDEX), _queries(client, TEN)]
    for code in ("DE", "FR", "GB", "IT"):
        publish(of(cycle, code), secretariat, GERMANY)
    assert _json(client, TEN)["reports_counted"] == 5
    assert [_queries(client, INDEX), _queries(client, TEN)] == two
    with django_assert_max_num_queries(25):
        client.get(INDEX)
    with django_assert_max_num_queries(25):
        client.get(TEN)


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/analysis/targets/", "/api/analysis/targets/{number}/"} <= set(schema["paths"])
