"""One gate for every uploaded spreadsheet and document the server opens (DESIGN.md §2).

A workbook is a ZIP of XML parts. What it costs to open is set by what it unpacks to, not by its
size: a 1 MB file can unpack to gigabytes, a bzip2 or LZMA part is decompressed whole whatever
size the archive claims for it, and openpyxl parses every part but the worksheets whole (the
shared strings at about five times their size in memory). So everything that decides the cost is
read from the ZIP's directory first (its end record even before zipfile builds an object per
part), and only a file within every limit reaches openpyxl, in read-only mode (worksheets
streamed). ``defusedxml`` is installed, so openpyxl parses with it.

A PDF is opened with pypdf: a file that merely starts with ``%PDF-`` is not a PDF.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MIB = 2**20
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, and Office's encrypted packages
ZIP = b"PK\x03\x04"
_END = b"PK\x05\x06"
_END_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
# A part of a real workbook takes 50 to 150 bytes of the ZIP's directory.
DIRECTORY_BYTES_PER_PART = 160
_STREAMED = re.compile(r"xl/worksheets/[^/]+\.xml")  # read row by row in read-only mode
_SHEET = re.compile(r"xl/(worksheets|chartsheets)/[^/]+\.xml")
_SHARED_STRINGS = "xl/sharedstrings.xml"
_MACRO_NAMES = (".xlsm", ".xltm", ".xlsb")

Source = bytes | IO[bytes]
# What reading the rows of a checked workbook may still raise: a part cut short or whose size the
# ZIP's directory understates (BadZipFile, EOFError), XML that does not parse (ParseError is a
# SyntaxError), entities (defusedxml refuses them with ValueErrors).
READ_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, SyntaxError)


class UploadRefused(ValidationError):
    """The file as a whole cannot be taken: not what was asked for, too large, macros, a bomb."""


@dataclass(frozen=True)
class WorkbookLimits:
    max_bytes: int
    max_unpacked_bytes: int
    max_ratio: int = 100  # how much one part over 1 MiB of a real workbook shrinks when zipped
    max_shared_strings: int = 16 * MIB
    max_part_bytes: int = 4 * MIB  # any other part openpyxl parses whole (styles, workbook.xml)
    max_parts: int = 1000
    max_sheets: int = 250


def _refuse(message: str) -> UploadRefused:
    return UploadRefused(message, code="refused")


def damaged() -> str:
    return _("This workbook is damaged or incomplete (was the upload cut short?). Save it again.")


def _size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    end = source.seek(0, io.SEEK_END)
    source.seek(position)
    return end


def _file(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    source.seek(0)
    return source


def _directory_size(file: IO[bytes], size: int) -> tuple[int, int]:
    """The number of parts and the bytes of the ZIP's central directory, from its end record:
    zipfile builds an object of about 500 bytes for each part it lists, so a few MB of empty
    parts would cost far more than the file."""
    tail = min(size, _END_SIZE + 0xFFFF)
    file.seek(size - tail)
    data = file.read(tail)
    at = data.rfind(_END)
    if at < 0 or len(data) - at < _END_SIZE:
        raise _refuse(damaged())
    if data[max(at - 20, 0) : at].startswith(_ZIP64_LOCATOR):
        return 0xFFFF + 1, 0  # ZIP64: only for more parts or bytes than any workbook has
    return struct.unpack("<HI", data[at + 10 : at + 16])


def _unpacks_too_much(unpacked: int) -> UploadRefused:
    return _refuse(
        _(
            "This workbook unpacks to far more than its size (%(size)s MB): it is refused "
            "so as not to overload the server."
        )
        % {"size": number_format(round(unpacked / MIB))}
    )


def check_workbook(source: Source, limits: WorkbookLimits, *, name: str = "") -> None:
    """Refuse what is not a plain .xlsx workbook within `limits`, before anything parses it."""
    size = _size(source)
    if size > limits.max_bytes:
        raise _refuse(
            _("This file is %(size)s MB; a workbook may be at most %(limit)s MB.")
            % {"size": number_format(round(size / MIB, 1)), "limit": limits.max_bytes // MIB}
        )
    file = _file(source)
    head = file.read(len(OLE2))
    if head == OLE2:
        raise _refuse(
            _(
                "This is an Excel 97-2003 (.xls) file or an encrypted workbook. Save it as an "
                "Excel workbook (.xlsx), without a password, and upload it again."
            )
        )
    if name.lower().endswith(_MACRO_NAMES):
        raise _refuse(_("Workbooks with macros are refused. Save it as .xlsx (no macros)."))
    if not head.startswith(ZIP):
        raise _refuse(
            _("This file is not an Excel workbook (.xlsx). Download the workbook and fill it in.")
        )
    parts, directory = _directory_size(file, size)
    if parts > limits.max_parts or directory > limits.max_parts * DIRECTORY_BYTES_PER_PART:
        raise _refuse(
            _("This workbook has more than %(limit)s parts; a workbook has far fewer.")
            % {"limit": number_format(limits.max_parts)}
        )
    try:
        members = zipfile.ZipFile(_file(source)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refuse(damaged()) from None
    finally:
        file.seek(0)
    _check_members(members, limits)


def _check_members(members: list[zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise _refuse(_("This file is not an Excel workbook (.xlsx)."))
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "xl/workbook.bin" in names:
        raise _refuse(_("Workbooks with macros are refused. Save it as .xlsx (no macros)."))
    if any(member.flag_bits & 0x1 for member in members):
        raise _refuse(
            _(
                "This is an Excel 97-2003 (.xls) file or an encrypted workbook. Save it as an "
                "Excel workbook (.xlsx), without a password, and upload it again."
            )
        )
    if any(
        member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for member in members
    ):
        # Excel and LibreOffice only store or deflate; Python decompresses a bzip2 or LZMA part
        # a whole block at a time, whatever size the archive claims for it.
        raise _refuse(
            _(
                "This workbook is compressed in a way Excel and LibreOffice do not use. Open it "
                "in Excel or LibreOffice and save it again as .xlsx."
            )
        )
    unpacked = sum(member.file_size for member in members)
    if (
        unpacked > limits.max_unpacked_bytes
        or any(_too_large(member, limits) for member in members)
        or any(
            member.file_size > limits.max_ratio * max(member.compress_size, 1)
            and member.file_size > MIB
            for member in members
        )
    ):
        raise _unpacks_too_much(unpacked)
    sheets = sum(1 for n in names if _SHEET.fullmatch(n))
    if sheets > limits.max_sheets:
        raise _refuse(
            _("This workbook has %(count)s sheets; at most %(limit)s are accepted.")
            % {"count": number_format(sheets), "limit": number_format(limits.max_sheets)}
        )


def _too_large(member: zipfile.ZipInfo, limits: WorkbookLimits) -> bool:
    """A part that openpyxl reads whole, over its limit."""
    name = member.filename
    if name.lower() == _SHARED_STRINGS:
        return member.file_size > limits.max_shared_strings
    if _STREAMED.fullmatch(name) or not name.lower().endswith((".xml", ".rels", ".vml")):
        return False
    return member.file_size > limits.max_part_bytes


def open_workbook(source: Source, limits: WorkbookLimits, *, name: str = "") -> Any:
    """The checked workbook, opened read-only (worksheets streamed, values only); close it."""
    from openpyxl import load_workbook

    check_workbook(source, limits, name=name)
    try:
        return load_workbook(_file(source), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files  # noqa: BLE001
        raise _refuse(
            _("This workbook could not be read: it is damaged or not made by Excel or LibreOffice.")
        ) from None


# -- PDF -----------------------------------------------------------------------------------------


def check_pdf(upload: IO[bytes], *, max_bytes: int, max_pages: int = 2000) -> None:
    """Refuse what is not a PDF within `max_bytes`: pypdf must find its cross-reference table,
    its catalogue and a page tree of 1 to `max_pages` pages. Only that structure is read (no
    page is flattened, no stream decompressed): a letter that a PDF reader cannot open is no
    letter, and an HTML page behind ``%PDF-`` is not stored as one."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    size = _size(upload)
    if size > max_bytes:
        raise ValidationError(
            _("The document is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    position = upload.tell()
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        # Permissions alone (no password to open) are common in official letters.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("The document is protected by a password; upload it without one."),
                code="encrypted",
            )
        catalogue: Any = reader.trailer["/Root"]
        pages = catalogue["/Pages"]["/Count"]
    except (PyPdfError, KeyError, TypeError, ValueError, AttributeError, RecursionError):
        raise _not_pdf() from None
    finally:
        upload.seek(position)
    if not isinstance(pages, int) or not 1 <= pages <= max_pages:
        raise _not_pdf()


def _not_pdf() -> ValidationError:
    return ValidationError(
        _("The document must be a PDF file; this file is not one, or it is damaged."),
        code="not_pdf",
    )


# -- Word documents --------------------------------------------------------------------------------

_WORD_MACRO_NAMES = (".docm", ".dotm")


def _not_docx() -> UploadRefused:
    return _refuse(_("This file is not a Word document (.docx). Save it as .docx and upload it."))


def _docx_with_macros() -> UploadRefused:
    return _refuse(_("Word documents with macros are refused. Save it as .docx (no macros)."))


def check_docx(source: Source, *, max_bytes: int, max_unpacked_bytes: int, name: str = "") -> None:
    """Refuse what is not a plain .docx within the limits, before python-docx parses it: an old
    .doc or an encrypted file, macros (a .docm, a vbaProject part, a macro-enabled content type),
    a damaged ZIP, unusual compression, a part that unpacks far beyond its size."""
    size = _size(source)
    if size > max_bytes:
        raise _refuse(
            _("This file is %(size)s MB; a document may be at most %(limit)s MB.")
            % {"size": number_format(round(size / MIB, 1)), "limit": max_bytes // MIB}
        )
    if name.lower().endswith(_WORD_MACRO_NAMES):
        raise _docx_with_macros()
    file = _file(source)
    head = file.read(len(OLE2))
    if head == OLE2:
        raise _refuse(
            _(
                "This is a Word 97-2003 (.doc) file or an encrypted document. Save it as a Word "
                "document (.docx), without a password, and upload it again."
            )
        )
    if not head.startswith(ZIP):
        raise _not_docx()
    parts, directory = _directory_size(file, size)
    if parts > 1000 or directory > 1000 * DIRECTORY_BYTES_PER_PART:
        raise _not_docx()
    try:
        archive = zipfile.ZipFile(_file(source))
        members = archive.infolist()
        names = {member.filename.lower() for member in members}
        types = (
            archive.read("[Content_Types].xml")[: 2 * MIB]
            if "[content_types].xml" in names
            and archive.getinfo("[Content_Types].xml").file_size <= 2 * MIB
            else b""
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise _refuse(_("This document is damaged or incomplete. Save it again.")) from None
    finally:
        file.seek(0)
    if "word/document.xml" not in names:
        raise _not_docx()
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise _docx_with_macros()
    if any(member.flag_bits & 0x1 for member in members) or any(
        member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for member in members
    ):
        raise _refuse(
            _("This document is encrypted or compressed in a way Word does not use. Save it again.")
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes or any(
        member.file_size > 100 * max(member.compress_size, 1) and member.file_size > MIB
        for member in members
    ):
        raise _refuse(
            _(
                "This document unpacks to far more than its size: it is refused so as not to "
                "overload the server."
            )
        )
