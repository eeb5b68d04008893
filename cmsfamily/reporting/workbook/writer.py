"""Writing the offline workbook: a report (its draft, a blank template version or a submitted
version) as an XLSX file."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from cmsfamily.core.spreadsheets import cell_text, put
from cmsfamily.core.text import plain_text
from cmsfamily.reporting import answers as typed
from cmsfamily.reporting import conditions, selectors
from cmsfamily.reporting.answers import column_label
from cmsfamily.reporting.choices import PICKER_KINDS, LoopKind, QuestionKind
from cmsfamily.reporting.models import Submission, SubmissionVersion, TemplateVersion
from cmsfamily.reporting.workbook.codec import (
    ABOUT,
    LISTS,
    META,
    Labels,
    bounds_rule,
    cell_value,
    date_rule,
    fingerprint,
    length_rule,
    list_rule,
    meta_rows,
    reporter_of,
    table_cell,
    table_content,
)

EXTRA_TABLE_ROWS = 10

_ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_OPEN = Protection(locked=False)
_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")  # what Excel forbids in a sheet's name


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


class SheetNames:
    """Unique sheet names that Excel accepts: no forbidden character, at most 31 characters, never
    a name taken (compared regardless of case) nor "History", which Excel keeps for itself."""

    def __init__(self, *taken: str):
        self._names = {name.casefold() for name in (*taken, "History")}

    def __call__(self, text: str) -> str:
        base = " ".join(_SHEET_NAME.sub(" ", plain_text(text)).split()).strip("'")[:31].strip()
        base = base or "Sheet"
        name, counter = base, 2
        while name.casefold() in self._names:
            suffix = f" ({counter})"
            name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
        self._names.add(name.casefold())
        return name


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
        self.sheet_name = SheetNames(ABOUT, LISTS, META)
        self.fingerprints: list[tuple[str, str, int, str]] = []
        self._condition_labels: dict | None = None

    # sheets and cells

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
            return self.validation(sheet, ("yes_no",), lambda: list_rule(source))
        if kind == QuestionKind.SINGLE_CHOICE:
            labels = [self.labels.option_label(option) for option in question.options.all()]
            source = self.list_range(f"q|{code}", labels)
            return self.validation(sheet, ("q", code), lambda: list_rule(source))
        if kind in PICKER_KINDS and not question.allow_many:
            source = self.list_range(kind, self.labels.picker_choices(kind))
            return self.validation(sheet, ("kind", kind), lambda: list_rule(source))
        if kind in (QuestionKind.INTEGER, QuestionKind.YEAR):
            low, high = question.min_value, question.max_value
            if kind == QuestionKind.YEAR:
                low, high = typed.YEAR_RANGE
            return self.validation(
                sheet,
                ("whole", low, high),
                lambda: bounds_rule("whole", low, high, _("Enter a whole number.")),
            )
        if kind in (QuestionKind.DECIMAL, QuestionKind.PERCENTAGE):
            low, high = question.min_value, question.max_value
            if kind == QuestionKind.PERCENTAGE:
                low = 0 if low is None else max(low, 0)
                high = 100 if high is None else min(high, 100)
            return self.validation(
                sheet,
                ("decimal", low, high),
                lambda: bounds_rule("decimal", low, high, _("Enter a number.")),
            )
        if kind == QuestionKind.DATE:
            return self.validation(sheet, ("date",), date_rule)
        if kind == QuestionKind.SHORT_TEXT:
            limit = min(typed.SHORT_TEXT_LIMIT, question.max_length or typed.SHORT_TEXT_LIMIT)
            return self.validation(sheet, ("length", limit), lambda: length_rule(limit))
        return None

    # guidance

    def hint(self, item, table_sheet: str | None = None) -> str:
        question = item.question
        kind = question.kind
        parts = []
        if item.required:
            parts.append(_("Required."))
        if question.is_draft_text:
            parts.append(_("Draft text, not official."))
        if item.shown_when_tree:
            parts.append(
                _("Answer only if %(condition)s.") % {"condition": self.words(item.shown_when_tree)}
            )
        if item.required_when_tree and not item.required:
            parts.append(
                _("Required if %(condition)s.") % {"condition": self.words(item.required_when_tree)}
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
            parts.append(plain_text(question.help_text))
        return " ".join(parts)

    def words(self, tree: dict) -> str:
        """A condition in words, in the workbook's language."""
        if self._condition_labels is None:
            with translation.override(self.language):
                self._condition_labels = selectors.condition_labels(self.source.structure)
        return conditions.words(tree, self._condition_labels, self.language)

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
        return plain_text(f"{node.section.number} {node.section.title}").strip()

    def _question_text(self, item, node) -> str:
        label = selectors.item_name(self.source.structure, item)
        return f"{label} {plain_text(item.question.text)}".strip()

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
            put(sheet, row, 2, item.number or selectors.item_name(self.source.structure, item))
            text = put(sheet, row, 3, plain_text(question.text))
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
        number = selectors.item_name(self.source.structure, item)
        sheet = self.new_sheet(
            _("Table %(number)s") % {"number": number},
            [_("Item")] + [column_label(column, self.language) for column in columns],
            [24] + [20] * len(columns),
        )
        sheet.protection.insertRows = False
        sheet.protection.deleteRows = False
        put(sheet, 1, 2, plain_text(question.text))
        for offset, column in enumerate(columns, start=3):
            put(sheet, 1, offset, f"c|{column['key']}")
        row = 3
        for loop in loops:
            rows = self.source.values.get((question.code, loop.key)) or []
            written = []
            blanks = EXTRA_TABLE_ROWS if editable else 0
            for values in [*rows, *([{}] * blanks)]:
                put(sheet, row, 1, f"t|{question.code}|{loop.key}")
                put(sheet, row, 2, loop.label or plain_text(question.text)[:60])
                cells = []
                for offset, column in enumerate(columns, start=3):
                    content = cell_text(table_cell(column, values.get(column["key"]), self.labels))
                    cell = put(sheet, row, offset, content)
                    if column.get("kind") == QuestionKind.DATE:
                        cell.number_format = "yyyy-mm-dd"
                    if editable:
                        cell.protection, cell.fill = _OPEN, _ANSWER_FILL
                        if column.get("kind") == QuestionKind.YES_NO:
                            source = self.list_range("yes_no", self.labels.yes_no())
                            self.validation(sheet, ("yes_no",), lambda s=source: list_rule(s)).add(
                                cell
                            )
                    cells.append(content)
                if values:
                    written.append(cells)
                row += 1
            self.remember((question.code, loop.key), [table_content(written)])
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
        rows = meta_rows(
            source_kind=source.kind,
            version=source.structure.version,
            submission=source.submission,
            reporter=source.reporter,
            language=self.language,
            fingerprints=self.fingerprints,
        )
        for row, values in enumerate(rows, start=1):
            for column, value in enumerate(values, start=1):
                put(self.meta, row, column, value)


def draft_workbook(
    submission: Submission, user, language: str, *, report: selectors.ReportState | None = None
) -> bytes:
    """The report as it is now, for the user to fill in: the sections they may see, unlocked
    where they may edit. ``report`` is the report's read by the page, when it has made it."""
    if report is None:
        report = selectors.report_state(submission, user)
    elif report.submission.pk != submission.pk or report.user != user:
        raise ValueError("The report state is another report's or another user's.")
    answers = report.answers
    sections = report.readable
    code, name = reporter_of(submission)
    source = Source(
        structure=report.structure,
        values={spot: answer.value for spot, answer in answers.items()},
        revisions={spot: answer.revision for spot, answer in answers.items()},
        loops=report.loops,
        editable=report.editable,
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
    # A version taken before relevance was transitive may hold answers it now leaves out.
    values = selectors.content_relevance(structure, content).kept(values)
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
    code, name = reporter_of(submission)
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
