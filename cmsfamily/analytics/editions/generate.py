"""An edition's figures, generated from what the platform holds, never typed: for each chapter
the figures of the existing analyses (implementation per target from `targets.py`, the gap matrix
per region from `gaps.py`, the duties from `duties/`, timeliness from reporting's selectors, the
ledger's totals and the work programmes' funding), each figure with the submission versions it
rests on, and an annex of every cited version and every expected report that is missing.

Deterministic: the same data gives the same content, so the same SHA-256. Nothing that changes
from run to run (the time of generation, database ids other than the versions cited) enters the
content. The content is generated once per language, in each language's words, so a published
edition reads the same in English, French and Spanish forever.

Reports are read as the Secretariat officer who generates (accepted reports count); the ledger
and the work programmes are read as the public, so a published edition never adds up an entry
its contributor did not agree to publish.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cmsfamily.analytics import analysis, gaps, targets
from cmsfamily.analytics.duties import STATES, parties_for, party_duties
from cmsfamily.analytics.duties.common import DUTIES, TRACKED
from cmsfamily.contributions import selectors as ledger
from cmsfamily.contributions.choices import Kind
from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.text import plain_text
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.choices import CycleStatus
from cmsfamily.workplans import selectors as workplans

Progress = Callable[[int, int, str], None]
FORMAT = 1  # the shape of the content; a new shape is a new number, old editions keep theirs


def no_progress(step: int, total: int, label: str) -> None:
    """The default progress callback: nobody is watching."""


# --- the chapters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterPlan:
    key: str  # "overview", "goal-1", "target-10"
    goal: Any = None
    target: Any = None


def chapter_plan(plan_targets: list) -> list[ChapterPlan]:
    """The overview, then each goal of the Strategic Plan followed by its targets."""
    chapters = [ChapterPlan("overview")]
    goals: dict[int, Any] = {}
    for target in plan_targets:
        goals.setdefault(target.goal.number, target.goal)
    for number in sorted(goals):
        chapters.append(ChapterPlan(f"goal-{number}", goal=goals[number]))
        chapters += [
            ChapterPlan(f"target-{target.number}", goal=goals[number], target=target)
            for target in plan_targets
            if target.goal.number == number
        ]
    return chapters


def chapter_heading(chapter: ChapterPlan) -> str:
    if chapter.target is not None:
        return _("Target %(number)s") % {"number": chapter.target.number}
    if chapter.goal is not None:
        return _("Goal %(number)s") % {"number": chapter.goal.number}
    return _("The CMS Family at a glance")


def heading_of_key(key: str) -> str:
    """A chapter's heading from its key, in the current language."""
    kind, _sep, number = key.partition("-")
    if kind == "target":
        return _("Target %(number)s") % {"number": number}
    if kind == "goal":
        return _("Goal %(number)s") % {"number": number}
    return _("The CMS Family at a glance")


# --- the cycles ------------------------------------------------------------------------------


def closed_cycles(user, *, start: date, end: date) -> list:
    """The closed cycles the user sees whose deadline falls in the period, oldest first."""
    return sorted(
        (
            cycle
            for cycle in reporting.analysable_cycles(user)
            if cycle.status == CycleStatus.CLOSED and start <= cycle.deadline <= end
        ),
        key=lambda cycle: (cycle.deadline, cycle.slug),
    )


def no_cycle_message(start: date, end: date) -> str:
    return _(
        "No reporting cycle closed with a deadline between %(start)s and %(end)s: "
        "there is nothing to generate the edition from."
    ) % {"start": date_format(start), "end": date_format(end)}


# --- a figure --------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value as JSON keeps it exactly: whole numbers as numbers, amounts as text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")) if value != value.to_integral() else int(value))
    if value is None:
        return ""
    return analysis.plain_value(plain_text(str(value)))


@dataclass
class Figure:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    cites: set[int] = field(default_factory=set)  # the submission versions it rests on
    href: str = ""  # where its answers are read
    source: str = ""  # what it rests on, when not on reports
    chart: bool = True  # a bar chart of the first numeric column
    stack: tuple[int, ...] = ()  # or stacked bars of these columns (parts of a whole)
    total_row: bool = False  # the last row sums the others: the chart leaves it out

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "header": [str(label) for label in self.header],
            "rows": [[_cell(value) for value in row] for row in self.rows],
            "cites": sorted(self.cites),
            "href": self.href,
            "source": self.source,
            "chart": self.chart and bool(self.rows),
            "stack": list(self.stack),
            "total_row": self.total_row,
        }


