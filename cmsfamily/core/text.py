"""Text that comes from outside (imported templates, uploaded forms): its HTML sanitised to the
few inline tags a question may carry, or removed where only plain text fits (sheet names, the
workbook's cells, CSV, the words of a condition, email subjects)."""

from __future__ import annotations

import html

import nh3

INLINE_TAGS = frozenset({"b", "strong", "i", "em", "u", "sub", "sup", "br", "span", "a"})


def clean_html(text: str) -> str:
    """The text with only harmless inline markup left (scripts, styles and event handlers go,
    with a script's or style's content); a text with nothing to remove comes back as it was."""
    if not text or "<" not in text:
        return text or ""
    cleaned = safe_html(text)
    # Nothing taken out, only a bare "<" escaped ("< 5,000"): the text stays as written (pages
    # escape it again when they show it).
    return text if html.unescape(cleaned) == text else cleaned


def safe_html(text: str) -> str:
    """The text as HTML a page may show as it is: harmless inline markup kept, everything else
    escaped or removed (what pages render an imported text through)."""
    return nh3.clean(
        text or "",
        tags=set(INLINE_TAGS),
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https", "mailto"},
    )


def plain_text(text: str) -> str:
    """The text without any markup: what a spreadsheet cell, a CSV or a subject line shows."""
    if not text or ("<" not in text and "&" not in text):
        return text or ""
    return html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))


# Editorial text (a chapter of the State of the CMS Family report) also has paragraphs and lists.
EDITORIAL_TAGS = INLINE_TAGS | {"p", "ul", "ol", "li", "h3", "h4", "blockquote"}


def clean_editorial(text: str) -> str:
    """Editorial rich text as HTML a page may show: paragraphs, lists, small headings and the
    inline markup kept, everything else escaped or removed. A text without markup becomes
    paragraphs at its blank lines."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
        return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)
    return nh3.clean(
        text,
        tags=set(EDITORIAL_TAGS),
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https", "mailto"},
    )
