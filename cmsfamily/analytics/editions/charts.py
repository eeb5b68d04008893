"""An edition's figure as a bar chart (`core.charts` draws it): a bar per row of the figure's
first column of numbers. The table beside it has every figure; the chart reads nothing else."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import altair as alt
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.core.charts import BRAND, INK, MAX_BARS, Chart, finish


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and value:
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def figure_chart(figure: dict[str, Any]) -> Chart | None:
    """A bar per row of the first column whose every value is a number; None when the figure
    asks for no chart, has no such column, or too many rows to read as bars."""
    rows = figure.get("rows") or []
    if figure.get("total_row"):
        rows = rows[:-1]
    if not figure.get("chart") or not rows or len(rows) > MAX_BARS:
        return None
    header = figure.get("header") or []
    if figure.get("stack"):
        return stacked_chart(figure, rows, header, figure["stack"])
    column = next(
        (
            index
            for index in range(1, len(header))
            if all(len(row) > index and _number(row[index]) is not None for row in rows)
        ),
        None,
    )
    if column is None:
        return None
    labels = [str(row[0]) for row in rows]
    numbers = [float(_number(row[column]) or 0) for row in rows]
    values = [
        {"label": label, "value": number} for label, number in zip(labels, numbers, strict=True)
    ]
    measure = str(header[column])
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("label:N", title=None, sort=labels),
        x=alt.X("value:Q", title=measure),
        tooltip=[
            alt.Tooltip("label:N", title=str(header[0])),
            alt.Tooltip("value:Q", title=measure),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=13, color=INK).encode(text="value:Q")
    chart = alt.layer(base.mark_bar(color=BRAND), text).properties(width=460, height=alt.Step(24))
    top = labels[numbers.index(max(numbers))]
    description = _(
        "Bar chart of %(measure)s per row of the table below; the largest is %(label)s. "
        "The table has every figure."
    ) % {"measure": measure, "label": top}
    return finish(chart, title=str(figure.get("title", "")), description=description)


def stacked_chart(figure: dict[str, Any], rows: list, header: list, columns: list[int]):
    """A bar per row cut into the parts its columns count (on time, late, missing; each status
    of the gap matrix), coloured by part with a legend."""
    columns = [index for index in columns if index < len(header)]
    labels = [str(row[0]) for row in rows]
    parts = [str(header[index]) for index in columns]
    values = [
        {"label": str(row[0]), "part": str(header[index]), "value": float(_number(row[index]) or 0)}
        for row in rows
        for index in columns
        if len(row) > index and _number(row[index]) is not None
    ]
    if not values:
        return None
    count = _("Count")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=labels),
            x=alt.X("value:Q", title=count, stack="zero"),
            color=alt.Color(
                "part:N",
                title=None,
                sort=parts,
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(columns=2),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("label:N", title=str(header[0])),
                alt.Tooltip("part:N", title=_("Part")),
                alt.Tooltip("value:Q", title=count),
            ],
        )
        .transform_calculate(order=f"indexof({json.dumps(parts)}, datum.part)")
        .properties(width=460, height=alt.Step(24))
    )
    description = _(
        "Stacked bar chart: each row of the table below cut into %(parts)s. "
        "The table has every figure."
    ) % {"parts": ", ".join(parts)}
    return finish(chart, title=str(figure.get("title", "")), description=description)


CACHE_SECONDS = 7 * 24 * 3600


def cached_chart(figure: dict[str, Any]) -> Chart | None:
    """The figure's chart with its SVG drawn once per figure and language: a figure's content
    never changes under its key (a published edition is frozen, a draft's new figures make a new
    key), and drawing is the slow part of an edition's page."""
    chart = figure_chart(figure)
    if chart is None:
        return None
    text = json.dumps([get_language(), figure], sort_keys=True, ensure_ascii=False)
    key = "edition-chart:" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = str(chart.svg)
        if svg:
            cache.set(key, svg, CACHE_SECONDS)
    chart.__dict__["svg"] = mark_safe(svg)  # noqa: S308 - drawn by vl-convert, which escapes text
    return chart
