import django_filters
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.filtersets import PageFilterSet, SearchFilter, YearFilter
from cmsfamily.directory.models import Instrument, Region
from cmsfamily.meetings.choices import Format, InviteeKind, MeetingKind, Reply
from cmsfamily.meetings.models import Invitation, Meeting


class MeetingFilter(PageFilterSet):
    q = SearchFilter(fields=["title", "code", "venue"])
    kind = django_filters.ChoiceFilter(
        choices=MeetingKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    instrument = django_filters.ModelChoiceFilter(
        queryset=Instrument.objects.order_by("code"),
        to_field_name="code",
        label=_("Instrument"),
        empty_label=_("All instruments"),
    )
    format = django_filters.ChoiceFilter(
        choices=Format.choices, label=_("Format"), empty_label=_("Any format")
    )
    year = YearFilter(field_name="start", lookup_expr="year", label=_("Year"))

    class Meta:
        model = Meeting
        fields = ["q", "kind", "instrument", "format", "year"]


class InvitationFilter(PageFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=InviteeKind.choices, label=_("Invitee kind"), empty_label=_("All invitees")
    )
    region = django_filters.ModelChoiceFilter(
        field_name="party__region",
        queryset=Region.objects.order_by("order"),
        to_field_name="code",
        label=_("Region"),
        empty_label=_("All regions"),
    )
    reply = django_filters.ChoiceFilter(
        choices=[*Reply.choices, ("none", _("No reply yet"))],
        label=_("Reply"),
        empty_label=_("Any reply"),
        method="by_reply",
    )

    class Meta:
        model = Invitation
        fields = ["kind", "region", "reply"]

    def by_reply(self, queryset, name, value):
        return queryset.filter(reply="" if value == "none" else value)
