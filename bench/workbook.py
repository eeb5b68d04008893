"""The offline workbook and the PDF of a submitted version (issue 6), each beside a floor measured
in the same run, on the 850-field synthetic national report of bench/reporting.py.

Timed in this process (one warm-up, then the median of REPETITIONS interleaved runs):

- export: `workbook.draft_workbook` of the first synthetic Party's report, beside openpyxl writing
  a plain workbook of the same sheets with the same values in the same cells (normal mode like the
  export, no styles, no protection, no validation), and the same in write-only mode;
- import with full validation (`workbook.read`) of (a) the exported file unchanged and (b) the same
  file with every answer's fingerprint forgotten (column E of the `_meta` rows "a", as
  cmsfamily/reporting/tests/test_workbook.py does), so that every cell is parsed and cleaned;
  beside openpyxl's read-only parse of the same file, every row of every sheet, values only;
- the PDF of a submitted version of that report (GET …/versions/<n>.pdf in-process: the print
  context, the template and WeasyPrint; of it, the print context and template alone), beside
  WeasyPrint on a plain page of the same text in paragraphs (no stylesheet, no tables).

Memory, each in a fresh Python process (`python -m bench.workbook --child …`, Django set up as
here, one small warm-up of the same code, then the peak RSS reset through /proc/self/clear_refs):
the growth of the peak RSS (VmHWM) during one operation, set against the RSS of a bare
`python -c "import django; django.setup()"`; and, in another fresh process, tracemalloc's peak
(Python allocations only: expat's, lxml's and Pango's are not in it). The operations: importing
the largest workbook the upload limit lets through (the export plus a sheet of random text, just
under `max_upload_bytes()`); the one within every limit that unpacks the most (a table of shared
strings, as Excel and LibreOffice write them, up to `max_unpacked_bytes()`, each part under the
per-part ratio); a zip bomb (1 KB of bzip2 that unpacks to 512 MiB); the export with a worksheet
of 512 MiB whose size the ZIP directory understates (deflate, then bzip2); the PDF of the
850-answer version.

Nothing is written to the database except, when the report has no submitted version yet, one
submit and its recall (the next run's bench.reporting.prepare deletes the version, as it does
those bench/reporting.py submits). The files are written to a temporary directory, then deleted.

    .venv/bin/python -m bench.workbook    # these measurements only, on the bench database
"""

import argparse
import contextlib
import gc
import io
import json
import logging
import random
import re
import statistics
import string
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import generate, processes, reporting

REPETITIONS = reporting.REPETITIONS
LANGUAGE = "en"
SEED = reporting.REPORTING_SEED + 6
MIB = 2**20
SHARED_STRINGS = "xl/sharedStrings.xml"
FORGED_PART = "xl/worksheets/sheet2.xml"  # the first section's sheet (after About)
# The largest upload: the export plus a sheet of random text (it compresses badly).
PADDING_SHEET = "Synthetic padding"
PADDING_COLUMNS = 10
PADDING_CHARS = 100
PADDING_ALPHABET = string.ascii_letters + string.digits + " "
SIZE_MARGIN = 0.005  # how far under a limit the generated files stay
# The widest workbook: shared strings of 17 characters in runs of 4 (about 41:1 when zipped).
WIDE_RUN = 4
BOMB_MIB = 512
SMALL_MIB = 16  # a refusal that grew the process less than this unpacked nothing
CHILD_TIMEOUT = 900
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
_WORKBOOK_XML = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN_NS}"><sheets/></workbook>'
)
BARE_DJANGO = (
    "import django; django.setup(); "
    "print(open('/proc/self/status').read())"  # VmHWM and VmRSS, as the children read them
)


# -- timing ------------------------------------------------------------------------------------


@dataclass
class Case:
    """One timed operation: `call(*prepare())`, `check` on what it returns."""

    name: str
    call: Callable[..., Any]
    prepare: Callable[[], tuple] = lambda: ()
    check: Callable[[Any], None] = lambda result: None


def _time(cases: list[Case], repetitions: int) -> dict[str, dict]:
    """Each case once to warm up, then `repetitions` rounds of all of them in turn (interleaved,
    so that load from other processes falls on ours and the floors alike): the median in ms."""
    runs: dict[str, list[float]] = {case.name: [] for case in cases}
    for round_ in range(repetitions + 1):
        for case in cases:
            arguments = case.prepare()
            gc.collect()
            started = time.perf_counter()
            result = case.call(*arguments)
            elapsed = time.perf_counter() - started
            case.check(result)
            if round_:
                runs[case.name].append(elapsed * 1000)
    return {
        name: {"ms": round(statistics.median(ms), 2), "runs_ms": [round(m, 2) for m in ms]}
        for name, ms in runs.items()
    }


