"""How a question is named to people wherever it is named (errors, the problems panel, the
workbook, the API, a condition's words), and its options in conditions' words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cmsfamily.core.text import plain_text
from cmsfamily.reporting import conditions
from cmsfamily.reporting.choices import QuestionKind, YesNo
from cmsfamily.reporting.models import Item
from cmsfamily.reporting.selectors.tree import Structure

FIRST_WORDS = 6


def item_name(structure: Structure, item: Item) -> str:
    """The one label of a question wherever it is named (errors, the problems panel, the
    workbook, the API, a condition's words): its number ("IV.2", with its section's), otherwise
    its section's number and its place there ("IV, question 3"), otherwise its first words."""
    node = structure.node_of_item[item.pk]
    section = node.section.number.strip()
    number = item.number.strip()
    if number:
        if not section:
            return number
        return f"{section}{number}" if section.endswith(".") else f"{section}.{number}"
    section = section.rstrip(".")
    if section:
        position = next(
            (place for place, one in enumerate(node.items, start=1) if one.pk == item.pk), 1
        )
        return _("%(section)s, question %(position)s") % {"section": section, "position": position}
    return first_words(item.question.text)


def first_words(text: str, count: int = FIRST_WORDS) -> str:
    """The first words of a text without its markup, ellipsised when there are more."""
    words = plain_text(text).split()
    if not words:
        return "…"
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def condition_labels(structure: Structure) -> dict[str, conditions.Label]:
    """How each question and its options are named in conditions' words, in the active
    language."""
    labels = {}
    for code, item in structure.items_by_code.items():
        question = item.question
        if question.kind == QuestionKind.YES_NO:
            options = {value: str(label) for value, label in YesNo.choices}
        else:
            options = {
                option.value: plain_text(str(option.label)) for option in question.options.all()
            }
        labels[code] = conditions.Label(item_name(structure, item), options)
    return labels
