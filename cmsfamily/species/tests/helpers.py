"""Species tables for the tests, written in the import's columns."""

import csv
import io

from cmsfamily.core.models import Event
from cmsfamily.species.importing import COLUMNS
from cmsfamily.species.models import Listing, RangeState, SpeciesImport, Taxon

# A made-up taxon: tests add it, change it and read it back, never mistaking it for real data.
ROW = {
    "scientific_name": "Testudo exempli",
    "rank": "species",
    "taxonomic_group": "reptiles",
    "appendix": "II",
    "listed": "II: 2012-02-23",
    "common_name_en": "Example Tortoise; Test Tortoise",
    "range_states": "KE;US",
    "source": "a test table",
    "as_of": "2024-01-01 (test)",
    "class_": "Reptilia",
    "family": "Testudinidae",
    "taxon_rank": "species",
    "notes": "II: Only African populations.",
}


def table(*rows: dict, columns=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue().encode()


def row(**changes) -> dict:
    return {**ROW, **changes}


def database_state() -> tuple:
    """Everything an import may write, to prove that a refused import wrote nothing."""
    return (
        sorted(Taxon.objects.values_list("pk", "modified", "common_name_en", "notes")),
        Taxon.history.count(),
        sorted(Listing.objects.values_list("pk", "annotation", "source")),
        sorted(RangeState.objects.values_list("pk", "party", "source")),
        SpeciesImport.objects.count(),
        Event.objects.count(),
    )
