import html
import re

from django import template
from django.utils.html import strip_tags
from django.utils.translation import get_language

from cmsfamily.reporting import display
from cmsfamily.reporting.answers import column_label as _column_label

register = template.Library()


@register.simple_tag
def answer_text(question, value, names=None):
    return display.text(question, value, names=names)


@register.simple_tag
def column_label(column):
    return _column_label(column, get_language() or "en")


@register.filter
def cell(row, key):
    return row.get(key, "") if isinstance(row, dict) else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, []) if mapping else []


@register.filter
def condition_of(conditions, obj):
    """The sentences ``selectors.version_conditions`` says of a section or a question."""
    kind = "item" if hasattr(obj, "question_id") else "section"
    return (conditions or {}).get(f"{kind}-{obj.pk}", [])


@register.filter
def editable_text(value):
    """Long text as the drafter typed it: paragraphs back to blank lines when that is all the
    markup there is (what the form makes of plain text); any other markup is shown as it is."""
    if not value:
        return ""
    if re.fullmatch(r"(?:<p>.*?</p>\s*)+", value, flags=re.S) and not re.search(
        r"<(?!/?(p|br)\b)", value
    ):
        paragraphs = re.findall(r"<p>(.*?)</p>", value, flags=re.S)
        return "\n\n".join(html.unescape(strip_tags(p.replace("<br>", "\n"))) for p in paragraphs)
    return value
