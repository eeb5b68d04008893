"""Indicators over time (issue 17 item 5): each indicator of the Strategic Plan with its values by
year, for the Family, a CMS region or a Party.

A value is entered by the CMS Secretariat (stored in `strategy`), or derived when read from the
numeric bank questions tagged with the indicator (`Question.indicators`): each Party's answer in
the version of its report that counts for the user (`reporting.selectors.counted_reports`: the
public counts published versions only), in the year the cycle's period ends; a region's and the
Family's figure is the sum of their Parties' answers (the mean for a percentage). Derived figures
are never stored: each lists the versions it comes from (reporter, version number, content hash).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import altair as alt
from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cmsfamily.analytics.analysis import as_decimal
from cmsfamily.core.charts import Chart, finish
from cmsfamily.core.forms import NumberField, WholeNumberField
from cmsfamily.core.numbers import format_number
from cmsfamily.directory.models import Party, Region
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.choices import NUMBER_KINDS
from cmsfamily.reporting.models import Cycle, Question
from cmsfamily.strategy import selectors as strategy
from cmsfamily.strategy.choices import Measure, Scope
from cmsfamily.strategy.models import Indicator

FAMILY = "family"
ENTERED = "entered"
DERIVED = "derived"


def source_label(source: str) -> str:
    return _("entered by the Secretariat") if source == ENTERED else _("derived from reports")


@dataclass(frozen=True)
class Whom:
    """The Family, a region or a Party: `key` is "family", "region:<code>" or "party:<code>"."""

    key: str
    label: str

    @property
    def scope(self) -> str:
        return self.key.partition(":")[0]


def family() -> Whom:
    return Whom(FAMILY, _("CMS Family"))


def whom_of_region(region) -> Whom:
    return Whom(f"region:{region.code}", str(region))


def whom_of_party(party) -> Whom:
    return Whom(f"party:{party.code}", str(party))


@dataclass(frozen=True)
class Source:
    """A version a derived figure comes from."""

    reporter: str
    version_id: int
    number: int
    content_hash: str
    url: str


@dataclass
class Point:
    year: int
    whom: Whom
    value: Decimal
    source: str
    note: str = ""
    versions: list[Source] = field(default_factory=list)

    @property
    def source_label(self) -> str:
        return source_label(self.source)

    @property
    def plain(self) -> str:
        """The value without trailing zeros or exponent: 40, not 40.000000 or 4E+1."""
        return format(self.value.normalize(), "f")

    @property
    def shown(self) -> str:
        """The value in the page's language (1,234.5 in English, 1 234,5 in French)."""
        return format_number(Decimal(self.plain), get_language())


@dataclass
class Series:
    indicator: Indicator
    points: list[Point]
    questions: list[Question]
    chart: Chart | None = None

    @property
    def whoms(self) -> list[Whom]:
        seen: dict[str, Whom] = {}
        for point in sorted(self.points, key=lambda p: (p.whom.key != FAMILY, p.whom.key)):
            seen.setdefault(point.whom.key, point.whom)
        return list(seen.values())

    def of(self, key: str) -> list[Point]:
        return [point for point in self.points if point.whom.key == key]

    HEADER = (
        gettext_lazy("Year"),
        gettext_lazy("Of"),
        gettext_lazy("Value"),
        gettext_lazy("Source"),
        gettext_lazy("Note"),
        gettext_lazy("Versions"),
    )

    def export_rows(self) -> list[list[Any]]:
        return [
            [
                point.year,
                point.whom.label,
                point.value,
                point.source_label,
                point.note,
                "; ".join(f"{s.reporter} v{s.number} {s.content_hash}" for s in point.versions),
            ]
            for point in self.points
        ]


def _entered(user, indicator_ids) -> dict[int, list[Point]]:
    points: dict[int, list[Point]] = defaultdict(list)
    for record in strategy.indicator_values(user, indicator_ids):
        if record.scope == Scope.PARTY:
            whom = whom_of_party(record.party)
        elif record.scope == Scope.REGION:
            whom = whom_of_region(record.region)
        else:
            whom = family()
        points[record.indicator_id].append(
            Point(record.year, whom, record.value, ENTERED, note=record.note)
        )
    return points


def _questions(indicator_ids) -> dict[int, list[Question]]:
    """The numeric bank questions tagged with each indicator."""
    tagged: dict[int, list[Question]] = defaultdict(list)
    link_model: Any = Question.indicators.through
    through = link_model.objects.filter(
        indicator__in=indicator_ids, question__kind__in=NUMBER_KINDS
    ).select_related("question")
    for link in through.order_by("question__code"):
        tagged[link.indicator_id].append(link.question)
    return tagged


def _cycles_asking(user, codes: set[str]) -> list[Cycle]:
    if not codes:
        return []
    asking = set(
        Cycle.objects.filter(version__sections__items__question__code__in=codes).values_list(
            "pk", flat=True
        )
    )
    return [cycle for cycle in reporting.analysable_cycles(user) if cycle.pk in asking]


def _aggregate(values: list[Decimal], measure: str) -> Decimal:
    total = sum(values, Decimal(0))
    return total / len(values) if measure == Measure.PERCENT else total


