"""The offline workbook: a report as an Excel file a person can fill in, and back.

Layout. A visible "About" sheet says what the file is and how to fill it in. Each section with
questions has its own sheet: one row per question (a repeated section has one row per loop item
and one column per question instead). Tables have their own sheet, a row per table row. Question
texts are in the user's language; only the answer cells are unlocked (and tinted), choices are
drop-down lists, numbers, years and dates carry Excel data validation.

Identifiers. Every sheet has a hidden first row of column identifiers and a hidden first column
of row identifiers (``q|code``, ``k|loop key``, ``t|code|loop key``): an answer cell is
identified by its row and its column, never by the sheet's name or position, so reordering
sheets or rows, or renaming sheets, breaks nothing. A very hidden ``_meta`` sheet records the
template version, the report and, for each answer, the revision and a fingerprint of the cell as
it was downloaded. On upload, a cell whose content still has that fingerprint is untouched (so
export then import changes nothing, whatever the type); a changed cell becomes an edit against
the revision that was downloaded, so that a change saved online since the download shows up as a
conflict instead of being overwritten.

Upload. The file is checked before it is parsed (size, ZIP, macros, unpacked size against zip
bombs), then read in openpyxl's read-only (streaming) mode. Every cell is checked with the same
``answers.clean`` as the form and the API; errors are listed by sheet, cell and message, and
nothing is written unless the whole workbook is valid and the user has confirmed the changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from cmsfamily.core import uploads
from cmsfamily.core.spreadsheets import cell_text, put
from cmsfamily.reporting import answers as typed
from cmsfamily.reporting import display, selectors, services
from cmsfamily.reporting.answers import column_label
from cmsfamily.reporting.choices import (
    NUMBER_KINDS,
    PICKER_KINDS,
    LoopKind,
    QuestionKind,
    YesNo,
)
from cmsfamily.reporting.exports import reporter_code
from cmsfamily.reporting.models import Submission, SubmissionVersion, TemplateVersion

FORMAT = "cmsfamily-report-workbook/1"
META = "_meta"
LISTS = "_lists"
ABOUT = "About"
LANGUAGES = ("en", "fr", "es")
EXTRA_TABLE_ROWS = 10
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_OPEN = Protection(locked=False)
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def max_upload_bytes() -> int:
    return getattr(settings, "REPORTING_WORKBOOK_MAX_BYTES", 10 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    """What a workbook may weigh once unzipped: far more than a real report, far less than a
    zip bomb (a few kilobytes that unpack to gigabytes)."""
    return getattr(settings, "REPORTING_WORKBOOK_MAX_UNPACKED_BYTES", 4 * max_upload_bytes())


MAX_RATIO = 100  # how much one part of a real workbook may shrink when zipped
# openpyxl reads the whole shared-strings part while opening a workbook, at about five times
# its size in memory (bench/workbook.py): a report's text fits in far less.
MAX_SHARED_STRINGS = 16 * 2**20
MAX_ROWS = 50_000  # per sheet: a table of 500 rows for each of 50 species, and room to spare
EXTRA_SHEETS = 20  # sheets a person may add beside those of the download (notes, copies)


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
        self.names = display.Names()
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
        return getattr(option, f"label_{self.language}", None) or option.label_en or option.value

    @staticmethod
    def read_option(options: list, text: str) -> str:
        wanted = text.strip().casefold()
        for option in options:
            names = [option.value] + [getattr(option, f"label_{code}", "") for code in LANGUAGES]
            if any(name and name.strip().casefold() == wanted for name in names):
                return option.value
        return text.strip()

    def picker_choices(self, kind: str) -> list[str]:
        self.names.of(kind, None)
        return sorted({str(name) for name in self.names._names[kind].values()})

    def picker_label(self, kind: str, key) -> str:
        return self.names.of(kind, key)

    def read_picker(self, kind: str, text: str):
        """A picked object by its name in any of the three languages, or by its code."""
        if kind not in self._picker_in:
            table: dict[str, Any] = {}
            for code in (self.language, *LANGUAGES):
                with translation.override(code):
                    for key, name in display.Names._load(kind).items():
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


def _table_cell(column: dict, value: Any, labels: Labels):
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


def _read_table_cell(column: dict, cell: Any, labels: Labels):
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


# --- writing ---------------------------------------------------------------------------------


@dataclass
class Source:
    """What a workbook is made of: a version's structure, the values and revisions to show, the
    loop items, which sections may be edited, and the identity to check on upload."""

    structure: selectors.Structure
    values: dict[tuple[str, str], Any]
    revisions: dict[tuple[str, str], int]
    loops: dict[int, list[selectors.LoopItem]]
    editable: set[int]
    kind: str  # "draft", "blank" or "version"
    title: str
    reporter: str = ""
    reporter_name: str = ""
    submission: int | None = None
    sections: set[int] | None = None  # all when None


class _Writer:
    def __init__(self, source: Source, language: str):
        self.source = source
        self.language = language
        self.labels = Labels(language)
        self.book = Workbook()
        self.about = self.book.active
        self.about.title = ABOUT
        self.lists = self.book.create_sheet(LISTS)
        self.lists.sheet_state = "hidden"
        self.meta = self.book.create_sheet(META)
        self.meta.sheet_state = "veryHidden"
        self._list_ranges: dict[str, str] = {}
        self._validations: dict[tuple, DataValidation] = {}
        self._names: set[str] = {ABOUT.casefold(), LISTS, META}
        self.fingerprints: list[tuple[str, str, int, str]] = []

    # sheets and cells

    def sheet_name(self, text: str) -> str:
        base = _SHEET_NAME.sub(" ", text).strip()[:31] or "Sheet"
        name, counter = base, 2
        while name.casefold() in self._names:
            suffix = f" ({counter})"
            name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
        self._names.add(name.casefold())
        return name

    def new_sheet(self, title: str, headers: list[str], widths: list[int]):
        sheet = self.book.create_sheet(self.sheet_name(title), index=len(self.book.sheetnames) - 2)
        sheet.row_dimensions[1].hidden = True
        sheet.column_dimensions["A"].hidden = True
        put(sheet, 2, 1, "h")  # headings: neither answers nor lost rows
        for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=2):
            cell = put(sheet, 2, column, header)
            cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, _WRAP
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "C3"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        sheet.protection.formatCells = False
        return sheet

    def list_range(self, key: str, values: list[str]) -> str:
        """A drop-down's choices, kept on the hidden lists sheet (inline lists break on commas
        and stop at 255 characters)."""
        if key not in self._list_ranges:
            column = len(self._list_ranges) + 1
            letter = get_column_letter(column)
            for row, value in enumerate(values, start=1):
                put(self.lists, row, column, value)
            self._list_ranges[key] = (
                f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${max(len(values), 1)}"
            )
        return self._list_ranges[key]

    def validation(self, sheet, key: tuple, make) -> DataValidation:
        full = (sheet.title, *key)
        if full not in self._validations:
            rule = make()
            rule.showErrorMessage = True
            rule.errorTitle = _("Not accepted")
            sheet.add_data_validation(rule)
            self._validations[full] = rule
        return self._validations[full]

    def _bounds(self, rule_type: str, low, high, message: str) -> DataValidation:
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

    def answer_cell(self, sheet, row: int, column: int, question, value, editable: bool):
        """Write one answer cell: its value, its protection and its validation; returns what
        it holds (for the fingerprint)."""
        content = cell_text(cell_value(question, value, self.labels))
        cell = put(sheet, row, column, content)
        cell.alignment = _WRAP
        kind = question.kind
        if kind == QuestionKind.DATE:
            cell.number_format = "yyyy-mm-dd"
        if not editable or kind in (QuestionKind.FILE, QuestionKind.TABLE):
            return content
        cell.protection, cell.fill = _OPEN, _ANSWER_FILL
        rule = self._rule_for(sheet, question)
        if rule is not None:
            rule.add(cell)
        return content

    def _rule_for(self, sheet, question) -> DataValidation | None:
        kind = question.kind
        code = question.code
        if kind == QuestionKind.YES_NO:
            source = self.list_range("yes_no", self.labels.yes_no())
            return self.validation(sheet, ("yes_no",), lambda: self._list(source))
        if kind == QuestionKind.SINGLE_CHOICE:
            labels = [self.labels.option_label(option) for option in question.options.all()]
            source = self.list_range(f"q|{code}", labels)
            return self.validation(sheet, ("q", code), lambda: self._list(source))
        if kind in PICKER_KINDS and not question.allow_many:
            source = self.list_range(kind, self.labels.picker_choices(kind))
            return self.validation(sheet, ("kind", kind), lambda: self._list(source))
        if kind in (QuestionKind.INTEGER, QuestionKind.YEAR):
            low, high = question.min_value, question.max_value
            if kind == QuestionKind.YEAR:
                low, high = typed.YEAR_RANGE
            return self.validation(
                sheet,
                ("whole", low, high),
                lambda: self._bounds("whole", low, high, _("Enter a whole number.")),
            )
        if kind in (QuestionKind.DECIMAL, QuestionKind.PERCENTAGE):
            low, high = question.min_value, question.max_value
            if kind == QuestionKind.PERCENTAGE:
                low = 0 if low is None else max(low, 0)
                high = 100 if high is None else min(high, 100)
            return self.validation(
                sheet,
                ("decimal", low, high),
                lambda: self._bounds("decimal", low, high, _("Enter a number.")),
            )
        if kind == QuestionKind.DATE:
            return self.validation(sheet, ("date",), self._date_rule)
        if kind == QuestionKind.SHORT_TEXT:
            limit = min(typed.SHORT_TEXT_LIMIT, question.max_length or typed.SHORT_TEXT_LIMIT)
            return self.validation(sheet, ("length", limit), lambda: self._length(limit))
        return None

    @staticmethod
    def _list(source: str) -> DataValidation:
        rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        rule.error = _("Choose one of the options offered.")
        return rule

    @staticmethod
    def _date_rule() -> DataValidation:
        rule = DataValidation(
            type="date", operator="between", formula1="1", formula2="73051", allow_blank=True
        )
        rule.error = _("Enter a date as YYYY-MM-DD, e.g. 2024-04-17.")
        return rule

    @staticmethod
    def _length(limit: int) -> DataValidation:
        rule = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True
        )
        rule.error = _("Use at most %(limit)s characters.") % {"limit": limit}
        return rule

    # guidance

    def hint(self, item, table_sheet: str | None = None) -> str:
        question = item.question
        kind = question.kind
        parts = []
        if item.required:
            parts.append(_("Required."))
        if question.is_draft_text:
            parts.append(_("Draft text, not official."))
        if item.show_if:
            parts.append(
                _("Answer only if the answer to %(question)s is “%(value)s”.")
                % {
                    "question": self._number_of(item.show_if.get("question", "")),
                    "value": self._condition_value(item.show_if),
                }
            )
        if kind == QuestionKind.MULTIPLE_CHOICE:
            options = "; ".join(self.labels.option_label(o) for o in question.options.all())
            parts.append(
                _("Choose one or more, separated by “;”: %(options)s") % {"options": options}
            )
        elif kind in PICKER_KINDS and question.allow_many:
            parts.append(_("One or more names, separated by “;”."))
        elif kind == QuestionKind.DATE:
            parts.append(_("A date, e.g. 2024-04-17."))
        elif kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL) and question.unit:
            parts.append(_("Unit: %(unit)s.") % {"unit": question.unit})
        elif kind == QuestionKind.PERCENTAGE:
            parts.append(_("A percentage from 0 to 100."))
        elif kind == QuestionKind.FILE:
            parts.append(_("Files are uploaded online, not in the workbook."))
        elif kind == QuestionKind.TABLE and table_sheet:
            parts.append(_("Answer on the sheet “%(sheet)s”.") % {"sheet": table_sheet})
        if question.help_text:
            parts.append(question.help_text)
        return " ".join(parts)

    def _number_of(self, code: str) -> str:
        item = self.source.structure.items_by_code.get(code)
        if item is None:
            return code
        node = self.source.structure.node_of_item[item.pk]
        return f"{node.section.number}.{item.number}" if node.section.number else item.number

    def _condition_value(self, condition: dict) -> str:
        item = self.source.structure.items_by_code.get(condition.get("question", ""))
        wanted = condition.get("equals", condition.get("in"))
        values = wanted if isinstance(wanted, list) else [wanted]
        if item is None:
            return ", ".join(str(v) for v in values)
        return " / ".join(str(cell_value(item.question, v, self.labels)) for v in values)

    # the workbook

    def build(self) -> bytes:
        source = self.source
        for node in source.structure.nodes:
            if not node.items:
                continue
            if source.sections is not None and node.section.pk not in source.sections:
                continue
            if node.loop_section is None:
                self.plain_section(node)
            else:
                self.loop_section(node)
        self.write_about()
        self.write_meta()
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    def _section_title(self, node) -> str:
        return f"{node.section.number} {node.section.title}".strip()

    def _question_text(self, item, node) -> str:
        number = f"{node.section.number}.{item.number}" if node.section.number else item.number
        return f"{number} {item.question.text}".strip()

    def plain_section(self, node) -> None:
        sheet = self.new_sheet(
            self._section_title(node),
            [_("No."), _("Question"), _("Answer"), _("Guidance")],
            [8, 60, 45, 45],
        )
        put(sheet, 1, 4, "v")
        editable = node.section.pk in self.source.editable
        for row, item in enumerate(node.items, start=3):
            question = item.question
            spot = (question.code, "")
            put(sheet, row, 1, f"q|{question.code}")
            put(sheet, row, 2, item.number)
            text = put(sheet, row, 3, question.text)
            text.alignment = _WRAP
            table = None
            if question.kind == QuestionKind.TABLE:
                table = self.table_sheet(node, item, [selectors.LoopItem("", "")], editable)
            content = self.answer_cell(
                sheet, row, 4, question, self.source.values.get(spot), editable
            )
            if question.kind == QuestionKind.TABLE:
                put(sheet, row, 4, _("See the sheet “%(sheet)s”.") % {"sheet": table})
            else:
                self.remember(spot, [content])
            put(sheet, row, 5, self.hint(item, table)).alignment = _WRAP

    def loop_section(self, node) -> None:
        items = selectors.keys_of(node, self.source.loops)
        headers = [_("Item")] + [self._question_text(item, node) for item in node.items]
        sheet = self.new_sheet(self._section_title(node), [*headers], [30] + [24] * len(node.items))
        editable = node.section.pk in self.source.editable
        guidance_row = 3
        put(sheet, guidance_row, 1, "h")
        put(sheet, guidance_row, 2, _("Guidance")).font = _BOLD
        tables = {}
        for column, item in enumerate(node.items, start=3):
            put(sheet, 1, column, f"q|{item.question.code}")
            if item.question.kind == QuestionKind.TABLE:
                tables[item.question.code] = self.table_sheet(node, item, items, editable)
            hint = put(
                sheet,
                guidance_row,
                column,
                self.hint(item, tables.get(item.question.code)),
            )
            hint.alignment = _WRAP
        sheet.freeze_panes = "C4"
        for row, loop in enumerate(items, start=guidance_row + 1):
            put(sheet, row, 1, f"k|{loop.key}")
            put(sheet, row, 2, loop.label).alignment = _WRAP
            for column, item in enumerate(node.items, start=3):
                question = item.question
                spot = (question.code, loop.key)
                if question.kind == QuestionKind.TABLE:
                    put(sheet, row, column, tables[question.code])
                    continue
                content = self.answer_cell(
                    sheet, row, column, question, self.source.values.get(spot), editable
                )
                self.remember(spot, [content])

    def table_sheet(self, node, item, loops: list, editable: bool) -> str:
        question = item.question
        columns = question.columns
        number = f"{node.section.number}.{item.number}" if node.section.number else item.number
        sheet = self.new_sheet(
            _("Table %(number)s") % {"number": number},
            [_("Item")] + [column_label(column, self.language) for column in columns],
            [24] + [20] * len(columns),
        )
        sheet.protection.insertRows = False
        sheet.protection.deleteRows = False
        put(sheet, 1, 2, question.text)
        for offset, column in enumerate(columns, start=3):
            put(sheet, 1, offset, f"c|{column['key']}")
        row = 3
        for loop in loops:
            rows = self.source.values.get((question.code, loop.key)) or []
            written = []
            blanks = EXTRA_TABLE_ROWS if editable else 0
            for values in [*rows, *([{}] * blanks)]:
                put(sheet, row, 1, f"t|{question.code}|{loop.key}")
                put(sheet, row, 2, loop.label or question.text[:60])
                cells = []
                for offset, column in enumerate(columns, start=3):
                    content = cell_text(_table_cell(column, values.get(column["key"]), self.labels))
                    cell = put(sheet, row, offset, content)
                    if column.get("kind") == QuestionKind.DATE:
                        cell.number_format = "yyyy-mm-dd"
                    if editable:
                        cell.protection, cell.fill = _OPEN, _ANSWER_FILL
                        if column.get("kind") == QuestionKind.YES_NO:
                            source = self.list_range("yes_no", self.labels.yes_no())
                            self.validation(sheet, ("yes_no",), lambda s=source: self._list(s)).add(
                                cell
                            )
                    cells.append(content)
                if values:
                    written.append(cells)
                row += 1
            self.remember(
                (question.code, loop.key), [json.dumps([[norm(c) for c in r] for r in written])]
            )
        return sheet.title

    def remember(self, spot: tuple[str, str], cells: list) -> None:
        revision = self.source.revisions.get(spot, 0)
        self.fingerprints.append((spot[0], spot[1], revision, fingerprint(cells)))

    def write_about(self) -> None:
        source = self.source
        sheet = self.about
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 90
        rows = [
            (source.title, None),
            (_("Reporter"), source.reporter_name or "—"),
            (_("Template"), str(source.structure.version)),
            (_("Downloaded"), timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
            (None, None),
        ]
        if source.kind == "version":
            rows.append((_("How to use"), _("A copy of a submitted version, for reading.")))
        else:
            rows += [
                (
                    _("How to fill in"),
                    _(
                        "Type your answers in the tinted cells; everything else is locked. "
                        "Choose from the drop-down lists where there is one. Each section has "
                        "its own sheet; a repeated section has a row for each item, and a "
                        "table its own sheet."
                    ),
                ),
                (
                    _("How to send"),
                    _(
                        "Save the file as an Excel workbook (.xlsx) and upload it on the "
                        "report's page. You will see every change before anything is saved."
                    ),
                ),
                (
                    _("Keep"),
                    _(
                        "Do not delete the hidden first row and column of each sheet: they "
                        "tell the platform which answer each cell holds. You may reorder "
                        "sheets and rows."
                    ),
                ),
            ]
        for row, (label, value) in enumerate(rows, start=1):
            put(sheet, row, 1, label).font = _BOLD
            put(sheet, row, 2, value).alignment = _WRAP
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.protection.sheet = True

    def write_meta(self) -> None:
        source = self.source
        version = source.structure.version
        rows: list[tuple] = [
            ("format", FORMAT),
            ("kind", source.kind),
            ("version", version.pk),
            ("template", version.template.slug),
            ("template_version", version.number),
            ("submission", source.submission or ""),
            ("reporter", source.reporter),
            ("language", self.language),
            ("downloaded", timezone.now().isoformat()),
        ]
        for row, values in enumerate(rows, start=1):
            for column, value in enumerate(values, start=1):
                put(self.meta, row, column, value)
        start = len(rows) + 1
        for row, (code, key, revision, print_) in enumerate(self.fingerprints, start=start):
            for column, value in enumerate(("a", code, key, revision, print_), start=1):
                put(self.meta, row, column, value)


def _reporter(submission: Submission) -> tuple[str, str]:
    return reporter_code(submission), str(submission.reporter)


def draft_workbook(submission: Submission, user, language: str) -> bytes:
    """The report as it is now, for the user to fill in: the sections they may see, unlocked
    where they may edit."""
    structure = selectors.structure(submission.cycle.version)
    answers = selectors.answers_of(submission)
    editable = selectors.editable_section_ids(submission, user, structure)
    sections = selectors.readable_section_ids(submission, user, structure)
    code, name = _reporter(submission)
    source = Source(
        structure=structure,
        values={spot: answer.value for spot, answer in answers.items()},
        revisions={spot: answer.revision for spot, answer in answers.items()},
        loops=selectors.loop_items(structure, submission),
        editable=editable,
        kind="draft",
        title=str(submission.cycle.title),
        reporter=code,
        reporter_name=name,
        submission=submission.pk,
        sections=sections,
    )
    with translation.override(language):
        return _Writer(source, language).build()


def blank_workbook(version: TemplateVersion, language: str) -> bytes:
    """A template version with no answers: fixed loops only (a reporter's species and items are
    known once there is a report)."""
    structure = selectors.structure(version)
    loops: dict[int, list[selectors.LoopItem]] = {}
    with translation.override(language):
        for node in structure.nodes:
            section = node.loop_section
            if section is not None and section.pk not in loops:
                fixed = section.loop == LoopKind.FIXED
                loops[section.pk] = selectors.fixed_items(section, language) if fixed else []
        source = Source(
            structure=structure,
            values={},
            revisions={},
            loops=loops,
            editable={node.section.pk for node in structure.nodes},
            kind="blank",
            title=str(version),
        )
        return _Writer(source, language).build()


def version_workbook(version: SubmissionVersion) -> bytes:
    """A submitted version, locked, in the language it was submitted in."""
    submission = version.submission
    structure = selectors.structure(submission.cycle.version)
    content = version.snapshot
    labels = content.get("loop_items", {})
    values = {
        (code, key): value
        for code, by_key in content.get("answers", {}).items()
        for key, value in by_key.items()
    }
    loops: dict[int, list[selectors.LoopItem]] = {}
    for node in structure.nodes:
        if node.loop_section is not None:
            keys = sorted(
                {
                    key
                    for item in node.items
                    for (code, key) in values
                    if code == item.question.code and key
                }
            )
            loops.setdefault(node.loop_section.pk, [])
            known = {loop.key for loop in loops[node.loop_section.pk]}
            loops[node.loop_section.pk] += [
                selectors.LoopItem(key, labels.get(key, key)) for key in keys if key not in known
            ]
    code, name = _reporter(submission)
    language = version.language or "en"
    source = Source(
        structure=structure,
        values=values,
        revisions={},
        loops=loops,
        editable=set(),
        kind="version",
        title=_("%(cycle)s, version %(number)s")
        % {"cycle": submission.cycle.title, "number": version.number},
        reporter=code,
        reporter_name=name,
        submission=submission.pk,
    )
    with translation.override(language):
        return _Writer(source, language).build()


# --- reading ---------------------------------------------------------------------------------


# The file as a whole cannot be read: not a workbook, too large, macros, another report.
WorkbookRefused = uploads.UploadRefused


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    message: str


@dataclass
class PlannedChange:
    code: str
    key: str
    number: str
    question: str
    loop_label: str
    old: Any
    new: Any
    base_revision: int
    current_revision: int
    by: str = ""
    at: dt.datetime | None = None

    @property
    def conflict(self) -> bool:
        return self.base_revision != self.current_revision

    @property
    def spot(self) -> str:
        return f"{self.code}@{self.key}"


@dataclass
class Plan:
    errors: list[CellError] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def conflicts(self) -> list[PlannedChange]:
        return [change for change in self.changes if change.conflict]


def _damaged() -> str:
    return uploads.damaged()


def _refuse(message: str) -> WorkbookRefused:
    return WorkbookRefused(message, code="refused")


def limits() -> uploads.WorkbookLimits:
    return uploads.WorkbookLimits(
        max_bytes=max_upload_bytes(),
        max_unpacked_bytes=max_unpacked_bytes(),
        max_ratio=MAX_RATIO,
        max_shared_strings=MAX_SHARED_STRINGS,
    )


def _rows(sheet, max_col: int | None = None):
    """The rows of a sheet, at most MAX_ROWS and as wide as the template's widest sheet: a sheet
    that claims a million rows or a cell in column XFD costs no more than a real one."""
    rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS, max_col=max_col)
    yield from enumerate(rows, start=1)


@dataclass
class _Meta:
    values: dict[str, Any]
    prints: dict[tuple[str, str], tuple[int, str]]


def _read_meta(book) -> _Meta:
    if META not in book.sheetnames:
        raise _refuse(
            _(
                "This workbook was not downloaded from this platform (its hidden identification "
                "sheet is missing). Download the report's workbook and fill that one in."
            )
        )
    values: dict[str, Any] = {}
    prints: dict[tuple[str, str], tuple[int, str]] = {}
    for _number, row in _rows(book[META]):
        if not row or row[0] is None:
            continue
        if row[0] == "a" and len(row) >= 5:
            revision = int(row[3]) if isinstance(row[3], (int, float)) else 0
            prints[(str(row[1]), "" if row[2] is None else str(row[2]))] = (revision, str(row[4]))
        elif len(row) >= 2:
            values[str(row[0])] = row[1]
    if values.get("format") != FORMAT:
        raise _refuse(_("This workbook's identification sheet is damaged. Download it again."))
    return _Meta(values, prints)


def _check_identity(meta: _Meta, submission: Submission) -> None:
    version = submission.cycle.version
    kind = meta.values.get("kind")
    if kind == "version":
        raise _refuse(
            _(
                "This workbook is a copy of a submitted version, for reading. Download the "
                "report's workbook to fill it in."
            )
        )
    if meta.values.get("version") != version.pk:
        raise _refuse(
            _(
                "This workbook is for %(template)s version %(number)s; this report uses version "
                "%(current)s. Download the workbook of this report again."
            )
            % {
                "template": meta.values.get("template") or "?",
                "number": meta.values.get("template_version") or "?",
                "current": version.number,
            }
        )
    reporter, name = _reporter(submission)
    if kind == "draft" and (
        meta.values.get("submission") != submission.pk or meta.values.get("reporter") != reporter
    ):
        raise _refuse(
            _(
                "This workbook is the report of %(other)s, not of %(reporter)s. Upload it on "
                "that report's page."
            )
            % {"other": meta.values.get("reporter") or "?", "reporter": name}
        )


class _Reader:
    def __init__(self, submission: Submission, user, language: str, numbers: str | None = None):
        self.submission = submission
        self.user = user
        self.language = language
        # Text typed in a number cell is read in the language the workbook was made in.
        self.numbers = numbers or language
        self.structure = selectors.structure(submission.cycle.version)
        self.loops = selectors.loop_items(self.structure, submission)
        self.editable = selectors.editable_section_ids(submission, user, self.structure)
        self.labels = Labels(language)
        self.lookups = typed.Lookups()
        self.prefix = services.file_prefix(submission)
        self.plan = Plan()
        self.found: dict[tuple[str, str], str] = {}  # spot → where it was read
        self.cells: dict[tuple[str, str], tuple[list, str]] = {}  # spot → (cells, where)
        self.tables: dict[tuple[str, str], tuple[list[list], list[dict], str]] = {}
        self._current: dict | None = None

    def error(self, sheet: str, row: int, column: int, message: str) -> None:
        self.plan.errors.append(CellError(sheet, f"{get_column_letter(column)}{row}", message))

    def read(self, book) -> None:
        for name in book.sheetnames:
            if name in (META, LISTS, ABOUT):
                continue
            self.sheet(name, book[name])

    def sheet(self, name: str, sheet) -> None:
        columns: dict[int, str] = {}
        current_table: str | None = None
        for number, row in _rows(sheet, self.width):
            if number == 1:
                columns = {
                    index: str(value)
                    for index, value in enumerate(row, start=1)
                    if isinstance(value, str) and value[:2] in ("q|", "c|", "v")
                }
                continue
            if not row:
                continue
            ident = row[0] if isinstance(row[0], str) else None
            filled = [
                index
                for index in columns
                if index <= len(row) and not (row[index - 1] is None or norm(row[index - 1]) == "")
            ]
            if ident == "h":
                continue
            if ident is None and current_table and filled:
                ident = current_table  # a row inserted into a table belongs to the table above
            if ident is None:
                if filled:
                    self.error(
                        name,
                        number,
                        filled[0],
                        _(
                            "This row has lost its hidden identifier (column A), so the "
                            "platform cannot tell which question it answers. Copy your answers "
                            "into a fresh download."
                        ),
                    )
                continue
            if ident.startswith("t|"):
                current_table = ident
                self.table_row(name, number, ident, row, columns)
                continue
            current_table = None
            if ident.startswith("q|"):
                for index, column in columns.items():
                    if column == "v":
                        self.cell(name, number, index, ident[2:], "", row)
            elif ident.startswith("k|"):
                for index, column in columns.items():
                    if column.startswith("q|"):
                        self.cell(name, number, index, column[2:], ident[2:], row)

    def _where(self, sheet: str, row: int, column: int) -> str:
        return f"{sheet}!{get_column_letter(column)}{row}"

    def cell(self, sheet: str, row: int, column: int, code: str, key: str, values) -> None:
        content = values[column - 1] if column <= len(values) else None
        spot = (code, key)
        item = self.structure.items_by_code.get(code)
        if item is None:
            self.error(
                sheet,
                row,
                column,
                _("There is no question “%(code)s” in this report.") % {"code": code},
            )
            return
        if item.question.kind == QuestionKind.TABLE:
            return
        where = self._where(sheet, row, column)
        if spot in self.found and norm(content):
            self.error(
                sheet,
                row,
                column,
                _("This answer appears twice (also at %(where)s): a row was copied. Keep one.")
                % {"where": self.found[spot]},
            )
            return
        if spot in self.found:
            return  # an empty copy of a row: nothing to read, nothing to refuse
        self.found[spot] = where
        self.cells[spot] = ([content], where)

    def table_row(self, sheet: str, row: int, ident: str, values, columns) -> None:
        parts = ident.split("|", 2)
        if len(parts) != 3:
            self.error(sheet, row, 1, _("This row's hidden identifier is damaged."))
            return
        spot = (parts[1], parts[2])
        cells = [values[index - 1] if index <= len(values) else None for index in columns]
        keys = [columns[index][2:] for index in columns]
        entry = self.tables.setdefault(spot, ([], [], f"{sheet}!A{row}"))
        if any(norm(cell) for cell in cells):
            entry[0].append(cells)
            entry[1].append({"row": row, "sheet": sheet, "keys": keys, "cells": cells})

    # from cells to edits

    @property
    def width(self) -> int:
        """The widest sheet of this template: its hidden column, the item's name, a column per
        question of the largest repeated section or per column of the widest table."""
        widest = max(
            [len(node.items) for node in self.structure.nodes]
            + [
                len(item.question.columns or [])
                for node in self.structure.nodes
                for item in node.items
            ]
            + [4]
        )
        return widest + 2

    def current(self) -> dict:
        """The report's answers, read only when a cell differs from the download."""
        if self._current is None:
            self._current = selectors.answers_of(self.submission)
        return self._current

    def plan_changes(self, meta: _Meta) -> Plan:
        labels = {loop.key: loop.label for items in self.loops.values() for loop in items}
        for spot, (cells, where) in self.cells.items():
            self.consider(spot, cells, where, meta, labels)
        for spot, (rows, details, where) in self.tables.items():
            self.consider_table(spot, rows, details, where, meta, labels)
        if self.plan.errors:
            self.plan.changes = []  # nothing is offered for writing unless all of it is valid
        return self.plan

    def _locate(self, where: str) -> tuple[str, str]:
        sheet, _sep, cell = where.rpartition("!")
        return sheet, cell

    def _allowed(self, spot, where) -> Any:
        item = self.structure.items_by_code.get(spot[0])
        if item is None:
            self.plan.errors.append(
                CellError(
                    *self._locate(where),
                    _("There is no question “%(code)s” in this report.") % {"code": spot[0]},
                )
            )
            return None
        node = self.structure.node_of_item[item.pk]
        if spot[1] not in {loop.key for loop in selectors.keys_of(node, self.loops)}:
            self.plan.errors.append(
                CellError(
                    *self._locate(where),
                    _("“%(key)s” is not one of the items this section is repeated for.")
                    % {"key": spot[1]},
                )
            )
            return None
        if node.section.pk not in self.editable:
            self.plan.errors.append(
                CellError(
                    *self._locate(where),
                    _(
                        "You may not change section %(number)s: it is not assigned to you, or the report is no longer a draft."
                    )
                    % {"number": node.section.number},
                )
            )
            return None
        return item

    def consider(self, spot, cells, where, meta, labels) -> None:
        known = meta.prints.get(spot)
        if known is not None and known[1] == fingerprint(cells):
            self.plan.unchanged += bool(norm(cells[0]))
            return
        if known is None and not norm(cells[0]):
            return
        item = self._allowed(spot, where)
        if item is None:
            return
        question = item.question
        if question.kind == QuestionKind.FILE:
            answer = self.current().get(spot)
            if norm(cells[0]) == norm(answer.value.get("name") if answer and answer.value else ""):
                return
            self.plan.errors.append(
                CellError(
                    *self._locate(where), _("Files are uploaded online, not in the workbook.")
                )
            )
            return
        options = list(question.options.all())
        try:
            raw = raw_value(question, cells[0], self.labels, options)
            value = typed.clean(
                question,
                raw,
                options=options,
                lookups=self.lookups,
                language=self.language,
                file_prefix=self.prefix,
                numbers=self.numbers,
                ambiguous=False,
            )
        except ValidationError as error:
            self.plan.errors.append(CellError(*self._locate(where), " ".join(error.messages)))
            return
        self.add_change(spot, item, value, known, labels)

    def consider_table(self, spot, rows, details, where, meta, labels) -> None:
        known = meta.prints.get(spot)
        if known is not None and known[1] == fingerprint(
            [json.dumps([[norm(c) for c in r] for r in rows])]
        ):
            self.plan.unchanged += bool(rows)
            return
        item = self._allowed(spot, where)
        if item is None:
            return
        question = item.question
        by_key = {column["key"]: column for column in question.columns}
        table = []
        for detail in details:
            entry = {}
            for key, cell in zip(detail["keys"], detail["cells"], strict=True):
                column = by_key.get(key)
                if column is None:
                    continue
                entry[key] = _read_table_cell(column, cell, self.labels)
            table.append(entry)
        try:
            value = typed.clean(
                question, table, language=self.language, numbers=self.numbers, ambiguous=False
            )
        except ValidationError as error:
            message = " ".join(error.messages)
            self.plan.errors.append(CellError(*self._locate(where), message))
            return
        self.add_change(spot, item, value, known, labels)

    def add_change(self, spot, item, value, known, labels) -> None:
        answer = self.current().get(spot)
        old = answer.value if answer else None
        if _same(item.question, old, value):
            self.plan.unchanged += value is not None
            return
        node = self.structure.node_of_item[item.pk]
        number = f"{node.section.number}.{item.number}" if node.section.number else item.number
        self.plan.changes.append(
            PlannedChange(
                code=spot[0],
                key=spot[1],
                number=number,
                question=item.question.text,
                loop_label=labels.get(spot[1], spot[1]),
                old=old,
                new=value,
                base_revision=known[0] if known else 0,
                current_revision=answer.revision if answer else 0,
                by=str(answer.updated_by) if answer and answer.updated_by_id else "",
                at=answer.updated_at if answer else None,
            )
        )