def versions_of(reports) -> set[int]:
    return {report.version.pk for report in reports}


# --- what one language's content is built from -----------------------------------------------


@dataclass
class Sources:
    """What the chapters are read from, once per language."""

    user: Any
    cycles: list
    as_of: date
    reporters: reporting.Reporters
    rollups: targets.Rollups
    gaps: gaps.Gaps


def _sources(user, cycles: list, as_of: date, plan_targets: list) -> Sources:
    ids = {cycle.pk for cycle in cycles}
    result = targets.rollups(user, plan_targets)
    rows = []
    for row in result.rows:  # the rollup reads every cycle: keep the edition's
        rows.append(
            replace(
                row,
                cycles=[c for c in row.cycles if c.pk in ids],
                reports=[r for r in row.reports if r.submission.cycle_id in ids],
                missing=[s for s in row.missing if s.cycle_id in ids],
                answering=[r for r in row.answering if r.submission.cycle_id in ids],
            )
        )
    result = replace(result, rows=rows)
    form = gaps.GapForm({"cycle": [cycle.slug for cycle in cycles]}, user=user)
    if not form.is_valid():  # the cycles were read for this user: they are all choices
        raise ValidationError(form.errors.as_text())
    return Sources(
        user, cycles, as_of, reporting.counted_reports(cycles, user), result, gaps.build(form)
    )


def _cycle_query(cycles) -> list[tuple[str, str]]:
    return [("cycle", cycle.slug) for cycle in cycles]


# --- the overview's figures ------------------------------------------------------------------


def timeliness_figures(sources: Sources) -> list[Figure]:
    counted = sources.reporters.counted
    figures = [
        Figure(
            "timeliness-instruments",
            _("Reports per cycle and instrument"),
            [_("Cycle"), _("Expected"), _("On time"), _("Late"), _("Missing")],
            [
                [
                    f"{row.cycle.title} ({row.cycle.version.template.instrument.label})",
                    row.rates.expected,
                    row.rates.on_time,
                    row.rates.late,
                    row.rates.missing,
                ]
                for row in reporting.timeliness_by_cycle(sources.cycles)
            ],
            cites=versions_of(counted),
            href=reverse("reporting:timeliness"),
            stack=(2, 3, 4),
        )
    ]
    for cycle in sources.cycles:
        figures.append(
            Figure(
                f"timeliness-regions-{cycle.slug}",
                _("Reports per region: %(cycle)s") % {"cycle": cycle.title},
                [_("Region"), _("Expected"), _("On time"), _("Late"), _("Missing")],
                [
                    [row.label, row.expected, row.on_time, row.late, row.missing]
                    for row in reporting.timeliness(cycle)
                ],
                cites=versions_of(r for r in counted if r.submission.cycle_id == cycle.pk),
                href=cycle.get_absolute_url(),
                stack=(2, 3, 4),
                total_row=True,
            )
        )
    return figures


def duties_figure(sources: Sources) -> Figure:
    rows = party_duties(sources.user, list(parties_for(sources.user)), today=sources.as_of)
    states = [state for state in STATES if state != "not_tracked"]
    counts = {duty: Counter(row.cell(duty).state for row in rows) for duty in TRACKED}
    return Figure(
        "duties",
        _("Duties of the Parties on %(date)s") % {"date": date_format(sources.as_of)},
        [_("Duty"), *(str(STATES[state]) for state in states)],
        [[str(DUTIES[duty]), *(counts[duty][state] for state in states)] for duty in TRACKED],
        href=reverse("analytics:duties"),
        source=_("The registry, the reports and the assessed contributions"),
        stack=tuple(range(1, len(states) + 1)),
    )