# -- the files ---------------------------------------------------------------------------------


def _cells(data: bytes) -> list[tuple[str, list[tuple[int, int, Any]]]]:
    """Every non-empty cell of a workbook, by sheet (in order), as (row, column, value)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [
        (
            sheet.title,
            [
                (cell.row, cell.column, cell.value)
                for row in sheet.iter_rows()
                for cell in row
                if cell.value is not None
            ],
        )
        for sheet in book.worksheets
    ]


def _plain_workbook(cells) -> bytes:
    """The floor of the export: the same values in the same cells, nothing else (normal mode)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, values in cells:
        sheet = book.create_sheet(title)
        for row, column, value in values:
            sheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_only_workbook(rows) -> bytes:
    """The same in write-only (streaming) mode: rows appended in order."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, values in rows:
        sheet = book.create_sheet(title)
        for row in values:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_rows(cells) -> list[tuple[str, list[list]]]:
    result = []
    for title, values in cells:
        width = max((column for _row, column, _value in values), default=0)
        height = max((row for row, _column, _value in values), default=0)
        rows = [[None] * width for _ in range(height)]
        for row, column, value in values:
            rows[row - 1][column - 1] = value
        result.append((title, rows))
    return result


def _parse(data: bytes) -> int:
    """The floor of the import: openpyxl's read-only parse, every row of every sheet."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(
            len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        )
    finally:
        book.close()


def _forgotten(data: bytes) -> bytes:
    """The workbook with every answer's fingerprint forgotten: every cell is read and cleaned."""
    from openpyxl import load_workbook

    from cmsfamily.reporting import workbook as offline

    book = load_workbook(io.BytesIO(data))
    for row in book[offline.META].iter_rows():
        if row[0].value == "a":
            row[4].value = "forgotten"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _padded(data: bytes, limit: int) -> tuple[bytes, int]:
    """The export with a sheet of random text added, just under `limit` bytes, and its rows."""
    from openpyxl import load_workbook

    def build(rows: int) -> bytes:
        rng = random.Random(SEED)
        book = load_workbook(io.BytesIO(data))
        sheet = book.create_sheet(PADDING_SHEET)
        for row in range(1, rows + 1):
            for column in range(1, PADDING_COLUMNS + 1):
                text = "".join(rng.choices(PADDING_ALPHABET, k=PADDING_CHARS))
                sheet.cell(row=row, column=column, value=text)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    goal = int(limit * (1 - SIZE_MARGIN))
    # random text from 63 characters zips to about 3/4 of its length: a first guess, then scaled
    rows = int((goal - len(data)) / (PADDING_COLUMNS * PADDING_CHARS * 0.78))
    made = build(rows)
    rows = int(rows * (goal - len(data)) / (len(made) - len(data)))
    made = build(rows)
    while len(made) > limit:
        rows = int(rows * 0.99)
        made = build(rows)
    return made, rows


def _rebuilt(
    data: bytes,
    writers: dict[str, Callable],
    *,
    forged: dict[str, int] | None = None,
    methods: dict[str, int] | None = None,
) -> bytes:
    """The workbook with the parts in `writers` written by them (name → function of the open
    part and its old content; a part the workbook lacks is added at the end), compressed with
    `methods` (deflate when not given), the others copied. A part in `forged` gets that size in
    the ZIP's central directory, which is what the size checks read (the local header keeps the
    true one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        names = [member.filename for member in source.infolist()]
        for name in names + [name for name in writers if name not in names]:
            if name not in writers:
                target.writestr(source.getinfo(name), source.read(name))
                continue
            member = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            member.compress_type = (methods or {}).get(name, zipfile.ZIP_DEFLATED)
            with target.open(member, "w") as out:
                writers[name](out, source.read(name) if name in names else b"")
        for name, size in (forged or {}).items():
            target.getinfo(name).file_size = size
    return buffer.getvalue()


def _inserted(before: bytes, markup: str):
    """A writer that adds `markup` before the part's closing tag `before`."""

    def write(out, old: bytes) -> None:
        head, found, tail = old.rpartition(before)
        if not found:
            raise RuntimeError(f"no {before!r} in a part of the exported workbook")
        out.write(head + markup.encode() + found + tail)

    return write


