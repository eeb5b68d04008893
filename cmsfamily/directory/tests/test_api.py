import pytest

from cmsfamily.directory.models import Appointment

pytestmark = pytest.mark.django_db


def test_party_list_is_paginated_and_filterable(client):
    data = client.get("/api/parties/").json()
    assert data["count"] == 131 and len(data["results"]) == 50 and data["next"]
    europe = client.get("/api/parties/", {"region": "europe", "instrument": "ascobans"}).json()
    assert europe["count"] == 10
    germany = client.get("/api/parties/de/").json()  # codes are case-insensitive in URLs
    assert germany["name_fr"] == "Allemagne" and germany["region"]["code"] == "europe"


def test_party_names_follow_the_requested_language(client):
    germany = client.get("/api/parties/DE/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert germany["name"] == "Alemania"


def test_the_eu_has_no_iso3(client):
    assert client.get("/api/parties/EU/").json()["iso3"] == ""


def test_instruments_and_memberships(client):
    instruments = client.get("/api/instruments/").json()
    assert instruments["count"] == 29
    ascobans = client.get("/api/instruments/ascobans/").json()
    assert ascobans["member_count"] == 10 and ascobans["secretariat"] == "cms-secretariat"
    members = client.get("/api/memberships/", {"instrument__code": "acap"}).json()
    assert members["count"] == 13


def test_focal_points_are_current_appointments_only(client, secretariat, germany):
    current = Appointment.objects.current().get(party=germany, role="nfp")
    from cmsfamily.directory import services

    services.end(appointment=current, by=secretariat)
    data = client.get("/api/focal-points/", {"party__code": "DE"}).json()
    assert data["count"] == 0


def test_anonymous_callers_see_public_fields_only(client):
    results = client.get("/api/focal-points/").json()["results"]
    assert results
    for row in results:
        assert set(row["person"]) == {
            "id",
            "honorific",
            "given_name",
            "family_name",
            "position",
            "organisation",
            "is_demo",
        }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"party": "ZZ"}, "party"),
        ({"role": "secretariat_officer"}, "role"),
        ({"email": "nope"}, "email"),
        ({"start": "2026-13-01"}, "start"),
        ({"end": "2025-01-01"}, "end"),
        ({"role": "mou_focal_point"}, "instrument"),
        ({"given_name": ""}, "given_name"),
    ],
)
def test_nomination_api_bad_input(client, nfp_kenya, payload, field):
    client.force_login(nfp_kenya)
    body = {
        "party": "KE",
        "role": "alternate_nfp",
        "given_name": "Otieno",
        "family_name": "Api",
        "email": "otieno@example.org",
        "start": "2026-02-01",
    }
    body.update(payload)
    before = Appointment.objects.count()
    response = client.post("/api/nominations/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert Appointment.objects.count() == before


def test_malformed_json_is_a_400(client, nfp_kenya):
    client.force_login(nfp_kenya)
    response = client.post("/api/nominations/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/parties/", "/api/focal-points/", "/api/nominations/"} <= set(schema["paths"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/parties/",
        "/api/instruments/",
        "/api/memberships/",
        "/api/organisations/",
        "/api/focal-points/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_api_lists_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, url, persona
):
    client = client_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
