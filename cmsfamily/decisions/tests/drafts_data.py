"""The concept note of seed 004 (its headings, paragraphs and bullet lists) as test drafts."""

import io
import zipfile

import docx

SEED_004_NOTE = [
    ("heading", "Concept Note towards a Strategic Plan for Migratory Species, 2015-2023"),
    ("heading", "The Way Forward – A Twin Track Approach"),
    (
        "paragraph",
        "The CMS Strategic Plan Working Group (SPWG) has agreed upon the following approach to "
        "guide the further development of the draft Strategic Plan 2015-2023.",
    ),
    ("paragraph", "It should be a Strategic Plan for Migratory Species:"),
    ("bullet", "To focus on the issue, not the CMS instruments;"),
    ("bullet", "To support the entire CMS Family of instruments; and"),
    ("bullet", "To encourage efforts by all towards the conservation of migratory species."),
    ("heading", "Further steps"),
    (
        "paragraph",
        "The added value of the Strategic Plan will highly depend on its buy-in at national, "
        "regional and global level.",
    ),
    (
        "number",
        "Organizing expert meetings and/or regional consultations on the draft Strategic Plan;",
    ),
]


def note_docx(blocks=SEED_004_NOTE) -> bytes:
    document = docx.Document()
    for kind, text in blocks:
        if kind == "heading":
            document.add_heading(text, level=2)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "number":
            document.add_paragraph(text, style="List Number")
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def note_markdown(blocks=SEED_004_NOTE) -> bytes:
    lines = []
    for kind, text in blocks:
        prefix = {"heading": "## ", "bullet": "- ", "number": "1. "}.get(kind, "")
        lines.extend([prefix + text, ""])
    return "\n".join(lines).encode()


def with_macros(content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()
