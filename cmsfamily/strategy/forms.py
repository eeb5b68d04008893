from django import forms
from django.utils.translation import gettext_lazy as _

from cmsfamily.strategy.choices import Confidence, MappingKind
from cmsfamily.strategy.models import Indicator
from cmsfamily.strategy.services import INDICATOR_FIELDS


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        labels = {
            "name_en": _("Name (English)"),
            "name_fr": _("Name (French)"),
            "name_es": _("Name (Spanish)"),
        }
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True


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
