"""The import of a species table: every bad input is named by line and column and writes nothing;
a valid table is previewed (what is new, what changes from what to what) and written all at once
with its audit, in a number of statements that does not grow with the rows."""

import csv
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.core.models import Event
from cmsfamily.directory.models import Party
from cmsfamily.species import importing, selectors, services
from cmsfamily.species.importing import COLUMNS, MAX_BYTES
from cmsfamily.species.models import Listing, RangeState, SpeciesImport, Taxon
from cmsfamily.species.tests.helpers import ROW, database_state, row, table

pytestmark = pytest.mark.django_db

WITHOUT_NOTES = tuple(column for column in COLUMNS if column != "notes")

BAD_TABLES = {
    "unknown appendix": (table(row(appendix="III")), 2, "appendix", "not a CMS Appendix"),
    "unknown appendix in the dates": (
        table(row(listed="III: 2000-01-01")),
        2,
        "listed",
        "not a CMS Appendix",
    ),
    "a date for an appendix the row is not in": (
        table(row(listed="I: 2000-01-01")),
        2,
        "listed",
        "not in the appendix column",
    ),
    "impossible date": (table(row(listed="II: 2012-02-30")), 2, "listed", "is not a date"),
    "date in another format": (table(row(listed="II: 23/02/2012")), 2, "listed", "is not a date"),
    "date in the future": (table(row(listed="II: 2999-01-01")), 2, "listed", "in the future"),
    "date before the Convention": (table(row(listed="II: 1950-01-01")), 2, "listed", "1979"),
    "no date after the appendix": (table(row(listed="II:")), 2, "listed", "No date after"),
    "the same date twice": (
        table(row(listed="II: 2012-02-23, 2012-02-23")),
        2,
        "listed",
        "given twice",
    ),
    "dates without an appendix": (table(row(listed="2012-02-23")), 2, "listed", "not “Appendix"),
    "missing scientific name": (
        table(ROW, row(scientific_name="")),
        3,
        "scientific_name",
        "A value is needed",
    ),
    "missing rank": (table(row(rank="")), 2, "rank", "A value is needed"),
    "unknown rank": (table(row(rank="variety")), 2, "rank", "is not one of"),
    "unknown group": (table(row(taxonomic_group="amphibians")), 2, "taxonomic_group", "not one of"),
    "unknown rank of the name": (table(row(taxon_rank="tribe")), 2, "taxon_rank", "not one of"),
    "duplicate row": (table(ROW, row(common_name_en="x"), ROW), 3, "scientific_name", "line 2"),
    "duplicate name in other case": (
        table(ROW, row(scientific_name="TESTUDO EXEMPLI")),
        3,
        "scientific_name",
        "already on line 2",
    ),
    "user-assigned country code": (table(row(range_states="KE;XX")), 2, "range_states", "ISO"),
    "lower-case country code": (table(row(range_states="ke")), 2, "range_states", "ISO 3166"),
    "three-letter country code": (table(row(range_states="KEN")), 2, "range_states", "ISO"),
    "code that is no ISO code": (table(row(range_states="S1")), 2, "range_states", "ISO"),
    "codes separated by commas": (table(row(range_states="KE,DE")), 2, "range_states", "“;”"),
    "country code twice": (table(row(range_states="KE;DE;KE")), 2, "range_states", "twice"),
    "value too long": (
        table(row(scientific_name="x" * 201)),
        2,
        "scientific_name",
        "at most 200",
    ),
    "not UTF-8": (
        table(ROW, row(scientific_name="Testudo graeca", common_name_en="Tortue")).replace(
            b"Tortue", "Tortue grecque à éperons".encode("latin-1")
        ),
        3,
        "",
        "UTF-8",
    ),
    "an Excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, 0, "", "not a CSV"),
    "a binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 0, "", "not a CSV"),
    "too large": (table(ROW) + b"#" * MAX_BYTES, 0, "", "larger than the limit"),
    "empty file": (b"", 0, "", "empty"),
    "column names only": (table(), 0, "", "no rows"),
    "a column missing": (table(ROW, columns=WITHOUT_NOTES), 1, "", "notes"),
    "a column too many": (table(ROW, columns=(*COLUMNS, "iucn_status")), 1, "", "iucn_status"),
    "separated by semicolons": (
        table(ROW).replace(b",", b";"),
        1,
        "",
        "separated by semicolons",
    ),
    "a line with too few values": (
        table(ROW) + b"Testudo alia,species,reptiles\n",
        3,
        "",
        "3 values",
    ),
}


