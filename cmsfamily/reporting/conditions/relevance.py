"""Which questions and sections of a report are relevant, transitively.

A node (an item or a section) is relevant at a loop item when its section is relevant there, its
own condition holds, and every question its condition reads is itself relevant: a hidden
question hides every question that depends on it, however deep the chain. A circle of conditions
shows nothing of it. ``static/reporting/conditions.js`` computes the same, step for step (the
order of the steps decides what a circle hides, so it is the same order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cmsfamily.reporting.conditions.evaluate import evaluate
from cmsfamily.reporting.conditions.grammar import Expr, references

OUTSIDE: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class Node:
    """An item or a section of the form.

    ``id``: an item's question code (what conditions reference), or an id of the section that no
    question code takes (e.g. ``"section:3"``); ``within``: the id of the enclosing section;
    ``loop_keys``: for a repeated section, the keys of its loop items (its items are then
    relevant or not per loop item; its own condition is read outside the loop).
    """

    id: str
    condition: Expr | None = None
    within: str | None = None
    loop_keys: tuple[str, ...] | None = None


class _Relevance:
    def __init__(self, nodes: Iterable[Node], values: Mapping):
        self.nodes = {node.id: node for node in nodes}
        self.values = values
        self.known: dict[tuple[str, str], bool] = {}
        self.pending: set[tuple[str, str]] = set()
        self.scopes: dict[str, tuple[str, ...]] = {}

    def scope(self, node_id: str) -> tuple[str, ...]:
        """The loop keys a node is answered for: those of the nearest enclosing repeated section."""
        if node_id not in self.scopes:
            within = self.nodes[node_id].within
            keys = OUTSIDE
            passed = {node_id}
            while within is not None and within in self.nodes and within not in passed:
                passed.add(within)
                parent = self.nodes[within]
                if parent.loop_keys is not None:
                    keys = parent.loop_keys
                    break
                within = parent.within
            self.scopes[node_id] = keys
        return self.scopes[node_id]

    def relevant(self, node_id: str, key: str) -> bool:
        if node_id not in self.nodes:
            return True
        if key not in self.scope(node_id):
            key = ""
        place = (node_id, key)
        if place in self.known:
            return self.known[place]
        if place in self.pending:  # a circle of conditions: none of it is shown
            return False
        self.pending.add(place)
        node = self.nodes[node_id]
        result = node.within is None or self.relevant(node.within, key)
        if result and node.condition:
            result = all(
                self.relevant(code, key) for code in references(node.condition)
            ) and evaluate(node.condition, self.values, key)
        self.pending.discard(place)
        self.known[place] = result
        return result


def relevance(items: Iterable[Node], values: Mapping) -> dict[tuple[str, str], bool]:
    """Whether each node is relevant, by (id, loop key): every node at each key of its loop, or
    at "" outside loops. ``values``: the answers by (question code, loop key)."""
    state = _Relevance(items, values)
    return {
        (node_id, key): state.relevant(node_id, key)
        for node_id in state.nodes
        for key in state.scope(node_id)
    }


def relevance_of(
    items: Iterable[Node], values: Mapping, places: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], bool]:
    """Whether each of these places (id, loop key) is relevant, as `relevance` says it, but
    evaluating only what they depend on (a figure reads a few answers of a large form)."""
    state = _Relevance(items, values)
    return {place: state.relevant(*place) for place in places}


def kept(values: Mapping[tuple[str, str], Any], relevant: Mapping[tuple[str, str], bool]):
    """The answers of relevant questions only (an answer to an unknown question is kept)."""
    return {
        (code, key): value
        for (code, key), value in values.items()
        if relevant.get((code, key), relevant.get((code, ""), True))
    }
