"""Submitted reports as data: one version as a JSON document, and a whole cycle as rows (a row per
reporter, question and loop item) written as XLSX, CSV or JSON.

Only submitted versions are read, never the answers of a draft: what a cycle export holds is what
each reporter last sent to the Secretariat. The rows of a cycle cost a constant number of queries
whatever its number of reporters: the versions with their reporters in one, the template's
structure (cached per process) and the names of picked objects once per kind.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cmsfamily.core import spreadsheets
from cmsfamily.core import text as markup
from cmsfamily.reporting import display, selectors
from cmsfamily.reporting.answers import Pickers, column_label
from cmsfamily.reporting.choices import QuestionKind, ReporterKind
from cmsfamily.reporting.models import Cycle, Submission, SubmissionVersion

FORMATS = ("xlsx", "csv", "json")

# (key, header): the keys name the fields of the JSON rows, the headers head the CSV and XLSX.
COLUMNS = (
    ("reporter_code", _("Reporter code")),
    ("reporter_name", _("Reporter")),
    ("reporter_kind", _("Reporter kind")),
    ("region", _("Region")),
    ("status", _("Status")),
    ("version", _("Version")),
    ("submitted_at", _("Submitted")),
    ("section", _("Section")),
    ("question_number", _("Question number")),
    ("question_code", _("Question code")),
    ("question", _("Question")),
    ("loop_key", _("Loop item key")),
    ("loop_label", _("Loop item")),
    ("value", _("Answer")),
    ("raw_value", _("Answer as data (JSON)")),
)


def reporter_code(submission: Submission) -> str:
    if submission.party is not None:
        return submission.party.code
    return submission.organisation.slug if submission.organisation else ""


def version_document(version: SubmissionVersion) -> dict:
    """One submitted version as a document: its snapshot untouched (so that anyone can check it
    against ``content_hash``) with what identifies it. The person who submitted it is left out:
    once published, the document is public."""
    submission = version.submission
    cycle = submission.cycle
    return {
        "cycle": {"slug": cycle.slug, "title": cycle.title},
        "template": {"slug": cycle.version.template.slug, "version": cycle.version.number},
        "reporter": {
            "kind": "party" if submission.party_id else "organisation",
            "code": reporter_code(submission),
            "name": str(submission.reporter),
        },
        "version": version.number,
        "submitted_at": version.submitted_at.isoformat(),
        "language": version.language,
        "content_hash": version.content_hash,
        "snapshot": version.snapshot,
    }


def latest_versions(cycle: Cycle) -> list[SubmissionVersion]:
    """Each reporter's last submitted version in the cycle, by reporter name (one query)."""
    latest = (
        SubmissionVersion.objects.filter(submission=OuterRef("submission"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = SubmissionVersion.objects.filter(
        submission__cycle=cycle, number=Subquery(latest)
    ).select_related("submission__party__region", "submission__organisation")
    return sorted(versions, key=lambda v: (str(v.submission.reporter).casefold(), v.pk))


def _reporter_kind(submission: Submission) -> str:
    if submission.organisation is None:
        return str(ReporterKind.PARTY.label)
    return submission.organisation.get_kind_display()


_BREAKS = re.compile(r"</p>|<br\s*/?>|</li>", re.IGNORECASE)


def plain_text(question, value: Any, names: Pickers) -> str:
    """The answer as display text without markup: a spreadsheet cell cannot hold HTML."""
    if question.kind == QuestionKind.LONG_TEXT:
        return html.unescape(strip_tags(_BREAKS.sub("\n", value))).strip()
    if question.kind == QuestionKind.TABLE:
        language = get_language() or "en"
        labels = [(column["key"], column_label(column, language)) for column in question.columns]
        return "\n".join(
            "; ".join(f"{label}: {row.get(key, '')}" for key, label in labels) for row in value
        )
    return markup.plain_text(str(display.text(question, value, names=names)))


def cycle_rows(cycle: Cycle, versions: list[SubmissionVersion] | None = None) -> Iterator[dict]:
    """A row per reporter, answered question and loop item, from each last submitted version, in
    the order of the template; texts in the active language."""
    versions = latest_versions(cycle) if versions is None else versions
    structure = selectors.structure(cycle.version)
    names = Pickers()
    for version in versions:
        submission = version.submission
        answers = version.snapshot.get("answers", {})
        labels = version.snapshot.get("loop_items", {})
        relevant = selectors.content_relevance(structure, version.snapshot)
        position = {key: index for index, key in enumerate(labels)}
        reporter = {
            "reporter_code": reporter_code(submission),
            "reporter_name": str(submission.reporter),
            "reporter_kind": _reporter_kind(submission),
            "region": str(submission.party.region) if submission.party else "",
            "status": str(submission.get_status_display()),
            "version": version.number,
            "submitted_at": version.submitted_at.isoformat(),
        }
        for node in structure.nodes:
            keys = {key for item in node.items for key in answers.get(item.question.code, {})}
            for key in sorted(keys, key=lambda k: (position.get(k, len(position)), k)):
                for item in node.items:
                    by_key = answers.get(item.question.code, {})
                    # An answer the version holds to a question its condition hides is not
                    # part of the report (the pages leave it out too).
                    if key not in by_key or not relevant.shown(item, key):
                        continue
                    value = by_key[key]
                    yield {
                        **reporter,
                        "section": node.section.number,
                        "question_number": item.number,
                        "question_code": item.question.code,
                        "question": markup.plain_text(str(item.question.text)),
                        "loop_key": key,
                        "loop_label": labels.get(key, ""),
                        "value": plain_text(item.question, value, names),
                        "raw_value": value,
                    }


def _cell(row: dict, key: str):
    value = row[key]
    if key == "raw_value":
        return json.dumps(value, ensure_ascii=False)
    return value


def header() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def as_lists(rows: Iterable[dict]) -> Iterator[list]:
    for row in rows:
        yield [_cell(row, key) for key, _label in COLUMNS]


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """The CSV, line by line for a streamed response; a byte-order mark first, so that Excel
    reads it as UTF-8 (accents, non-Latin names)."""
    return spreadsheets.csv_lines(header(), as_lists(rows), bom=True)


def xlsx(rows: Iterable[dict], *, title: str) -> bytes:
    """A write-only workbook (it streams rows to the file rather than holding a cell object per
    answer): a bold, frozen header, then the rows; texts never become formulas."""
    return spreadsheets.table_xlsx(header(), as_lists(rows), title=title or "Reports")


def cycle_document(cycle: Cycle, rows: Iterable[dict]) -> dict:
    return {
        "cycle": {"slug": cycle.slug, "title": cycle.title, "is_demo": cycle.is_demo},
        "template": {"slug": cycle.version.template.slug, "version": cycle.version.number},
        "columns": [key for key, _label in COLUMNS],
        "rows": list(rows),
    }
