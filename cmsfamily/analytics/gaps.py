"""The gap matrix (/analysis/gaps/): for each target of the Strategic Plan for Migratory Species,
what each Party, Agreement and Partner reported about it, read from the answers to the questions
tagged with the target and from what their options mean (`Question.meanings`, set in the builder
or the template file; never guessed from text).

A cell is the reporter's newest counted report among the chosen cycles (reporting's rule,
`selectors.counted_reports`: the public counts published versions only), and in it the answers to
the tagged choice and yes/no questions. The strongest meaning answered wins: implementation, then
none, then not applicable; an answer whose option has no meaning makes "meaning not set". A cell
keeps its answers, so that the page links each one to the version it comes from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmsfamily.core.text import plain_text
from cmsfamily.directory.choices import InstrumentKind, OrganisationKind
from cmsfamily.directory.models import Instrument, Membership, Organisation, Party, Region
from cmsfamily.reporting import display
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.choices import MEANING_KINDS, OptionMeaning, ReporterKind
from cmsfamily.reporting.models import Question
from cmsfamily.strategy.models import Target
from cmsfamily.strategy.reference import PLAN_CODE

IMPLEMENTATION, NONE, NOT_APPLICABLE = (
    OptionMeaning.IMPLEMENTATION,
    OptionMeaning.NONE,
    OptionMeaning.NOT_APPLICABLE,
)
MEANING_NOT_SET, NOT_REPORTED, NOT_ASKED = "unset", "missing", "not_asked"
NOT_EXPECTED, NOT_MEMBER = "absent", "not_member"
ABSENT = frozenset({NOT_EXPECTED, NOT_MEMBER})  # a cell with no reporter expected: nothing to open
ORDER = [IMPLEMENTATION, NONE, NOT_APPLICABLE, MEANING_NOT_SET]  # the strongest first

# Each status with its mark (read with its label, never by colour alone) and its label.
STATUSES: dict[str, tuple[str, Any]] = {
    IMPLEMENTATION: ("✓", gettext_lazy("Reported implementation")),
    NONE: ("✗", gettext_lazy("Reported none")),
    NOT_APPLICABLE: ("○", gettext_lazy("Not applicable")),
    MEANING_NOT_SET: ("?", gettext_lazy("Meaning not set")),
    NOT_REPORTED: ("–", gettext_lazy("Not reported")),
    NOT_ASKED: ("·", gettext_lazy("No tagged question asked")),
    NOT_EXPECTED: ("", gettext_lazy("Not expected")),
    NOT_MEMBER: ("/", gettext_lazy("Not expected (not a member)")),
}
EXPLAINED = {
    IMPLEMENTATION: gettext_lazy("an answer chose an option that means implementation"),
    NONE: gettext_lazy(
        "an answer chose an option that means none, and no answer one that means implementation"
    ),
    NOT_APPLICABLE: gettext_lazy("every answer with a meaning says not applicable"),
    MEANING_NOT_SET: gettext_lazy(
        "the answers chose options whose meaning nobody has stated: they are not interpreted"
    ),
    NOT_REPORTED: gettext_lazy(
        "the report was expected, but nothing that counts answers a tagged question"
    ),
    NOT_ASKED: gettext_lazy("the counted report's form asks no question tagged with the target"),
    NOT_EXPECTED: gettext_lazy("no report was expected from this reporter in the chosen cycles"),
    NOT_MEMBER: gettext_lazy(
        "not a Party to the instrument of the chosen cycles when they opened, so no report was due"
    ),
}
PARTIES, INSTRUMENTS, PARTNERS = "parties", "instruments", "partners"
KIND_OF_MATRIX = {
    ReporterKind.PARTY: PARTIES,
    ReporterKind.AGREEMENT: INSTRUMENTS,
    ReporterKind.PARTNER: PARTNERS,
}
MATRIX_TITLES = {
    PARTIES: gettext_lazy("Targets × Parties"),
    INSTRUMENTS: gettext_lazy("Targets × Agreements"),
    PARTNERS: gettext_lazy("Targets × Partners"),
}


def status_label(status: str) -> str:
    return str(STATUSES[status][1])


class GapForm(forms.Form):
    """The query, read from the URL. Unknown codes are errors naming the field (a 400 page)."""

    cycle = forms.MultipleChoiceField(
        label=gettext_lazy("Cycles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    target = forms.TypedChoiceField(label=gettext_lazy("Target"), required=False, coerce=int)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    instrument = forms.ChoiceField(label=gettext_lazy("Party reports to"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.cycles = {cycle.slug: cycle for cycle in reporting.analysable_cycles(user)}
        self.fields["cycle"].choices = [
            (slug, f"{cycle.title} ({_('demo')})" if cycle.is_demo else cycle.title)
            for slug, cycle in self.cycles.items()
        ]
        self.targets = list(Target.objects.filter(plan__code=PLAN_CODE).order_by("number"))
        self.fields["target"].choices = [
            (target.number, f"{target.number}. {plain_text(target.text)[:90]}")
            for target in self.targets
        ]
        self.regions = {region.code: region for region in Region.objects.order_by("order", "name")}
        self.fields["region"].choices = [("", _("All regions"))] + [
            (code, region.name) for code, region in self.regions.items()
        ]
        self.instruments = {
            cycle.version.template.instrument.code: cycle.version.template.instrument
            for cycle in self.cycles.values()
            if cycle.version.template.reporter_kind == ReporterKind.PARTY
        }
        self.fields["instrument"].choices = [("", _("Every instrument"))] + [
            (code, instrument.name) for code, instrument in sorted(self.instruments.items())
        ]

    def chosen_cycles(self) -> list:
        """The chosen cycles, or by default the newest cycle of each template."""
        slugs = self.cleaned_data["cycle"]
        if slugs:
            return [self.cycles[slug] for slug in slugs]
        newest: dict[int, Any] = {}
        for cycle in self.cycles.values():  # newest first
            newest.setdefault(cycle.version.template_id, cycle)
        return list(newest.values())

    def chosen_target(self) -> Target | None:
        number = self.cleaned_data["target"]
        if number in (None, ""):
            return self.targets[0] if self.targets else None
        return next(target for target in self.targets if target.number == number)


@dataclass
class Source:
    """One counted answer behind a cell, with what its options mean; how it reads and where it
    is in the form are worked out when a page shows it (a matrix holds thousands)."""

    report: reporting.CountedReport
    question: Question
    item: Any
    key: str  # its loop item, or ""
    value: Any
    meaning: str  # a status of ORDER

    @property
    def number(self) -> str:
        """Its label in the form ("I.3")."""
        return reporting.item_name(self.report.form, self.item)

    @property
    def loop_label(self) -> str:
        return self.report.loop_labels.get(self.key, self.key) if self.key else ""

    @property
    def text(self) -> str:
        return str(display.text(self.question, self.value))

    @property
    def meaning_label(self) -> str:
        return status_label(self.meaning)


@dataclass
class Cell:
    status: str
    report: reporting.CountedReport | None = None
    sources: list[Source] = field(default_factory=list)
    href: str = ""

    @property
    def mark(self) -> str:
        return STATUSES[self.status][0]

    @property
    def label(self) -> str:
        return status_label(self.status)


@dataclass
class Column:
    key: str  # "party:KE", "instrument:aewa", "partner:birdlife"
    label: str
    group: str = ""  # the region's name, for the Parties
    code: str = ""  # the Party's ISO alpha-3 code (for the map)


@dataclass
class Matrix:
    kind: str
    columns: list[Column]
    rows: list[tuple[Target, list[Cell]]]

    @property
    def title(self) -> str:
        return str(MATRIX_TITLES[self.kind])

    def groups(self) -> list[tuple[str, int]]:
        """The column groups (the regions) in order, with their width."""
        widths: list[tuple[str, int]] = []
        for column in self.columns:
            if widths and widths[-1][0] == column.group:
                widths[-1] = (column.group, widths[-1][1] + 1)
            else:
                widths.append((column.group, 1))
        return widths

    def export_rows(self) -> list[list[str]]:
        return [[str(target), *(cell.label for cell in cells)] for target, cells in self.rows]

    def export_header(self) -> list[str]:
        return [_("Target"), *(c.label for c in self.columns)]


@dataclass
class Gaps:
    form: GapForm
    cycles: list
    target: Target | None
    tagged: dict[int, list[Question]]  # target pk -> the tagged questions the matrix reads
    ignored: dict[int, list[Question]]  # target pk -> tagged questions of other kinds
    reporters: reporting.Reporters
    matrices: dict[str, Matrix]

    @property
    def kept_cycles(self) -> list:
        return [c for c in self.cycles if reporting.counts_accepted(self.form.user, c)]

    def target_questions(self) -> list[Question]:
        return self.tagged.get(self.target.pk, []) if self.target else []

    def question_rows(self) -> list[tuple[Question, list[tuple[str, str]]]]:
        """The chosen target's questions, each option with what it means ("" when not set)."""
        return [
            (
                question,
                [
                    (
                        label,
                        status_label(question.meanings[value])
                        if value in question.meanings
                        else "",
                    )
                    for value, label in reporting.option_values(question)
                ],
            )
            for question in self.target_questions()
        ]

    def ignored_questions(self) -> list[Question]:
        return self.ignored.get(self.target.pk, []) if self.target else []

    def target_cells(self, kind: str = PARTIES) -> list[tuple[Column, Cell]]:
        """The chosen target's row of a matrix, column by column."""
        matrix = self.matrices[kind]
        for target, cells in matrix.rows:
            if self.target and target.pk == self.target.pk:
                return list(zip(matrix.columns, cells, strict=True))
        return []

    def region_counts(self) -> list[tuple[str, list[int]]]:
        """For the chosen target: per region, the Parties in each status (and all regions)."""
        by_region: dict[str, Counter] = {}
        for column, cell in self.target_cells(PARTIES):
            by_region.setdefault(column.group, Counter())[cell.status] += 1
        total: Counter = sum(by_region.values(), Counter())
        rows = [(name, [counts[s] for s in STATUSES]) for name, counts in by_region.items()]
        return [*rows, (_("All regions"), [total[s] for s in STATUSES])]

    @staticmethod
    def legend() -> list[tuple[str, str, str, str]]:
        return [
            (status, mark, str(label), str(EXPLAINED[status]))
            for status, (mark, label) in STATUSES.items()
        ]


