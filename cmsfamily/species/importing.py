"""Reading a species table: a CSV file in the columns of data/species/cms_appendix_species.csv.

`read` checks every row and value and says what is wrong, by line and column, in the user's
language; `plan` works out what a valid table would change in the database (a constant number of
queries, whatever the number of rows). Neither writes: services.import_species does, in one
transaction, after the same two steps.

A row is the whole truth about its taxon: its listings and range states become those of the
row (the preview shows what goes). Taxa that are not in the file are left as they are.
"""

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.core import spreadsheets
from cmsfamily.directory.models import Party
from cmsfamily.species.choices import Appendix, Group, Rank, TaxonRank
from cmsfamily.species.countries import is_iso_code
from cmsfamily.species.models import Listing, RangeState, Taxon

MAX_BYTES = 2 * 1024 * 1024  # the shipped table of 344 taxa is 135 KB
MAX_ROWS = 5000
MAX_PROBLEMS = 200
# Range states or listing dates of one taxon: ISO 3166 has 249 country codes. Each wrong value
# is a problem: a column of 60,000 of them was a million problems in a 2 MB file.
MAX_VALUES = 300
# Species+ dates the listings of the Convention's original Appendices 1979-01-01.
EARLIEST_LISTING = date(1979, 1, 1)

COLUMNS = (
    "scientific_name",
    "rank",
    "taxonomic_group",
    "appendix",
    "listed",
    "common_name_en",
    "range_states",
    "source",
    "as_of",
    "class_",
    "family",
    "taxon_rank",
    "notes",
)
# Columns copied to a field of Taxon as they are (appendix, listed and range_states are parsed).
TAXON_COLUMNS = {
    "scientific_name": "scientific_name",
    "rank": "rank",
    "taxonomic_group": "group",
    "common_name_en": "common_name_en",
    "source": "source",
    "as_of": "as_of",
    "class_": "class_name",
    "family": "family",
    "taxon_rank": "taxon_rank",
    "notes": "notes",
}
REQUIRED = ("scientific_name", "rank", "taxonomic_group", "appendix")
CHOICES = {"rank": Rank, "taxonomic_group": Group, "taxon_rank": TaxonRank}
APPENDIX_COLUMN = {"I": ("I",), "II": ("II",), "I/II": ("I", "II")}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A note about one Appendix, as Species+ writes them: "II: Only Baltic Sea populations" or
# "I North Atlantic." Other notes ("listed under: ...", "2013 SAPI legacy: ...") are not.
ANNOTATION = re.compile(r"(I|II)(?::\s*|\s+)(\S.*)", re.DOTALL)


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class ListingRow:
    appendix: str
    listed_on: date | None
    annotation: str

    @property
    def key(self) -> tuple:
        return (self.appendix, self.listed_on)


@dataclass
class TaxonRow:
    line: int
    values: dict[str, str]  # field of Taxon -> value
    listings: list[ListingRow]
    range_states: list[str]

    @property
    def scientific_name(self) -> str:
        return self.values["scientific_name"]

    @property
    def source(self) -> str:
        return self.values["source"]


