"""Permission matrix of the species pages and endpoints: everyone reads the public table; only
the CMS Secretariat imports; nobody writes through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmsfamily.core.testing import (
    LOGIN,
    PERSONAS,
    client_for,
    cms_secretariat_only,
    everyone,
    no_write_method,
    status_of,
)
from cmsfamily.species.models import Taxon
from cmsfamily.species.tests.helpers import ROW, database_state, table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def whale():
    return Taxon.objects.get(scientific_name="Balaenoptera borealis")


PUBLIC_URLS = [
    "/species/",
    "/species/?export=csv",
    "/species/?export=xlsx",
    "/species/{pk}/",
    "/species/table.csv",
    "/api/species/",
    "/api/species/?group=birds&appendix=I",
    "/api/species/{pk}/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_reads_the_species_table(client_as, request, whale, url, persona, expected):
    assert status_of(client_as, request, persona, "GET", url.format(pk=whale.pk)) == expected


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_only_the_cms_secretariat_sees_the_import_page(client_as, request, persona, expected):
    assert status_of(client_as, request, persona, "GET", "/species/import/") == expected


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_only_the_cms_secretariat_uploads_a_table(client_as, request, persona, expected):
    client = client_for(client_as, request, persona)
    upload = SimpleUploadedFile("species.csv", table(ROW), "text/csv")
    response = client.post("/species/import/", {"table": upload})
    assert response.status_code == expected
    if persona == "secretariat":
        assert response["Location"] == "/species/import/preview/"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_only_the_cms_secretariat_reaches_the_preview(
    client_as, request, method, persona, expected
):
    """With nothing staged, the Secretariat is sent to the upload page; others are refused."""
    before = database_state()
    assert (
        status_of(
            client_as, request, persona, method, "/species/import/preview/", {"action": "confirm"}
        )
        == expected
    )
    assert database_state() == before


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "secretariat"])
def test_nobody_else_confirms_a_preview_staged_by_the_secretariat(
    client, client_as, request, secretariat, persona
):
    """The staged table belongs to the session that checked it: another user confirms nothing."""
    client.force_login(secretariat)
    client.post(
        "/species/import/",
        {"table": SimpleUploadedFile("species.csv", table(ROW), "text/csv")},
    )
    token = client.session["species_import"]["token"]
    client.logout()
    before = database_state()
    other = client_for(client_as, request, persona)
    response = other.post("/species/import/preview/", {"token": token, "action": "confirm"})
    assert response.status_code in (LOGIN, 403)
    assert database_state() == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(("persona", "expected"), no_write_method())
def test_the_api_is_read_only_for_everyone(client_as, request, whale, method, persona, expected):
    client = client_for(client_as, request, persona)
    url = "/api/species/" if method == "post" else f"/api/species/{whale.pk}/"
    before = database_state()
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == expected
    assert database_state() == before


def test_the_import_link_shows_only_to_those_who_may_import(client, secretariat, nfp_kenya):
    assert "/species/import/" not in client.get("/species/").content.decode()
    client.force_login(nfp_kenya)
    assert "/species/import/" not in client.get("/species/").content.decode()
    client.force_login(secretariat)
    assert "/species/import/" in client.get("/species/").content.decode()
