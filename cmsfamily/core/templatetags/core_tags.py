from django import template

from cmsfamily.core.events import label_of

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return label_of(kind)
