from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import ServiceForm
from cmsfamily.directory.models import Instrument, Region
from cmsfamily.meetings.choices import Reply
from cmsfamily.meetings.models import Meeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(ServiceForm):
    connection_link = forms.URLField(
        label=_("Connection link"),
        required=False,
        assume_scheme="https",
        help_text=_("For remote participation; shown only to registered participants."),
    )

    class Meta:
        model = Meeting
        fields = [
            "code",
            "title",
            "kind",
            "instrument",
            "start",
            "end",
            "format",
            "venue",
            "connection_link",
            "working_languages",
            "description",
        ]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cmsfamily.directory.scope import scope_of

        scope = scope_of(user)
        instruments = Instrument.objects.order_by("code")
        if not scope.cms_secretariat:
            instruments = instruments.filter(pk__in=scope.secretariat_instruments)
        self.fields["instrument"].queryset = instruments  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["code"].disabled = True


class AgendaItemForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=20, help_text=_("e.g. 16.1"))
    title = forms.CharField(label=_("Title"), max_length=300)


class DocumentForm(forms.Form):
    symbol = forms.CharField(
        label=_("Symbol"), max_length=80, help_text=_("e.g. UNEP/CMS/COP14/Doc.16.1")
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=None, required=False, empty_label=_("None")
    )
    language = forms.ChoiceField(label=_("Language of the file"), choices=settings.LANGUAGES)
    upload = forms.FileField(
        label=_("File (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()  # type: ignore[attr-defined]


class DocumentFileForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    upload = forms.FileField(
        label=_("File (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )


class InviteForm(forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("The Parties of"),
        queryset=Instrument.objects.order_by("code"),
        required=False,
        empty_label=_("No Parties"),
    )
    region = forms.ModelChoiceField(
        label=_("Only the Parties of the region"),
        queryset=Region.objects.order_by("order"),
        required=False,
        empty_label=_("All regions"),
    )
    partners = forms.BooleanField(label=_("All Partner organisations"), required=False)
    deadline = forms.DateField(label=_("Reply by"), widget=DATE)


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(label=_("Reply"), choices=Reply.choices, widget=forms.RadioSelect)
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        max_length=250,
        required=False,
        help_text=_("The person or institution, if you forwarded the invitation."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
