"""The open API of the species table: paginated list, filters, detail with listings and range
states (Party codes where the State is a Party), and a query count that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.species.models import Taxon

pytestmark = pytest.mark.django_db


def _names(response) -> set[str]:
    return {taxon["scientific_name"] for taxon in response.json()["results"]}


def test_the_list_is_paginated(client):
    data = client.get("/api/species/").json()
    assert data["count"] == 344
    assert len(data["results"]) == 50
    assert data["next"].endswith("/api/species/?page=2")


@pytest.mark.parametrize(
    "query,expected",
    [
        ("group=insects", {"Danaus plexippus"}),
        ("group=bats&appendix=I", {"Tadarida brasiliensis"}),
        ("party=ke&group=fish", {"Alopias vulpinus"}),
        ("country=US&group=fish", {"Alopias vulpinus", "Cetorhinus maximus", "Lamna nasus"}),
        ("search=pollack", {"Balaenoptera borealis"}),
    ],
)
def test_filters(client, query, expected):
    response = client.get(f"/api/species/?{query}")
    assert response.status_code == 200
    assert _names(response) == expected


def test_appendix_counts(client):
    assert client.get("/api/species/?appendix=I").json()["count"] == 140
    assert client.get("/api/species/?appendix=II").json()["count"] == 250


def test_a_bad_filter_is_a_400(client):
    assert client.get("/api/species/?appendix=III").status_code == 400
    assert client.get("/api/species/?group=dragons").status_code == 400


def test_the_detail_has_listings_range_states_and_the_data_date(client):
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    data = client.get(f"/api/species/{whale.pk}/").json()
    assert data["scientific_name"] == "Balaenoptera borealis"
    assert data["group"] == "aquatic mammals" and data["rank"] == "species"
    assert data["appendices"] == ["I", "II"]
    assert data["listings"][0] == {
        "appendix": "I",
        "listed_on": "2002-12-23",
        "annotation": "",
        "source": whale.source,
    }
    states = {state["country_code"]: state["party"] for state in data["range_states"]}
    assert states["KE"] == "KE" and states["US"] is None
    assert data["common_name_en"].startswith("Coalfish Whale")
    assert data["common_name_fr"] in (None, "")
    assert data["as_of"].startswith("2025-07-10")


def test_an_unknown_taxon_is_a_404(client):
    assert client.get("/api/species/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "nfp_germany", "secretariat"])
def test_the_list_needs_the_same_queries_for_a_few_rows_as_for_a_full_page(
    client_as, request, django_assert_max_num_queries, persona
):
    client = client_as(request.getfixturevalue(persona))
    counts = []
    for url in ("/api/species/?group=insects", "/api/species/?ordering=-family"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        client.get("/api/species/?page=3")
