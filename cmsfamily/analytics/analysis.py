"""The report analyzer: the figures of chosen questions across the reports that count for the
user, broken down by cycle, region or reporter kind, each figure leading to its answers.

Every table is built once as plain rows (`Table`), so the page, the CSV and the XLSX say the same.
Which reports count is reporting's rule (`selectors.counted_reports`); nothing here reads a draft.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmsfamily.core.text import plain_text
from cmsfamily.directory.models import Region
from cmsfamily.reporting import display
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.answers import Pickers
from cmsfamily.reporting.choices import NUMBER_KINDS, PICKER_KINDS, QuestionKind, YesNo

CHOICE_KINDS = frozenset(
    {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.YES_NO, *PICKER_KINDS}
)
DATE_KINDS = frozenset({QuestionKind.DATE, QuestionKind.YEAR})
MAX_QUESTIONS = 20  # questions drawn on one page; the words or the section narrow the rest
PARTY, ORGANISATION = "party", "organisation"
ALL = ""  # the group of every counted report


def reporter_kind(report: reporting.CountedReport) -> str:
    return PARTY if report.submission.party_id else ORGANISATION


def kind_label(kind: str) -> str:
    return _("Party") if kind == PARTY else _("Organisation")


def region_of(report: reporting.CountedReport):
    party = report.submission.party
    return party.region if party is not None else None


class AnalysisForm(forms.Form):
    """The query of the analyzer, read from the URL (every view of it is a link). Unknown codes
    are errors that name the field, so that the page can say what is wrong (400)."""

    BREAKDOWNS = [
        ("", gettext_lazy("No breakdown")),
        ("cycle", gettext_lazy("Cycle")),
        ("region", gettext_lazy("Region")),
        ("kind", gettext_lazy("Reporter kind")),
    ]

    cycle = forms.MultipleChoiceField(
        label=gettext_lazy("Cycles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    section = forms.ChoiceField(label=gettext_lazy("Section"), required=False)
    words = forms.CharField(label=gettext_lazy("Words"), required=False, max_length=200)
    question = forms.MultipleChoiceField(label=gettext_lazy("Questions"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Reporter kind"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Broken down by"), required=False, choices=BREAKDOWNS)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.cycles = {cycle.slug: cycle for cycle in reporting.analysable_cycles(user)}
        self.fields["cycle"].choices = [
            (slug, f"{cycle.title} ({_('demo')})" if cycle.is_demo else cycle.title)
            for slug, cycle in self.cycles.items()
        ]
        self.regions = {region.code: region for region in Region.objects.order_by("order", "name")}
        self.fields["region"].choices = [("", _("All regions"))] + [
            (code, region.name) for code, region in self.regions.items()
        ]
        self.fields["kind"].choices = [
            ("", _("All reporters")),
            (PARTY, kind_label(PARTY)),
            (ORGANISATION, kind_label(ORGANISATION)),
        ]
        self.chosen_cycles = [
            self.cycles[slug] for slug in data.getlist("cycle") if slug in self.cycles
        ]
        self.shared = reporting.shared_questions(self.chosen_cycles)
        sections: dict[str, str] = {}
        for shared in self.shared:
            section = shared.section
            sections.setdefault(str(section.pk), plain_text(f"{section.number} {section.title}"))
        self.fields["section"].choices = [("", _("All sections")), *sections.items()]
        self.fields["question"].choices = [
            (shared.code, plain_text(shared.question.text)) for shared in self.shared
        ]

    def selected_questions(self) -> list[reporting.SharedQuestion]:
        """The shared questions the query picks: named, or in the section and with the words;
        none until at least one of them is given (a form of a hundred questions helps nobody)."""
        data = self.cleaned_data
        codes, section, words = set(data["question"]), data["section"], data["words"].strip()
        if not (codes or section or words):
            return []
        picked = []
        for shared in self.shared:
            if codes and shared.code not in codes:
                continue
            if section and str(shared.section.pk) != section:
                continue
            if words and words.casefold() not in _searchable(shared).casefold():
                continue
            picked.append(shared)
        return picked


def _searchable(shared: reporting.SharedQuestion) -> str:
    question = shared.question
    return " ".join([question.code, question.text, question.help_text or ""])


# --- the tables -------------------------------------------------------------------------------


@dataclass
class Cell:
    value: Any
    drill: dict[str, str] | None = None  # the answers behind the figure, as query parameters
    href: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class Table:
    """One question's figures for one loop item (or for the question when it is not repeated)."""

    shared: reporting.SharedQuestion
    key: str
    loop_label: str
    kind: str  # "choices", "numbers", "dates" or "texts"
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    answered: int = 0
    chart: Any = None  # a core.charts.Chart, drawn for the page only (analytics.charts)
    comparison: Any = None  # two cycles compared (analytics.compare), for the page only

    @property
    def anchor(self) -> str:
        return f"q-{self.shared.code}-{self.key}".replace(".", "-")

    @property
    def title(self) -> str:
        text = plain_text(f"{self.shared.item.number} {self.shared.question.text}")
        return f"{text} — {self.loop_label}" if self.key else text

    def export_rows(self) -> list[list[Any]]:
        return [[row.label, *(plain_value(cell.value) for cell in row.cells)] for row in self.rows]


