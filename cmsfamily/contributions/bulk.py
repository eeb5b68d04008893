"""Bulk upload of a year of contributions from an XLSX workbook: validated cell by cell, all or
nothing. A row that repeats another row, or an entry already in the ledger, is reported and
skipped, so that nothing is counted twice.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cmsfamily.contributions import services
from cmsfamily.contributions.choices import Kind, Status
from cmsfamily.contributions.models import Contribution
from cmsfamily.core import spreadsheets, uploads
from cmsfamily.core.numbers import read_number
from cmsfamily.directory.models import Instrument

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50  # the template's 13 and room for notes beside them
LIMITS = uploads.WorkbookLimits(
    max_bytes=MAX_BYTES,
    max_unpacked_bytes=4 * MAX_BYTES,
    # 5,000 rows of text: a description of 500 characters each takes 2.5 MB
    max_shared_strings=4 * 1024 * 1024,
    max_sheets=20,
)
SHEET = "Contributions"
# (column header, field, kind of value)
COLUMNS = [
    ("kind", "kind", "choice"),
    ("description", "description", "text"),
    ("start", "start", "date"),
    ("end", "end", "date"),
    ("amount", "amount", "decimal"),
    ("currency", "currency", "text"),
    ("days", "days", "decimal"),
    ("people", "people", "integer"),
    ("meetings", "meetings", "integer"),
    ("status", "status", "choice"),
    ("instrument", "instrument", "instrument"),
    ("evidence_url", "evidence_url", "text"),
    ("publish", "publish", "boolean"),
]
REQUIRED = {"kind", "description", "start", "status"}


@dataclass
class Problem:
    row: int
    column: str
    message: str

    @property
    def cell(self) -> str:
        if not self.column:
            return f"{SHEET}!{self.row}"
        index = [header for header, _f, _k in COLUMNS].index(self.column) + 1
        return f"{SHEET}!{get_column_letter(index)}{self.row}"


@dataclass
class Upload:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, values)
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)  # reported and skipped

    @property
    def ok(self) -> bool:
        return not self.problems


def template(organisation) -> bytes:
    """A blank workbook with the columns, drop-down lists and an instructions sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    spreadsheets.append(sheet, [header for header, _f, _k in COLUMNS])
    sheet.freeze_panes = "A2"
    for column, (header, _f, kind) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = (
            40 if header == "description" else 14
        )
        letter = get_column_letter(column)
        if header in ("kind", "status"):
            values = Kind.values if header == "kind" else Status.values
            rule = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=False)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)
        elif kind == "date":
            rule = DataValidation(type="date", operator="greaterThan", formula1="1900-01-01")
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)
    notes = book.create_sheet("Instructions")
    for line in (
        _("Contributions of %(organisation)s: one row per contribution.")
        % {"organisation": organisation},
        _(
            "money and in_kind: amount and currency (ISO code). staff_time and hosting: days (person-days)."
        ),
        _("meeting_attendance: people, meetings and days (per meeting)."),
        _("Dates as dates (YYYY-MM-DD). Nothing is imported unless every row is valid."),
    ):
        spreadsheets.append(notes, [line])
    return spreadsheets.workbook_bytes(book)


def _refuse(message: str) -> Upload:
    return Upload(problems=[Problem(0, "", message)])


def _number(raw, whole: bool, language: str):
    """A number cell as it is; a text cell in the uploader's language, refusing "1,234" and
    "1.234", which mean different numbers in different languages."""
    try:
        value = read_number(
            str(raw) if isinstance(raw, bool) else raw, language, whole=whole, ambiguous=False
        )
    except ValidationError as error:
        if error.code == "ambiguous":
            return None, error.messages[0]
        value = None
    if value is None or (whole and value != value.to_integral_value()):
        if whole:
            return None, _("“%(value)s” is not a whole number.") % {"value": raw}
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    if value < 0:
        return None, _("A negative number is not allowed here.")
    return (int(value) if whole else value), ""


