"""Answers as people read them: options by their label, numbers with their unit, pickers by name.

Shared by the pages, the version view, the diff and (later) the PDF, so a value reads the same
everywhere. Names of picked objects are fetched once per page (``Names``), not once per answer.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.reporting.answers import column_label
from cmsfamily.reporting.choices import PICKER_KINDS, QuestionKind, YesNo


class Names:
    """Display names of the Parties, species, targets and activities that answers point to."""

    def __init__(self):
        self._names: dict[str, dict] = {}

    def of(self, kind: str, key) -> str:
        if kind not in self._names:
            self._names[kind] = self._load(kind)
        return self._names[kind].get(key, str(key))

    @staticmethod
    def _load(kind: str) -> dict:
        if kind == QuestionKind.PARTY:
            from cmsfamily.directory.models import Party

            return dict(Party.objects.values_list("code", "name"))
        if kind == QuestionKind.SPECIES:
            from cmsfamily.species.models import Taxon

            return dict(Taxon.objects.values_list("pk", "scientific_name"))
        if kind == QuestionKind.TARGET:
            from cmsfamily.strategy.models import Target

            return {target.pk: str(target) for target in Target.objects.select_related("plan")}
        from cmsfamily.workplans.models import Activity

        return {
            pk: f"{number} {title}"
            for pk, number, title in Activity.objects.values_list("pk", "number", "title")
        }


def _number(value) -> str:
    from decimal import Decimal

    return number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)


def text(question, value: Any, *, names: Names | None = None) -> str | SafeString:
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
        names = names or Names()
        values = value if isinstance(value, list) else [value]
        return "; ".join(names.of(kind, v) for v in values)
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