def _widest(data: bytes, unpacked_limit: int) -> bytes:
    """The export with a table of shared strings that brings the unpacked workbook just under
    `unpacked_limit`, each part compressed less than the per-part ratio allows: within every
    limit. (openpyxl writes strings inline; Excel and LibreOffice write them to this table, which
    openpyxl reads whole when it opens a workbook.)"""
    source = zipfile.ZipFile(io.BytesIO(data))
    if SHARED_STRINGS in source.namelist():
        raise RuntimeError(f"the exported workbook has {SHARED_STRINGS}: it would be replaced")
    others = sum(member.file_size for member in source.infolist())
    entry = len("<si><t>Synthetic 0000000</t></si>")
    head = f'<sst xmlns="{_MAIN_NS}" count="{{0}}" uniqueCount="{{0}}">'
    extra = (int(unpacked_limit * (1 - SIZE_MARGIN)) - others - len(head) - 200) // entry
    if extra >= WIDE_RUN * 10**7:
        raise RuntimeError("the unpacked limit is too large for 7-digit shared strings")

    def strings(out, _old: bytes) -> None:
        out.write(head.format(extra).encode())
        chunk = 100_000
        for start in range(0, extra, chunk):
            out.write(
                "".join(
                    f"<si><t>Synthetic {n // WIDE_RUN:07d}</t></si>"
                    for n in range(start, min(start + chunk, extra))
                ).encode()
            )
        out.write(b"</sst>")

    return _rebuilt(
        data,
        {
            "[Content_Types].xml": _inserted(
                b"</Types>",
                f'<Override PartName="/{SHARED_STRINGS}" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
            ),
            "xl/_rels/workbook.xml.rels": _inserted(
                b"</Relationships>",
                '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/sharedStrings" Target="/{SHARED_STRINGS}" Id="rIdSynthetic"/>',
            ),
            SHARED_STRINGS: strings,
        },
    )


def _filler(byte: bytes, mib: int, start: str = ""):
    """A writer of `start`, then `mib` MiB of one byte."""
    block = byte * MIB

    def write(out, _old: bytes = b"") -> None:
        out.write(start.encode())
        for _ in range(mib):
            out.write(block)

    return write


def _bomb() -> bytes:
    """A zip bomb: `xl/workbook.xml` and a worksheet of BOMB_MIB MiB of zeros (bzip2)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK_XML)
        with archive.open("xl/worksheets/sheet1.xml", "w") as out:
            _filler(b"\0", BOMB_MIB)(out)
    return buffer.getvalue()


def _forged_bomb(data: bytes, method: int) -> bytes:
    """The export with its first section's worksheet replaced by BOMB_MIB MiB of spaces,
    compressed with `method`, the ZIP directory saying it still weighs what it weighed: the
    size checks see the small workbook it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    if FORGED_PART not in source.namelist():
        raise RuntimeError(f"the exported workbook has no {FORGED_PART}")
    return _rebuilt(
        data,
        {FORGED_PART: _filler(b" ", BOMB_MIB, f'<worksheet xmlns="{_MAIN_NS}"><sheetData>')},
        forged={FORGED_PART: source.getinfo(FORGED_PART).file_size},
        methods={FORGED_PART: method},
    )


# -- the text of the print page ----------------------------------------------------------------


_BLOCKS = ("h1", "h2", "h3", "p", "dt", "dd", "th", "td", "li", "caption")


def _blocks(html: str) -> list[str]:
    """The text of a page's body, block by block (outermost blocks; nested ones are in them)."""
    import lxml.html

    body = lxml.html.document_fromstring(html).body
    for element in list(body.iter("script", "style")):
        element.drop_tree()
    found = []
    for element in body.iter(*_BLOCKS):
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if text:
            found.append(text)
    return found


def _plain_page(blocks: list[str]) -> str:
    from django.utils.html import escape

    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in blocks)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title></head>'
        f"<body>{paragraphs}</body></html>"
    )


def _pages(pdf: bytes) -> int:
    """The pages of a PDF (WeasyPrint puts its objects in compressed streams)."""
    texts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        try:
            texts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![s\w])", text)) for text in texts)