def _derived(user, indicators: list[Indicator], tagged) -> dict[int, list[Point]]:
    """Per indicator: each Party's answer per year, and the sum (mean) per region and Family."""
    codes = {question.code for questions in tagged.values() for question in questions}
    cycles = _cycles_asking(user, codes)
    reports = reporting.counted_reports(cycles, user).counted if cycles else []
    # Later cycles first: a Party that reported twice for a year counts with its later report.
    reports = sorted(reports, key=lambda r: (r.cycle.period_end, r.cycle.deadline), reverse=True)
    points: dict[int, list[Point]] = {}
    for indicator in indicators:
        asked = [question.code for question in tagged.get(indicator.pk, [])]
        by_party: dict[tuple[int, int], tuple[Any, Decimal, Source]] = {}
        for report in reports:
            party = report.submission.party
            if party is None:
                continue
            year = report.cycle.period_end.year
            if (year, party.pk) in by_party:
                continue
            value = next(
                (
                    number
                    for code in asked
                    if (number := as_decimal(report.answers.get(code, {}).get(""))) is not None
                ),
                None,
            )
            if value is None:
                continue
            version = report.version
            source = Source(
                str(party), version.pk, version.number, version.content_hash, report.url
            )
            by_party[(year, party.pk)] = (party, value, source)
        found: list[Point] = []
        groups: dict[tuple[int, Whom], list[tuple[Decimal, Source]]] = defaultdict(list)
        for (year, _pk), (party, value, source) in sorted(
            by_party.items(), key=lambda item: (item[0][0], str(item[1][0]))
        ):
            found.append(Point(year, whom_of_party(party), value, DERIVED, versions=[source]))
            groups[(year, whom_of_region(party.region))].append((value, source))
            groups[(year, family())].append((value, source))
        for (year, whom), members in groups.items():
            value = _aggregate([value for value, _source in members], indicator.measure)
            versions = [source for _value, source in members]
            found.append(Point(year, whom, value, DERIVED, versions=versions))
        points[indicator.pk] = found
    return points


def _ordered(points: list[Point]) -> list[Point]:
    return sorted(
        points,
        key=lambda p: (p.year, p.whom.key != FAMILY, p.whom.scope != "region", p.whom.label),
    )


def series(user, indicator: Indicator) -> Series:
    """An indicator's values, entered and derived, by year and whom they are of."""
    tagged = _questions([indicator.pk])
    entered = _entered(user, [indicator.pk]).get(indicator.pk, [])
    derived = _derived(user, [indicator], tagged).get(indicator.pk, [])
    return Series(indicator, _ordered([*entered, *derived]), tagged.get(indicator.pk, []))


@dataclass
class Row:
    indicator: Indicator
    latest: Point | None


def overview(user) -> list[Row]:
    """Every indicator with its latest Family value (entered before derived in the same year)."""
    indicators = list(strategy.indicators(user))
    ids = [indicator.pk for indicator in indicators]
    tagged = _questions(ids)
    entered = _entered(user, ids)
    derived = _derived(user, [i for i in indicators if i.pk in tagged], tagged)
    rows = []
    for indicator in indicators:
        candidates = [
            point
            for point in [*entered.get(indicator.pk, []), *derived.get(indicator.pk, [])]
            if point.whom.key == FAMILY
        ]
        latest = max(candidates, key=lambda p: (p.year, p.source == ENTERED), default=None)
        rows.append(Row(indicator, latest))
    return rows


def line_chart(result: Series, key: str) -> Chart | None:
    """A line per source (entered, derived) of the values of the Family, a region or a Party."""
    points = result.of(key)
    if not points:
        return None
    values = [
        {"year": point.year, "value": float(point.value), "source": point.source_label}
        for point in points
    ]
    label = points[0].whom.label
    value_title = _("Value")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            # Years on a scale, so that a year with no value leaves its gap on the line.
            x=alt.X(
                "year:Q",
                title=_("Year"),
                scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0),
            ),
            y=alt.Y("value:Q", title=value_title),
            color=alt.Color("source:N", title=_("Source"), scale=alt.Scale(scheme="tableau10")),
            tooltip=[
                alt.Tooltip("year:Q", title=_("Year"), format="d"),
                alt.Tooltip("value:Q", title=value_title),
                alt.Tooltip("source:N", title=_("Source")),
            ],
        )
        .properties(width=480, height=260)
    )
    description = _(
        "Line chart of %(indicator)s for %(whom)s, by year, from %(first)s to %(last)s. "
        "The table has every figure."
    ) % {
        "indicator": result.indicator.code,
        "whom": label,
        "first": min(point.year for point in points),
        "last": max(point.year for point in points),
    }
    title = f"{result.indicator.code} {result.indicator.name} — {label}"
    return finish(chart, title=title, description=description)


class WhomForm(forms.Form):
    """Whose line the chart draws: `?of=family`, `region:<code>` or `party:<code>`."""

    of = forms.CharField(label=gettext_lazy("Of"), required=False)

    def __init__(self, *args, series: Series, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series

    def clean_of(self) -> str:
        key = self.cleaned_data["of"] or FAMILY
        if key == FAMILY or key in {whom.key for whom in self.series.whoms}:
            return key
        scope, _colon, code = key.partition(":")
        model: Any = {"region": Region, "party": Party}.get(scope)
        if model is None or not model.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("“%(of)s” is not the Family, a CMS region or a Party.") % {"of": key}
            )
        return key  # known, with no value yet


class ValueForm(forms.Form):
    """The Secretariat's entry of one value; the service checks it against the unit's range."""

    year = WholeNumberField(label=gettext_lazy("Year"))
    scope = forms.ChoiceField(label=gettext_lazy("Of"), choices=Scope.choices)
    region = forms.ModelChoiceField(
        label=gettext_lazy("CMS region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
    )
    party = forms.ModelChoiceField(
        label=gettext_lazy("Party"),
        queryset=Party.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    value = NumberField(label=gettext_lazy("Value"), max_digits=20, decimal_places=6)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
