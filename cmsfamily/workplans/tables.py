import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cmsfamily.directory.tables import IsoDateColumn
from cmsfamily.workplans.models import WorkProgramme


class WorkProgrammeTable(tables.Table):
    # The platform's identifier of a programme ('res-10-9'): it orders the list but is no name.
    code = tables.Column(visible=False)
    title = tables.Column(linkify=True, verbose_name=_("Title"))
    kind = tables.Column(verbose_name=_("Kind"))
    owner = tables.Column(verbose_name=_("Owner"), default="—")
    start = IsoDateColumn(verbose_name=_("Period start"), default=_("not stated"))
    end = IsoDateColumn(verbose_name=_("Period end"), default=_("not stated"))
    status = tables.Column(verbose_name=_("Status"))
    activity_count = tables.Column(verbose_name=_("Activities"))

    class Meta:
        model = WorkProgramme
        fields = (
            "code",
            "title",
            "kind",
            "owner",
            "start",
            "end",
            "status",
            "activity_count",
        )
        attrs = {"class": "data-table"}
        order_by = ("code",)
