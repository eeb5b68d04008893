"""Reading a filled workbook: the checks of the upload, every cell read back and cleaned, and the
plan of changes the user confirms before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from cmsfamily.core import uploads
from cmsfamily.reporting import answers as typed
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import QuestionKind
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.workbook.codec import (
    ABOUT,
    LISTS,
    META,
    Labels,
    Meta,
    fingerprint,
    norm,
    raw_value,
    read_meta,
    read_table_cell,
    refuse,
    reporter_of,
    sheet_rows,
    table_content,
)


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
EXTRA_SHEETS = 20  # sheets a person may add beside those of the download (notes, copies)


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


def limits() -> uploads.WorkbookLimits:
    return uploads.WorkbookLimits(
        max_bytes=max_upload_bytes(),
        max_unpacked_bytes=max_unpacked_bytes(),
        max_ratio=MAX_RATIO,
        max_shared_strings=MAX_SHARED_STRINGS,
    )


def _check_identity(meta: Meta, submission: Submission) -> None:
    version = submission.cycle.version
    kind = meta.values.get("kind")
    if kind == "version":
        raise refuse(
            _(
                "This workbook is a copy of a submitted version, for reading. Download the "
                "report's workbook to fill it in."
            )
        )
    if meta.values.get("version") != version.pk:
        raise refuse(
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
    reporter, name = reporter_of(submission)
    if kind == "draft" and (
        meta.values.get("submission") != submission.pk or meta.values.get("reporter") != reporter
    ):
        raise refuse(
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
        # The same read of the report as its page and the draft workbook (what the user may
        # edit is asked again by `services.save_answers` when the plan is applied).
        self.report = selectors.report_state(submission, user)
        self.structure = self.report.structure
        self.loops = self.report.loops
        self.editable = self.report.editable
        self.labels = Labels(language)
        self.lookups = typed.Pickers()
        self.prefix = services.file_prefix(submission)
        self.plan = Plan()
        self.found: dict[tuple[str, str], str] = {}  # spot → where it was read
        self.cells: dict[tuple[str, str], tuple[list, str]] = {}  # spot → (cells, where)
        self.tables: dict[tuple[str, str], tuple[list[list], list[dict], str]] = {}

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
        for number, row in sheet_rows(sheet, self.width):
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
        return self.report.answers

    def plan_changes(self, meta: Meta) -> Plan:
        labels = {loop.key: loop.label for items in self.loops.values() for loop in items}
        for spot, (cells, where) in self.cells.items():
            self.consider(spot, cells, where, meta, labels)
        for spot, (rows, details, where) in self.tables.items():
            self.consider_table(spot, rows, details, where, meta, labels)
        # "Valid when", over the answers as they will be, as the page and the API check it.
        changed = {(change.code, change.key): change.new for change in self.plan.changes}
        if any(self.structure.items_by_code[code].valid_when_tree for code, _key in changed):
            after = {**self.report.values, **changed}
            broken = selectors.broken_conditions(self.structure, after, self.loops, changed)
            for spot, message in broken.items():
                where = (self.cells.get(spot) or self.tables[spot])[-1]
                self.plan.errors.append(CellError(*self._locate(where), message))
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
        if known is not None and known[1] == fingerprint([table_content(rows)]):
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
                entry[key] = read_table_cell(column, cell, self.labels)
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


def _workbook_language(meta: Meta) -> str | None:
    language = meta.values.get("language")
    return language if language in dict(settings.LANGUAGES) else None


def read(data: bytes, *, submission: Submission, user, language: str, name: str = "") -> Plan:
    """Check a filled workbook against the report and list what it would change; write nothing.

    Raises ``WorkbookRefused`` when the file as a whole cannot be taken; otherwise the plan
    holds every cell error (by sheet and cell) or the changes to confirm."""
    book = uploads.open_workbook(data, limits(), name=name)
    try:
        try:
            meta = read_meta(book)
        except uploads.READ_ERRORS:
            raise refuse(_damaged()) from None
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
                raise refuse(
                    _("This workbook has %(count)s sheets; the report's has %(expected)s.")
                    % {"count": len(book.sheetnames), "expected": expected + 3}
                )
            try:
                reader.read(book)
            except uploads.READ_ERRORS:
                raise refuse(_damaged()) from None
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
