"""Implementation per Strategic Plan target (`/analysis/targets/`): for each target of the
Strategic Plan for Migratory Species, what the reports say (the questions tagged with it, drawn
by `analysis.py` over the versions that count for the user), the work that serves it (activities
linked to it, or derived through the Aichi Targets it maps to), the contributions to that work
(valued as the ledger values them, in US dollars) and who reported (out of those expected).

Every read goes through the lower apps' selectors, each a fixed number of queries whatever the
number of targets, activities, contributions and reports: the page of one target and the index
of sixteen cost the same. Every table is built once as plain rows (`Sheet`, or analysis.py's
`Table`), so the page, the CSV and the XLSX say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cmsfamily.analytics import analysis, charts
from cmsfamily.contributions import selectors as ledger
from cmsfamily.contributions.choices import Kind
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.answers import Pickers
from cmsfamily.strategy import selectors as strategy
from cmsfamily.strategy.models import AichiTarget, GbfTarget
from cmsfamily.strategy.reference import PLAN_CODE
from cmsfamily.workplans import selectors as workplans

ZERO = Decimal(0)


# --- one target's figures ------------------------------------------------------------------------


@dataclass
class Linked:
    """An activity serving a target: directly, or derived through the Aichi Targets named."""

    activity: Any
    aichi: list = field(default_factory=list)  # empty when linked directly
    through_programme: bool = False  # the Aichi Target is its programme's, not its own
    value: Decimal = ZERO  # contributions to it, US dollars

    @property
    def derived(self) -> bool:
        return bool(self.aichi)

    @property
    def link_label(self) -> str:
        if not self.aichi:
            return _("Linked directly")
        numbers = ", ".join(str(target.number) for target in self.aichi)
        if self.through_programme:
            return _("Derived through Aichi Target %(numbers)s (its programme’s)") % {
                "numbers": numbers
            }
        return _("Derived through Aichi Target %(numbers)s") % {"numbers": numbers}

    @property
    def latest(self):
        """Its latest progress update (short-term or plain progress), or None."""
        updates = getattr(self.activity, "_prefetched_objects_cache", {}).get("updates")
        return updates[0] if updates else None


@dataclass
class Rollup:
    """What the platform holds on one target, for the user."""

    target: Any
    codes: list[str]  # the bank questions tagged with it
    cycles: list  # the cycles the user sees that ask one of them
    reports: list[reporting.CountedReport]  # counted in those cycles
    missing: list  # expected in those cycles, with nothing that counts for the user
    answering: list[reporting.CountedReport]  # counted reports answering a tagged question
    activities: list[Linked]
    contributions: list  # the ledger's entries, to its activities or to the target directly

    @property
    def number(self) -> int:
        return self.target.number

    @property
    def expected(self) -> int:
        return len(self.reports) + len(self.missing)

    @property
    def value(self) -> Decimal:
        return sum((entry.base_value for entry in self.contributions), ZERO)

    @property
    def direct_activities(self) -> int:
        return sum(1 for linked in self.activities if not linked.derived)

    @property
    def derived_activities(self) -> int:
        return sum(1 for linked in self.activities if linked.derived)

    @property
    def aichi(self) -> list:
        return [link.global_target for link in self.target.aichi_links.all()]

    @property
    def gbf(self) -> list:
        return [link.global_target for link in self.target.gbf_links.all()]


@dataclass
class Rollups:
    """The targets' rollups, read together (the index, or one target, or those a global target
    maps to), with what they share: the cycles and the counted reports."""

    plan: Any
    rows: list[Rollup]
    reporters: reporting.Reporters
    structures: dict[int, Any]  # cycle id -> its form

    def get(self, number: int) -> Rollup | None:
        return next((row for row in self.rows if row.number == number), None)


def plan_targets(user) -> list:
    """The targets of the Strategic Plan for Migratory Species, with their mappings."""
    return list(strategy.targets(user).filter(plan__code=PLAN_CODE))


def rollups(
    user, targets: list, *, with_progress: bool = False, with_answers: bool = False
) -> Rollups:
    """The rollup of each of these targets of the plan; `with_progress` reads the activities'
    progress updates too (one query more); `with_answers` the answers to the tagged questions
    (for `figures`), not only which reports answer one."""
    plan = targets[0].plan if targets else None
    tags = reporting.target_tags(targets)
    wanted = {code for codes in tags.values() for code in codes}
    cycles = reporting.analysable_cycles(user)
    structures = {cycle.pk: reporting.structure(cycle.version) for cycle in cycles}
    asking = [c for c in cycles if wanted & set(structures[c.pk].items_by_code)]
    reporters = reporting.counted_reports(
        asking, user, codes=wanted, answered_only=not with_answers
    )
    activities = workplans.serving(user, targets, with_progress=with_progress)
    entries = ledger.to_work_of_targets(
        user,
        activity_ids=[activity.pk for activity in activities],
        target_ids=[target.pk for target in targets],
    )
    links = [Links.of(activity) for activity in activities]
    value_of: dict[int, Decimal] = {}
    for entry in entries:
        if entry.activity_id:
            value_of[entry.activity_id] = value_of.get(entry.activity_id, ZERO) + entry.base_value
    rows = []
    for target in targets:
        codes = tags.get(target.pk, [])
        cycles_of = [c for c in asking if set(codes) & set(structures[c.pk].items_by_code)]
        ids = {cycle.pk for cycle in cycles_of}
        counted = [r for r in reporters.counted if r.submission.cycle_id in ids]
        missing = [s for s in reporters.missing if s.cycle_id in ids]
        answering = [r for r in counted if r.answers_any(codes)]
        linked = serving_target(target, links)
        for each in linked:
            each.value = value_of.get(each.activity.pk, ZERO)
        served = {each.activity.pk for each in linked}
        rows.append(
            Rollup(
                target=target,
                codes=codes,
                cycles=cycles_of,
                reports=counted,
                missing=missing,
                answering=answering,
                activities=linked,
                contributions=[
                    entry
                    for entry in entries
                    if entry.activity_id in served or entry.target_id == target.pk
                ],
            )
        )
    return Rollups(plan, rows, reporters, structures)


@dataclass(frozen=True)
class Links:
    """What an activity is linked to, read once (not once per target): the targets, its own
    Aichi Targets and its programme's (ids)."""

    activity: Any
    targets: frozenset[int]
    aichi: frozenset[int]
    programme_aichi: frozenset[int]

    @classmethod
    def of(cls, activity) -> Links:
        return cls(
            activity,
            frozenset(each.pk for each in activity.targets.all()),
            frozenset(each.pk for each in activity.aichi_targets.all()),
            frozenset(each.pk for each in activity.programme.aichi_targets.all()),
        )


