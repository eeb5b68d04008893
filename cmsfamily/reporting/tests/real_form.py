"""The real questionnaire of another treaty that issue 16's "done when" runs: the fifth national
report of the Cartagena Protocol on Biosafety, as the Biosafety Clearing-House runs it, converted
to an XLSForm by scripts/cpb_nr5_xlsform.py (source, licence and what is lossy: data/README.md).

Shared by the unit test of its import (test_real_form.py) and the browser test that runs it
(tests/e2e/test_real_form.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cmsfamily.reporting import conditions

XLSFORM = Path(__file__).parent / "data" / "cartagena_protocol_national_report_5.xlsx"
SLUG = "cartagena_protocol_national_report_5"
# The second real form the browser test runs: the KoboToolbox form of the GBF genetic diversity
# indicators (CCGenetics, CC BY 4.0), whose conditions gate on questions left unanswered.
GENETIC_DIVERSITY = Path(__file__).parent / "data" / "genetic_diversity_indicators_kobo_form.xlsx"


def read_xlsform(path: Path = XLSFORM) -> tuple[dict, list[str]]:
    from cmsfamily.reporting.xlsform import from_xlsform

    return from_xlsform(path.read_bytes(), name=path.name, instrument="cms")


def import_from_xlsform(by, path: Path = XLSFORM):
    """The template version the XLSForm imports as (a draft)."""
    from cmsfamily.reporting.exchange import import_template

    data, _problems = read_xlsform(path)
    return import_template(data, by=by)


def ops(tree: Any) -> set[str]:
    """Every operator of a condition tree."""
    if not isinstance(tree, dict):
        return set()
    found = {tree["op"]}
    for key in ("a", "b", "arg"):
        if key in tree:
            found |= ops(tree[key])
    for arg in tree.get("args", []):
        found |= ops(arg)
    return found


def answered_gates(tree: Any) -> int:
    """How many comparisons of a question with the empty answer (``${q} != ''``, ``${q} = ''``)."""
    if not isinstance(tree, dict):
        return 0
    own = int(
        tree["op"] in ("=", "!=")
        and {tree["a"]["op"], tree["b"]["op"]} == {"ref", "str"}
        and "" in (tree["a"].get("v"), tree["b"].get("v"))
    )
    children = [tree[key] for key in ("a", "b", "arg") if key in tree] + tree.get("args", [])
    return own + sum(answered_gates(child) for child in children)


def shape(sections: list[dict]) -> dict[str, Any]:
    """What the logic of a template's sections comes to: the conditional items, the depth of
    their chains, the conditions on a multiple choice, the answered gates."""
    items = {i["question"]: i for s in sections for i in s["items"]}
    trees = {code: conditions.parse(i["show_if"]) for code, i in items.items() if i["show_if"]}

    def depth(code: str, seen: frozenset = frozenset()) -> int:
        if code not in trees or code in seen:
            return 0
        return 1 + max(
            (depth(ref, seen | {code}) for ref in conditions.references(trees[code])), default=0
        )

    depths = {code: depth(code) for code in trees}
    return {
        "conditional": len(trees),
        "chained": sum(1 for d in depths.values() if d >= 2),
        "deepest": max(depths.values()),
        "multiple_choice": sum(
            1 for t in trees.values() if ops(t) & {"selected", "count-selected"}
        ),
        "answered_gates": sum(1 for t in trees.values() if answered_gates(t)),
        "any_of": sum(1 for t in trees.values() if len(set(conditions.references(t))) > 1),
    }
