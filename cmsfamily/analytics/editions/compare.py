"""A draft edition beside the last published one, figure by figure: the figures whose rows or
cited versions changed, those new and those gone, each with the cells that differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cmsfamily.analytics.editions.selectors import read
from cmsfamily.analytics.models import Edition


@dataclass
class CellChange:
    row: str
    column: str
    before: Any
    after: Any


@dataclass
class FigureChange:
    key: str
    title: str
    chapter: str
    before: dict | None
    after: dict | None
    cells: list[CellChange] = field(default_factory=list)
    cites_added: int = 0
    cites_removed: int = 0


@dataclass
class Changes:
    draft: Edition
    published: Edition
    changed: list[FigureChange]
    added: list[FigureChange]
    removed: list[FigureChange]
    unchanged: int

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def _figures(edition: Edition, lang: str) -> dict[str, tuple[str, dict]]:
    view = read(edition, lang=lang)
    return {
        figure["key"]: (chapter.heading, figure)
        for chapter in view.chapters
        for figure in chapter.figures
    }


def _cells(before: dict, after: dict) -> list[CellChange]:
    """The cells that differ, matched by row label and column heading."""
    old = {row[0]: row[1:] for row in before["rows"] if row}
    header = after["header"][1:]
    old_header = before["header"][1:]
    changes = []
    for row in after["rows"]:
        label, values = row[0], row[1:]
        previous = old.get(label)
        for index, column in enumerate(header):
            value = values[index] if index < len(values) else ""
            was = ""
            if previous is not None and column in old_header:
                position = old_header.index(column)
                was = previous[position] if position < len(previous) else ""
            if previous is None or was != value:
                changes.append(CellChange(str(label), column, was, value))
    labels = {row[0] for row in after["rows"] if row}
    for label, values in old.items():
        if label not in labels:
            for index, column in enumerate(old_header):
                changes.append(CellChange(str(label), column, values[index], ""))
    return changes


def compare(draft: Edition, published: Edition, *, lang: str) -> Changes:
    new = _figures(draft, lang)
    old = _figures(published, lang)
    changed, added, removed = [], [], []
    unchanged = 0
    for key, (chapter, figure) in new.items():
        if key not in old:
            added.append(FigureChange(key, figure["title"], chapter, None, figure))
            continue
        before = old[key][1]
        if before["rows"] == figure["rows"] and before["cites"] == figure["cites"]:
            unchanged += 1
            continue
        changed.append(
            FigureChange(
                key,
                figure["title"],
                chapter,
                before,
                figure,
                _cells(before, figure),
                len(set(figure["cites"]) - set(before["cites"])),
                len(set(before["cites"]) - set(figure["cites"])),
            )
        )
    for key, (chapter, figure) in old.items():
        if key not in new:
            removed.append(FigureChange(key, figure["title"], chapter, figure, None))
    return Changes(draft, published, changed, added, removed, unchanged)
