"""The one formula guard every CSV and XLSX file the platform writes goes through.

A text that a spreadsheet would run as a formula when the file is opened ("formula" or "CSV
injection": `=HYPERLINK(...)`, `+1+1`, `-2+3`, `@SUM(A1)`, or any of them behind a tab, a
carriage return or spaces) stays text: in a CSV file it is preceded by an apostrophe, the usual
guard; in an XLSX file it is a text cell marked as quoted, never a formula, and keeps its value.
Numbers stay numbers (a negative number is a number, not a formula).

The platform's workbooks hold no formula of their own; data validations are not cells.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from io import BytesIO, StringIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

TRIGGERS = ("=", "+", "-", "@")
# A signed number, written however (1,234.5 or 1 234,5 or 12%): it runs nothing.
_NUMBER = re.compile(r"[-+]?\d[\d\s.,]*%?([eE][-+]?\d+)?")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_WIDEST = 60  # characters: a column wider than this would hide its neighbours


def formula_like(value: Any) -> bool:
    """True for a text a spreadsheet would run as a formula (OWASP's list, also behind blanks)."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in ("\t", "\r"):
        return True
    return value.lstrip()[:1] in TRIGGERS and not _NUMBER.fullmatch(value.strip())


def csv_safe(value: Any) -> Any:
    """The value as a CSV cell holds it: a formula-like text behind an apostrophe."""
    return "'" + value if formula_like(value) else value


def csv_unquote(value: str) -> str:
    """What `csv_safe` wrote, read back: a CSV the platform wrote can be imported again."""
    return value[1:] if value.startswith("'") and formula_like(value[1:]) else value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = False):
    """The CSV line by line (for a streamed response). A byte-order mark first, if asked, so that
    Excel reads the file as UTF-8."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield ("\ufeff" if bom else "") + writer.writerow([csv_safe(value) for value in header])
    for values in rows:
        yield writer.writerow([csv_safe(value) for value in values])


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> str:
    return "".join(csv_lines(header, rows, bom=bom))


def csv_writer(buffer: StringIO) -> Any:
    """A `csv.writer` whose rows go through the guard. Its lines end in CRLF, so that a carriage
    return inside a value is quoted (with a bare "\n" ending, it would end the row there)."""
    writer = csv.writer(buffer)

    class Guarded:
        def writerow(self, values: Iterable[Any]) -> Any:
            return writer.writerow([csv_safe(value) for value in values])

    return Guarded()


def cell_text(value: Any) -> Any:
    """A value as an XLSX cell can hold it: text without the control characters the format
    cannot contain (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def keep_as_text(cell: Any) -> Any:
    """A formula-like text in a cell stays text: a string cell (openpyxl would have made "=..."
    a formula), quoted, so that Excel keeps it text even when the cell is edited."""
    if formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell of an ordinary worksheet through the guard."""
    return keep_as_text(sheet.cell(row=row, column=column, value=cell_text(value)))


def append(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Append a row to an ordinary worksheet through the guard; returns its cells."""
    values = [cell_text(value) for value in values]
    sheet.append(values)
    row = sheet.max_row
    return [
        keep_as_text(sheet.cell(row=row, column=column)) for column in range(1, len(values) + 1)
    ]


def write_only_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    value = cell_text(value)
    try:
        cell = WriteOnlyCell(sheet, value=value)
    except ValueError:  # a type a cell cannot hold: its text
        cell = WriteOnlyCell(sheet, value=str(value))
    return keep_as_text(cell)


def sheet_title(title: str, default: str = "Sheet") -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    return "".join(" " if char in "[]:*?/\\" else char for char in str(title))[:31] or default


def table_xlsx(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str, fit_widths: bool = False
) -> bytes:
    """A one-sheet workbook: a bold, frozen header, then the rows; written as it goes (no cell
    object kept per value). `fit_widths` sizes the columns to their contents, which holds every
    row in memory first."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    if fit_widths:
        rows = list(rows)
        for index, width in enumerate(_widths(header, rows), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    heads = []
    for label in header:
        cell = write_only_cell(sheet, str(label))
        cell.font = bold
        heads.append(cell)
    sheet.append(heads)
    for values in rows:
        sheet.append([write_only_cell(sheet, value) for value in values])
    return workbook_bytes(workbook)


def _widths(header: Sequence[Any], rows: list[Sequence[Any]]) -> list[int]:
    widths = [len(str(label)) for label in header]
    for values in rows:
        for index, value in enumerate(values[: len(widths)]):
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    return [min(width + 2, _WIDEST) for width in widths]


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