@dataclass
class Table:
    rows: list[TaxonRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@cache
def _taxon_fields() -> dict:
    """The fields a column fills (common_name_en exists once modeltranslation has run)."""
    names = set(TAXON_COLUMNS.values())
    return {field.name: field for field in Taxon._meta.fields if field.name in names}


def _refused(message: str, line: int = 0) -> Table:
    return Table(problems=[Problem(line, "", message)])


def read_upload(upload) -> tuple[Table, bytes]:
    """An uploaded file: its size is checked before it is read into memory."""
    if upload.size > MAX_BYTES:
        return _too_large(), b""
    content = upload.read()
    return read(content), content


def _too_large() -> Table:
    return _refused(
        _("The file is larger than the limit of %(limit)s MB; split it.")
        % {"limit": MAX_BYTES // 1024 // 1024}
    )


def read(content: bytes) -> Table:
    """Check the whole table; the rows are returned only with no problem at all."""
    if len(content) > MAX_BYTES:
        return _too_large()
    if content.startswith(b"PK\x03\x04") or b"\x00" in content[:4096]:
        return _refused(
            _(
                "This is not a CSV file (an Excel workbook?). Save the table as "
                "“CSV UTF-8 (comma delimited)” and upload that."
            )
        )
    try:
        content.decode("utf-8-sig")  # whole, to say on which line it fails; then let go
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        return _refused(
            _(
                "The file is not UTF-8 text: line %(line)s has a character in another encoding. "
                "Save the table as “CSV UTF-8”."
            )
            % {"line": line},
            line=line,
        )
    # Decoded as it is read: a StringIO of the text would hold it at 4 bytes a character.
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return _refused(_("The file is empty."))
        names = [name.strip() for name in header]
        problems = _header_problems(names)
        if problems:
            return Table(problems=problems)
        return _rows(reader, names)
    except csv.Error as error:
        return _refused(
            _("Line %(line)s cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error},
            line=reader.line_num,
        )


def _header_problems(names: list[str]) -> list[Problem]:
    problems = []
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        message = _("Columns missing from the first line: %(columns)s.") % {
            "columns": ", ".join(missing)
        }
        if len(names) == 1 and ";" in names[0]:
            message += " " + _("The values are separated by semicolons; separate them by commas.")
        problems.append(Problem(1, "", message))
    unknown = [name for name in names if name not in COLUMNS]
    if unknown and not (len(names) == 1 and missing):
        problems.append(
            Problem(
                1,
                "",
                _("Columns the species table does not have: %(columns)s.")
                % {"columns": ", ".join(name or "“”" for name in unknown)},
            )
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(
            Problem(
                1,
                "",
                _("Columns named twice: %(columns)s.") % {"columns": ", ".join(repeated)},
            )
        )
    return problems


def _rows(reader, names: list[str]) -> Table:
    table = Table()
    seen: dict[str, int] = {}
    count = 0
    hidden = 0  # problems counted, not kept: a 2 MB file can hold a million of them
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not any(value.strip() for value in record):
            continue
        count += 1
        if count > MAX_ROWS:
            return _refused(
                _("The table has more than %(limit)s rows; split it.") % {"limit": MAX_ROWS}
            )
        if len(record) != len(names):
            table.problems.append(
                Problem(
                    line,
                    "",
                    _(
                        "This line has %(count)s values where the first line names %(expected)s "
                        "columns (a value with a comma must be in double quotes)."
                    )
                    % {"count": len(record), "expected": len(names)},
                )
            )
            continue
        raw = {
            name: spreadsheets.csv_unquote(value).strip()
            for name, value in zip(names, record, strict=True)
        }
        row, problems, more = _row(line, raw)
        hidden += more
        key = raw["scientific_name"].casefold()
        if key in seen:
            problems.append(
                Problem(
                    line,
                    "scientific_name",
                    _("“%(name)s” is already on line %(line)s: a taxon has one row.")
                    % {"name": raw["scientific_name"], "line": seen[key]},
                )
            )
        elif key:
            seen[key] = line
        room = max(MAX_PROBLEMS - len(table.problems), 0)
        table.problems.extend(problems[:room])
        hidden += len(problems) - len(problems[:room])
        if row is not None and not problems:
            table.rows.append(row)
    if not table.problems and not table.rows:
        return _refused(_("The file has no rows below the column names."))
    hidden += max(len(table.problems) - MAX_PROBLEMS, 0)
    if hidden:
        del table.problems[MAX_PROBLEMS:]
        table.problems.append(
            Problem(0, "", _("… and %(count)s more problems.") % {"count": hidden})
        )
    if table.problems:
        table.rows = []
    return table


def _row(line: int, raw: dict[str, str]) -> tuple[TaxonRow | None, list[Problem], int]:
    """The row, its problems (at most MAX_PROBLEMS) and how many more it has."""
    problems: list[Problem] = []
    more = 0

    def problem(column: str, message: str) -> None:
        nonlocal more
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(line, column, message))
        else:
            more += 1

    for column in REQUIRED:
        if not raw[column]:
            problem(column, _("A value is needed here."))
    for column, choices in CHOICES.items():
        value = raw[column]
        if value and value not in choices.values:
            problem(
                column,
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(choices.values)},
            )
    for column, field_name in TAXON_COLUMNS.items():
        limit = _taxon_fields()[field_name].max_length
        if limit and len(raw[column]) > limit:
            problem(
                column,
                _("%(count)s characters; at most %(limit)s fit.")
                % {"count": len(raw[column]), "limit": limit},
            )
    appendices = APPENDIX_COLUMN.get(raw["appendix"])
    if raw["appendix"] and appendices is None:
        problem(
            "appendix",
            _("“%(value)s” is not a CMS Appendix: write I, II or I/II.")
            % {"value": raw["appendix"]},
        )
    for column in ("listed", "range_states"):
        count = len(re.findall(r"[^;,]+", raw[column]))
        if count > MAX_VALUES:
            problem(
                column,
                _("%(count)s values; at most %(limit)s fit in this column.")
                % {"count": count, "limit": MAX_VALUES},
            )
            raw = {**raw, column: ""}
    dates = _listed(raw["listed"], appendices or (), problem)
    range_states = _range_states(raw["range_states"], problem)
    if problems or appendices is None:
        return None, problems, more
    annotations = _annotations(raw["notes"])
    undated: list[date | None] = [None]
    listings = [
        ListingRow(appendix, day, annotations.get(appendix, ""))
        for appendix in appendices
        for day in (dates.get(appendix) or undated)
    ]
    values = {field_name: raw[column] for column, field_name in TAXON_COLUMNS.items()}
    return TaxonRow(line, values, listings, range_states), [], 0


def _listed(raw: str, appendices: tuple[str, ...], problem) -> dict[str, list[date]]:
    """'I: 1979-01-01; II: 1994-01-01, 2000-02-14' -> {'I': [...], 'II': [...]}."""
    dates: dict[str, list[date]] = {}
    today = timezone.localdate()
    for part in (part.strip() for part in raw.split(";")):
        if not part:
            continue
        appendix, colon, rest = part.partition(":")
        appendix = appendix.strip()
        if not colon:
            problem(
                "listed",
                _("“%(part)s” is not “Appendix: date”, e.g. “II: 1979-01-01”.") % {"part": part},
            )
            continue
        if appendix not in Appendix.values:
            problem(
                "listed",
                _("“%(value)s” is not a CMS Appendix: write I or II before the colon.")
                % {"value": appendix},
            )
            continue
        if appendices and appendix not in appendices:
            problem(
                "listed",
                _("Appendix %(appendix)s has a date here but is not in the appendix column.")
                % {"appendix": appendix},
            )
        days = dates.setdefault(appendix, [])
        texts = [text.strip() for text in rest.split(",")]
        if not any(texts):
            problem("listed", _("No date after “%(appendix)s:”.") % {"appendix": appendix})
        for text in filter(None, texts):
            day = _date(text)
            if day is None:
                problem("listed", _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text})
            elif day > today:
                problem("listed", _("%(date)s is in the future.") % {"date": text})
            elif day < EARLIEST_LISTING:
                problem(
                    "listed",
                    _("%(date)s is before the Convention's first Appendices (1979).")
                    % {"date": text},
                )
            elif day in days:
                problem(
                    "listed",
                    _("%(date)s is given twice for Appendix %(appendix)s.")
                    % {"date": text, "appendix": appendix},
                )
            else:
                days.append(day)
    return dates


def _date(text: str) -> date | None:
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _range_states(raw: str, problem) -> list[str]:
    codes: list[str] = []
    for code in (code.strip() for code in raw.split(";")):
        if not code:
            continue
        if not is_iso_code(code):
            problem(
                "range_states",
                _(
                    "“%(code)s” is not an ISO 3166 alpha-2 country code "
                    "(two capital letters, e.g. KE); separate codes with “;”."
                )
                % {"code": code},
            )
        elif code in codes:
            problem("range_states", _("%(code)s is given twice.") % {"code": code})
        else:
            codes.append(code)
    return codes


def _annotations(notes: str) -> dict[str, str]:
    """The notes about each Appendix, e.g. {'II': 'Only Baltic Sea populations'}."""
    found: dict[str, list[str]] = defaultdict(list)
    for segment in notes.split(" | "):
        match = ANNOTATION.fullmatch(segment.strip())
        if match:
            found[match[1]].append(match[2].strip())
    return {appendix: " | ".join(texts) for appendix, texts in found.items()}


# -- what a valid table changes ------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One row of the table against the database."""

    row: TaxonRow
    taxon: Taxon | None
    changes: list[Change] = field(default_factory=list)
    listings_added: list[ListingRow] = field(default_factory=list)
    listings_removed: list[Listing] = field(default_factory=list)
    listings_updated: list[tuple[Listing, ListingRow]] = field(default_factory=list)
    range_states_added: list[str] = field(default_factory=list)
    range_states_removed: list[RangeState] = field(default_factory=list)
    # (range state, the Party it is now linked to or None, new source)
    range_states_updated: list[tuple[RangeState, Party | None, str]] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.taxon is None

    @property
    def has_changes(self) -> bool:
        return self.is_new or bool(
            self.changes
            or self.listings_added
            or self.listings_removed
            or self.listings_updated
            or self.range_states_added
            or self.range_states_removed
            or self.range_states_updated
        )

    def summary(self) -> list:
        """What the fingerprint of a plan is made of: every value the import would write."""
        return [
            self.row.scientific_name,
            self.taxon.pk if self.taxon else None,
            [[change.field, change.old, change.new] for change in self.changes],
            [[each.appendix, str(each.listed_on), each.annotation] for each in self.listings_added],
            sorted(listing.pk for listing in self.listings_removed),
            [[listing.pk, wanted.annotation] for listing, wanted in self.listings_updated],
            self.range_states_added,
            sorted(state.pk for state in self.range_states_removed),
            [
                [state.pk, party.pk if party else None]
                for state, party, _s in self.range_states_updated
            ],
            self.row.source,
        ]


@dataclass
class Plan:
    entries: list[Entry]
    taxa_not_in_file: int
    parties: dict[str, Party]

    @property
    def new(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.is_new]

    @property
    def changed(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.is_new and entry.has_changes]

    @property
    def unchanged(self) -> int:
        return sum(1 for entry in self.entries if not entry.has_changes)

    @property
    def has_changes(self) -> bool:
        return any(entry.has_changes for entry in self.entries)

    def counts(self) -> dict[str, int]:
        def total(attribute: str) -> int:
            return sum(len(getattr(entry, attribute)) for entry in self.entries)

        return {
            "taxa_in_file": len(self.entries),
            "new_taxa": len(self.new),
            "changed_taxa": len(self.changed),
            "unchanged_taxa": self.unchanged,
            "taxa_not_in_file": self.taxa_not_in_file,
            "listings_added": total("listings_added"),
            "listings_removed": total("listings_removed"),
            "listings_updated": total("listings_updated"),
            "range_states_added": total("range_states_added"),
            "range_states_removed": total("range_states_removed"),
            "range_states_updated": total("range_states_updated"),
        }

    @property
    def fingerprint(self) -> str:
        """Changes whenever what the import would write changes (e.g. another import in between)."""
        summary = [entry.summary() for entry in self.entries if entry.has_changes]
        text = json.dumps([summary, self.taxa_not_in_file], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def plan(rows: list[TaxonRow]) -> Plan:
    """What importing these (valid) rows would change: four queries, whatever their number."""
    taxa = {taxon.scientific_name: taxon for taxon in Taxon.objects.all()}
    listings: dict[int, dict[tuple, Listing]] = defaultdict(dict)
    for listing in Listing.objects.all():
        listings[listing.taxon_id][(listing.appendix, listing.listed_on)] = listing
    states: dict[int, dict[str, RangeState]] = defaultdict(dict)
    for state in RangeState.objects.all():
        states[state.taxon_id][state.country_code] = state
    parties = {party.code: party for party in Party.objects.all()}
    labels = {name: str(model_field.verbose_name) for name, model_field in _taxon_fields().items()}
    labels["common_name_en"] = _("English common names")  # not modeltranslation's "[en]" label
    entries = []
    for row in rows:
        taxon = taxa.get(row.scientific_name)
        entry = Entry(row=row, taxon=taxon)
        entries.append(entry)
        if taxon is None:
            entry.listings_added = list(row.listings)
            entry.range_states_added = list(row.range_states)
            continue
        for name, value in row.values.items():
            old = getattr(taxon, name) or ""
            if old != value:
                entry.changes.append(Change(name, labels[name], old, value))
        _compare_listings(entry, listings[taxon.pk])
        _compare_range_states(entry, states[taxon.pk], parties)
    named = {row.scientific_name for row in rows}
    return Plan(
        entries=entries,
        taxa_not_in_file=sum(1 for name in taxa if name not in named),
        parties=parties,
    )


def _compare_listings(entry: Entry, current: dict[tuple, Listing]) -> None:
    wanted = {listing.key: listing for listing in entry.row.listings}
    for key, listing in wanted.items():
        existing = current.get(key)
        if existing is None:
            entry.listings_added.append(listing)
        elif (existing.annotation, existing.source) != (listing.annotation, entry.row.source):
            entry.listings_updated.append((existing, listing))
    entry.listings_removed = [listing for key, listing in current.items() if key not in wanted]


def _compare_range_states(
    entry: Entry, current: dict[str, RangeState], parties: dict[str, Party]
) -> None:
    source = entry.row.source
    for code in entry.row.range_states:
        existing = current.get(code)
        party = parties.get(code)
        if existing is None:
            entry.range_states_added.append(code)
        elif existing.party_id != (party.pk if party else None) or existing.source != source:
            entry.range_states_updated.append((existing, party, source))
    wanted = set(entry.row.range_states)
    entry.range_states_removed = [
        state for code, state in sorted(current.items()) if code not in wanted
    ]


# -- the table in the import's columns -----------------------------------------------------------


def write(taxa) -> str:
    """The species table as CSV in the import's columns: what an import of it would read back.

    `taxa` must come with their listings and range states prefetched."""
    buffer = io.StringIO()
    writer = spreadsheets.csv_writer(buffer)
    writer.writerow(COLUMNS)
    for taxon in taxa:
        listings = list(taxon.listings.all())
        appendices = sorted({listing.appendix for listing in listings})
        dated: dict[str, list[str]] = defaultdict(list)
        for listing in sorted(
            listings, key=lambda each: (each.appendix, each.listed_on or date.min)
        ):
            if listing.listed_on:
                dated[listing.appendix].append(listing.listed_on.isoformat())
        values = {column: getattr(taxon, name) or "" for column, name in TAXON_COLUMNS.items()}
        values["appendix"] = "/".join(appendices)
        values["listed"] = "; ".join(
            f"{appendix}: {', '.join(days)}" for appendix, days in sorted(dated.items())
        )
        values["range_states"] = ";".join(state.country_code for state in taxon.range_states.all())
        writer.writerow([values[column] for column in COLUMNS])
    return buffer.getvalue()
