# ruff: noqa: F811 (the fixtures of the duties' page tests are imported, then asked for by name)
"""The duties of Parties as JSON (/api/analysis/duties/): the page's rule of who sees which rows,
the same states and evidence, next steps for the Party's own NFP only, bad filters as 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.analytics.tests.test_duties import assessed, cycles  # noqa: F401 (fixtures)
from cmsfamily.core.testing import client_for, matrix

URL = "/api/analysis/duties/"


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=403,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_who_may_read_the_duties(client_as, request, persona, status, db):
    client = client_for(client_as, request, persona)
    assert client.get(URL).status_code == status


def test_an_nfp_gets_its_own_row_with_next_steps(client_as, nfp_kenya, cycles, assessed):
    body = client_as(nfp_kenya).get(URL).json()
    assert [row["party"]["code"] for row in body] == ["KE"]
    duties = {duty["duty"]: duty for duty in body[0]["duties"]}
    assert duties["contribution"]["state"] == "unmet"
    assert any(duty["next_step"] for duty in body[0]["duties"])
    assert duties["credentials"]["state"] == "not_applicable"  # no COP recorded
    # Its neighbour is not reachable through a filter.
    refused = client_as(nfp_kenya).get(URL, {"party": "DE"})
    assert refused.status_code == 400 and "party" in refused.json()["codes"]


def test_the_secretariat_gets_every_party_without_the_nfps_next_steps(
    client_as, secretariat, cycles
):
    body = client_as(secretariat).get(URL).json()
    assert len(body) > 100
    assert not any(duty["next_step"] for row in body for duty in row["duties"])
    page = client_as(secretariat).get("/analysis/duties/").context["rows"]
    assert [row["party"]["code"] for row in body] == [row.party.code for row in page]


def test_evidence_links_are_absolute(client_as, nfp_kenya, cycles, assessed):
    body = client_as(nfp_kenya).get(URL).json()
    urls = [e["url"] for duty in body[0]["duties"] for e in duty["evidence"] if e["url"]]
    assert urls and all(url.startswith("http://testserver/") for url in urls)


@pytest.mark.parametrize(
    ("query", "named"),
    [({"region": "atlantis"}, "region"), ({"duty": "robot"}, "duty"), ({"party": "ZZ"}, "party")],
)
def test_unknown_filters_are_a_400_naming_them(client_as, secretariat, query, named):
    response = client_as(secretariat).get(URL, query)
    assert response.status_code == 400 and named in response.json()["codes"]


def test_the_cost_is_the_same_for_one_region_or_all(client_as, secretariat, cycles):
    client = client_as(secretariat)
    counts = []
    for query in ({"region": "africa"}, {}):
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL, query).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] and counts[1] <= 15, counts
