"""A draft read into numbered blocks (from a .docx through the upload gate, or from Markdown),
and the word-level change between two texts. Pure functions: no database."""

import difflib
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cmsfamily.core.uploads import MIB, check_docx

MAX_BYTES = 10 * MIB
MAX_UNPACKED = 60 * MIB
MAX_BLOCKS = 5000
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph or list_item
    text: str
    level: int = 0  # a heading's level, a list item's depth
    ordered: bool = False  # a numbered list item (not a bullet)


def number_blocks(blocks: list[Block]) -> list[tuple[str, Block]]:
    """The number each block is commented under: paragraphs and list items run 1, 2, 3 ...
    across the draft; headings keep their place unnumbered."""
    numbered, counter = [], 0
    for block in blocks:
        if block.kind == HEADING:
            numbered.append(("", block))
        else:
            counter += 1
            numbered.append((str(counter), block))
    return numbered


def _checked(blocks: list[Block]) -> list[Block]:
    blocks = [block for block in blocks if block.text.strip()]
    if not any(block.kind != HEADING for block in blocks):
        raise ValidationError(_("The draft has no paragraph of text."), code="empty_draft")
    if len(blocks) > MAX_BLOCKS:
        raise ValidationError(
            _("The draft has more than %(limit)s paragraphs.") % {"limit": MAX_BLOCKS},
            code="too_long",
        )
    return blocks


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_ORDERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_MD_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")


def read_markdown(text: str) -> list[Block]:
    if "\x00" in text:
        raise ValidationError(_("This file is not a text file."), code="not_text")
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush():
        if buffer:
            blocks.append(Block(PARAGRAPH, " ".join(line.strip() for line in buffer)))
            buffer.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif match := _MD_HEADING.match(line):
            flush()
            blocks.append(Block(HEADING, match[2].strip(" #"), level=len(match[1])))
        elif match := _MD_ORDERED.match(line):
            flush()
            blocks.append(
                Block(LIST_ITEM, match[3].strip(), level=len(match[1]) // 2, ordered=True)
            )
        elif match := _MD_BULLET.match(line):
            flush()
            blocks.append(Block(LIST_ITEM, match[2].strip(), level=len(match[1]) // 2))
        else:
            buffer.append(line)
    flush()
    return _checked(blocks)


def read_docx(content: bytes, *, name: str = "") -> list[Block]:
    """Headings by their style (Heading 1 ... or Title), list items by their numbering or their
    list style, everything else a paragraph; tables' cells are read as paragraphs."""
    check_docx(content, max_bytes=MAX_BYTES, max_unpacked_bytes=MAX_UNPACKED, name=name)
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
        paragraphs = list(document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    paragraphs.extend(cell.paragraphs)
    except Exception:  # python-docx raises many kinds on damaged files  # noqa: BLE001
        raise ValidationError(
            _("This document could not be read: it is damaged or not made by a word processor."),
            code="refused",
        ) from None
    blocks = []
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        if style.startswith("Heading") or style == "Title":
            level = int(style.rsplit(" ", 1)[-1]) if style[-1:].isdigit() else 1
            blocks.append(Block(HEADING, text, level=level))
        elif numbered or style.startswith("List"):
            blocks.append(Block(LIST_ITEM, text, ordered="Number" in style or numbered))
        else:
            blocks.append(Block(PARAGRAPH, text))
    return _checked(blocks)


def read_draft(content: bytes, name: str) -> list[Block]:
    lowered = name.lower()
    if lowered.endswith((".md", ".markdown", ".txt")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("This text file is not in UTF-8. Save it as UTF-8 and upload it again."),
                code="not_text",
            ) from None
        if len(content) > MAX_BYTES:
            raise ValidationError(_("This file is too large."), code="too_large")
        return read_markdown(text)
    return read_docx(content, name=name)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[('equal'|'delete'|'insert', words)] from one text to the other, word by word."""
    a, b = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("insert", " ".join(b[j1:j2])))
    return parts


def similarity(old: str, new: str) -> float:
    return difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False).ratio()
