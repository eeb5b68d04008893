"""Load the real reference data shipped in data/reference into the registry.

Idempotent: a record is saved only when a value differs, so a second run writes nothing
(no new history rows, no changed timestamps). Gaps in the sources stay empty.
"""

import csv
import json
from datetime import date
from pathlib import Path

from babel import Locale
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.languages import TRANSLATED
from cmsfamily.core.loading import Report, upsert
from cmsfamily.directory.choices import InstrumentKind, MembershipKind, OrganisationKind
from cmsfamily.directory.models import Instrument, Membership, Organisation, Party, Region

DATA_DIR = Path(settings.BASE_DIR) / "data"
REFERENCE_DIR = DATA_DIR / "reference"

REGIONS = [
    ("africa", "Africa", _("Africa")),
    ("asia", "Asia", _("Asia")),
    ("europe", "Europe", _("Europe")),
    ("oceania", "Oceania", _("Oceania")),
    (
        "south-central-america-caribbean",
        "South and Central America and the Caribbean",
        _("South and Central America and the Caribbean"),
    ),
    ("north-america", "North America", _("North America")),
]

# The documents behind the data files, as a reader cites them (pages show a record's source; the
# data files' own names and their notes for developers stay in the files).
PARTNER_REVIEW = (
    "Conservation Collaboration: Strengthening the relationship between CMS and its NGO Partners "
    "when the world needs us most (2019)"
)
PARTNER_LIST_SOURCE = f"{PARTNER_REVIEW}, list of the nineteen formal Partner NGOs"
# cms_instruments.csv names no document of its own: the README of data/reference says its facts
# were gathered from public CMS sources.
INSTRUMENTS_SOURCE = "Public CMS sources on the instruments of the CMS Family"
SECRETARIATS_SOURCE = f"{INSTRUMENTS_SOURCE} (the secretariat each instrument names)"
READER_SOURCES = {"InforMEA XML (2015)": "InforMEA, list of the CMS Parties (2015)"}


def reader_source(raw: str) -> str:
    """A data file's source as a reader cites it."""
    return READER_SOURCES.get(raw, raw)


# Names the Agreement sources use for a Party that cms_parties.csv names otherwise (same ISO code).
NAME_ALIASES = {"Democratic Republic of the Congo": "CD"}

# Agreement lists whose source says they are complete; names as the source gives them.
COMPLETE_AGREEMENT_LISTS = {
    "ASCOBANS": "ascobans",
    "ACAP": "acap",
    "Gorilla Agreement": "gorilla",
    "Wadden Sea Seals Agreement": "wadden-sea-seals",
}


def _date(raw: str) -> date | None:
    return date.fromisoformat(raw) if raw else None


def _territory_names(code: str) -> dict:
    """French and Spanish country names from the Unicode CLDR (through Babel), never typed by hand."""
    names = {}
    for language in TRANSLATED:
        names[f"name_{language}"] = Locale.parse(language).territories.get(code, "")
    return names


def _instrument_code(raw: str) -> str:
    return slugify(raw.replace("_", "-"))


def load_regions(report: Report) -> dict[str, Region]:
    regions = {}
    for order, (code, english, label) in enumerate(REGIONS):
        values = {"name_en": english, "order": order}
        for language in TRANSLATED:
            with translation.override(language):
                values[f"name_{language}"] = str(label)
        regions[english] = upsert(report, Region, {"code": code}, values)
    return regions


