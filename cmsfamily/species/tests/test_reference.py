"""The shipped table of the CMS Appendices, loaded through the import: counts against the CSV
itself, sample values, the parsed listings, the Party links of range states, and idempotence."""

import csv
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.core.models import Event
from cmsfamily.directory.models import Party
from cmsfamily.species import selectors
from cmsfamily.species.models import Listing, RangeState, SpeciesImport, Taxon
from cmsfamily.species.reference import NOT_ISO_CODES, SPECIES_FILE, load_species_data

pytestmark = pytest.mark.django_db


def _csv_rows():
    with SPECIES_FILE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _codes(row):
    return [code for code in row["range_states"].split(";") if code and code not in NOT_ISO_CODES]


def test_the_shipped_file_is_the_reference_file():
    reference = SPECIES_FILE.parents[2].parent / "shared" / "reference" / SPECIES_FILE.name
    if not reference.exists():
        pytest.skip("the shared reference directory is not next to the project")
    assert SPECIES_FILE.read_bytes() == reference.read_bytes()


def test_every_taxon_of_the_file_is_loaded():
    rows = _csv_rows()
    assert len(rows) == 344
    assert set(Taxon.objects.values_list("scientific_name", flat=True)) == {
        row["scientific_name"] for row in rows
    }
    # As the reference README counts them: 140 in Appendix I, 250 in II, 46 in both.
    listed_in = {
        appendix: set(
            Listing.objects.filter(appendix=appendix).values_list("taxon", flat=True).distinct()
        )
        for appendix in ("I", "II")
    }
    assert (len(listed_in["I"]), len(listed_in["II"])) == (140, 250)
    assert len(listed_in["I"] & listed_in["II"]) == 46


def test_listings_and_range_states_match_the_file():
    rows = _csv_rows()
    dates = sum(
        len([day for day in part.split(":")[1].split(",") if day.strip()])
        for row in rows
        for part in row["listed"].split(";")
    )
    assert Listing.objects.count() == dates == 400
    assert Listing.objects.filter(listed_on__isnull=True).count() == 0
    assert RangeState.objects.count() == sum(len(_codes(row)) for row in rows) == 1361
    assert Taxon.objects.filter(range_states__isnull=False).distinct().count() == 31


def test_sample_values():
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    assert (whale.rank, whale.group, whale.taxon_rank) == ("species", "aquatic mammals", "species")
    assert (whale.class_name, whale.family) == ("Mammalia", "Balaenopteridae")
    assert whale.common_names == ["Coalfish Whale", "Pollack Whale", "Rudophi's Rorqual"]
    assert whale.as_of.startswith("2025-07-10")
    assert whale.notes == "2013 SAPI legacy: I/II (I: 2002-12-23; II: 2002-12-23)"
    # English names only: French and Spanish stay empty, never invented.
    assert not whale.common_name_fr and not whale.common_name_es
    seal = Taxon.objects.get(scientific_name="Arctocephalus australis")
    assert seal.as_of.startswith("2013-09-27")
    assert seal.source == "Species+ (UNEP-WCMC), CMS Appendices as at 2013"
    # The file's sources and notes name the repositories and files they were copied from; the
    # platform keeps the documents a reader knows (issue 14: no file names on the pages).
    for field in ("source", "notes", "as_of"):
        for internal in (".csv", ".json", "github.com", "SAPI@"):
            assert not Taxon.objects.filter(**{f"{field}__contains": internal}).exists()
    falcons = Taxon.objects.get(scientific_name="Falconidae spp.")
    assert (falcons.rank, falcons.taxon_rank) == ("higher taxon", "family")
    assert Taxon.objects.filter(common_name_en="").count() == 42