def _tagged(cycles, targets) -> tuple[dict[int, list[Question]], dict[int, list[Question]]]:
    """The questions of the chosen cycles' forms tagged with each target (one query for the
    tags; the questions come with the forms, read once per template version)."""
    questions: dict[str, Question] = {}
    forms = reporting.forms_of(cycles)
    for cycle in cycles:
        for code, item in forms[cycle.pk].items_by_code.items():
            questions.setdefault(code, item.question)
    links = Question.targets.through.objects.filter(
        question__code__in=list(questions), target__in=targets
    ).values_list("question__code", "target_id")
    tagged: dict[int, list[Question]] = {}
    ignored: dict[int, list[Question]] = {}
    for code, target_id in sorted(links):
        question = questions[code]
        into = tagged if question.kind in MEANING_KINDS else ignored
        into.setdefault(target_id, []).append(question)
    return tagged, ignored


def _meaning(question: Question, value) -> str:
    if not isinstance(value, list):  # one option: its meaning, if it has one
        meaning = question.meanings.get(str(value), "")
        return meaning if meaning in ORDER else MEANING_NOT_SET
    values = value
    meanings = {question.meanings.get(str(v), "") for v in values}
    return next((m for m in ORDER if m in meanings), MEANING_NOT_SET)


def cell_of(report: reporting.CountedReport, questions: list[Question]) -> Cell:
    """What one counted report says about one target, from its tagged questions."""
    asked = [q for q in questions if q.code in report.form.items_by_code]
    if not asked:
        return Cell(NOT_ASKED, report)
    sources = []
    for question in asked:
        item = report.form.items_by_code[question.code]
        for key, value in report.answers.get(question.code, {}).items():
            if value in (None, "", []):
                continue
            sources.append(Source(report, question, item, key, value, _meaning(question, value)))
    if not sources:
        return Cell(NOT_REPORTED, report)
    found = {source.meaning for source in sources}
    return Cell(next(m for m in ORDER if m in found), report, sources)