def plain_value(value: Any) -> Any:
    return strip_tags(str(value)) if isinstance(value, str) else value


@dataclass
class Answer:
    """One counted answer: the report, the loop item, the value and how it reads."""

    report: reporting.CountedReport
    key: str
    value: Any


@dataclass
class Analysis:
    form: AnalysisForm
    reporters: reporting.Reporters
    reports: list[reporting.CountedReport]  # those the filters keep
    questions: list[reporting.SharedQuestion]
    tables: list[Table]
    by: str
    groups: list[tuple[str, str]]  # (key, label); ALL first
    more_questions: int = 0

    @property
    def cycles(self):
        return self.form.chosen_cycles

    @property
    def charted(self) -> bool:
        return any(table.chart is not None for table in self.tables)

    @property
    def kept_cycles(self) -> list:
        """The chosen cycles whose accepted reports count for the user (those they keep)."""
        return [cycle for cycle in self.cycles if reporting.counts_accepted(self.form.user, cycle)]


def keep(reports, *, region: str, kind: str) -> list[reporting.CountedReport]:
    """The counted reports the filters keep: a region keeps Parties of it only."""
    kept = []
    for report in reports:
        if kind and reporter_kind(report) != kind:
            continue
        if region:
            place = region_of(report)
            if place is None or place.code != region:
                continue
        kept.append(report)
    return kept


def grouper(by: str) -> Callable[[reporting.CountedReport], tuple[str, str]]:
    """The group (key, label) a report falls in for the breakdown."""
    if by == "cycle":
        return lambda report: (report.cycle.slug, report.cycle.title)
    if by == "region":

        def region(report):
            place = region_of(report)
            return (place.code, place.name) if place else ("-", _("No region (organisations)"))

        return region
    if by == "kind":
        return lambda report: (reporter_kind(report), kind_label(reporter_kind(report)))
    return lambda report: (ALL, _("All"))


def answers_of(shared, reports) -> dict[str, list[Answer]]:
    """The counted answers to a question, by loop item (the empty key when not repeated)."""
    by_key: dict[str, list[Answer]] = {}
    for report in reports:
        for key, value in report.answers.get(shared.code, {}).items():
            if value is None or value == [] or value == "":
                continue
            by_key.setdefault(key, []).append(Answer(report, key, value))
    return by_key


def loop_label(key: str, answers: list[Answer]) -> str:
    for answer in answers:
        label = answer.report.loop_labels.get(key)
        if label:
            return label
    return key