def test_listing_dates_and_annotations_are_parsed():
    def listings(name):
        return list(
            Listing.objects.filter(taxon__scientific_name=name)
            .order_by("appendix", "listed_on")
            .values_list("appendix", "listed_on", "annotation")
        )

    # "I: 2024-05-16; II: 1989-01-12, 1991-12-12, 2009-03-05": one listing per date.
    porpoise = listings("Phocoena phocoena")
    assert [(appendix, day) for appendix, day, _ in porpoise] == [
        ("I", date(2024, 5, 16)),
        ("II", date(1989, 1, 12)),
        ("II", date(1991, 12, 12)),
        ("II", date(2009, 3, 5)),
    ]
    assert porpoise[0][2] == "Baltic Proper population"
    assert porpoise[1][2].startswith("North and Baltic Sea populations | Western North Atlantic")
    # A note about one Appendix annotates that Appendix only; other notes are not annotations.
    assert listings("Pelecanus onocrotalus") == [
        ("I", date(1986, 1, 24), "Only Palearctic populations."),
        ("II", date(1994, 1, 1), "Western Palearctic populations."),
    ]
    assert listings("Falco peregrinus") == [("II", date(1994, 1, 1), "")]


def test_range_states_link_to_parties_where_the_state_is_a_party():
    whale = Taxon.objects.get(scientific_name="Balaenoptera borealis")
    states = {state.country_code: state for state in whale.range_states.all()}
    assert len(states) == 49
    assert states["KE"].party == Party.objects.get(code="KE")
    assert states["DE"].party == Party.objects.get(code="DE")
    assert states["US"].party is None  # the United States is not a CMS Party
    party_codes = set(Party.objects.values_list("code", flat=True))
    for state in RangeState.objects.all():
        assert (state.party_id is not None) == (state.country_code in party_codes)
        if state.party_id:
            assert state.party.code == state.country_code


def test_codes_that_are_not_iso_are_left_out_and_said_so():
    falcon = Taxon.objects.get(scientific_name="Falco peregrinus")
    codes = set(falcon.range_states.values_list("country_code", flat=True))
    assert "S1" not in codes
    assert "range state code(s) S1 of the source left out" in falcon.notes
    # Withdrawn ISO codes (Netherlands Antilles, Serbia and Montenegro) are kept as given.
    assert {"AN", "CS"} <= codes
    assert not falcon.range_states.filter(country_code__in=["AN", "CS"], party__isnull=False)


def test_species_of_a_party_in_one_query_by_group_then_name(kenya):
    with CaptureQueriesContext(connection) as queries:
        taxa = list(selectors.species_of_party(kenya))
    assert len(queries) == 1
    names = [taxon.scientific_name for taxon in taxa]
    assert "Balaenoptera borealis" in names and "Falco peregrinus" in names
    assert [(taxon.group, taxon.scientific_name) for taxon in taxa] == sorted(
        (taxon.group, taxon.scientific_name) for taxon in taxa
    )
    assert len(names) == len(set(names))
    assert all(taxon.range_states.filter(party=kenya).exists() for taxon in taxa)


def test_loading_twice_changes_nothing():
    def state():
        return (
            Taxon.objects.count(),
            Taxon.history.count(),
            Listing.objects.count(),
            RangeState.objects.count(),
            SpeciesImport.objects.count(),
            Event.objects.filter(kind="species.imported").count(),
            sorted(Taxon.objects.values_list("pk", "modified")),
            sorted(Listing.objects.values_list("pk", flat=True)),
            sorted(RangeState.objects.values_list("pk", "party", "source")),
        )

    before = state()
    plan = load_species_data()
    assert not plan.has_changes
    assert plan.counts()["unchanged_taxa"] == 344
    assert state() == before


def test_the_command_says_when_nothing_changed(capsys):
    call_command("load_species")
    assert "nothing changed" in capsys.readouterr().out


def test_the_first_load_is_logged_once_with_its_history():
    record = SpeciesImport.objects.get()
    assert record.by is None and record.file_name == "cms_appendix_species.csv"
    assert record.summary["new_taxa"] == 344
    assert Taxon.history.count() == 344
    assert set(Taxon.history.values_list("history_change_reason", flat=True)) == {
        f"species import No. {record.pk}"
    }
    assert Event.objects.filter(kind="species.imported", target_id=str(record.pk)).count() == 1