def _columns(kind: str, expected, region: str, instrument_of) -> list[Column]:
    """The columns of a matrix: every Party (by region), every Agreement, every Partner, and
    whoever else the chosen cycles expect a report from."""
    if kind == PARTIES:
        parties = Party.objects.select_related("region").order_by(
            "region__order", "region__name", "name"
        )
        if region:
            parties = parties.filter(region__code=region)
        return [Column(f"party:{p.code}", p.name, p.region.name, p.iso3 or p.code) for p in parties]
    if kind == INSTRUMENTS:
        found = {instrument_of(submission) for submission in expected} | set(
            Instrument.objects.filter(kind=InstrumentKind.AGREEMENT)
        )
        return [
            Column(f"instrument:{i.code}", i.code.upper() if len(i.code) < 10 else i.name)
            for i in sorted(found, key=lambda i: i.code)
        ]
    found_orgs = {report.organisation for report in expected} | set(
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_NGO)
    )
    return [
        Column(f"partner:{o.slug}", o.short_name)
        for o in sorted(found_orgs, key=lambda o: o.short_name.casefold())
    ]


def members(cycles) -> set[str] | None:
    """The codes of the Parties that were members of the instrument of one of these Party cycles
    when it opened (one query); None when the registry records no member of those instruments,
    so that nobody is called a non-member for want of a list."""
    instruments = {cycle.version.template.instrument_id for cycle in cycles}
    rows = Membership.objects.filter(instrument__in=instruments).values_list(
        "party__code", "instrument_id", "start", "end"
    )
    found: set[str] = set()
    recorded = False
    for code, instrument_id, start, end in rows:
        recorded = True
        for cycle in cycles:
            on = cycle.opens_on
            if (
                cycle.version.template.instrument_id == instrument_id
                and (start is None or start <= on)
                and (end is None or end >= on)
            ):
                found.add(code)
                break
    return found if recorded else None


