import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.tables import IsoDateColumn
from cmsfamily.meetings.models import Invitation, Meeting


class MeetingTable(tables.Table):
    title = tables.Column(verbose_name=_("Meeting"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    instrument = tables.Column(
        verbose_name=_("Instrument"), accessor="instrument__label", order_by=("instrument__code",)
    )
    start = IsoDateColumn(verbose_name=_("From"))
    end = IsoDateColumn(verbose_name=_("To"))
    format = tables.Column(verbose_name=_("Format"))
    venue = tables.Column(verbose_name=_("Venue"))

    class Meta:
        model = Meeting
        fields = ["title", "kind", "instrument", "start", "end", "format", "venue"]
        order_by = "-start"
        attrs = {"class": "data-table"}


class InvitationTable(tables.Table):
    invitee = tables.Column(
        verbose_name=_("Invitee"),
        empty_values=(),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("party__name", "organisation__short_name"),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    region = tables.Column(
        verbose_name=_("Region"), accessor="party__region__name", default="", orderable=False
    )
    deadline = IsoDateColumn(verbose_name=_("Reply by"))
    reply = tables.Column(verbose_name=_("Reply"), default="")
    late = tables.BooleanColumn(verbose_name=_("Late"), yesno=("✔", ""))

    class Meta:
        model = Invitation
        fields = ["invitee", "kind", "region", "deadline", "reply", "late"]
        attrs = {"class": "data-table"}

    def render_reply(self, record):
        if not record.reply:
            return _("no reply yet")
        if record.forwarded_to:
            return _("Forwarded to %(whom)s") % {"whom": record.forwarded_to}
        return record.get_reply_display()
