from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import MAX_ID, ServiceForm, label_languages
from cmsfamily.core.languages import TRANSLATED
from cmsfamily.strategy.choices import Confidence, MappingKind, Measure
from cmsfamily.strategy.models import Goal, Indicator, StrategicPlan, Target
from cmsfamily.strategy.services import GOAL_FIELDS, INDICATOR_FIELDS, PLAN_FIELDS, TARGET_FIELDS

ENGLISH_SHOWN = _("Optional; English is shown where no translation is given.")
TEXT = forms.Textarea(attrs={"rows": 3})
SOURCE = forms.Textarea(attrs={"rows": 2})


class ServiceValidatedForm(ServiceForm):
    """A form whose service validates and saves: the form checks types and required fields only;
    the service reports a taken code or number, in the user's language."""

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name != "code"}

    def _translated(self, field: str) -> None:
        self.fields[f"{field}_en"].required = True
        for language in TRANSLATED:
            self.fields[f"{field}_{language}"].help_text = ENGLISH_SHOWN
        label_languages(self)


class PlanForm(ServiceValidatedForm):
    class Meta:
        model = StrategicPlan
        fields = ["code", *PLAN_FIELDS]
        widgets = {
            "title_en": SOURCE,
            "title_fr": SOURCE,
            "title_es": SOURCE,
            "successor_note": SOURCE,
            "source": SOURCE,
        }
        help_texts = {
            "code": _("Short, unique, used in addresses, e.g. spms-2024-2032. It cannot change."),
            "adopted_by": _("The decision that adopted the plan, e.g. Resolution 14.2 (COP14)."),
            "is_current": _("Marking this plan current marks the other plans superseded."),
            "successor_note": _("For a superseded plan: the plan that replaced it."),
            "source": _("The document the plan is taken from."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._translated("title")
        if self.instance.pk:
            self.fields["code"].disabled = True


class GoalForm(ServiceValidatedForm):
    class Meta:
        model = Goal
        fields = list(GOAL_FIELDS)
        widgets = {"text_en": TEXT, "text_fr": TEXT, "text_es": TEXT, "source": SOURCE}
        help_texts = {
            "confidence": _(
                "How sure the source is of the text; leave empty for an official text."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._translated("text")


def _goal_choice(goal: Goal) -> str:
    return f"{goal}: {Truncator(goal.text).words(12)}"


class TargetForm(ServiceValidatedForm):
    class Meta:
        model = Target
        fields = list(TARGET_FIELDS)
        widgets = {"text_en": TEXT, "text_fr": TEXT, "text_es": TEXT, "source": SOURCE}
        help_texts = {"number": _("Targets are numbered through the whole plan, e.g. 17.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self._translated("text")
        goal = self.fields["goal"]
        assert isinstance(goal, forms.ModelChoiceField)
        goal.queryset = Goal.objects.filter(plan=plan).order_by("number")
        goal.label_from_instance = _goal_choice  # type: ignore[method-assign]


class GoalQueryForm(forms.Form):
    """`?goal=N` on "add a target": the goal the new target starts under."""

    goal = forms.IntegerField(label=_("Goal"), required=False, min_value=1, max_value=MAX_ID)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True
        self.fields["measure"].required = False  # a plain number unless said otherwise
        label_languages(self)

    def clean_measure(self):
        return self.cleaned_data["measure"] or Measure.NUMBER


class MappingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Framework"), choices=MappingKind.choices)
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        help_text=_("The number of the Aichi Target, SDG or GBF target, e.g. 11."),
    )
    confidence = forms.ChoiceField(label=_("Confidence"), choices=Confidence.choices)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The document that states this correspondence."),
    )
