"""Load the CMS Appendix species shipped in data/species, through the same import the
Secretariat uses (validated, all or nothing). Idempotent: a second run writes nothing.
"""

import csv
import io
from pathlib import Path

from django.conf import settings

from cmsfamily.species import services
from cmsfamily.species.importing import Plan

SPECIES_FILE = Path(settings.BASE_DIR) / "data" / "species" / "cms_appendix_species.csv"

# Range-state codes of the source that are not ISO 3166 codes (current or withdrawn): the
# Species+ export lists "S1" for Falco peregrinus, and what it stands for is not documented.
# Such a code is left out, and the row's notes say so (see data/species/README.md).
NOT_ISO_CODES = frozenset({"S1"})

# The file's sources name the repositories and files they were copied from (kept there for
# developers); the platform stores and shows the documents a reader knows.
SAPI = (
    "github.com/unepwcmc/SAPI@f0eb2c7992bb78106a1f0d9f752d12c0cd06074c:lib/files/animals/"
    "CMS_legislation_utf8.csv (+animalia_taxa_utf8.csv, animalia_common_names_utf8.csv)"
)
ARCTIC = (
    "github.com/Magnussmari/Arctic-Tracker-API@92f4375cfc94d61f04fd0646b5c8ccfbb550c3d1:"
    "species_data/processed/cms_arctic_species_data.json (Species+ CMS export 2025-07-10)"
)
READER_SOURCES = {
    SAPI: "Species+ (UNEP-WCMC), CMS Appendices as at 2013",
    ARCTIC: "Species+ (UNEP-WCMC), export of CMS-listed species of 10 July 2025",
}
READER_AS_OF = {
    "2013-09-27 (SAPI legacy import file; listings effective up to 2012)": (
        "2013-09-27 (Species+ CMS Appendices; listings effective up to 2012)"
    ),
    "2025-07-10 (Species+ CMS export, as processed by Arctic Tracker)": (
        "2025-07-10 (Species+ export of CMS-listed species)"
    ),
}


# A note of the file naming where a common name was copied from.
READER_NOTES = {
    "common name from Arctic-Tracker-API docs/reports/species_names_latest.csv": (
        "common name from the species names of the Arctic Tracker project"
    ),
}


def reader_source(raw: str) -> str:
    """'<source> ; also <source>' with each source named as a reader knows it."""
    parts = [part.strip() for part in raw.split(" ; also ")]
    named = [READER_SOURCES.get(part, part) for part in parts]
    return "; ".join(named[:1] + [f"also {each}" for each in named[1:]])


def _for_readers(content: bytes) -> bytes:
    """The shipped file as the platform stores it: sources named for readers, and range-state
    codes that are not ISO codes left out."""
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    if not rows:
        return content
    for row in rows:
        row["source"] = reader_source(row["source"])
        row["as_of"] = READER_AS_OF.get(row["as_of"], row["as_of"])
        row["notes"] = " | ".join(
            READER_NOTES.get(note, note) for note in row["notes"].split(" | ") if note
        )
        codes = [code.strip() for code in row["range_states"].split(";") if code.strip()]
        left_out = [code for code in codes if code in NOT_ISO_CODES]
        if not left_out:
            continue
        row["range_states"] = ";".join(code for code in codes if code not in NOT_ISO_CODES)
        note = (
            f"range state code(s) {', '.join(left_out)} of the source left out: not ISO 3166 codes"
        )
        row["notes"] = " | ".join(filter(None, [row["notes"], note]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def load_species_data(path: Path = SPECIES_FILE) -> Plan:
    content = _for_readers(path.read_bytes())
    return services.import_species(content=content, by=None, file_name=path.name)
