"""Charts of the contribution totals (`core.charts` draws them): a bar per row of the totals
page, or an organisation's totals by year stacked by kind."""

import altair as alt
import vl_convert  # noqa: F401 (the tests count its drawings here)
from django.utils.translation import gettext as _

from cmsfamily.core.charts import (  # noqa: F401 (the views and tests ask them here)
    AMOUNT,
    AXIS_AMOUNT,
    BRAND,
    CHART_FORMATS,
    INK,
    MAX_BARS,
    MAX_GROUPS,
    TITLE_LINE,
    Chart,
    amount_text,
    finish,
    number_locale,
    svg_document,
    to_png,
    to_svg,
)


def totals_chart(
    rows: list[dict], *, headers: list[str], currency: str, converted: bool
) -> Chart | None:
    """The totals page's rows (`labels`, `total_usd`, `total`): a bar per row, in the table's
    order; with a second breakdown, a bar per value of the first stacked by the second. In the
    reporting currency when `converted`, else in US dollars. None without rows or with too many."""
    if not rows or len(rows) > MAX_BARS:
        return None
    key = "total" if converted else "total_usd"
    amounts = [row[key] for row in rows]
    total_title = _("Total (%(currency)s)") % {"currency": currency}
    breakdown = ", ".join(str(header) for header in headers)
    title = _("Contribution totals in %(currency)s by %(breakdown)s") % {
        "currency": currency,
        "breakdown": breakdown,
    }
    largest = max(range(len(rows)), key=lambda index: amounts[index])
    words = {
        "currency": currency,
        "breakdown": breakdown,
        "label": " · ".join(rows[largest]["labels"]),
        "amount": amount_text(amounts[largest]),
    }
    groups = {row["labels"][1] for row in rows} if len(headers) > 1 else set()
    if len(headers) > 1 and len(groups) <= MAX_GROUPS:
        groups_in_order = sorted(groups)
        values = [
            {
                "category": row["labels"][0],
                "group": row["labels"][1],
                "rank": groups_in_order.index(row["labels"][1]),  # the stack in the legend's order
                "amount": float(value),
            }
            for row, value in zip(rows, amounts, strict=True)
        ]
        categories = list(dict.fromkeys(value["category"] for value in values))
        chart = (
            alt.Chart(alt.Data(values=values))
            .mark_bar()
            .encode(
                y=alt.Y("category:N", title=None, sort=categories),
                x=alt.X(
                    "sum(amount):Q",
                    title=total_title,
                    axis=alt.Axis(format=AXIS_AMOUNT, tickCount=5),
                ),
                color=alt.Color(
                    "group:N",
                    title=str(headers[1]),
                    sort=groups_in_order,
                    scale=alt.Scale(scheme="tableau10"),
                    legend=alt.Legend(columns=5),
                ),
                order=alt.Order("rank:Q"),
                tooltip=[
                    alt.Tooltip("category:N", title=str(headers[0])),
                    alt.Tooltip("group:N", title=str(headers[1])),
                    alt.Tooltip("sum(amount):Q", title=total_title, format=AMOUNT),
                ],
            )
            .properties(width=480, height=alt.Step(26))
        )
        description = _(
            "Stacked bar chart of the contribution totals in %(currency)s by %(breakdown)s. "
            "The largest is %(label)s: %(amount)s %(currency)s. The table below has every figure."
        )
        return finish(chart, title=title, description=description % words)
    values = [
        {"category": " · ".join(row["labels"]), "amount": float(value)}
        for row, value in zip(rows, amounts, strict=True)
    ]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("category:N", title=None, sort=None),
        x=alt.X("amount:Q", title=total_title, axis=alt.Axis(format=AXIS_AMOUNT, tickCount=5)),
        tooltip=[
            alt.Tooltip("category:N", title=breakdown),
            alt.Tooltip("amount:Q", title=total_title, format=AMOUNT),
        ],
    )
    bars = base.mark_bar(color=BRAND)
    text = base.mark_text(align="left", dx=4, fontSize=13, color=INK).encode(
        text=alt.Text("amount:Q", format=AMOUNT)
    )
    chart = alt.layer(bars, text).properties(width=480, height=alt.Step(26))
    description = _(
        "Bar chart of the contribution totals in %(currency)s by %(breakdown)s. "
        "The largest is %(label)s: %(amount)s %(currency)s. The table below has every figure."
    )
    return finish(chart, title=title, description=description % words)


def by_year_and_kind_chart(totals: dict, *, name: str, currency: str) -> Chart | None:
    """An organisation's totals (`kinds`, and `years` of `year` and `cells` in the kinds' order):
    a bar per year, stacked by kind, oldest year first. None without a year."""
    if not totals["years"]:
        return None
    kinds = [str(kind) for kind in totals["kinds"]]
    values = [
        {"year": str(row["year"]), "kind": kind, "rank": rank, "amount": float(cell)}
        for row in totals["years"]
        for rank, (kind, cell) in enumerate(zip(kinds, row["cells"], strict=True))
        if cell is not None
    ]
    years = sorted(str(row["year"]) for row in totals["years"])
    year_title = _("Year")
    kind_title = _("Kind")
    total_title = _("Total (%(currency)s)") % {"currency": currency}
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=year_title, sort=years, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "sum(amount):Q", title=total_title, axis=alt.Axis(format=AXIS_AMOUNT, tickCount=5)
            ),
            color=alt.Color(
                "kind:N",
                title=kind_title,
                sort=kinds,
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(columns=3),
            ),
            order=alt.Order("rank:Q"),  # the stack in the legend's order
            tooltip=[
                alt.Tooltip("year:O", title=year_title),
                alt.Tooltip("kind:N", title=kind_title),
                alt.Tooltip("sum(amount):Q", title=total_title, format=AMOUNT),
            ],
        )
        .properties(width=alt.Step(max(28, min(72, 480 // len(years)))), height=280)
    )
    words = {
        "name": name,
        "currency": currency,
        "first": years[0],
        "last": years[-1],
        "amount": amount_text(totals["total"]),
    }
    title = _("Contributions of %(name)s by year and kind, in %(currency)s") % words
    if len(years) == 1:
        description = _(
            "Stacked bar chart of the validated contributions of %(name)s in %(first)s, by kind: "
            "%(amount)s %(currency)s in all. The table below has every figure."
        )
    else:
        description = _(
            "Stacked bar chart of the validated contributions of %(name)s, a bar per year from "
            "%(first)s to %(last)s, stacked by kind: %(amount)s %(currency)s in all. The table "
            "below has every figure."
        )
    return finish(chart, title=title, description=description % words)