@pytest.mark.parametrize("content,line,column,message", BAD_TABLES.values(), ids=BAD_TABLES)
def test_every_bad_table_is_refused_by_line_and_column_and_writes_nothing(
    content, line, column, message
):
    result = importing.read(content)
    assert not result.ok and not result.rows
    assert any(
        (problem.line, problem.column) == (line, column) and message in problem.message
        for problem in result.problems
    ), result.problems
    before = database_state()
    with pytest.raises(services.ImportRefused) as refused:
        services.import_species(content=content, by=None, file_name="bad.csv")
    assert refused.value.problems == result.problems
    assert database_state() == before


def test_every_problem_of_a_table_is_listed_at_once_and_good_rows_are_not_written():
    content = table(
        row(scientific_name="Testudo prima"),
        row(scientific_name="Testudo secunda", appendix="IV", range_states="KE;ZZ"),
        row(scientific_name="", listed="II: 2012-13-01"),
    )
    problems = importing.read(content).problems
    assert [(p.line, p.column) for p in problems] == [
        (3, "appendix"),
        (3, "range_states"),
        (4, "scientific_name"),
        (4, "listed"),
    ]
    with pytest.raises(services.ImportRefused):
        services.import_species(content=content, by=None, file_name="bad.csv")
    assert not Taxon.objects.filter(scientific_name="Testudo prima").exists()


def test_a_quoted_value_over_several_lines_keeps_the_line_numbers_right():
    content = table(row(notes="first line\nsecond line"), row(scientific_name="Testudo alia"))
    content += b"Testudo tertia,species,reptiles,V,,,,,,,,,\n"
    problems = importing.read(content).problems
    assert [(p.line, p.column) for p in problems] == [(5, "appendix")]


def test_a_byte_order_mark_and_windows_line_ends_are_read():
    content = b"\xef\xbb\xbf" + table(ROW).replace(b"\n", b"\r\n")
    result = importing.read(content)
    assert result.ok and result.rows[0].scientific_name == "Testudo exempli"


def test_the_preview_of_a_new_taxon(kenya):
    result = importing.read(table(ROW))
    plan = importing.plan(result.rows)
    assert plan.has_changes
    [entry] = plan.new
    assert entry.row.values["group"] == "reptiles"
    assert entry.listings_added == [
        importing.ListingRow("II", date(2012, 2, 23), "Only African populations.")
    ]
    assert entry.range_states_added == ["KE", "US"]
    assert plan.taxa_not_in_file == 344
    assert plan.counts() == {
        "taxa_in_file": 1,
        "new_taxa": 1,
        "changed_taxa": 0,
        "unchanged_taxa": 0,
        "taxa_not_in_file": 344,
        "listings_added": 1,
        "listings_removed": 0,
        "listings_updated": 0,
        "range_states_added": 2,
        "range_states_removed": 0,
        "range_states_updated": 0,
    }
    assert not Taxon.objects.filter(scientific_name="Testudo exempli").exists()


def test_an_appendix_without_a_date_is_listed_with_the_date_not_known():
    [parsed] = importing.read(table(row(appendix="I/II", listed="II: 2012-02-23"))).rows
    assert [(each.appendix, each.listed_on) for each in parsed.listings] == [
        ("I", None),
        ("II", date(2012, 2, 23)),
    ]


