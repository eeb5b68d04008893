from django import forms
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import MAX_ID
from cmsfamily.decisions.choices import DecisionStatus, EvidenceKind, ImplementationStatus
from cmsfamily.decisions.models import NUMBER, Decision

DATE = forms.DateInput(attrs={"type": "date"})


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DecisionStatus.choices)
    superseded_by = forms.ModelChoiceField(
        label=_("Superseded by"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=_("Only when the status is “Superseded”."),
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        successor = self.fields["superseded_by"]
        assert isinstance(successor, forms.ModelChoiceField)
        successor.queryset = Decision.objects.exclude(pk=decision.pk)


class ImplementationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices)
    noted_on = forms.DateField(label=_("Date of the note"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class EvidenceForm(forms.Form):
    """A link by the address of its page on this platform, or by its number."""

    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    reference = forms.CharField(
        label=_("Address or number"),
        max_length=500,
        help_text=_(
            "The address of the activity's or contribution's page, or its number; for a report "
            "answer, the submission's number and the version, e.g. 12 v2."
        ),
    )
    question_key = forms.CharField(
        label=_("Question (for a report answer)"), max_length=120, required=False
    )

    def clean(self):
        data = super().clean()
        reference = (data.get("reference") or "").strip()
        kind = data.get("kind")
        if not reference or not kind:
            return data
        data["target"] = self._target(kind, reference)
        return data

    def _target(self, kind: str, reference: str) -> dict:
        invalid = ValidationError(
            {"reference": _("“%(value)s” is not an address or a number of this kind.")},
            params={"value": reference[:80]},
            code="invalid",
        )
        if kind == EvidenceKind.ANSWER:
            number, _sep, version = reference.lower().replace("/", " ").partition(" v")
            if not (number.strip().isdigit() and version.strip().isdigit()):
                raise invalid
            return {"submission": _bounded(number, invalid), "version": _bounded(version, invalid)}
        if reference.isdigit():
            return {"pk": _bounded(reference, invalid)}
        path = "/" + reference.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
        try:
            match = resolve(path)
        except Resolver404:
            raise invalid from None
        views: dict[str, str] = {
            EvidenceKind.ACTIVITY: "workplans:activity-detail",
            EvidenceKind.CONTRIBUTION: "contributions:detail",
        }
        wanted = views[kind]
        if match.view_name != wanted:
            raise invalid
        return dict(match.kwargs)


def _bounded(text: str, invalid: ValidationError) -> int:
    value = int(text.strip())
    if not 0 < value <= MAX_ID:
        raise invalid
    return value


# -- consultations ------------------------------------------------------------------------------


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=400)
    draft = forms.FileField(
        label=_("Draft"),
        help_text=_("A Word document (.docx, no macros) or a Markdown text (.md), at most 10 MB."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline for comments"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))],
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
    )
    visibility = forms.ChoiceField(label=_("Comments are visible to"), choices=[])
    public = forms.BooleanField(label=_("Public once closed"), required=False)
    all_nfps = forms.BooleanField(
        label=_("All Parties, through their National Focal Points"), required=False
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Parties of these regions"), queryset=None, required=False
    )
    all_partners = forms.BooleanField(label=_("All Partner organisations"), required=False)
    organisations = forms.ModelMultipleChoiceField(
        label=_("These organisations"), queryset=None, required=False
    )
    people = forms.ModelMultipleChoiceField(
        label=_("These people, by name"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        from cmsfamily.decisions.choices import CommentVisibility
        from cmsfamily.directory.models import Organisation, Person, Region

        super().__init__(*args, **kwargs)
        self.fields["visibility"].choices = CommentVisibility.choices
        self.fields["regions"].queryset = Region.objects.all()
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")
        self.fields["people"].queryset = Person.objects.filter(user__isnull=False).order_by(
            "family_name", "given_name"
        )


class VersionForm(forms.Form):
    draft = forms.FileField(
        label=_("New version"),
        help_text=_("A Word document (.docx, no macros) or a Markdown text (.md), at most 10 MB."),
    )


class CommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    text = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposed_text = forms.CharField(
        label=_("Proposed text"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on_behalf = forms.CharField(label=_("On behalf of"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        from cmsfamily.decisions.choices import CommentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CommentKind.choices


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Outcome"), choices=[])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from cmsfamily.decisions.choices import Resolution

        super().__init__(*args, **kwargs)
        self.fields["resolution"].choices = Resolution.choices


class AdoptForm(forms.Form):
    number = forms.CharField(
        label=_("Number of the Resolution"), max_length=40, validators=[NUMBER]
    )
    meeting = forms.CharField(label=_("Meeting"), max_length=200)
    adopted_on = forms.DateField(label=_("Date adopted"), widget=DATE)
    addressees = forms.CharField(
        label=_("Addressees per paragraph"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line per paragraph: its number, a colon, the bodies it addresses, e.g. "
            "“3: parties, secretariat”. Bodies: parties, secretariat, scientific_council, "
            "standing_committee, partners, instrument:<code>."
        ),
    )
