"""Two cycles compared, question by question (issue 17): the change of each option's count and
share from the earlier cycle to the later, and the reporters counted in both whose answer
changed, each answer linked to the version it comes from, at the question.

It reads only the analysis (`analysis.py`): the same counted reports and answers as its tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cmsfamily.analytics import analysis as analyzer
from cmsfamily.reporting import display
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.answers import Pickers


@dataclass
class OptionChange:
    label: str
    before: int
    after: int
    before_share: int | None  # whole percent of the reports answering, None when none answered
    after_share: int | None

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def points(self) -> int | None:
        if self.before_share is None or self.after_share is None:
            return None
        return self.after_share - self.before_share


@dataclass
class Changed:
    """A reporter counted in both cycles whose answer is not the same."""

    reporter: str
    before: str
    after: str
    before_url: str
    after_url: str


@dataclass
class Comparison:
    before: Any  # the earlier cycle
    after: Any
    options: list[OptionChange] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    in_both: int = 0  # reporters counted in both cycles that answered in at least one

    @property
    def header(self) -> list[str]:
        words = {"before": self.before.title, "after": self.after.title}
        return [
            _("Option"),
            _("%(before)s: reports") % words,
            _("%(after)s: reports") % words,
            _("Change"),
            _("Change in share (points)"),
        ]


def _reporter(report: reporting.CountedReport) -> tuple[str, int]:
    submission = report.submission
    if submission.party_id:
        return ("party", submission.party_id)
    return ("organisation", submission.organisation_id or 0)


def _share(count: int, answering: int) -> int | None:
    return round(100 * count / answering) if answering else None


def _same(left, right) -> bool:
    if isinstance(left, list) and isinstance(right, list):
        return sorted(map(str, left)) == sorted(map(str, right))
    return left == right


def compare(analysis: analyzer.Analysis) -> None:
    """Give each table of an analysis over exactly two cycles its comparison (earlier cycle
    first, by the end of the period it covers)."""
    cycles = sorted(analysis.cycles, key=lambda cycle: (cycle.period_end, cycle.slug))
    if len(cycles) != 2:
        return
    before, after = cycles
    pickers = Pickers()
    for table in analysis.tables:
        answers = analyzer.answers_of(table.shared, analysis.reports).get(table.key, [])
        by_cycle: dict[int, dict[tuple[str, int], analyzer.Answer]] = {
            before.pk: {},
            after.pk: {},
        }
        for answer in answers:
            by_cycle[answer.report.cycle.pk][_reporter(answer.report)] = answer
        comparison = Comparison(before, after)
        question = table.shared.question
        if table.kind == "choices":
            earlier, later = by_cycle[before.pk].values(), by_cycle[after.pk].values()
            for value, label in analyzer.options_of(question, answers, pickers):

                def count(group, value=value):
                    return sum(1 for a in group if value in {str(v) for v in _values(a.value)})

                comparison.options.append(
                    OptionChange(
                        label,
                        count(earlier),
                        count(later),
                        _share(count(earlier), len(earlier)),
                        _share(count(later), len(later)),
                    )
                )
        both = by_cycle[before.pk].keys() & by_cycle[after.pk].keys()
        comparison.in_both = len(both)
        anchor = reporting.answer_anchor(question.code, table.key)
        for who in both:
            first, second = by_cycle[before.pk][who], by_cycle[after.pk][who]
            if _same(first.value, second.value):
                continue
            comparison.changed.append(
                Changed(
                    str(second.report.reporter),
                    display.text(question, first.value, names=pickers),
                    display.text(question, second.value, names=pickers),
                    f"{first.report.url}#{anchor}",
                    f"{second.report.url}#{anchor}",
                )
            )
        comparison.changed.sort(key=lambda row: reporting.sort_key(row.reporter))
        table.comparison = comparison


def _values(value) -> list:
    return value if isinstance(value, list) else [value]
