"""Hostile uploads, made in code (none is kept in the repository): the tests of every upload and
bench/uploads.py post them. Each is small on the wire; the bombs are deflate or bzip2 of one
repeated byte, which compress about a thousandfold.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

MIB = 2**20
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}"><sheets/></workbook>'
SHEET = "xl/worksheets/sheet1.xml"


def pdf(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _filler(out, byte: bytes, mib: int, start: bytes = b"", end: bytes = b"") -> None:
    out.write(start)
    block = byte * MIB
    for _ in range(mib):
        out.write(block)
    out.write(end)


def _zipped(
    parts: dict[str, bytes | Callable],
    *,
    method: int = zipfile.ZIP_DEFLATED,
    forged: dict[str, int] | None = None,
    encrypted: bool = False,
) -> bytes:
    """A ZIP of `parts` (bytes, or a writer of the open part); a part in `forged` gets that size
    in the central directory (the local header keeps the true one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in parts.items():
            if callable(content):
                member = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
                member.compress_type = method
                with archive.open(member, "w") as out:
                    content(out)
            else:
                archive.writestr(name, content)
        for name, size in (forged or {}).items():
            archive.getinfo(name).file_size = size
        if encrypted:
            for member in archive.infolist():
                member.flag_bits |= 0x1
    return buffer.getvalue()


def recompressed(data: bytes, method: int) -> bytes:
    """The same workbook with every part compressed with `method`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zipped({m.filename: source.read(m) for m in source.infolist()}, method=method)


def with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with `parts` added (or replacing those of the same name)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    kept = {m.filename: source.read(m) for m in source.infolist() if m.filename not in parts}
    return _zipped({**kept, **parts})


def zip_bomb(mib: int = 64) -> bytes:
    """A workbook whose worksheet is `mib` MiB of spaces (deflate: about 1 KB a MiB)."""
    return _zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES.encode(),
            "xl/workbook.xml": WORKBOOK.encode(),
            SHEET: lambda out: _filler(
                out, b" ", mib, f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode()
            ),
        }
    )


def shared_strings_bomb(mib: int = 64) -> bytes:
    """A workbook whose shared-strings table is `mib` MiB of empty strings."""
    return _zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES.encode(),
            "xl/workbook.xml": WORKBOOK.encode(),
            "xl/sharedStrings.xml": lambda out: _filler(
                out,
                b"<si><t></t></si>",
                mib // 16 or 1,
                f'<sst xmlns="{_MAIN}">'.encode(),
                b"</sst>",
            ),
        }
    )


def forged_bomb(data: bytes, mib: int = 64) -> bytes:
    """The workbook with a worksheet of `mib` MiB of spaces whose size the ZIP's directory
    gives as 1 KB: the size checks see a small workbook."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts: dict[str, bytes | Callable] = {m.filename: source.read(m) for m in source.infolist()}
    parts[SHEET] = lambda out: _filler(
        out, b" ", mib, f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    )
    return _zipped(parts, forged={SHEET: 1024})


def many_parts(count: int = 20_000) -> bytes:
    """A workbook of `count` empty parts: zipfile builds an object for each."""
    parts: dict[str, bytes | Callable] = {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "xl/workbook.xml": WORKBOOK.encode(),
    }
    parts.update({f"{n:x}": b"" for n in range(count)})
    return _zipped(parts, method=zipfile.ZIP_STORED)


def many_sheets(count: int = 300) -> bytes:
    """A workbook of `count` one-cell sheets, listed in workbook.xml."""
    sheets = "".join(
        f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, count + 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    parts: dict[str, bytes | Callable] = {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>{sheets}</sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>"
        ).encode(),
    }
    cell = f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    for n in range(1, count + 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = (cell + "</sheetData></worksheet>").encode()
    return _zipped(parts)


def cut_sheets(data: bytes) -> bytes:
    """The workbook with every worksheet's XML cut off after three quarters: it opens (the size
    of a sheet comes before its rows), then breaks off in the middle of a row."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheets = [n for n in source.namelist() if n.startswith("xl/worksheets/sheet")]
    return with_parts(data, {n: source.read(n)[: len(source.read(n)) * 3 // 4] for n in sheets})


def every_sheet(data: bytes, content: bytes) -> bytes:
    """The workbook with every worksheet's XML replaced by `content`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheets = [n for n in source.namelist() if n.startswith("xl/worksheets/sheet")]
    return with_parts(data, dict.fromkeys(sheets, content))


# Entities that expand to a billion "lol"s if the parser expands them (defusedxml refuses them).
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + f']><worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    "&lol9;</t></is></c></row></sheetData></worksheet>".encode()
)
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096  # Excel 97-2003, or an encrypted .xlsx


BOMB_MIB = 64  # unpacked: over every upload's limit
# Each hostile workbook by name: a function of a workbook the endpoint would take (from which
# the macro-enabled, recompressed, cut and broken ones are made) to (file name, content).
WORKBOOKS: dict[str, Callable[[bytes], tuple[str, bytes]]] = {
    "zip-bomb": lambda valid: ("bomb.xlsx", zip_bomb(BOMB_MIB)),
    "shared-strings-bomb": lambda valid: ("strings.xlsx", shared_strings_bomb(BOMB_MIB)),
    "forged-size": lambda valid: ("forged.xlsx", forged_bomb(valid, BOMB_MIB)),
    "bzip2": lambda valid: ("bzip2.xlsx", recompressed(valid, zipfile.ZIP_BZIP2)),
    "lzma": lambda valid: ("lzma.xlsx", recompressed(valid, zipfile.ZIP_LZMA)),
    "macros": lambda valid: ("macros.xlsx", with_parts(valid, {"xl/vbaProject.bin": b"\0" * 512})),
    "xlsm": lambda valid: ("macros.xlsm", valid),
    "xls": lambda valid: ("old.xls", XLS),
    "encrypted": lambda valid: ("secret.xlsx", _zipped({"xl/workbook.xml": b"x"}, encrypted=True)),
    "empty": lambda valid: ("empty.xlsx", b""),
    "truncated": lambda valid: ("cut.xlsx", valid[: len(valid) // 2]),
    "not-a-workbook": lambda valid: ("table.xlsx", b"kind,description\nmoney,x\n"),
    "many-parts": lambda valid: ("parts.xlsx", many_parts()),
    "many-sheets": lambda valid: ("sheets.xlsx", many_sheets()),
    "billion-laughs": lambda valid: ("laughs.xlsx", every_sheet(valid, BILLION_LAUGHS)),
    "broken-sheet": lambda valid: ("broken.xlsx", cut_sheets(valid)),
}
# What each is refused with: a part of the message the page shows.
WORKBOOK_REFUSALS = {
    "zip-bomb": "unpacks to far more than its size",
    "shared-strings-bomb": "unpacks to far more than its size",
    "forged-size": "damaged",
    "bzip2": "compressed in a way Excel and LibreOffice do not use",
    "lzma": "compressed in a way Excel and LibreOffice do not use",
    "macros": "Workbooks with macros are refused",
    "xlsm": "Workbooks with macros are refused",
    "xls": "Excel 97-2003 (.xls) file or an encrypted workbook",
    "encrypted": "Excel 97-2003 (.xls) file or an encrypted workbook",
    "empty": "The submitted file is empty",
    "truncated": "damaged or incomplete",
    "not-a-workbook": "not an Excel workbook (.xlsx)",
    "many-parts": "parts; a workbook has far fewer",
    "many-sheets": "sheets",
    "billion-laughs": "damaged",
    "broken-sheet": "damaged",
}


def pdfs() -> dict[str, tuple[str, bytes]]:
    """Each hostile 'PDF' by name."""
    real = pdf()
    return {
        "html-behind-pdf-header": (
            "letter.pdf",
            b"%PDF-1.4\n<html><body><script>alert(1)</script>Letter</body></html>\n",
        ),
        "empty": ("letter.pdf", b""),
        "truncated": ("letter.pdf", real[: len(real) // 2]),
        "image": ("letter.pdf", b"GIF89a" + b"\0" * 100),
        "no-pages": ("letter.pdf", real.replace(b"/Count 1", b"/Count 0")),
        "billion-pages": ("letter.pdf", real.replace(b"/Count 1", b"/Count 999999999")),
    }


def csv_problems(columns: list[str], column: str, size: int) -> bytes:
    """A CSV table of `size` bytes whose `column` holds, on every row, 60,000 wrong values
    separated by ";" (just under the csv module's field limit): a problem each."""
    header = ",".join(columns) + "\n"
    row = ",".join("x;" * 60_000 if name == column else "" for name in columns) + "\n"
    return (header + row * ((size - len(header)) // len(row))).encode()


def csvs(columns: list[str], column: str, max_bytes: int, max_rows: int) -> dict[str, bytes]:
    """Each hostile CSV table by name, for a table of `columns` read up to `max_bytes` and
    `max_rows`; `column` is one whose values are split on ';'."""
    header = ",".join(columns) + "\n"
    blank = ",".join("x" for _name in columns) + "\n"
    return {
        "problems-bomb": csv_problems(columns, column, max_bytes),
        "too-large": (header + blank * (max_bytes // len(blank) + 1)).encode(),
        "too-many-rows": (header + blank * (max_rows + 1)).encode(),
        "long-field": (header + "x" * (max_bytes - len(header) - 10) + "\n").encode(),
        "workbook": zip_bomb(1),
        "binary": b"\0" * 4096,
        "latin-1": (header + ",".join("é" for _name in columns) + "\n").encode("latin-1"),
    }


# What the species import refuses each with: a part of the message the page shows.
CSV_REFUSALS = {
    "problems-bomb": "60000 values; at most 300 fit in this column.",
    "too-large": "larger than the limit of 2 MB",
    "too-many-rows": "more than 5000 rows",
    "long-field": "cannot be read as CSV",
    "workbook": "This is not a CSV file",
    "binary": "This is not a CSV file",
    "latin-1": "The file is not UTF-8 text",
}