def serving_target(target, links: list[Links]) -> list[Linked]:
    """The activities serving the target: linked directly, or derived through an Aichi Target it
    maps to (the activity's own first, else its programme's)."""
    aichi = {link.global_target_id: link.global_target for link in target.aichi_links.all()}
    linked = []
    for each in links:
        if target.pk in each.targets:
            linked.append(Linked(each.activity))
        elif own := sorted(each.aichi & aichi.keys(), key=lambda pk: aichi[pk].number):
            linked.append(Linked(each.activity, [aichi[pk] for pk in own]))
        elif inherited := sorted(
            each.programme_aichi & aichi.keys(), key=lambda pk: aichi[pk].number
        ):
            linked.append(
                Linked(each.activity, [aichi[pk] for pk in inherited], through_programme=True)
            )
    return linked


# --- the tables ----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """A table of the page, as plain rows (cells may be links: (text, href))."""

    key: str
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()  # the columns holding numbers

    def export_rows(self) -> list[list[Any]]:
        return [[_plain(cell) for cell in row] for row in self.rows]

    def cells(self):
        """Each row as (text, href, is_number) cells, for the template."""
        for row in self.rows:
            yield [
                (
                    *(
                        (_shown(cell[0]), cell[1])
                        if isinstance(cell, tuple)
                        else (_shown(cell), "")
                    ),
                    index in self.numeric,
                )
                for index, cell in enumerate(row)
            ]


SHOWN_CHARACTERS = 120  # a long title or progress text is cut on the page, whole in downloads


def _shown(cell: Any) -> Any:
    """A cell as the page shows it: an amount as the page's language writes it (1,500.00;
    1 500,00), a long text cut short; the downloads keep the number and the whole text."""
    if isinstance(cell, Decimal):
        return number_format(cell, 2, use_l10n=True, force_grouping=True)
    if isinstance(cell, str):
        return Truncator(cell).chars(SHOWN_CHARACTERS)
    return cell