def analyse(
    form: AnalysisForm, *, with_tables: bool = True, codes: list[str] | None = None
) -> Analysis:
    """The figures of the query (the form must be valid); without the tables, only what counts
    (the answers behind one figure need no other). Only the answers to the questions drawn
    (or, without the tables, to `codes`) are read from the versions."""
    data = form.cleaned_data
    picked = form.selected_questions() if with_tables else []
    if with_tables:
        codes = [shared.code for shared in picked[:MAX_QUESTIONS]]
    reporters = reporting.counted_reports(form.chosen_cycles, form.user, codes=codes)
    reports = keep(reporters.counted, region=data["region"], kind=data["kind"])
    by = data["by"] or ("cycle" if len(form.chosen_cycles) > 1 else "")
    group_of = grouper(by)
    groups = [(ALL, _("All"))]
    if by:
        seen = {}
        for report in reports:
            seen.setdefault(*group_of(report))
        groups += sorted(seen.items(), key=lambda pair: str(pair[1]))
    pickers = Pickers()
    tables = []
    for shared in picked[:MAX_QUESTIONS]:
        for key, answers in answers_of(shared, reports).items():
            tables.append(
                table_of(shared, key, loop_label(key, answers), answers, groups, group_of, pickers)
            )
    return Analysis(
        form=form,
        reporters=reporters,
        reports=reports,
        questions=picked[:MAX_QUESTIONS],
        tables=tables,
        by=by,
        groups=groups,
        more_questions=max(0, len(picked) - MAX_QUESTIONS),
    )


def in_group(answers: list[Answer], group: str, group_of) -> list[Answer]:
    if group == ALL:
        return answers
    return [answer for answer in answers if group_of(answer.report)[0] == group]


def table_of(shared, key, label, answers, groups, group_of, pickers) -> Table:
    kind = shared.question.kind
    if kind in CHOICE_KINDS:
        return choice_table(shared, key, label, answers, groups, group_of, pickers)
    if kind in NUMBER_KINDS:
        return number_table(shared, key, label, answers, groups, group_of)
    if kind in DATE_KINDS:
        return date_table(shared, key, label, answers, groups, group_of)
    return text_table(shared, key, label, answers, pickers)


def options_of(question, answers: list[Answer], pickers: Pickers) -> list[tuple[str, str]]:
    """The options of a choice question (value, label), in the form's order; a picker's are
    the values answered, by name."""
    if question.kind == QuestionKind.YES_NO:
        return [(choice.value, str(choice.label)) for choice in YesNo]
    if question.kind in PICKER_KINDS:
        values = {str(value) for answer in answers for value in _values(answer.value)}
        names = pickers.names(question.kind)
        named = {value: str(names.get(value, names.get(_int(value), value))) for value in values}
        return sorted(named.items(), key=lambda pair: pair[1])
    return [(option.value, option.label) for option in question.options.all()]


def _int(value: str):
    try:
        return int(value)
    except ValueError:
        return value


def _values(value) -> list:
    return value if isinstance(value, list) else [value]


def choice_table(shared, key, label, answers, groups, group_of, pickers) -> Table:
    header = [_("Option")]
    for _group, name in groups:
        header += [
            _("%(group)s: reports") % {"group": name},
            _("%(group)s: share") % {"group": name},
        ]
    table = Table(shared, key, label, "choices", header, answered=len(answers))
    per_group = [(group, in_group(answers, group, group_of)) for group, _name in groups]
    for value, option in options_of(shared.question, answers, pickers):
        cells = []
        for group, members in per_group:
            count = sum(1 for a in members if value in {str(v) for v in _values(a.value)})
            share = f"{round(100 * count / len(members))} %" if members else "—"
            cells += [Cell(count, {"option": value, "group": group}), Cell(share)]
        table.rows.append(Row(option, cells))
    cells = []
    for group, members in per_group:
        cells += [Cell(len(members), {"group": group}), Cell("100 %" if members else "—")]
    table.rows.append(Row(_("Reports answering"), cells))
    return table


def as_decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number_figures(numbers: list[Decimal]) -> list[Any]:
    """n, sum, median, first and third quartiles, min, max (quartiles inclusive of the ends)."""
    if not numbers:
        return [0, "—", "—", "—", "—", "—", "—"]
    ordered = sorted(numbers)
    if len(ordered) > 1:
        first, _median, third = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        first = third = ordered[0]
    return [
        len(ordered),
        sum(ordered),
        statistics.median(ordered),
        first,
        third,
        ordered[0],
        ordered[-1],
    ]