def _pdf_html(subject: "Subject", user) -> str:
    """The page the PDF view gives WeasyPrint (its context and template, `for_pdf`)."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from cmsfamily.reporting.views.versions import print_context

    request = RequestFactory().get(subject.pdf_path)
    request.user = user
    context = print_context(request, subject.report.submission, subject.version, for_pdf=True)
    with translation.override(context["version"].language):
        return render_to_string("reporting/version_print.html", context, request=request)


class _QuietWeasyPrint:
    """WeasyPrint logs every CSS rule it ignores (screen-only rules): not measured, not shown."""

    def __enter__(self):
        with contextlib.suppress(ImportError, OSError):  # its import sets the level: first
            import weasyprint  # noqa: F401
        self._logger = logging.getLogger("weasyprint")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)


def _pdf_available() -> str:
    """'' when WeasyPrint works here, else why not."""
    from cmsfamily.core.documents import PdfUnavailable, html_to_pdf

    try:
        with _QuietWeasyPrint():
            html_to_pdf("<p>PDF check</p>", base_url="http://testserver/")
    except PdfUnavailable as error:
        return f"WeasyPrint cannot be loaded here ({error})"
    return ""


# -- what is measured --------------------------------------------------------------------------


@dataclass
class Subject:
    report: reporting.Report
    version: int  # the submitted version's number
    submitted_now: bool

    @property
    def pdf_path(self) -> str:
        return f"/reports/submissions/{self.report.submission}/versions/{self.version}.pdf"

    @property
    def print_path(self) -> str:
        return f"/reports/submissions/{self.report.submission}/versions/{self.version}/print/"


def _subject() -> Subject:
    """The first synthetic Party's national report, with a submitted version (submitted and
    recalled now if it has none: the report stays a draft)."""
    from django.db.models import Max

    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Answer, SubmissionVersion

    found = reporting.reports()
    if len(found) != len(reporting.PARTY_CODES):
        raise RuntimeError(
            f"{len(found)} synthetic reports in {reporting.CYCLE}, not {len(reporting.PARTY_CODES)}"
        )
    report = found[0]
    answered = Answer.objects.filter(submission=report.submission).count()
    if answered != reporting.FIELDS:
        raise RuntimeError(f"the report has {answered} answers, not {reporting.FIELDS}")
    versions = SubmissionVersion.objects.filter(submission=report.submission)
    submitted_now = not versions.exists()
    if submitted_now:
        user = reporting.fresh_user(report)
        services.submit(submission=reporting.submission_as_read(report.submission), by=user)
        services.recall(submission=reporting.submission_as_read(report.submission), by=user)
    number = versions.aggregate(number=Max("number"))["number"]
    submission = reporting.submission_as_read(report.submission)
    if submission.status != "draft":
        raise RuntimeError(f"the report is {submission.status}, not a draft")
    return Subject(report, number, submitted_now)


def _read_case(name: str, data: bytes, report: reporting.Report) -> Case:
    from cmsfamily.reporting import workbook as offline

    def prepare():
        return reporting.submission_as_read(report.submission), reporting.fresh_user(report)

    def call(submission, user):
        return offline.read(
            data, submission=submission, user=user, language=LANGUAGE, name="report.xlsx"
        )

    def check(plan):
        if plan.errors or plan.changes or plan.unchanged != reporting.FIELDS:
            raise RuntimeError(
                f"{name}: {len(plan.errors)} errors {plan.errors[:3]}, {len(plan.changes)} "
                f"changes, {plan.unchanged} unchanged (expected 0, 0, {reporting.FIELDS})"
            )

    return Case(name, call, prepare, check)


def _is_pdf(name: str):
    def check(result):
        content = result.content if hasattr(result, "content") else result
        status = getattr(result, "status_code", 200)
        if status != 200 or not content.startswith(b"%PDF"):
            raise RuntimeError(f"{name}: HTTP {status}, {content[:60]!r}")

    return check


def measure(repetitions: int = REPETITIONS) -> dict:
    """The timings in this process and the memory of each operation in a fresh one."""
    from django.test import Client

    from cmsfamily.core.documents import html_to_pdf
    from cmsfamily.reporting import workbook as offline

    subject = _subject()
    report = subject.report
    results: dict[str, Any] = {
        "repetitions": repetitions,
        "party": report.party,
        "submission": report.submission,
        "version": subject.version,
        "submitted_now": subject.submitted_now,
        "fields": reporting.FIELDS,
        "max_upload_bytes": offline.max_upload_bytes(),
        "max_unpacked_bytes": offline.max_unpacked_bytes(),
    }
    exported = offline.draft_workbook(
        reporting.submission_as_read(report.submission), reporting.fresh_user(report), LANGUAGE
    )
    forgotten = _forgotten(exported)
    cells = _cells(exported)
    rows = _as_rows(cells)
    results["files"] = {
        "export": _file(exported),
        "forgotten": _file(forgotten),
        "plain": _file(_plain_workbook(cells)),
        "write_only": _file(_write_only_workbook(rows)),
    }
    results["cells"] = sum(len(values) for _title, values in cells)
    results["sheets"] = len(cells)

    def export_prepare():
        return reporting.submission_as_read(report.submission), reporting.fresh_user(report)

    cases = [
        Case(
            "export",
            lambda submission, user: offline.draft_workbook(submission, user, LANGUAGE),
            export_prepare,
        ),
        Case("export_floor", lambda: _plain_workbook(cells)),
        Case("export_floor_write_only", lambda: _write_only_workbook(rows)),
        _read_case("import_unchanged", exported, report),
        Case("import_unchanged_floor", lambda: _parse(exported)),
        _read_case("import_every_cell", forgotten, report),
        Case("import_every_cell_floor", lambda: _parse(forgotten)),
    ]
    client = Client()
    client.force_login(reporting.fresh_user(report))
    try:
        results["pdf_skipped"] = _pdf_available()
        if not results["pdf_skipped"]:
            html = _pdf_html(subject, reporting.fresh_user(report))
            blocks = _blocks(html)
            plain = _plain_page(blocks)
            with _QuietWeasyPrint():
                ours_pdf = client.get(subject.pdf_path).content
                floor_pdf = html_to_pdf(plain, base_url="http://testserver/")
            results["pdf"] = {
                "path": subject.pdf_path,
                "html_kb": round(len(html.encode()) / 1024, 1),
                "text_chars": sum(len(text) for text in blocks),
                "blocks": len(blocks),
                "floor_html_kb": round(len(plain.encode()) / 1024, 1),
                "pdf_kb": round(len(ours_pdf) / 1024, 1),
                "pages": _pages(ours_pdf),
                "floor_pdf_kb": round(len(floor_pdf) / 1024, 1),
                "floor_pages": _pages(floor_pdf),
            }
            cases += [
                Case("pdf", lambda: client.get(subject.pdf_path), check=_is_pdf("pdf")),
                Case("pdf_html", lambda: _pdf_html(subject, reporting.fresh_user(report))),
                Case(
                    "pdf_floor",
                    lambda: html_to_pdf(plain, base_url="http://testserver/"),
                    check=_is_pdf("pdf floor"),
                ),
            ]
        with _QuietWeasyPrint():
            results["times"] = _time(cases, repetitions)
    finally:
        client.logout()  # no session left behind in the bench database
    results["memory"] = _memory(subject, exported, results["pdf_skipped"])
    return results


def _file(data: bytes) -> dict:
    """Its size, its unpacked size as its ZIP directory gives it, and the largest ratio of a
    part's unpacked to zipped size."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    return {
        "bytes": len(data),
        "unpacked_bytes": sum(member.file_size for member in members),
        "largest_ratio": round(
            max(member.file_size / max(member.compress_size, 1) for member in members), 1
        ),
    }