def _plain(cell: Any) -> Any:
    return cell[0] if isinstance(cell, tuple) else cell


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def index_sheet(result: Rollups, *, url_of) -> Sheet:
    """One row per target: questions, reports counted / expected, activities, contributions."""
    sheet = Sheet(
        "targets",
        _("Implementation per target"),
        [
            _("Target"),
            _("Tagged questions"),
            _("Reports counted"),
            _("Reports expected"),
            _("Reporters answering"),
            _("Activities linked directly"),
            _("Activities derived through Aichi Targets"),
            _("Contributions (US$)"),
        ],
        numeric=frozenset(range(1, 8)),
    )
    for row in result.rows:
        sheet.rows.append(
            [
                (str(row.target), url_of(row.target)),
                len(row.codes),
                len(row.reports),
                row.expected,
                len(row.answering),
                row.direct_activities,
                row.derived_activities,
                money(row.value),
            ]
        )
    return sheet


def activity_sheet(row: Rollup) -> Sheet:
    sheet = Sheet(
        "activities",
        _("Activities serving the target"),
        [
            _("Activity"),
            _("Programme"),
            _("Link"),
            _("Status"),
            _("Latest progress"),
            _("Date"),
            _("Contributions (US$)"),
        ],
        numeric=frozenset({6}),
    )
    for linked in row.activities:
        activity, latest = linked.activity, linked.latest
        sheet.rows.append(
            [
                (str(activity), activity.get_absolute_url()),
                activity.programme.code,
                linked.link_label,
                activity.get_status_display(),
                latest.text if latest else "—",
                latest.date.isoformat() if latest and latest.date else "—",
                money(linked.value),
            ]
        )
    return sheet


def contribution_sheet(row: Rollup) -> Sheet:
    """The contributions by kind and contributor, in US dollars, the largest first per kind."""
    sheet = Sheet(
        "contributions",
        _("Contributions by kind and contributor"),
        [_("Kind"), _("Contributor"), _("Entries"), _("Value (US$)")],
        numeric=frozenset({2, 3}),
    )
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for entry in row.contributions:
        groups.setdefault((entry.kind, entry.contributor.name), []).append(entry.base_value)
    labels = dict(Kind.choices)
    ordered = sorted(groups.items(), key=lambda pair: (str(labels[pair[0][0]]), -sum(pair[1])))
    for (kind, contributor), values in ordered:
        sheet.rows.append([str(labels[kind]), contributor, len(values), money(sum(values, ZERO))])
    if row.contributions:
        sheet.rows.append([_("All"), "", len(row.contributions), money(row.value)])
    return sheet


def coverage_sheet(row: Rollup) -> Sheet:
    """Per cycle: the reports expected, those counted for the user, and the reporters who answered
    one of the target's questions."""
    sheet = Sheet(
        "coverage",
        _("Coverage"),
        [_("Cycle"), _("Reports expected"), _("Reports counted"), _("Reporters answering")],
        numeric=frozenset({1, 2, 3}),
    )
    for cycle in row.cycles:
        counted = [r for r in row.reports if r.submission.cycle_id == cycle.pk]
        answering = [r for r in row.answering if r.submission.cycle_id == cycle.pk]
        missing = [s for s in row.missing if s.cycle_id == cycle.pk]
        expected = len(counted) + len(missing)
        sheet.rows.append([cycle.title, expected, len(counted), len(answering)])
    return sheet


# --- the figures of the tagged questions ---------------------------------------------------------


@dataclass
class Figure:
    """One tagged question across the cycles that ask it, with its tables (one per loop item)."""

    shared: reporting.SharedQuestion
    cycles: list
    by: str
    tables: list[analysis.Table]
    groups: list[tuple[str, str]] = field(default_factory=list)

    @property
    def query(self) -> list[tuple[str, str]]:
        """The analyzer's query of these figures: its cycles and breakdown, the question."""
        pairs = [("cycle", cycle.slug) for cycle in self.cycles]
        return [*pairs, ("by", self.by)] if self.by else pairs


