from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cmsfamily.core.events import label_of
from cmsfamily.core.text import clean_editorial, plain_text, safe_html

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return label_of(kind)


@register.filter
def rich(text) -> SafeString:
    """An imported text (a question, a section's title, an option) as HTML: its harmless inline
    markup rendered, everything else escaped or removed."""
    if text is None:
        return mark_safe("")  # noqa: S308
    text = str(text)
    if "<" not in text:
        return escape(text)
    return mark_safe(safe_html(text))  # noqa: S308 - sanitised by nh3 just now


@register.filter
def plain(text) -> str:
    """An imported text without its markup, where only plain text fits (a page's title)."""
    return plain_text("" if text is None else str(text))


@register.filter
def editorial(text) -> SafeString:
    """Editorial rich text (sanitised when saved) sanitised again as it is shown."""
    return mark_safe(clean_editorial("" if text is None else str(text)))  # noqa: S308 - nh3 just now