def _cell_value(raw, kind: str, language: str = "en"):
    """(value, error message or '')."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if kind in ("text", "choice"):
        return str(raw).strip(), ""
    if kind == "date":
        if isinstance(raw, datetime):
            return raw.date(), ""
        if isinstance(raw, date):
            return raw, ""
        try:
            return date.fromisoformat(str(raw).strip()), ""
        except ValueError:
            return None, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw}
    if kind in ("decimal", "integer"):
        return _number(raw, kind == "integer", language)
    if kind == "boolean":
        text = str(raw).strip().lower()
        if text in ("true", "yes", "1", "oui", "sí", "si"):
            return True, ""
        if text in ("false", "no", "0", "non"):
            return False, ""
        return None, _("Write yes or no.")
    if kind == "instrument":
        instrument = Instrument.objects.filter(code=str(raw).strip().lower()).first()
        if instrument is None:
            return None, _("No instrument has the code “%(value)s”.") % {"value": raw}
        return instrument, ""
    raise AssertionError(kind)


def read(upload_file, *, organisation, language: str = "en") -> Upload:
    """Read and validate every cell and row; write nothing. Numbers typed as text are read in
    ``language``, the uploader's."""
    try:
        book = uploads.open_workbook(upload_file, LIMITS, name=upload_file.name or "")
    except uploads.UploadRefused as refused:
        return _refuse(" ".join(refused.messages))
    try:
        return _read(book, organisation, language)
    except uploads.READ_ERRORS:
        return _refuse(uploads.damaged())
    finally:
        book.close()


def _read(book, organisation, language: str) -> Upload:
    if SHEET not in book.sheetnames:
        return _refuse(_("The workbook has no sheet named “%(sheet)s”.") % {"sheet": SHEET})
    # As wide as a row may usefully be: a cell in column XFD costs no more than a real one.
    rows = book[SHEET].iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    expected = [name for name, _f, _k in COLUMNS]
    missing = [name for name in expected if name not in header]
    if missing:
        return _refuse(
            _("Columns missing from row 1: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    position = {name: header.index(name) for name in expected}
    result = Upload()
    seen: dict[str, int] = {}
    for number, raw_row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            return _refuse(_("More than %(limit)s rows; split the file.") % {"limit": MAX_ROWS})
        if all(cell is None or str(cell).strip() == "" for cell in raw_row):
            continue
        values, row_ok = {"contributor_organisation": organisation}, True
        for name, field_name, kind in COLUMNS:
            index = position[name]
            raw = raw_row[index] if index < len(raw_row) else None
            value, error = _cell_value(raw, kind, language)
            if not error and value is None and name in REQUIRED:
                error = _("This cell is required.")
            if not error and kind == "choice":
                choices = Kind.values if name == "kind" else Status.values
                if value not in choices:
                    error = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
            if error:
                result.problems.append(Problem(number, name, error))
                row_ok = False
            elif value is not None:
                values[field_name] = value
        if not row_ok:
            continue
        values.setdefault("currency", "")
        values.setdefault("evidence_url", "")
        values.setdefault("publish", False)
        try:
            services.validate_values(values)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in expected else ""
                for message in messages:
                    result.problems.append(Problem(number, column, message))
            continue
        key = services.fingerprint(values)
        if key in seen:
            result.duplicates.append(
                Problem(
                    number,
                    "",
                    _("The same contribution as row %(row)s: skipped.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        existing = Contribution.objects.filter(fingerprint=key).current().first()
        if existing is not None:
            result.duplicates.append(
                Problem(
                    number,
                    "",
                    _("Already in the ledger (entry %(id)s): skipped.") % {"id": existing.pk},
                )
            )
            continue
        result.rows.append((number, values))
    return result


@transaction.atomic
def save(upload: Upload, *, by) -> list[Contribution]:
    """Log every valid row in one transaction; refuses an upload with problems."""
    if not upload.ok:
        raise ValidationError(_("The workbook has errors; nothing was imported."))
    return [services.log_contribution(by=by, **values) for _number, values in upload.rows]
