"""The species pages: the list with its as-of dates and gaps, filters, sorting, exports and query
bounds; a taxon's page; the Secretariat's import from upload through preview to confirmation."""

import csv
import io
import os
import time
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cmsfamily.species import importing, services
from cmsfamily.species.models import Listing, SpeciesImport, Taxon
from cmsfamily.species.tests.helpers import ROW, database_state, row, table
from cmsfamily.species.views import SESSION_KEY, STAGING_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _names(response) -> list[str]:
    return [row.record.scientific_name for row in response.context["table"].page.object_list]


# -- the list ------------------------------------------------------------------------------------


def test_the_list_shows_the_as_of_dates_and_the_gaps(client):
    response = client.get("/species/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "344 results" in text
    assert "2013-09-27 (Species+ CMS Appendices; listings effective up to 2012)" in text
    assert "313 taxa" in text and "31 taxa" in text
    assert "313 of 344 taxa have no range state recorded." in text
    assert "COP11 to COP14" in text
    assert "The latest listing date in the table is 2024-05-16." in text
    assert "302 taxa have English names, 0 French and 0 Spanish" in text


@pytest.mark.parametrize(
    "query,expected",
    [
        ("q=borealis", {"Balaenoptera borealis", "Numenius borealis", "Saiga borealis"}),
        ("q=Pollack+whale", {"Balaenoptera borealis"}),
        ("group=insects", {"Danaus plexippus"}),
        ("group=bats&appendix=I", {"Tadarida brasiliensis"}),
        ("party=KE&group=fish", {"Alopias vulpinus"}),
    ],
)
def test_search_and_filters(client, query, expected):
    response = client.get(f"/species/?{query}")
    assert response.status_code == 200
    assert set(_names(response)) == expected


def test_the_appendix_filter_counts_match_the_reference_readme(client):
    for appendix, count in (("I", 140), ("II", 250)):
        response = client.get(f"/species/?appendix={appendix}")
        assert response.context["table"].paginator.count == count


def test_a_bad_filter_value_is_a_clear_400_on_export(client):
    response = client.get("/species/?group=dragons&export=csv")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_sorted_by_the_number_of_range_states(client):
    response = client.get("/species/?sort=-range_state_count")
    first = response.context["table"].page.object_list[0].record
    assert first.scientific_name == "Falco peregrinus"
    assert first.range_state_count == 216
    last = (
        client.get("/species/?sort=range_state_count").context["table"].page.object_list[0].record
    )
    assert last.range_state_count == 0


def test_the_csv_export_has_every_filtered_row_with_listing_dates(client):
    response = client.get("/species/?group=aquatic+mammals&export=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 63
    whale = next(each for each in rows if each["Scientific name"] == "Balaenoptera borealis")
    assert whale["Appendix"] == "I/II"
    assert whale["Listed on"] == "I: 2002-12-23; II: 2002-12-23"
    assert whale["Range states"] == "49"


def test_the_xlsx_export(client):
    response = client.get("/species/?group=bats&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 13  # the header and the 12 bats


@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
@pytest.mark.parametrize("url", ["/species/", "/species/?appendix=II&sort=-range_state_count"])
def test_the_list_needs_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, persona, url
):
    # Session, user, scope and permissions (5), the filter's Parties, two counts, the page with
    # its listings, and the data summary (3): none of them per row.
    client = client_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_export_needs_as_many_queries_for_all_rows_as_for_a_few(client):
    counts = []
    for url in ("/species/?group=insects&export=csv", "/species/?export=csv"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- a taxon -------------------------------------------------------------------------------------


def test_a_taxon_page_shows_listings_and_range_states_with_party_links(client, kenya):
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    response = client.get(f"/species/{whale.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Coalfish Whale; Pollack Whale; Rudophi&#x27;s Rorqual" in text
    assert "2002-12-23" in text and "Appendix I" in text and "Appendix II" in text
    assert f'<a href="{kenya.get_absolute_url()}">Kenya</a>' in text
    assert "United States" in text and "not a Party" in text
    assert "49 range states, of which" in text


def test_a_taxon_without_range_states_says_it_is_a_gap(client):
    seal = Taxon.objects.get(scientific_name="Arctocephalus australis")
    text = client.get(seal.get_absolute_url()).content.decode()
    assert "No range state is recorded for this taxon." in text
    assert "not available" in text  # no French or Spanish common name


def test_country_names_follow_the_language(client):
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    client.cookies["django_language"] = "fr"
    text = client.get(whale.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "États-Unis" in text


def test_an_unknown_taxon_is_a_404(client):
    assert client.get("/species/999999/").status_code == 404


def test_the_taxon_page_needs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    falcon = Taxon.objects.get(scientific_name="Falco peregrinus")
    with django_assert_max_num_queries(6):
        assert client.get(falcon.get_absolute_url()).status_code == 200


def test_the_whole_table_downloads_in_the_import_columns(client):
    response = client.get("/species/table.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert importing.read(response.content).ok
    assert len(response.content.decode().splitlines()) == 345


# -- the import ----------------------------------------------------------------------------------


def _upload(client, content: bytes, name="species.csv"):
    return client.post("/species/import/", {"table": SimpleUploadedFile(name, content, "text/csv")})


def _confirm(client, response, action="confirm", token=None):
    """Press a button of the preview `response` as the user would."""
    plan = response.context["plan"]
    data = {"token": token or client.session[SESSION_KEY]["token"], "action": action}
    return client.post("/species/import/preview/", {**data, "fingerprint": plan.fingerprint})


def staged_files() -> list[str]:
    try:
        return default_storage.listdir(STAGING_DIR)[1]
    except FileNotFoundError:
        return []


def test_the_import_page_explains_the_columns(client, secretariat):
    client.force_login(secretariat)
    response = client.get("/species/import/")
    assert response.status_code == 200
    text = response.content.decode()
    for column in importing.COLUMNS:
        assert f"<code>{column}</code>" in text
    # The reference loader's import is listed, as the document it is, not as the project's file.
    assert "the CMS Appendices shipped with the platform" in text
    assert "cms_appendix_species.csv" not in text


def test_a_bad_table_is_listed_by_line_and_column_and_nothing_is_kept(client, secretariat):
    client.force_login(secretariat)
    before = database_state()
    response = _upload(client, table(ROW, row(scientific_name="", appendix="IV")))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [(p.line, p.column) for p in problems] == [(3, "scientific_name"), (3, "appendix")]
    text = response.content.decode()
    assert "2 problems; nothing was imported" in text
    assert "is not a CMS Appendix" in text
    assert database_state() == before
    assert SESSION_KEY not in client.session and not staged_files()


def test_an_upload_that_is_not_a_csv_file_is_refused(client, secretariat):
    client.force_login(secretariat)
    response = _upload(client, b"PK\x03\x04" + b"\x00" * 64, name="species.xlsx")
    assert response.status_code == 400
    assert "not a CSV file" in response.content.decode()


def test_no_file_chosen(client, secretariat):
    client.force_login(secretariat)
    response = client.post("/species/import/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["table"]


def test_the_problems_are_in_the_users_language(client, secretariat):
    """Messages go through gettext: with a French interface, Django's own parts are French."""
    client.force_login(secretariat)
    client.cookies["django_language"] = "fr"
    response = client.post("/species/import/", {})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()


def test_a_table_that_changes_nothing_is_not_staged(client, secretariat):
    client.force_login(secretariat)
    content = client.get("/species/table.csv").content
    response = _upload(client, content)
    assert response.status_code == 302 and response["Location"] == "/species/import/"
    assert not staged_files()
    followed = client.get("/species/import/")
    assert "importing it would change nothing" in followed.content.decode()


def test_upload_preview_confirm(client, secretariat):
    client.force_login(secretariat)
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    content = importing.write(
        Taxon.objects.filter(pk=whale.pk).prefetch_related("listings", "range_states")
    )
    content = content.replace("Coalfish Whale; Pollack Whale", "Sei Whale; Pollack Whale")
    response = _upload(client, table(ROW) + content.split("\n", 1)[1].encode(), name="mine.csv")
    assert response.status_code == 302 and response["Location"] == "/species/import/preview/"
    assert len(staged_files()) == 1
    token = client.session[SESSION_KEY]["token"]

    preview = client.get("/species/import/preview/")
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "What “mine.csv” would change" in text
    assert "Testudo exempli" in text  # new
    assert "<del>Coalfish Whale; Pollack Whale; Rudophi&#x27;s Rorqual</del>" in text
    assert "<ins>Sei Whale; Pollack Whale; Rudophi&#x27;s Rorqual</ins>" in text
    assert "343 taxa in the database are not in the file" in text
    assert not Taxon.objects.filter(scientific_name="Testudo exempli").exists()

    response = _confirm(client, preview, token=token)
    assert response.status_code == 302 and response["Location"] == "/species/"
    assert Taxon.objects.filter(scientific_name="Testudo exempli").exists()
    whale.refresh_from_db()
    assert whale.common_name_en.startswith("Sei Whale")
    record = SpeciesImport.objects.get(file_name="mine.csv")
    assert record.by == secretariat and record.summary["new_taxa"] == 1
    assert SESSION_KEY not in client.session and not staged_files()
    assert "Imported “mine.csv”: 1 new taxa, 1 changed" in client.get("/species/").content.decode()


def test_cancelling_deletes_the_staged_file_and_writes_nothing(client, secretariat):
    client.force_login(secretariat)
    _upload(client, table(ROW))
    preview = client.get("/species/import/preview/")
    before = database_state()
    response = _confirm(client, preview, action="cancel")
    assert response.status_code == 302
    assert database_state() == before and not staged_files()
    assert client.get("/species/import/preview/").status_code == 302


def test_a_confirmation_of_a_replaced_preview_is_refused(client, secretariat):
    client.force_login(secretariat)
    _upload(client, table(ROW))
    old_token = client.session[SESSION_KEY]["token"]
    _upload(client, table(row(scientific_name="Testudo altera")))
    assert len(staged_files()) == 1  # the first staged file went
    preview = client.get("/species/import/preview/")
    before = database_state()
    response = _confirm(client, preview, token=old_token)
    assert response.status_code == 409
    assert database_state() == before


def test_a_confirmation_after_the_table_changed_shows_the_new_preview(client, secretariat):
    client.force_login(secretariat)
    _upload(client, table(ROW))
    preview = client.get("/species/import/preview/")
    # Another officer imports a table with the same new taxon (but another date) meanwhile.
    services.import_species(
        content=table(row(listed="II: 2011-11-25")), by=secretariat, file_name="other.csv"
    )
    before = database_state()
    response = _confirm(client, preview)
    assert response.status_code == 409
    assert "changed since the preview" in response.content.decode()
    assert database_state() == before
    # A confirmation without the fingerprint of a shown preview writes nothing either.
    token = client.session[SESSION_KEY]["token"]
    assert (
        client.post("/species/import/preview/", {"token": token, "action": "confirm"}).status_code
        == 409
    )
    assert database_state() == before
    response = _confirm(client, response)  # the new preview, now seen
    assert response.status_code == 302
    assert list(
        Listing.objects.filter(taxon__scientific_name="Testudo exempli").values_list(
            "listed_on", flat=True
        )
    ) == [date(2012, 2, 23)]


def test_abandoned_staged_files_are_deleted_after_a_day(client, secretariat, settings):
    client.force_login(secretariat)
    old = default_storage.save(f"{STAGING_DIR}/abandoned.csv", io.BytesIO(b"x"))
    path = default_storage.path(old)
    os.utime(path, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    _upload(client, table(ROW))
    assert staged_files() == [client.session[SESSION_KEY]["path"].split("/")[-1]]
