"""What the writer and the reader of the offline workbook share: the names of its sheets, how an
answer becomes a cell and a cell an answer, the fingerprints of cells, the data validation an
answer cell carries, and the very hidden ``_meta`` sheet that identifies a download."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation

from cmsfamily.core import uploads
from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.text import plain_text
from cmsfamily.reporting.answers import Pickers, load_names
from cmsfamily.reporting.choices import NUMBER_KINDS, PICKER_KINDS, QuestionKind, YesNo
from cmsfamily.reporting.exports import reporter_code
from cmsfamily.reporting.models import Submission

FORMAT = "cmsfamily-report-workbook/1"
META = "_meta"
LISTS = "_lists"
ABOUT = "About"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 50_000  # per sheet: a table of 500 rows for each of 50 species, and room to spare

# The file as a whole cannot be read: not a workbook, too large, macros, another report.
WorkbookRefused = uploads.UploadRefused


def refuse(message: str) -> WorkbookRefused:
    return WorkbookRefused(message, code="refused")


# --- cell values ---------------------------------------------------------------------------------


def norm(value: Any) -> str:
    """A cell's content as text, the same whether it was just written or read back from a file
    that Excel or LibreOffice saved (numbers may come back as floats, dates as datetimes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def fingerprint(cells: Iterable[Any]) -> str:
    canonical = json.dumps([norm(cell) for cell in cells], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def table_content(rows: list[list]) -> str:
    """A table's rows as the one text its fingerprint is taken of."""
    return json.dumps([[norm(cell) for cell in row] for row in rows])


def _number_cell(value: Any):
    """A stored number as an Excel number when a float holds it exactly, else as text."""
    number = Decimal(str(value))
    if number == number.to_integral_value() and abs(number) < 10**15:
        return int(number)
    as_float = float(number)
    if Decimal(repr(as_float)) == number:
        return as_float
    return format(number, "f")


def html_to_text(value: str) -> str:
    """Long-text answers (sanitised HTML) as the plain text a cell holds."""
    text = re.sub(r"<br\s*/?>", "\n", value)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    text = re.sub(r"</li>\s*", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).strip()


class Labels:
    """The names of options, yes/no and picked objects, to write cells and to read them back in
    any of the three languages."""

    def __init__(self, language: str):
        self.language = language
        self.names = Pickers()
        self._yes_no_out = {}
        self._yes_no_in: dict[str, str] = {}
        for code in LANGUAGES:
            with translation.override(code):
                for value, label in YesNo.choices:
                    self._yes_no_in[str(label).casefold()] = value
                    if code == language:
                        self._yes_no_out[value] = str(label)
        for value in YesNo.values:
            self._yes_no_in[value] = value
        self._picker_in: dict[str, dict[str, Any]] = {}

    def yes_no(self) -> list[str]:
        return [self._yes_no_out[value] for value in YesNo.values]

    def yes_no_label(self, value: str) -> str:
        return self._yes_no_out.get(value, value)

    def read_yes_no(self, text: str) -> str:
        return self._yes_no_in.get(text.strip().casefold(), text)

    def option_label(self, option) -> str:
        label = getattr(option, f"label_{self.language}", None) or option.label_en or option.value
        return plain_text(label)

    @staticmethod
    def read_option(options: list, text: str) -> str:
        wanted = text.strip().casefold()
        for option in options:
            names = [option.value] + [
                plain_text(getattr(option, f"label_{code}", "") or "") for code in LANGUAGES
            ]
            if any(name and name.strip().casefold() == wanted for name in names):
                return option.value
        return text.strip()

    def picker_choices(self, kind: str) -> list[str]:
        return sorted({str(name) for name in self.names.names(kind).values()})

    def picker_label(self, kind: str, key) -> str:
        return self.names.name(kind, key)

    def read_picker(self, kind: str, text: str):
        """A picked object by its name in any of the three languages, or by its code."""
        if kind not in self._picker_in:
            table: dict[str, Any] = {}
            for code in (self.language, *LANGUAGES):
                with translation.override(code):
                    for key, name in load_names(kind).items():
                        table.setdefault(str(name).strip().casefold(), key)
                        table.setdefault(str(key).casefold(), key)
            self._picker_in[kind] = table
        return self._picker_in[kind].get(text.strip().casefold(), text.strip())


def cell_value(question, value: Any, labels: Labels):
    """What the cell of an answer holds (tables have their own sheet, files stay online)."""
    kind = question.kind
    if value is None or kind == QuestionKind.TABLE:
        return None
    if kind == QuestionKind.LONG_TEXT:
        return html_to_text(value)
    if kind == QuestionKind.YES_NO:
        return labels.yes_no_label(value)
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        by_value = {option.value: option for option in question.options.all()}
        values = value if isinstance(value, list) else [value]
        return "; ".join(
            labels.option_label(by_value[v]) if v in by_value else str(v) for v in values
        )
    if kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.PERCENTAGE):
        return _number_cell(value)
    if kind == QuestionKind.YEAR:
        return int(value)
    if kind == QuestionKind.DATE:
        return dt.date.fromisoformat(value)
    if kind == QuestionKind.FILE:
        return value.get("name", "")
    if kind in PICKER_KINDS:
        values = value if isinstance(value, list) else [value]
        return "; ".join(labels.picker_label(kind, v) for v in values)
    return value


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def raw_value(question, cell: Any, labels: Labels, options: list):
    """What a cell read back means, before ``answers.clean`` checks it."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    kind = question.kind
    if kind in NUMBER_KINDS or kind == QuestionKind.YEAR:
        return _number_read(cell)
    if kind == QuestionKind.DATE:
        if isinstance(cell, dt.datetime):
            return cell.date()
        return cell if isinstance(cell, dt.date) else norm(cell)
    text = norm(cell)
    if kind == QuestionKind.LONG_TEXT:
        return linebreaks(text, autoescape=True)  # a cell holds plain text, never markup
    if kind == QuestionKind.YES_NO:
        return labels.read_yes_no(text)
    if kind == QuestionKind.SINGLE_CHOICE:
        return labels.read_option(options, text)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return [labels.read_option(options, part) for part in _split(text)]
    if kind in PICKER_KINDS:
        picked = [labels.read_picker(kind, part) for part in _split(text)]
        return picked if question.allow_many or len(picked) > 1 else picked[0]
    return text


def _number_read(cell: Any):
    """A number cell as a number (a float by the digits it shows, never as text that a
    language could read otherwise: 1.234 is not 1234); text is read later, in the workbook's
    language."""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        return Decimal(repr(cell))
    if isinstance(cell, dt.date):
        return cell.isoformat()  # refused by clean as "enter a number"
    return cell


def table_cell(column: dict, value: Any, labels: Labels):
    if value is None:
        return None
    kind = column.get("kind", QuestionKind.SHORT_TEXT)
    if kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL):
        return _number_cell(value)
    if kind == QuestionKind.DATE:
        return dt.date.fromisoformat(value)
    if kind == QuestionKind.YES_NO:
        return labels.yes_no_label(value)
    return value


def read_table_cell(column: dict, cell: Any, labels: Labels):
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    kind = column.get("kind", QuestionKind.SHORT_TEXT)
    if kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL):
        return _number_read(cell)
    if kind == QuestionKind.DATE:
        if isinstance(cell, dt.datetime):
            return cell.date()
        return cell if isinstance(cell, dt.date) else norm(cell)
    if kind == QuestionKind.YES_NO:
        return labels.read_yes_no(norm(cell))
    return norm(cell)


# --- what an answer cell accepts (Excel's data validation) ---------------------------------------


def bounds_rule(rule_type: str, low, high, message: str) -> DataValidation:
    if low is not None and high is not None:
        rule = DataValidation(
            type=rule_type, operator="between", formula1=str(low), formula2=str(high)
        )
    elif low is not None:
        rule = DataValidation(type=rule_type, operator="greaterThanOrEqual", formula1=str(low))
    elif high is not None:
        rule = DataValidation(type=rule_type, operator="lessThanOrEqual", formula1=str(high))
    else:
        rule = DataValidation(
            type=rule_type, operator="between", formula1="-1E+15", formula2="1E+15"
        )
    rule.error = message
    rule.allow_blank = True
    return rule


def list_rule(source: str) -> DataValidation:
    rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
    rule.error = _("Choose one of the options offered.")
    return rule


def date_rule() -> DataValidation:
    rule = DataValidation(
        type="date", operator="between", formula1="1", formula2="73051", allow_blank=True
    )
    rule.error = _("Enter a date as YYYY-MM-DD, e.g. 2024-04-17.")
    return rule


def length_rule(limit: int) -> DataValidation:
    rule = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True
    )
    rule.error = _("Use at most %(limit)s characters.") % {"limit": limit}
    return rule


# --- the _meta sheet ------------------------------------------------------------------------------


def reporter_of(submission: Submission) -> tuple[str, str]:
    return reporter_code(submission), str(submission.reporter)


def meta_rows(
    *, source_kind: str, version, submission, reporter: str, language: str, fingerprints
) -> list[tuple]:
    """The rows of the very hidden ``_meta`` sheet: what the workbook is, then a row per answer
    (``a``, code, loop key, revision, fingerprint)."""
    rows: list[tuple] = [
        ("format", FORMAT),
        ("kind", source_kind),
        ("version", version.pk),
        ("template", version.template.slug),
        ("template_version", version.number),
        ("submission", submission or ""),
        ("reporter", reporter),
        ("language", language),
        ("downloaded", timezone.now().isoformat()),
    ]
    return rows + [
        ("a", code, key, revision, print_) for code, key, revision, print_ in fingerprints
    ]


def sheet_rows(sheet, max_col: int | None = None):
    """The rows of a sheet, at most MAX_ROWS and as wide as the template's widest sheet: a sheet
    that claims a million rows or a cell in column XFD costs no more than a real one."""
    rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS, max_col=max_col)
    yield from enumerate(rows, start=1)


@dataclass
class Meta:
    values: dict[str, Any]
    prints: dict[tuple[str, str], tuple[int, str]]


def read_meta(book) -> Meta:
    if META not in book.sheetnames:
        raise refuse(
            _(
                "This workbook was not downloaded from this platform (its hidden identification "
                "sheet is missing). Download the report's workbook and fill that one in."
            )
        )
    values: dict[str, Any] = {}
    prints: dict[tuple[str, str], tuple[int, str]] = {}
    for _number, row in sheet_rows(book[META]):
        if not row or row[0] is None:
            continue
        if row[0] == "a" and len(row) >= 5:
            revision = int(row[3]) if isinstance(row[3], (int, float)) else 0
            prints[(str(row[1]), "" if row[2] is None else str(row[2]))] = (revision, str(row[4]))
        elif len(row) >= 2:
            values[str(row[0])] = row[1]
    if values.get("format") != FORMAT:
        raise refuse(_("This workbook's identification sheet is damaged. Download it again."))
    return Meta(values, prints)