def _row_of(name: str) -> dict:
    """A real taxon's row as the table download writes it."""
    text = importing.write(selectors.taxa_in_full(None).filter(scientific_name=name))
    [parsed] = importing.read(text.encode()).rows
    header, line = text.splitlines()
    return dict(zip(header.split(","), next(csv.reader([line])), strict=True)) | {"_parsed": parsed}


def _whale_changed() -> bytes:
    whale = _row_of("Balaenoptera borealis")
    whale.pop("_parsed")
    whale["common_name_en"] = "Sei Whale; Coalfish Whale"
    whale["listed"] += ", 2024-02-17"  # a made-up COP14 date, for the test only
    whale["range_states"] = ";".join(
        code for code in whale["range_states"].split(";") if code != "US"
    )
    return table(whale)


def test_the_preview_of_a_changed_taxon_shows_old_and_new_values():
    plan = importing.plan(importing.read(_whale_changed()).rows)
    [entry] = plan.changed
    assert not plan.new and plan.taxa_not_in_file == 343
    [change] = entry.changes
    assert (change.field, change.old, change.new) == (
        "common_name_en",
        "Coalfish Whale; Pollack Whale; Rudophi's Rorqual",
        "Sei Whale; Coalfish Whale",
    )
    assert change.label == "English common names"
    assert [(each.appendix, each.listed_on) for each in entry.listings_added] == [
        ("II", date(2024, 2, 17))
    ]
    assert not entry.listings_removed and not entry.listings_updated
    assert [state.country_code for state in entry.range_states_removed] == ["US"]
    assert not entry.range_states_added and not entry.range_states_updated


def test_confirming_writes_everything_with_its_history_and_audit(secretariat):
    content = _whale_changed()
    plan = services.import_species(content=content, by=secretariat, file_name="whale.csv")
    assert plan.counts()["changed_taxa"] == 1
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    assert whale.common_name_en == "Sei Whale; Coalfish Whale"
    assert whale.listings.filter(appendix="II", listed_on=date(2024, 2, 17)).exists()
    assert not whale.range_states.filter(country_code="US").exists()
    assert whale.range_states.count() == 48
    record = SpeciesImport.objects.get(file_name="whale.csv")
    assert record.by == secretariat and record.summary["listings_added"] == 1
    latest = whale.history.first()
    assert latest.history_user == secretariat
    assert latest.history_change_reason == f"species import No. {record.pk}"
    assert latest.prev_record.common_name_en.startswith("Coalfish Whale")
    event = Event.objects.get(kind="species.imported", target_id=str(record.pk))
    assert event.actor == secretariat and event.data["changed_taxa"] == 1
    # The same table again: nothing left to change, nothing written.
    before = database_state()
    again = services.import_species(content=content, by=secretariat, file_name="whale.csv")
    assert not again.has_changes and database_state() == before


def test_a_new_taxon_is_written_with_its_listings_and_linked_range_states(secretariat, kenya):
    services.import_species(content=table(ROW), by=secretariat, file_name="new.csv")
    taxon = Taxon.objects.get(scientific_name="Testudo exempli")
    assert taxon.common_names == ["Example Tortoise", "Test Tortoise"]
    assert taxon.common_name_fr in (None, "")
    assert list(taxon.listings.values_list("appendix", "listed_on", "annotation", "source")) == [
        ("II", date(2012, 2, 23), "Only African populations.", "a test table")
    ]
    assert dict(taxon.range_states.values_list("country_code", "party")) == {
        "KE": kenya.pk,
        "US": None,
    }
    assert taxon.history.count() == 1


def test_a_range_state_is_linked_again_to_its_party(secretariat, kenya):
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    RangeState.objects.filter(taxon=whale, country_code="KE").update(party=None)
    content = importing.write(selectors.taxa_in_full(None).filter(pk=whale.pk)).encode()
    plan = importing.plan(importing.read(content).rows)
    [entry] = plan.changed
    [(state, party, _source)] = entry.range_states_updated
    assert (state.country_code, party) == ("KE", kenya)
    services.import_species(content=content, by=secretariat, file_name="whale.csv")
    assert whale.range_states.get(country_code="KE").party == kenya


