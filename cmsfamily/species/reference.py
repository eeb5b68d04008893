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


def _without_codes_that_are_not_iso(content: bytes) -> bytes:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    if not rows:
        return content
    for row in rows:
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
    content = _without_codes_that_are_not_iso(path.read_bytes())
    return services.import_species(content=content, by=None, file_name=path.name)
