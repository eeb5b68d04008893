from django import forms
from django.utils.translation import gettext_lazy as _

from cmsfamily.workplans.choices import UpdateKind, UpdateStatus
from cmsfamily.workplans.models import NUMBER_PATTERN, Activity, ResourceLine


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


class ActivityForm(forms.Form):
    number = forms.RegexField(
        label=_("Number"),
        regex=NUMBER_PATTERN,
        max_length=20,
        error_messages={"invalid": _("Use numbers separated by dots, e.g. 1.2.")},
    )
    parent = forms.ModelChoiceField(
        label=_("Parent activity"), queryset=Activity.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    timeframe_text = forms.CharField(label=_("Timeframe"), required=False, max_length=100)
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Activity.objects.filter(programme=programme).order_by("sort_key")


class ResourceLineForm(forms.ModelForm):
    class Meta:
        model = ResourceLine
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