def test_a_listing_left_out_of_the_row_is_removed():
    whale = _row_of("Balaenoptera borealis")
    whale.pop("_parsed")
    whale.update(appendix="II", listed="II: 2002-12-23")
    plan = importing.plan(importing.read(table(whale)).rows)
    [entry] = plan.changed
    assert [(each.appendix, each.listed_on) for each in entry.listings_removed] == [
        ("I", date(2002, 12, 23))
    ]
    services.import_species(content=table(whale), by=None, file_name="whale.csv")
    assert list(
        Listing.objects.filter(taxon__scientific_name="Balaenoptera borealis").values_list(
            "appendix", flat=True
        )
    ) == ["II"]


def test_the_downloaded_table_imports_back_without_a_change():
    content = importing.write(selectors.taxa_in_full(None)).encode()
    result = importing.read(content)
    assert result.ok, result.problems[:5]
    plan = importing.plan(result.rows)
    assert not plan.has_changes
    assert plan.counts()["unchanged_taxa"] == 344


def test_formula_like_texts_are_guarded_in_the_download_and_import_back_unchanged():
    """The download keeps "-2+3" and a carriage return from running or splitting a row in a
    spreadsheet; importing it again restores the texts as they were."""
    Taxon.objects.filter(scientific_name="Balaenoptera borealis").update(
        notes="-2+3 see the annotation", family="Balaenopteridae\r=1"
    )
    content = importing.write(selectors.taxa_in_full(None)).encode()
    line = next(
        each for each in csv.reader(content.decode().splitlines(keepends=True)) if "2+3" in each[-1]
    )
    assert line[-1] == "'-2+3 see the annotation"
    plan = importing.plan(importing.read(content).rows)
    assert not plan.has_changes


def test_a_preview_that_no_longer_holds_writes_nothing(secretariat):
    content = _whale_changed()
    fingerprint = importing.plan(importing.read(content).rows).fingerprint
    # Someone else changes the whale before the confirmation.
    Taxon.objects.filter(scientific_name="Balaenoptera borealis").update(family="Changed")
    before = database_state()
    with pytest.raises(services.PreviewOutdated) as outdated:
        services.import_species(
            content=content, by=secretariat, file_name="w.csv", expected_fingerprint=fingerprint
        )
    assert database_state() == before
    [entry] = outdated.value.plan.changed
    assert {change.field for change in entry.changes} == {"common_name_en", "family"}
    # The preview the user confirms is the one that is written.
    services.import_species(
        content=content,
        by=secretariat,
        file_name="w.csv",
        expected_fingerprint=outdated.value.plan.fingerprint,
    )
    assert Taxon.objects.get(scientific_name="Balaenoptera borealis").family == "Balaenopteridae"


def _taxa(count: int, offset: int = 0) -> bytes:
    return table(
        *(
            row(scientific_name=f"Testudo numero{offset + n}", range_states="KE;DE;US")
            for n in range(count)
        )
    )


def test_the_number_of_statements_does_not_grow_with_the_rows(secretariat):
    counts = []
    secretariat.has_perm("species.import_taxa")  # the service asks it: the user's scope, once
    # 40 rows stay within one batch of SQLite's 999 query parameters, as 3 rows do.
    for size, offset in ((3, 0), (40, 100)):
        with CaptureQueriesContext(connection) as queries:
            services.import_species(
                content=_taxa(size, offset), by=secretariat, file_name="many.csv"
            )
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 20
    written = RangeState.objects.filter(taxon__scientific_name__startswith="Testudo numero")
    assert written.count() == 43 * 3
    assert (
        Party.objects.filter(range_states__taxon__scientific_name="Testudo numero101").count() == 2
    )