def _column_key(submission, kind: str, instrument_of) -> str:
    if kind == PARTIES:
        return f"party:{submission.party.code}"
    if kind == INSTRUMENTS:
        return f"instrument:{instrument_of(submission).code}"
    return f"partner:{submission.organisation.slug}"


def build(form: GapForm) -> Gaps:
    """The matrices of the query (the form must be valid)."""
    data = form.cleaned_data
    cycles = form.chosen_cycles()
    if data["instrument"]:
        cycles = [
            c
            for c in cycles
            if c.version.template.reporter_kind != ReporterKind.PARTY
            or c.version.template.instrument.code == data["instrument"]
        ]
    targets = form.targets
    tagged, ignored = _tagged(cycles, targets)
    # Which reports count, first; then the answers of the newest report of each reporter only.
    reporters = reporting.counted_reports(cycles, form.user, codes=(), answered_only=True)
    by_pk = {cycle.pk: cycle for cycle in cycles}

    def instrument_of(submission):  # the cycle's template's, read with the cycles
        return by_pk[submission.cycle_id].version.template.instrument

    newest_of: dict[str, dict[str, reporting.CountedReport]] = {}
    for reporter_kind, kind in KIND_OF_MATRIX.items():
        ids = {c.pk for c in cycles if c.version.template.reporter_kind == reporter_kind}
        counted = [r for r in reporters.counted if r.submission.cycle_id in ids]
        newest: dict[str, reporting.CountedReport] = {}
        for report in sorted(counted, key=lambda r: (r.cycle.deadline, r.cycle.pk)):
            newest[_column_key(report.submission, kind, instrument_of)] = report
        newest_of[kind] = newest
    codes = {question.code for questions in tagged.values() for question in questions}
    shown = [report for newest in newest_of.values() for report in newest.values()]
    read = dict(zip((id(r) for r in shown), reporting.with_answers(shown, codes), strict=True))

    matrices = {}
    for reporter_kind, kind in KIND_OF_MATRIX.items():
        of_kind = [c for c in cycles if c.version.template.reporter_kind == reporter_kind]
        expected = [s for s in reporters.missing if s.cycle_id in {c.pk for c in of_kind}]
        counted = [r for r in reporters.counted if r.submission.cycle_id in {c.pk for c in of_kind}]
        newest = {key: read[id(report)] for key, report in newest_of[kind].items()}
        waiting = {_column_key(s, kind, instrument_of) for s in expected}
        submissions = [*expected, *(r.submission for r in counted)]
        columns = _columns(kind, submissions, data["region"], instrument_of)
        member = members(of_kind) if kind == PARTIES and of_kind else None
        rows = []
        for target in targets:
            questions = tagged.get(target.pk, [])
            cells = []
            for column in columns:
                counted_report = newest.get(column.key)
                if counted_report is not None:
                    cells.append(cell_of(counted_report, questions))
                elif member is not None and column.key.removeprefix("party:") not in member:
                    cells.append(Cell(NOT_MEMBER))
                elif column.key in waiting:
                    cells.append(Cell(NOT_REPORTED))
                else:
                    cells.append(Cell(NOT_EXPECTED))
            rows.append((target, cells))
        matrices[kind] = Matrix(kind, columns, rows)
    return Gaps(form, cycles, form.chosen_target(), tagged, ignored, reporters, matrices)


def find_cell(gaps: Gaps, reporter: str) -> tuple[str, Column, Cell] | None:
    """The chosen target's cell of one reporter ("party:KE"), in whichever matrix holds it."""
    for kind in gaps.matrices:
        for column, cell in gaps.target_cells(kind):
            if column.key == reporter:
                return kind, column, cell
    return None
