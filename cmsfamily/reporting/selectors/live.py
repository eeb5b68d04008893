"""What a section page's script needs beyond relevance (``checks.page_conditions``) to say, as the
answers change, what the server says on save: each question's "valid when" with its message, and
which answers will not be included in the report and why (``checks.left_out``, recomputed)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.reporting import conditions
from cmsfamily.reporting.conditions.evaluate import is_empty
from cmsfamily.reporting.models import Section
from cmsfamily.reporting.selectors.labels import condition_labels, item_name
from cmsfamily.reporting.selectors.tree import Structure, keys_of, section_node_id


def live_checks(
    structure: Structure,
    node,
    values: Mapping,
    loops: dict,
    readable: set[str] | None = None,
) -> dict:
    """``valid``: by question code of the section, its "valid when" tree and what a reporter who
    breaks it is told (the question's message in their language, or the condition in words);
    a condition that reads an answer the user may not read (``readable``) is left to the save;
    ``valid_values``: the answers these conditions read ([code, key, value]).
    ``left_out``: the sentences the page says of an answer that will not be included, to choose
    from as relevance changes: the section's enclosing sections with a "shown when" (outermost
    first), each question's own, the names of the questions and the loop items, and which
    answers the report holds (for the questions the page has no input for)."""
    language = get_language() or "en"
    labels: dict[str, conditions.Label] | None = None

    def words(tree) -> str:
        nonlocal labels
        if labels is None:
            labels = condition_labels(structure)
        return conditions.words(tree, labels, language)

    valid = {}
    for item in node.items:
        tree = item.valid_when_tree
        if not tree or (readable is not None and not set(conditions.references(tree)) <= readable):
            continue
        message = item.valid_message.get(language) or item.valid_message.get("en")
        if not message:
            message = _("This answer must meet its condition: %(condition)s.") % {
                "condition": words(tree)
            }
        valid[item.question.code] = {"tree": tree, "message": message}
    parents = {n.section.pk: n.section for n in structure.nodes}
    chain: list[Section] = []
    section: Section | None = node.section
    while section is not None:
        chain.insert(0, section)
        section = parents.get(section.parent_id) if section.parent_id else None
    question_phrase = _(
        "Your answer to %(question)s will not be included in the report: %(question)s is shown "
        "only when %(condition)s."
    )
    section_phrase = _(
        "Your answer to %(question)s will not be included in the report: section %(section)s "
        "is shown only when %(condition)s."
    )
    read = {code for entry in valid.values() for code in conditions.references(entry["tree"])}
    return {
        "valid": valid,
        "valid_values": [
            [code, key, value] for (code, key), value in values.items() if code in read
        ],
        "left_out": {
            "sections": [
                {
                    "id": section_node_id(one.pk),
                    "said": section_phrase.replace("%(section)s", one.number).replace(
                        "%(condition)s", words(one.shown_when_tree)
                    ),
                }
                for one in chain
                if one.shown_when_tree
            ],
            "questions": {
                item.question.code: {
                    "name": item_name(structure, item),
                    "said": question_phrase.replace("%(condition)s", words(item.shown_when_tree))
                    if item.shown_when_tree
                    else None,
                }
                for item in node.items
            },
            "loops": {loop.key: loop.label for loop in keys_of(node, loops) if loop.label},
            "answered": [
                [item.question.code, loop.key]
                for loop in keys_of(node, loops)
                for item in node.items
                if not is_empty(values.get((item.question.code, loop.key)))
            ],
        },
    }