def contribution_figures(sources: Sources) -> list[Figure]:
    """The ledger's validated entries up to the end of the period, in US dollars, by kind and
    year, and by contributor."""
    public = AnonymousUser()
    last = sources.as_of.year
    kinds = dict(Kind.choices)
    by_kind = ledger.totals(public, by=("kind", "year"), on=sources.as_of)
    years = sorted({row["year"] for row in by_kind.rows if row["year"] <= last})
    sums: dict[tuple[str, int], Decimal] = {
        (row["kind"], row["year"]): row["total_usd"] for row in by_kind.rows
    }
    source = _("The contributions ledger: validated entries, in US dollars")
    figures = [
        Figure(
            "contributions-kind-year",
            _("Contributions by kind and year (US$)"),
            [_("Kind"), *(str(year) for year in years)],
            [
                [str(label), *(sums.get((kind, year), Decimal(0)) for year in years)]
                for kind, label in kinds.items()
                if any((kind, year) in sums for year in years)
            ],
            href=reverse("contributions:totals"),
            source=source,
        )
    ]
    contributors: Counter = Counter()
    for dimension in ("contributor_party", "contributor_organisation"):
        totals = ledger.totals(public, by=(dimension, "year"), on=sources.as_of)
        for row in totals.rows:
            name = row[f"{dimension}__name"]
            if name and row["year"] <= last:
                contributors[name] += row["total_usd"]
    figures.append(
        Figure(
            "contributions-contributor",
            _("Contributions by contributor (US$)"),
            [_("Contributor"), _("Total")],
            [
                [name, total]
                for name, total in sorted(
                    contributors.items(), key=lambda item: (-item[1], item[0])
                )
            ],
            href=reverse("contributions:totals"),
            source=source,
        )
    )
    return figures


def programme_figure(sources: Sources) -> Figure:
    """Each work programme: its activities, those with progress reported, and its funding
    (needed, secured, gap) in US dollars at the rates of the end of the period."""
    public = AnonymousUser()
    reported = Counter(
        workplans.progress_updates(public)
        .filter(date__lte=sources.as_of)
        .values_list("activity__programme_id", "activity_id")
        .distinct()
        .values_list("activity__programme_id", flat=True)
    )
    rows = []
    for programme in workplans.programmes(public):
        total, _per_activity = workplans.funding(
            public, programme, currency="USD", on=sources.as_of
        )
        rows.append(
            [
                programme.title,
                programme.activity_count,
                reported[programme.pk],
                total.needed if total.needed is not None else total.error,
                total.secured if total.secured is not None else "",
                total.gap if total.gap is not None else "",
            ]
        )
    return Figure(
        "programmes",
        _("Work programmes: progress and funding (US$)"),
        [
            _("Work programme"),
            _("Activities"),
            _("With progress reported"),
            _("Needed"),
            _("Secured"),
            _("Gap"),
        ],
        rows,
        href=reverse("workplans:programme-list"),
        source=_("The work programmes and the contributions ledger"),
    )


# --- a target's and a goal's figures ---------------------------------------------------------


def implementation_figure(sources: Sources, row: targets.Rollup) -> Figure:
    return Figure(
        f"t{row.number}-implementation",
        _("What the reports say on Target %(number)s") % {"number": row.number},
        [_("Measure"), _("Value")],
        [
            [_("Reports expected"), row.expected],
            [_("Reports counted"), len(row.reports)],
            [_("Reports answering a tagged question"), len(row.answering)],
            [_("Activities linked directly"), row.direct_activities],
            [_("Activities derived through the Aichi Targets"), row.derived_activities],
            [_("Contributions to that work (US$)"), targets.money(row.value)],
        ],
        cites=versions_of(row.reports),
        href=reverse("analytics:target", args=[row.number]),
        chart=False,
    )


def gap_figure(sources: Sources, row: targets.Rollup) -> Figure:
    chosen = replace(sources.gaps, target=row.target)
    cells = chosen.target_cells(gaps.PARTIES)
    query = [*_cycle_query(sources.cycles), ("target", str(row.number))]
    return Figure(
        f"t{row.number}-gaps",
        _("Parties per region, Target %(number)s") % {"number": row.number},
        [_("Region"), *(gaps.status_label(status) for status in gaps.STATUSES)],
        [[label, *counts] for label, counts in chosen.region_counts()],
        cites=versions_of(cell.report for _column, cell in cells if cell.report is not None),
        href=f"{reverse('analytics:gaps')}?{urlencode(query)}",
        stack=tuple(range(1, len(gaps.STATUSES) + 1)),
        total_row=True,
    )


def question_figures(sources: Sources, row: targets.Rollup) -> list[Figure]:
    """Each question tagged with the target, as the analyzer counts it over the edition's
    cycles; the figure leads to the analyzer, which lists the answers."""
    answers_url = reverse("analytics:answers")
    figures = []
    for drawn in targets.figures(sources.rollups, row, answers_url=answers_url):
        ids = {cycle.pk for cycle in drawn.cycles}
        code = drawn.shared.code
        cites = versions_of(
            r for r in row.reports if r.submission.cycle_id in ids and r.answers.get(code)
        )
        query = [*drawn.query, ("question", code)]
        for table in drawn.tables:
            figures.append(
                Figure(
                    f"t{row.number}-{table.anchor}",
                    table.title,
                    [str(label) for label in table.header],
                    [[row_.label, *(cell.value for cell in row_.cells)] for row_ in table.rows],
                    cites=cites,
                    href=f"{reverse('analytics:analysis')}?{urlencode(query)}",
                    chart=table.kind == "choices",
                )
            )
    return figures


