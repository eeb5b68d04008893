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

Modules: ``writer`` builds the XLSX, ``reader`` checks an upload and plans its changes, ``codec``
holds what both share (sheet names, cell identifiers and fingerprints, the ``_meta`` sheet, how a
value becomes a cell and back). Callers import from here (``workbook.draft_workbook``).
"""

from cmsfamily.reporting.workbook.codec import (
    ABOUT,
    CONTENT_TYPE,
    FORMAT,
    LANGUAGES,
    LISTS,
    MAX_ROWS,
    META,
    Labels,
    WorkbookRefused,
    cell_value,
    fingerprint,
    html_to_text,
    norm,
    raw_value,
)
from cmsfamily.reporting.workbook.reader import (
    EXTRA_SHEETS,
    MAX_RATIO,
    MAX_SHARED_STRINGS,
    CellError,
    Plan,
    PlannedChange,
    apply,
    limits,
    max_unpacked_bytes,
    max_upload_bytes,
    read,
)
from cmsfamily.reporting.workbook.writer import (
    EXTRA_TABLE_ROWS,
    Source,
    blank_workbook,
    draft_workbook,
    version_workbook,
)

__all__ = [
    "ABOUT",
    "CONTENT_TYPE",
    "CellError",
    "EXTRA_SHEETS",
    "EXTRA_TABLE_ROWS",
    "FORMAT",
    "LANGUAGES",
    "LISTS",
    "Labels",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "META",
    "Plan",
    "PlannedChange",
    "Source",
    "WorkbookRefused",
    "apply",
    "blank_workbook",
    "cell_value",
    "draft_workbook",
    "fingerprint",
    "html_to_text",
    "limits",
    "max_unpacked_bytes",
    "max_upload_bytes",
    "norm",
    "raw_value",
    "read",
    "version_workbook",
]