def figures(result: Rollups, row: Rollup, *, answers_url: str) -> list[Figure]:
    """Each tagged question drawn by analysis.py over the counted reports of the cycles asking
    it, broken down by cycle when several do; every figure links to its answers."""
    pickers = Pickers()
    drawn = []
    for code in row.codes:
        cycles = [c for c in row.cycles if code in result.structures[c.pk].items_by_code]
        if not cycles:
            continue  # no cycle the user sees asks it
        form = result.structures[cycles[0].pk]
        item = form.items_by_code[code]
        shared = reporting.SharedQuestion(item, form.node_of_item[item.pk])
        ids = {cycle.pk for cycle in cycles}
        reports = [r for r in row.reports if r.submission.cycle_id in ids]
        by = "cycle" if len(cycles) > 1 else ""
        group_of = analysis.grouper(by)
        groups = [(analysis.ALL, _("All"))]
        if by:
            groups += [(cycle.slug, cycle.title) for cycle in cycles]
        figure = Figure(shared, cycles, by, [], groups)
        for key, answers in analysis.answers_of(shared, reports).items():
            label = analysis.loop_label(key, answers)
            table = analysis.table_of(shared, key, label, answers, groups, group_of, pickers)
            for table_row in table.rows:
                for cell in table_row.cells:
                    if cell.drill is not None:
                        pairs = [*figure.query, ("question", code), ("key", key)]
                        pairs += [(name, value) for name, value in cell.drill.items() if value]
                        cell.href = f"{answers_url}?{urlencode(pairs)}"
            figure.tables.append(table)
        drawn.append(figure)
    return sorted(drawn, key=lambda figure: _place(result, row, figure))


def _place(result: Rollups, row: Rollup, figure: Figure) -> tuple[int, int]:
    """Where a figure's question is asked: its first cycle, then its place in that form."""
    first = figure.cycles[0]
    asked = (
        item.question.code for node in result.structures[first.pk].nodes for item in node.items
    )
    place = next(index for index, code in enumerate(asked) if code == figure.shared.code)
    return row.cycles.index(first), place


def draw_charts(drawn: list[Figure]) -> bool:
    """Give the first choice tables their bar chart (the analyzer's, `charts.choice_chart`), as
    many as the analyzer draws on one page; whether any was drawn."""
    charted = 0
    for figure in drawn:
        for table in figure.tables:
            if charted < charts.MAX_CHARTS:
                table.chart = charts.choice_chart(table, figure.groups)
                charted += table.chart is not None
    return charted > 0


# --- the global targets ----------------------------------------------------------------------

GLOBAL = {"aichi": AichiTarget, "gbf": GbfTarget}


def global_target(kind: str, number: int):
    """The Aichi or GBF target of that number, or None (numbers out of range are None too)."""
    model = GLOBAL[kind]
    if not 0 < number < 2**15:
        return None
    return model.objects.filter(number=number).first()


def mapped(targets: list, kind: str, global_target) -> list:
    """The plan's targets mapped to the Aichi or GBF target, with the mappings' confidence."""
    related = "aichi_links" if kind == "aichi" else "gbf_links"
    return [
        target
        for target in targets
        if any(link.global_target_id == global_target.pk for link in getattr(target, related).all())
    ]


@dataclass
class Union:
    """The targets mapped to a global target, counted once each: questions, reports,
    activities and contributions shared by two targets are not added twice."""

    codes: int
    reports: int
    expected: int
    answering: int
    direct: int
    derived: int
    value: Decimal


def union(rows: list[Rollup], reporters: reporting.Reporters) -> Union:
    reports = {r.submission.pk for row in rows for r in row.reports}
    cycles = {cycle.pk for row in rows for cycle in row.cycles}
    missing = {s.pk for s in reporters.missing if s.cycle_id in cycles}
    direct = {a.activity.pk for row in rows for a in row.activities if not a.derived}
    derived = {a.activity.pk for row in rows for a in row.activities if a.derived} - direct
    entries = {entry.pk: entry.base_value for row in rows for entry in row.contributions}
    return Union(
        codes=len({code for row in rows for code in row.codes}),
        reports=len(reports),
        expected=len(reports) + len(missing),
        answering=len({r.submission.pk for row in rows for r in row.answering}),
        direct=len(direct),
        derived=len(derived),
        value=money(sum(entries.values(), ZERO)),
    )
