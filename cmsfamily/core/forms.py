from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import ExchangeRate

# The largest value of an integer column on both SQLite and PostgreSQL: a number in a query that
# is larger names nothing, and the database would refuse it.
MAX_ID = 2_147_483_647

LANGUAGE_NAMES = {"en": _("in English"), "fr": _("in French"), "es": _("in Spanish")}


def label_languages(form: forms.BaseForm) -> None:
    """'Title [en]' (modeltranslation's label) becomes 'Title in English', in the user's language."""
    for name, field in form.fields.items():
        base, _sep, language = name.rpartition("_")
        if language in LANGUAGE_NAMES and base:
            model_field = form._meta.model._meta.get_field(base)  # type: ignore[attr-defined]
            field.label = f"{capfirst(model_field.verbose_name)} {LANGUAGE_NAMES[language]}"


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "quote", "rate", "valid_from", "source"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "currency": forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
            "quote": forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
        }
        help_texts = {
            "currency": _("Three-letter ISO 4217 code, e.g. EUR."),
            "source": _(
                "Where the rate comes from, e.g. UN operational rates of exchange, November 2026."
            ),
        }

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean_quote(self):
        return self.cleaned_data["quote"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("currency") and cleaned.get("currency") == cleaned.get("quote"):
            self.add_error("quote", _("Choose two different currencies."))
        return cleaned

    def validate_unique(self):
        """The service corrects a rate of the same day instead of refusing it."""