# -- memory ------------------------------------------------------------------------------------


@dataclass
class Memory:
    case: str
    label: str
    file: dict | None = None
    result: dict = field(default_factory=dict)
    traced: dict = field(default_factory=dict)


def _run_child(arguments: list[str]) -> dict:
    return processes.run_child("bench.workbook", arguments, CHILD_TIMEOUT)


def _bare_django() -> dict:
    run = subprocess.run(
        [sys.executable, "-c", BARE_DJANGO],
        cwd=generate.PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=True,
    )
    found = processes.status(run.stdout)
    return {"rss_mib": round(found["VmRSS"] / 1024, 1), "hwm_mib": round(found["VmHWM"] / 1024, 1)}


def _memory(subject: Subject, exported: bytes, pdf_skipped: str) -> dict:
    from cmsfamily.reporting import workbook as offline

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as folder:
        folder = Path(folder)

        def save(name: str, data: bytes) -> Path:
            path = folder / name
            path.write_bytes(data)
            return path

        warm = save("export.xlsx", exported)
        largest, rows = _padded(exported, offline.max_upload_bytes())
        files = {
            "largest": largest,
            "widest": _widest(exported, offline.max_unpacked_bytes()),
            "bomb": _bomb(),
            "forged_deflate": _forged_bomb(exported, zipfile.ZIP_DEFLATED),
            "forged_bzip2": _forged_bomb(exported, zipfile.ZIP_BZIP2),
        }
        cases = [
            Memory(
                "largest",
                f"import the largest upload: the export + a sheet of {rows:,} rows of "
                f"{PADDING_COLUMNS} cells of {PADDING_CHARS} random characters",
            ),
            Memory(
                "widest",
                "import the widest: shared strings up to the unpacked limit, within the "
                "per-part ratio",
            ),
            Memory("bomb", f"import a zip bomb ({BOMB_MIB} MiB of zeros, bzip2)"),
            *(
                Memory(
                    f"forged_{method}",
                    f"import the export with a worksheet of {BOMB_MIB} MiB of spaces ({method}), "
                    "its size in the ZIP directory forged",
                )
                for method in ("deflate", "bzip2")
            ),
        ]
        for case in cases:
            case.file = _file(files[case.case])
        if not pdf_skipped:
            cases.append(Memory("pdf", f"PDF of the {reporting.FIELDS}-answer version (GET)"))
        common = [
            "--submission",
            str(subject.report.submission),
            "--user",
            str(subject.report.user_id),
            "--version",
            str(subject.version),
            "--warm",
            str(warm),
        ]
        for case in cases:
            path = save(f"{case.case}.xlsx", files[case.case]) if case.case in files else warm
            arguments = [case.case, "--file", str(path), *common]
            case.result = _run_child(arguments)
            if case.case != "widest":  # minutes under tracemalloc: its millions of strings
                case.traced = _run_child([*arguments, "--trace"])
    return {
        "bare_django": _bare_django(),
        "cases": [vars(case) for case in cases],
        "seconds": round(time.perf_counter() - started, 1),
    }


