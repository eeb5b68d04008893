"""An edition as DOCX (python-docx), in the page's language, with Word's own heading styles so
the Secretariat can finish it as a COP document: the cover with its document symbol, a chapter
per heading, each figure a table with its source, and the annex."""

from __future__ import annotations

import re
from io import BytesIO

from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cmsfamily.analytics.editions.selectors import EditionView
from cmsfamily.core.text import plain_text

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLOCKS = re.compile(r"</(?:p|li|h3|h4|blockquote)>", re.IGNORECASE)


def file_name(edition) -> str:
    return slugify(edition.symbol or edition.title) or f"edition-{edition.pk}"


def paragraphs(html: str) -> list[str]:
    """The editorial text's paragraphs as plain text (Word gets its own styles)."""
    return [
        part.strip() for part in plain_text(BLOCKS.sub("\n\n", html or "")).split("\n\n") if part
    ]


def cites_text(figure: dict) -> str:
    count = len(figure["cites"])
    if count:
        return ngettext(
            "Rests on %(count)s submitted report version, listed in the annex.",
            "Rests on %(count)s submitted report versions, listed in the annex.",
            count,
        ) % {"count": count}
    return _("Source: %(source)s.") % {"source": figure.get("source") or _("the platform")}


def edition_docx(view: EditionView) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    edition = view.edition
    document = Document()
    document.core_properties.title = edition.title
    document.core_properties.author = _("CMS Family Platform")
    document.core_properties.identifier = edition.symbol
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    document.styles["Normal"].font.size = Pt(10)

    document.add_paragraph(edition.symbol, style="Subtitle")
    document.add_heading(edition.title, level=0)
    document.add_paragraph(
        _("Closed reporting cycles with a deadline from %(start)s to %(end)s.")
        % {"start": date_format(edition.period_start), "end": date_format(edition.period_end)}
    )
    document.add_paragraph(
        _("Status: %(status)s. SHA-256 of the figures: %(hash)s")
        % {"status": edition.get_status_display(), "hash": view.content_hash or "—"}
    ).runs[0].italic = True
    if not view.generated:
        document.add_paragraph(_("The figures of this edition have not been generated yet."))

    for chapter in view.chapters:
        document.add_heading(chapter.heading, level=1)
        if chapter.statement:
            document.add_paragraph(plain_text(chapter.statement), style="Quote")
        for part in paragraphs(chapter.text):
            document.add_paragraph(part)
        for figure in chapter.figures:
            document.add_heading(figure["title"], level=2)
            rows = figure["rows"]
            if not rows:
                document.add_paragraph(_("No figure to show.")).runs[0].italic = True
                continue
            table = document.add_table(rows=1, cols=len(figure["header"]))
            table.style = "Table Grid"
            for cell, heading in zip(table.rows[0].cells, figure["header"], strict=True):
                cell.paragraphs[0].add_run(str(heading)).bold = True
            for row in rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = str(value)
            document.add_paragraph(cites_text(figure)).runs[0].italic = True

    document.add_heading(_("Annex: the reports cited and the reports missing"), level=1)
    document.add_heading(_("Report versions cited"), level=2)
    versions = view.annex.get("versions", [])
    if versions:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, heading in zip(
            table.rows[0].cells,
            (_("Reporter"), _("Cycle"), _("Version"), _("Submitted at"), _("SHA-256")),
            strict=True,
        ):
            cell.paragraphs[0].add_run(heading).bold = True
        for entry in versions:
            cells = table.add_row().cells
            values = (
                entry["reporter"],
                entry["cycle"],
                str(entry["number"]),
                entry["submitted_at"],
                entry["sha256"],
            )
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    else:
        document.add_paragraph(_("No report version is cited."))
    document.add_heading(_("Reports expected and missing"), level=2)
    missing = view.annex.get("missing", [])
    for entry in missing:
        document.add_paragraph(f"{entry['reporter']} — {entry['cycle']}", style="List Bullet")
    if not missing:
        document.add_paragraph(_("Every expected report counts."))

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