def number_table(shared, key, label, answers, groups, group_of) -> Table:
    header = [
        _("Group"),
        _("Reports"),
        _("Sum"),
        _("Median"),
        _("First quartile"),
        _("Third quartile"),
        _("Minimum"),
        _("Maximum"),
    ]
    table = Table(shared, key, label, "numbers", header, answered=len(answers))
    for group, name in groups:
        members = in_group(answers, group, group_of)
        numbers = [n for n in (as_decimal(a.value) for a in members) if n is not None]
        figures = number_figures(numbers)
        cells = [Cell(figures[0], {"group": group})] + [Cell(value) for value in figures[1:]]
        table.rows.append(Row(name, cells))
    return table


def date_table(shared, key, label, answers, groups, group_of) -> Table:
    header = [_("Group"), _("Reports"), _("Earliest"), _("Latest")]
    table = Table(shared, key, label, "dates", header, answered=len(answers))
    for group, name in groups:
        members = in_group(answers, group, group_of)
        values = sorted(str(a.value) for a in members)
        cells = [
            Cell(len(values), {"group": group}),
            Cell(values[0] if values else "—"),
            Cell(values[-1] if values else "—"),
        ]
        table.rows.append(Row(name, cells))
    return table


def text_table(shared, key, label, answers, pickers) -> Table:
    header = [_("Reporter"), _("Answer")]
    table = Table(shared, key, label, "texts", header, answered=len(answers))
    for answer in sorted(answers, key=lambda a: reporting.sort_key(str(a.report.reporter))):
        value = display.text(shared.question, answer.value, names=pickers)
        table.rows.append(Row(str(answer.report.reporter), [Cell(value)]))
    return table


# --- the answers behind a figure --------------------------------------------------------------


@dataclass
class Drill:
    shared: reporting.SharedQuestion
    key: str
    option: str
    group: str
    answers: list[Answer]
    texts: list[str]
    loop_label: str = ""
    option_label: str = ""
    group_label: str = ""

    HEADER = [
        gettext_lazy("Reporter"),
        gettext_lazy("Cycle"),
        gettext_lazy("Answer"),
        gettext_lazy("Version"),
        gettext_lazy("Content hash"),
    ]

    def rows(self):
        return zip(self.answers, self.texts, strict=True)

    def export_rows(self) -> list[list[Any]]:
        return [
            [
                str(answer.report.reporter),
                answer.report.cycle.title,
                plain_value(text),
                answer.report.version.number,
                answer.report.version.content_hash,
            ]
            for answer, text in self.rows()
        ]


def drill(analysis: Analysis, shared, *, key: str, option: str, group: str) -> Drill:
    """The counted answers behind one figure: a question, a loop item, an option, a group."""
    group_of = grouper(analysis.by)
    every = answers_of(shared, analysis.reports).get(key, [])
    answers = in_group(every, group, group_of)
    pickers = Pickers()
    labels = {}
    if option:
        answers = [a for a in answers if option in {str(v) for v in _values(a.value)}]
        if shared.question.kind in CHOICE_KINDS:
            labels = dict(options_of(shared.question, every, pickers))
    answers.sort(key=lambda a: (reporting.sort_key(str(a.report.reporter)), a.report.cycle.slug))
    texts = [display.text(shared.question, a.value, names=pickers) for a in answers]
    return Drill(
        shared,
        key,
        option,
        group,
        answers,
        texts,
        loop_label=loop_label(key, every) if key else "",
        option_label=str(labels.get(option, option)),
        group_label=str(dict(analysis.groups).get(group, group)),
    )


def link_figures(analysis: Analysis, answers_url: str, query: list[tuple[str, str]]) -> None:
    """Give every figure with answers behind it the link to them (the query, plus the figure)."""
    for table in analysis.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.drill is None:
                    continue
                pairs = [*query, ("question", table.shared.code), ("key", table.key)]
                pairs += [(name, value) for name, value in cell.drill.items() if value]
                cell.href = f"{answers_url}?{urlencode(pairs)}"
