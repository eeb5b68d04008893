import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cmsfamily.decisions.models import Decision


class DecisionTable(tables.Table):
    kind = tables.Column(verbose_name=_("Kind"))
    number = tables.Column(verbose_name=_("Number"), order_by=("sort_key",), default="—")
    title = tables.Column(
        accessor="display_title",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("title",),
        verbose_name=_("Title"),
    )
    body = tables.Column(verbose_name=_("Adopted by"))
    meeting = tables.Column(verbose_name=_("Meeting"), default=_("not stated"))
    status = tables.Column(verbose_name=_("Status"))
    paragraph_count = tables.Column(verbose_name=_("Operative paragraphs"))

    class Meta:
        model = Decision
        fields = ("kind", "number", "title", "body", "meeting", "status", "paragraph_count")
        attrs = {"class": "data-table"}
        order_by = ("number",)
