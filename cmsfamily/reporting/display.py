"""Answers as people read them: options by their label, numbers with their unit, pickers by name.

Shared by the pages, the version view, the diff, the PDF and the exports, so a value reads the
same everywhere. Names of picked objects are fetched once per page (``answers.Pickers``), not
once per answer.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.reporting.answers import Pickers, column_label
from cmsfamily.reporting.choices import PICKER_KINDS, QuestionKind, YesNo


def _number(value) -> str:
    from decimal import Decimal

    return number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)


def text(question, value: Any, *, names: Pickers | None = None) -> str | SafeString:
    """The answer as text (long text stays sanitised HTML); an em dash when not answered."""
    if value is None:
        return "—"
    kind = question.kind
    if kind == QuestionKind.LONG_TEXT:
        return mark_safe(value)  # sanitised by nh3 when it was saved  # noqa: S308
    if kind == QuestionKind.YES_NO:
        return str(YesNo(value).label)
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = {option.value: option.label for option in question.options.all()}
        values = value if isinstance(value, list) else [value]
        return "; ".join(str(labels.get(v, v)) for v in values)
    if kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL):
        return f"{_number(value)} {question.unit}".strip()
    if kind == QuestionKind.PERCENTAGE:
        return f"{_number(value)} %"
    if kind == QuestionKind.FILE:
        return value.get("name", "")
    if kind in PICKER_KINDS:
        names = names or Pickers()
        values = value if isinstance(value, list) else [value]
        return "; ".join(names.name(kind, v) for v in values)
    if kind == QuestionKind.TABLE:
        return table(question, value)
    return str(value)


def table(question, rows: list[dict]) -> SafeString:
    language = get_language() or "en"
    columns = question.columns
    head = format_html_join(
        "", '<th scope="col">{}</th>', ((column_label(c, language),) for c in columns)
    )
    body = mark_safe(  # noqa: S308 - every cell is escaped by format_html_join
        "".join(
            "<tr>"
            + format_html_join("", "<td>{}</td>", ((row.get(c["key"], ""),) for c in columns))
            + "</tr>"
            for row in rows
        )
    )
    caption = _("Answer as a table")
    return mark_safe(  # noqa: S308
        f'<table class="data-table answer-table"><caption class="visually-hidden">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
