"""The analyzer's charts (`core.charts` draws them): for a choice question, a bar per option with
the number of counted reports that chose it, grouped by the breakdown when there is one. The
table beside each chart has every figure; a chart reads nothing but the table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
from django.utils.translation import gettext as _

from cmsfamily.core.charts import BRAND, INK, MAX_BARS, MAX_GROUPS, Chart, finish

if TYPE_CHECKING:
    from cmsfamily.analytics.analysis import Analysis, Table

MAX_CHARTS = 8  # drawn on one page; the tables of the other questions still show every figure


def choice_chart(table: Table, groups: list[tuple[str, str]]) -> Chart | None:
    """A bar per option (the table's rows but the last, the reports answering), one per group of
    the breakdown; None for other kinds of table, or too many bars to read."""
    options = table.rows[:-1]
    if table.kind != "choices" or not options or len(options) > MAX_BARS:
        return None
    names = [str(name) for _key, name in groups]
    values: list[dict[str, Any]] = [
        {"option": str(row.label), "group": name, "reports": int(row.cells[2 * index].value)}
        for row in options
        for index, name in enumerate(names)
    ]
    order = [str(row.label) for row in options]
    reports = _("Reports")
    # Whole reports only: a tick per report up to ten (Vega would put 0.5 and label it "1").
    most = max([value["reports"] for value in values] + [1])
    axis = (
        alt.Axis(values=list(range(most + 1)), format="d")
        if most <= 10
        else alt.Axis(tickMinStep=1, format="d", tickCount=5)
    )
    top = max(values, key=lambda value: value["reports"])
    words = {"option": top["option"], "count": top["reports"], "answered": table.answered}
    if len(names) == 1:
        base = alt.Chart(alt.Data(values=values)).encode(
            y=alt.Y("option:N", title=None, sort=order),
            x=alt.X("reports:Q", title=reports, axis=axis),
            tooltip=[
                alt.Tooltip("option:N", title=_("Option")),
                alt.Tooltip("reports:Q", title=reports),
            ],
        )
        text = base.mark_text(align="left", dx=4, fontSize=13, color=INK).encode(text="reports:Q")
        chart = alt.layer(base.mark_bar(color=BRAND), text).properties(
            width=480, height=alt.Step(26)
        )
        description = _(
            "Bar chart of how many counted reports chose each option. The most chosen is "
            "%(option)s: %(count)s of %(answered)s reports. The table has every figure."
        )
        return finish(chart, title=table.title, description=description % words)
    if len(names) > MAX_GROUPS + 1:
        return None
    shown = [value for value in values if value["group"] != names[0]]  # not the "All" column
    chart = (
        alt.Chart(alt.Data(values=shown))
        .mark_bar()
        .encode(
            y=alt.Y("option:N", title=None, sort=order),
            yOffset=alt.YOffset("group:N", sort=names[1:]),
            x=alt.X("reports:Q", title=reports, axis=axis),
            color=alt.Color(
                "group:N",
                title=_("Group"),
                sort=names[1:],
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(columns=3),
            ),
            tooltip=[
                alt.Tooltip("option:N", title=_("Option")),
                alt.Tooltip("group:N", title=_("Group")),
                alt.Tooltip("reports:Q", title=reports),
            ],
        )
        .properties(width=480, height=alt.Step(12))
    )
    description = _(
        "Grouped bar chart of how many counted reports chose each option, a bar per group. "
        "Over all groups the most chosen is %(option)s: %(count)s of %(answered)s reports. "
        "The table has every figure."
    )
    return finish(chart, title=table.title, description=description % words)


def draw(analysis: Analysis) -> None:
    """Give the first choice tables of the analysis their chart."""
    drawn = 0
    for table in analysis.tables:
        if drawn >= MAX_CHARTS:
            return
        table.chart = choice_chart(table, analysis.groups)
        drawn += table.chart is not None