def _child(args) -> dict:
    """One operation in this fresh process: its peak RSS growth (or tracemalloc's peak)."""
    generate.setup_django(generate.database_url())
    from django.test import Client

    from cmsfamily.core.documents import html_to_pdf
    from cmsfamily.reporting import workbook as offline
    from cmsfamily.reporting.models import Submission

    report = reporting.Report("", args.user, args.submission, 0, 0, 0, 0)
    subject = Subject(report, args.version, submitted_now=False)
    data = Path(args.file).read_bytes()
    client = None

    def read(content: bytes):
        return offline.read(
            content,
            submission=reporting.submission_as_read(args.submission),
            user=reporting.fresh_user(report),
            language=LANGUAGE,
            name="report.xlsx",
        )

    # The same code once on a small input first: imports, translations, caches are not counted.
    if args.case == "pdf":
        client = Client()
        client.force_login(reporting.fresh_user(report))
        with _QuietWeasyPrint():
            client.get(subject.print_path)
            html_to_pdf("<p>Warm-up</p>", base_url="http://testserver/")
    else:
        read(Path(args.warm).read_bytes())
    Submission.objects.get(pk=args.submission)  # the connection is open
    gc.collect()
    if args.trace:
        import tracemalloc

        tracemalloc.start()
    before = processes.status(Path("/proc/self/status").read_text())
    reset = True
    try:
        Path("/proc/self/clear_refs").write_text("5")  # the peak RSS from now on
    except OSError:
        reset = False
    started = time.perf_counter()
    try:
        if args.case == "pdf":
            with _QuietWeasyPrint():
                response = client.get(subject.pdf_path)
            outcome = (
                f"PDF of {len(response.content) / 1024:.0f} KB, {_pages(response.content)} pages"
                if response.status_code == 200
                else f"HTTP {response.status_code}"
            )
        else:
            outcome = _outcome(read(data))
    except offline.WorkbookRefused as refused:
        outcome = f"refused: {' '.join(refused.messages)}"
    except Exception as error:  # reported, not hidden: the page would answer 500  # noqa: BLE001
        outcome = f"raised {type(error).__module__}.{type(error).__name__}: {error}"[:300]
    seconds = time.perf_counter() - started
    after = processes.status(Path("/proc/self/status").read_text())
    result = {
        "outcome": outcome,
        "seconds": round(seconds, 2),
        "rss_before_mib": round(before["VmRSS"] / 1024, 1),
        "peak_mib": round(after["VmHWM"] / 1024, 1),
        "growth_mib": round(
            (after["VmHWM"] - (before["VmRSS"] if reset else before["VmHWM"])) / 1024, 1
        ),
        "peak_reset": reset,
    }
    if args.trace:
        import tracemalloc

        result["traced_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / MIB, 1)
        tracemalloc.stop()
    if client is not None:
        client.logout()
    return result


def _outcome(plan) -> str:
    if plan.errors:
        first = plan.errors[0]
        return (
            f"{len(plan.errors)} cell errors (first: {first.sheet}!{first.cell}: {first.message})"
        )
    return f"read: {len(plan.changes)} changes, {plan.unchanged} answers unchanged"


# -- the note ----------------------------------------------------------------------------------


def _kb(value: int) -> str:
    return f"{value / 1024:,.0f} KB"


def _mib(value: int) -> str:
    return f"{value / MIB:,.1f} MiB"


def _ratio(ours: float, floor: float) -> str:
    return f"{ours / floor:.1f}×" if floor else "–"


def note(results: dict) -> str:
    """The timings and the memory table, as Markdown."""
    r = results
    times = r["times"]
    files = r["files"]
    lines = [
        "### Offline workbook and PDF",
        "",
        f"- The national report of Synthetic Reporting Party 1 ({r['party']}, report "
        f"{r['submission']}): {r['fields']} fields (7 sections of 50 questions and a section "
        f"repeated for 50 species), in this process, after one warm-up, median of "
        f"{r['repetitions']} interleaved runs",
        f"- Files: the export {_kb(files['export']['bytes'])} ({_mib(files['export']['unpacked_bytes'])}"
        f" unpacked; {r['sheets']} sheets, {r['cells']:,} non-empty cells); with every "
        f"fingerprint forgotten {_kb(files['forgotten']['bytes'])}; the export floor's files "
        f"{_kb(files['plain']['bytes'])} (normal mode) and {_kb(files['write_only']['bytes'])} "
        "(write-only)",
    ]
    pdf = r.get("pdf")
    if pdf:
        lines.append(
            f"- PDF: version {r['version']}"
            + (" (submitted and recalled by this run)" if r["submitted_now"] else "")
            + f", print page {pdf['html_kb']:,} KB of HTML with {pdf['text_chars']:,} characters "
            f"of text in {pdf['blocks']:,} blocks → {pdf['pdf_kb']:,} KB, {pdf['pages']} pages; "
            f"the floor's page {pdf['floor_html_kb']:,} KB → {pdf['floor_pdf_kb']:,} KB, "
            f"{pdf['floor_pages']} pages"
        )
    lines += [
        "",
        "| operation | ours (ms p50) | floor (ms p50) | ratio | floor |",
        "|---|--:|--:|--:|---|",
    ]

    def row(label, ours, floor, what):
        lines.append(
            f"| {label} | {times[ours]['ms']:,.0f} | {times[floor]['ms']:,.0f} "
            f"| {_ratio(times[ours]['ms'], times[floor]['ms'])} | {what} |"
        )

    row(
        "XLSX export (`draft_workbook`)",
        "export",
        "export_floor",
        f"openpyxl, normal mode: the same {r['cells']:,} values in the same cells of the same "
        "sheets; no styles, protection or validation",
    )
    row(
        "XLSX export (`draft_workbook`)",
        "export",
        "export_floor_write_only",
        "the same values, openpyxl write-only mode (rows appended)",
    )
    row(
        "XLSX import, full validation (`read`): the export unchanged",
        "import_unchanged",
        "import_unchanged_floor",
        "openpyxl read-only parse of the same file, every row of every sheet, values only",
    )
    row(
        f"XLSX import, full validation: every fingerprint forgotten ({r['fields']} cells "
        "parsed and cleaned)",
        "import_every_cell",
        "import_every_cell_floor",
        "the same, on that file",
    )
    if pdf:
        row(
            f"PDF of the submitted {r['fields']}-answer version (GET …pdf in-process: "
            "context, template, WeasyPrint)",
            "pdf",
            "pdf_floor",
            f"WeasyPrint of a plain page of the same text in {pdf['blocks']:,} paragraphs "
            "(no stylesheet, no tables)",
        )
        lines += [
            "",
            f"- Of the PDF's {times['pdf']['ms']:,.0f} ms, the print context and template take "
            f"{times['pdf_html']['ms']:,.0f} ms; the rest is WeasyPrint (with the site's "
            "stylesheets, tables for the repeated section).",
        ]
    else:
        lines += ["", f"- PDF skipped: {r['pdf_skipped']}"]
    lines += _memory_note(r)
    return "\n".join(lines)


def _memory_note(r: dict) -> list[str]:
    memory = r["memory"]
    bare = memory["bare_django"]["hwm_mib"]
    lines = [
        "",
        f"Memory: each operation in a fresh process (`python -m bench.workbook --child`), after "
        f"a small warm-up of the same code; peak RSS (VmHWM) reset before the operation. Floor: "
        f'a bare `python -c "import django; django.setup()"`, {bare:.0f} MiB. Limits: upload '
        f"{_mib(r['max_upload_bytes'])}, unpacked {_mib(r['max_unpacked_bytes'])}, a part "
        f"over 1 MiB at most 100× its zipped size.",
        "",
        "| operation | file (zipped → unpacked) | outcome | s | RSS before (MiB) | peak RSS "
        "(MiB) | growth (MiB) | peak / bare Django | tracemalloc peak (MiB) | bounded |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for case in memory["cases"]:
        result, traced, file = case["result"], case["traced"], case["file"]
        size = (
            f"{_kb(file['bytes'])} → {_mib(file['unpacked_bytes'])} "
            f"(parts ≤ {file['largest_ratio']:,.0f}:1)"
            if file
            else "–"
        )
        if "failed" in result:
            lines.append(
                f"| {case['label']} | {size} | **failed**: {result['failed']} | " + "– |" * 7
            )
            continue
        traced_mib = traced.get("traced_peak_mib")
        lines.append(
            f"| {case['label']} | {size} | {result['outcome']} | {result['seconds']:.1f} "
            f"| {result['rss_before_mib']:.0f} | {result['peak_mib']:.0f} "
            f"| {result['growth_mib']:.0f} | {result['peak_mib'] / bare:.1f}× "
            f"| {'–' if traced_mib is None else f'{traced_mib:.0f}'} | {_bounded(case)} |"
        )
    lines += [
        "",
        "- *forged*: the size checks read the sizes in the ZIP's central directory. Python's "
        "zipfile stops reading a part at that size (then finds its CRC wrong), but it asks the "
        "decompressor for at most the bytes it wants only for deflate: bzip2 and LZMA parts are "
        "decompressed a whole compressed chunk (4 KB and more) at a time, so a few bytes of "
        "bzip2 become hundreds of MiB in memory before the size is checked.",
        "- tracemalloc counts Python allocations only (not expat's, lxml's, Pango's or cairo's); "
        "it is not run on the widest workbook (millions of strings: minutes under tracemalloc). "
        f"Measured in {memory['seconds']:.0f} s.",
    ]
    return lines


def _bounded(case: dict) -> str:
    result, file = case["result"], case["file"]
    refused = result["outcome"].startswith("refused")
    if case["case"] == "bomb" or case["case"].startswith("forged"):
        if not refused:
            return "**NO**: not refused"
        if result["growth_mib"] < SMALL_MIB:
            return "yes: refused, nothing unpacked"
        return "**NO**: refused only after unpacking in memory"
    if case["case"] == "pdf":
        return "by the report's size (the template's questions, the answers' limits)"
    if result["growth_mib"] < SMALL_MIB:
        return "yes: streamed, no growth with the file"
    unpacked = file["unpacked_bytes"] / MIB
    return (
        f"**only by the unpacked limit**: {result['growth_mib'] / unpacked:.1f} MiB per "
        "unpacked MiB"
    )


# -- entry point -------------------------------------------------------------------------------


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.workbook", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--repetitions", type=int, default=REPETITIONS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    for name in ("--submission", "--user", "--version"):
        parser.add_argument(name, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.child:
        args.case = args.child
        print(json.dumps(_child(args)))
        return 0
    generate.setup_django(generate.database_url())
    print("Preparing the synthetic Family ...", flush=True)
    data = generate.prepare()
    print(f"  {generate.describe(data)}", flush=True)
    print("Timing the offline workbook and the PDF in-process ...", flush=True)
    try:
        results = measure(args.repetitions)
    except RuntimeError as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    print()
    print(note(results))
    path = generate.OUT_DIR / "workbook.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"\n(results: {path.relative_to(generate.PROJECT_DIR)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
