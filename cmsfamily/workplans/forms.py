from django import forms
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import ServiceForm, label_languages, typed_numbers
from cmsfamily.workplans.choices import UpdateKind, UpdateStatus
from cmsfamily.workplans.models import NUMBER_PATTERN, Activity, ResourceLine, WorkProgramme


class ProgressForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=UpdateKind.choices, initial="progress")
    status = forms.ChoiceField(label=_("Status"), choices=UpdateStatus.choices, initial="unknown")
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the progress refers to (YYYY-MM-DD)."),
    )
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(ServiceForm):
    """The service validates and saves, and reports a taken code in the user's language."""

    class Meta:
        model = WorkProgramme
        fields = [
            "code",
            "title_en",
            "title_fr",
            "title_es",
            "kind",
            "owner",
            "partner",
            "start",
            "end",
            "status",
            "aichi_targets",
            "source",
        ]
        widgets = {
            "title_en": forms.Textarea(attrs={"rows": 2}),
            "title_fr": forms.Textarea(attrs={"rows": 2}),
            "title_es": forms.Textarea(attrs={"rows": 2}),
            "start": DATE,
            "end": DATE,
            "source": forms.Textarea(attrs={"rows": 2}),
            "aichi_targets": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "code": _("Short, unique, used in addresses, e.g. birdlife-2027-2029."),
            "title_fr": _("Optional; English is shown where no translation is given."),
            "partner": _(
                "The Partner NGO of a shared work programme; its focal point edits the activities."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_en"].required = True
        label_languages(self)
        if self.instance.pk:
            self.fields["code"].disabled = True  # addresses and exports use it


class ActivityForm(ServiceForm):
    """The service validates and saves, and reports a duplicate number in the user's language."""

    number = forms.RegexField(
        label=_("Number"),
        regex=NUMBER_PATTERN,
        max_length=20,
        error_messages={"invalid": _("Use numbers separated by dots, e.g. 1.2.")},
    )

    class Meta:
        model = Activity
        fields = [
            "number",
            "parent",
            "title_en",
            "title_fr",
            "title_es",
            "description_en",
            "description_fr",
            "description_es",
            "timeframe_text",
            "start",
            "end",
            "status",
            "lead",
            "partners",
            "partner_parties",
            "targets",
            "aichi_targets",
        ]
        widgets = {
            "title_en": forms.Textarea(attrs={"rows": 2}),
            "title_fr": forms.Textarea(attrs={"rows": 2}),
            "title_es": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
            "description_es": forms.Textarea(attrs={"rows": 3}),
            "start": DATE,
            "end": DATE,
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "partner_parties": forms.SelectMultiple(attrs={"size": 6}),
            "targets": forms.CheckboxSelectMultiple,
            "aichi_targets": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "timeframe_text": _("As the document words it, e.g. short term, 2012-14."),
            "partners": _("Hold Ctrl (⌘ on a Mac) to choose several."),
            "partner_parties": _("Hold Ctrl (⌘ on a Mac) to choose several."),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_en"].required = True
        label_languages(self)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        siblings = Activity.objects.filter(programme=programme).order_by("sort_key")
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        parent.queryset = siblings
        targets = self.fields["targets"]
        assert isinstance(targets, forms.ModelMultipleChoiceField)
        targets.queryset = targets.queryset.select_related("plan")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ResourceLineForm(forms.ModelForm):
    class Meta:
        model = ResourceLine
        formfield_callback = typed_numbers
        fields = ["description", "type", "used_or_needed", "amount", "currency", "secured"]


REPORTING_CURRENCIES = ("EUR", "USD")


class FundingForm(forms.Form):
    """The currency and the date a funding gap is converted for (?currency=USD&on=2014-11-01)."""

    currency = forms.ChoiceField(
        label=_("Show in"),
        choices=[(code, code) for code in REPORTING_CURRENCIES],
        initial="EUR",
    )
    on = forms.DateField(
        label=_("At the rates of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("YYYY-MM-DD; the rate in force on that day is used."),
    )

    def __init__(self, data, *, today):
        super().__init__(
            {"currency": data.get("currency", "EUR"), "on": data.get("on", today.isoformat())}
        )