def load_parties(report: Report, regions: dict[str, Region]) -> dict[str, Party]:
    parties = {}
    with (REFERENCE_DIR / "cms_parties.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            is_eu = row["iso2"] == "EU"
            note = row["note"]
            if is_eu:
                # The source fills EUU in the alpha-3 column; the EU has no ISO 3166 alpha-3 code.
                note = "; ".join(
                    filter(None, [note, "no ISO 3166 alpha-3 code (the source's 'EUU' is not one)"])
                )
            values = {
                "iso3": "" if is_eu else row["iso3"],
                "name_en": row["name"],
                **_territory_names(row["iso2"]),
                "region": regions[row["region"]],
                "entry_into_force": _date(row["entry_into_force"]),
                "party_number": int(row["party_number"]) if row["party_number"] else None,
                "is_state": not is_eu,
                "note": note,
                "source": reader_source(row["source"]),
            }
            parties[row["iso2"]] = upsert(report, Party, {"code": row["iso2"]}, values)
    return parties


def load_organisations(report: Report) -> dict[str, Organisation]:
    organisations = {}
    with (REFERENCE_DIR / "partner_ngos.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {
                "short_name": row["short_name"],
                "name_en": row["name"],
                "kind": OrganisationKind.PARTNER_NGO,
                "source": PARTNER_LIST_SOURCE,
            }
            organisations[row["short_name"]] = upsert(
                report, Organisation, {"slug": slugify(row["short_name"])}, values
            )
    return organisations


def load_instruments(report: Report) -> dict[str, Instrument]:
    secretariats = {}
    with (DATA_DIR / "secretariats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            organisation = upsert(
                report,
                Organisation,
                {"slug": row["slug"]},
                {
                    "short_name": row["short_name"],
                    "name_en": row["name"],
                    "kind": OrganisationKind.SECRETARIAT,
                    "source": SECRETARIATS_SOURCE,
                },
            )
            for code in row["instruments"].split():
                secretariats[code] = organisation
    instruments = {}
    with (REFERENCE_DIR / "cms_instruments.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {
                "name_en": row["name"],
                "kind": InstrumentKind(row["kind"]),
                "in_effect": _date(row["in_effect"]),
                "secretariat_name": row["secretariat"],
                "secretariat": secretariats.get(row["code"]),
                "taxa": row["taxa"],
                "confidence": row["confidence"],
                "source": INSTRUMENTS_SOURCE,
            }
            instruments[row["code"]] = upsert(
                report, Instrument, {"code": _instrument_code(row["code"])}, values
            )
    return instruments


def load_memberships(
    report: Report, parties: dict[str, Party], instruments: dict[str, Instrument]
) -> None:
    convention = instruments["CMS"]
    for each in parties.values():
        upsert(
            report,
            Membership,
            {"party": each, "instrument": convention, "end": None},
            {
                "kind": MembershipKind.PARTY,
                "start": each.entry_into_force,
                "source": each.source,
                "note": "" if each.entry_into_force else "date of entry into force not known",
            },
        )
    by_name = {name: parties[code] for name, code in Party.objects.values_list("name_en", "code")}
    by_code = {instrument.code: instrument for instrument in instruments.values()}
    members = json.loads((REFERENCE_DIR / "agreement_members.json").read_text(encoding="utf-8"))
    for key, code in COMPLETE_AGREEMENT_LISTS.items():
        agreement = members["agreements"][key]
        instrument = by_code[code]
        for entry in agreement["parties_as_given"]:
            name = entry if isinstance(entry, str) else entry["country"]
            party = by_name.get(name) or parties.get(NAME_ALIASES.get(name, ""))
            if party is None:
                report.skipped.append(
                    f"{instrument.code}: '{name}' is not a CMS Party in cms_parties.csv"
                )
                continue
            detail = (
                ""
                if isinstance(entry, str)
                else "; ".join(f"{k}: {v}" for k, v in entry.items() if k != "country" and v)
            )
            upsert(
                report,
                Membership,
                {"party": party, "instrument": instrument, "end": None},
                {
                    "kind": MembershipKind.PARTY,
                    "start": None,
                    "source": agreement["url"],
                    "note": "; ".join(
                        filter(None, [f"list as of {agreement.get('as_of', 'undated')}", detail])
                    ),
                },
            )


@transaction.atomic
def load_reference_data() -> Report:
    report = Report()
    regions = load_regions(report)
    parties = load_parties(report, regions)
    load_organisations(report)
    instruments = load_instruments(report)
    load_memberships(report, parties, instruments)
    return report
