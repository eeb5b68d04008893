from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import ServiceForm
from cmsfamily.directory.models import Instrument, Region
from cmsfamily.meetings.choices import Authority, DelegateRole, Examination, Reply
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
    answer = forms.ChoiceField(label=_("Reply"), choices=[("", _("Choose…")), *Reply.choices])
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        max_length=250,
        required=False,
        help_text=_("The person or institution, if you forwarded the invitation."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DelegateForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=DelegateRole.choices)
    person = forms.ModelChoiceField(
        label=_("A person of the registry"),
        queryset=None,
        required=False,
        empty_label=_("A new person (give the name below)"),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class FundingDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose…")), ("yes", _("Grant the funding")), ("no", _("Do not grant it"))],
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CredentialsForm(forms.Form):
    letter = forms.FileField(
        label=_("The credentials letter (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("A scan of the signed original, as a PDF of at most 5 MB."),
    )
    authority = forms.ChoiceField(label=_("Issued by"), choices=Authority.choices)
    authority_detail = forms.CharField(
        label=_("Issuing authority (name and title)"), max_length=250, required=False
    )
    names = forms.CharField(
        label=_("Names covered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("As written in the letter, one a line; each must be in the delegation."),
    )

    def clean_names(self):
        return [line for line in self.cleaned_data["names"].splitlines() if line.strip()]


class ExamineForm(forms.Form):
    examination = forms.ChoiceField(
        label=_("Examination"),
        choices=[
            ("", _("Choose…")),
            *(c for c in Examination.choices if c[0] != Examination.PENDING),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
