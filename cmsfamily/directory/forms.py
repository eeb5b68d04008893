from typing import cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from cmsfamily.directory import choices
from cmsfamily.directory.models import (
    Appointment,
    Expertise,
    Instrument,
    Membership,
    Organisation,
    Party,
    Person,
)
from cmsfamily.directory.validators import validate_pdf


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NominationForm(forms.Form):
    """Propose a focal point: a new person, or an existing one found by email address."""

    role = forms.ChoiceField(label=_("Role"))
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.none(),
        required=False,
        label=_("Instrument"),
        help_text=_("For an MoU or Agreement focal point: the instrument they serve."),
    )
    honorific = forms.CharField(label=_("Title"), max_length=20, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Telephone"), max_length=50, required=False)
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    area_of_expertise = forms.CharField(
        label=_("Area of expertise"),
        max_length=200,
        required=False,
        help_text=_("For a Scientific Councillor: the field they bring to the Scientific Council."),
    )
    document = forms.FileField(
        label=_("Confirming document (PDF)"),
        required=False,
        validators=[validate_pdf],
        help_text=_("The official letter from the Minister confirming the appointment."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, roles, instruments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        if instruments is None:
            del self.fields["instrument"]
        else:
            self.fields["instrument"].queryset = instruments

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("An appointment cannot end before it starts."))
        role = data.get("role")
        if (
            role in choices.INSTRUMENT_ROLES
            and "instrument" in self.fields
            and not data.get("instrument")
        ):
            self.add_error("instrument", _("Choose the instrument this focal point serves."))
        if data.get("area_of_expertise", "").strip() and role != choices.Role.SCIENTIFIC_COUNCILLOR:
            self.add_error(
                "area_of_expertise",
                _("Only a Scientific Councillor has an area of expertise in the registry."),
            )
        return data


class AreaOfExpertiseForm(forms.Form):
    area_of_expertise = forms.CharField(
        label=_("Area of expertise"),
        max_length=200,
        required=False,
        help_text=_("For a Scientific Councillor: the field they bring to the Scientific Council."),
    )


class ConfirmForm(forms.Form):
    document = forms.FileField(
        label=_("Confirming document (PDF)"),
        required=False,
        validators=[validate_pdf],
        help_text=_("Attach the ministerial letter if it was not attached with the nomination."),
    )


class EndForm(forms.Form):
    end = forms.DateField(label=_("Last day of the appointment"), widget=DateInput())

    def __init__(self, *args, appointment: Appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end < self.appointment.start:
            raise forms.ValidationError(_("An appointment cannot end before it starts."))
        return end


class MembershipForm(forms.ModelForm):
    party = forms.ModelChoiceField(queryset=Party.objects.all(), label=_("Party"))

    class Meta:
        model = Membership
        fields = ["party", "kind", "start", "end", "source", "note"]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("A membership cannot end before it starts."))
        return data


class EndMembershipForm(forms.Form):
    end = forms.DateField(label=_("Last day of membership"), widget=DateInput())


class ExpertiseForm(forms.ModelForm):
    class Meta:
        model = Expertise
        fields = [
            "topic",
            "species_group",
            "region",
            "languages",
            "availability",
            "contact_name",
            "public_contact",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class OrganisationForm(forms.ModelForm):
    """The Secretariat adds IGOs, ministries and secretariats; a Partner keeps its own details."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "short_name",
            "name_en",
            "name_fr",
            "name_es",
            "kind",
            "party",
            "website",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "name_en": _("Name (English)"),
            "name_fr": _("Name (French)"),
            "name_es": _("Name (Spanish)"),
        }

    def __init__(self, *args, may_change_kind: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True
        party_field = cast(forms.ModelChoiceField, self.fields["party"])
        party_field.queryset = Party.objects.order_by("name_en")
        party_field.help_text = _("For a national ministry or agency: its country.")
        if self.instance.pk:
            del self.fields["slug"]  # the short code is used in addresses and the API
        if not may_change_kind:
            for name in ("kind", "party", "short_name"):
                self.fields.pop(name, None)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "honorific",
            "given_name",
            "family_name",
            "position",
            "email",
            "phone",
            "address",
            "languages",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class InviteForm(forms.Form):
    purpose = forms.CharField(
        label=_("Message"),
        max_length=300,
        initial=_("to keep your Party's focal points and reports up to date"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