def goal_figure(sources: Sources, goal) -> Figure:
    rows = [row for row in sources.rollups.rows if row.target.goal_id == goal.pk]
    return Figure(
        f"goal-{goal.number}",
        _("The targets of Goal %(number)s") % {"number": goal.number},
        [_("Target"), _("Reports answering"), _("Reports expected"), _("Activities")],
        [[str(row.target), len(row.answering), row.expected, len(row.activities)] for row in rows],
        cites=versions_of(r for row in rows for r in row.reports),
        href=reverse("analytics:targets"),
        source=_("The reports and the work programmes"),
    )


def chapter_figures(sources: Sources, chapter: ChapterPlan) -> list[Figure]:
    if chapter.target is not None:
        row = sources.rollups.get(chapter.target.number)
        if row is None:
            return []
        return [
            implementation_figure(sources, row),
            gap_figure(sources, row),
            *question_figures(sources, row),
        ]
    if chapter.goal is not None:
        return [goal_figure(sources, chapter.goal)]
    return [
        *timeliness_figures(sources),
        duties_figure(sources),
        *contribution_figures(sources),
        programme_figure(sources),
    ]


# --- the annex -------------------------------------------------------------------------------


def annex(sources: Sources, cited: set[int]) -> dict[str, list[dict[str, Any]]]:
    """Every cited version (reporter, cycle, number, time, SHA-256) and every expected report
    with nothing that counts."""
    versions = [
        {
            "id": report.version.pk,
            "reporter": str(report.reporter),
            "cycle": report.cycle.title,
            "number": report.version.number,
            "submitted_at": report.version.submitted_at.isoformat(),
            "sha256": report.version.content_hash,
            "href": report.url,
        }
        for report in sources.reporters.counted
        if report.version.pk in cited
    ]
    missing = [
        {"reporter": str(submission.reporter), "cycle": submission.cycle.title}
        for submission in sources.reporters.missing
    ]
    key = lambda entry: (entry["cycle"], reporting.sort_key(entry["reporter"]))  # noqa: E731
    return {"versions": sorted(versions, key=key), "missing": sorted(missing, key=key)}


# --- the whole -------------------------------------------------------------------------------


def digest(content: dict) -> str:
    """The SHA-256 of the content written canonically (keys sorted, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Generated:
    content: dict
    content_hash: str


def generate(
    *, user, start: date, end: date, plan_targets: list, progress: Progress = no_progress
) -> Generated:
    """The content of an edition covering the closed cycles with a deadline in [start, end].
    Refused (ValidationError) when there is no such cycle. `progress(step, total, label)` is
    called before each chapter of each language."""
    cycles = closed_cycles(user, start=start, end=end)
    if not cycles:
        raise ValidationError(no_cycle_message(start, end), code="no_closed_cycle")
    chapters = chapter_plan(plan_targets)
    total = len(LANGUAGES) * (len(chapters) + 1)
    step = 0
    languages: dict[str, Any] = {}
    for language in LANGUAGES:
        with translation.override(language):
            step += 1
            progress(step, total, _("Reading the reports"))
            sources = _sources(user, cycles, end, plan_targets)
            written: dict[str, Any] = {}
            cited: set[int] = set()
            for chapter in chapters:
                step += 1
                heading = chapter_heading(chapter)
                progress(step, total, heading)
                figures = chapter_figures(sources, chapter)
                for figure in figures:
                    cited |= figure.cites
                written[chapter.key] = {
                    "heading": heading,
                    "statement": plain_text(
                        (chapter.target or chapter.goal).text
                        if (chapter.target or chapter.goal) is not None
                        else ""
                    ),
                    "figures": [figure.as_json() for figure in figures],
                }
            languages[language] = {"chapters": written, "annex": annex(sources, cited)}
    content = {
        "format": FORMAT,
        "period": [start.isoformat(), end.isoformat()],
        "cycles": [
            {"slug": cycle.slug, "deadline": cycle.deadline.isoformat()} for cycle in cycles
        ],
        "chapters": [chapter.key for chapter in chapters],
        "languages": languages,
    }
    return Generated(content, digest(content))