def _same(question, old, new) -> bool:
    """Equal answers; for numbers, equal in value (1.5 typed over 1.50 changes nothing)."""
    if old == new:
        return True
    if old is None or new is None:
        return False
    if question.kind in (QuestionKind.DECIMAL, QuestionKind.PERCENTAGE):
        return typed.as_number(old) == typed.as_number(new)
    if question.kind == QuestionKind.TABLE and len(old) == len(new):
        numbers = {c["key"] for c in question.columns if c.get("kind") == QuestionKind.DECIMAL}

        def cells(row):
            return {
                key: typed.as_number(value) if key in numbers else value
                for key, value in row.items()
            }

        return all(cells(a) == cells(b) for a, b in zip(old, new, strict=True))
    return False


def _workbook_language(meta: _Meta) -> str | None:
    language = meta.values.get("language")
    return language if language in dict(settings.LANGUAGES) else None


def read(data: bytes, *, submission: Submission, user, language: str, name: str = "") -> Plan:
    """Check a filled workbook against the report and list what it would change; write nothing.

    Raises ``WorkbookRefused`` when the file as a whole cannot be taken; otherwise the plan
    holds every cell error (by sheet and cell) or the changes to confirm."""
    book = uploads.open_workbook(data, limits(), name=name)
    try:
        try:
            meta = _read_meta(book)
        except uploads.READ_ERRORS:
            raise _refuse(_damaged()) from None
        _check_identity(meta, submission)
        with translation.override(language):
            reader = _Reader(submission, user, language, _workbook_language(meta))
            expected = len(reader.structure.nodes) + sum(
                1
                for node in reader.structure.nodes
                for item in node.items
                if item.question.kind == QuestionKind.TABLE
            )
            if len(book.sheetnames) > expected + 3 + EXTRA_SHEETS:
                raise _refuse(
                    _("This workbook has %(count)s sheets; the report's has %(expected)s.")
                    % {"count": len(book.sheetnames), "expected": expected + 3}
                )
            try:
                reader.read(book)
            except uploads.READ_ERRORS:
                raise _refuse(_damaged()) from None
            if reader.plan.errors:
                return reader.plan
            return reader.plan_changes(meta)
    finally:
        book.close()


def apply(
    plan: Plan, *, submission: Submission, user, keep_mine: Iterable[str] = (), language: str = "en"
) -> services.SaveResult:
    """Write a checked plan through the same service as the form: all or nothing. A conflict is
    written only when the user chose to keep their value (``keep_mine``, by ``code@key``)."""
    chosen = set(keep_mine)
    edits = []
    for change in plan.changes:
        if change.conflict and change.spot not in chosen:
            continue
        base = change.current_revision if change.conflict else change.base_revision
        edits.append(services.Edit(change.code, change.key, change.new, base))
    return services.save_answers(submission=submission, edits=edits, by=user, language=language)
