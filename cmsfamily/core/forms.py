from decimal import Decimal

from django import forms
from django.db import models
from django.forms.models import ModelFormMetaclass, ModelFormOptions, model_to_dict
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import ExchangeRate
from cmsfamily.core.numbers import format_number, parse_number

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


class ServiceForm(forms.BaseForm, metaclass=ModelFormMetaclass):
    """The fields a ModelForm of `Meta.model` would have (Meta as a ModelForm's: fields, widgets,
    labels, help_texts, field_classes, formfield_callback), and its initial values from
    `instance`, for a form whose service validates and saves. Unlike a ModelForm it only cleans
    what was typed: it sets nothing on the instance and runs none of the model's validation, so
    an instance is never half-changed and each error is the service's, in the user's language."""

    _meta: ModelFormOptions

    def __init__(self, *args, instance=None, initial=None, **kwargs):
        self.instance = self._meta.model() if instance is None else instance
        values = {} if instance is None else model_to_dict(instance, self._meta.fields)
        super().__init__(*args, initial={**values, **(initial or {})}, **kwargs)


class NumberField(forms.DecimalField):
    """A number typed in the page's language ("1 234,5" in French, "1.234,5" in Spanish), read
    with Babel instead of Django's separator guessing, and shown back in that language.

    A text box, not ``type="number"``: a number box sends what the browser makes of the entry
    in its own locale, which may not be the page's."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def __init__(self, *, trim: bool = False, **kwargs):
        self.trim = trim  # show 0.5 stored as 0.500000 as 0.5 (a bound), not an amount's 0.50
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            return parse_number(value, get_language())
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            if self.trim and isinstance(value, Decimal) and value.is_finite():
                value = value.normalize()
            return format_number(value, get_language())
        return value


class WholeNumberField(forms.IntegerField):
    """A whole number typed in the page's language: "1.000" people on a Spanish page are a
    thousand (Django's IntegerField reads one), "1,000" on a French page is refused. Shown
    without grouping, as years are written."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value):
        if not isinstance(value, str) or not value.strip():
            return super().to_python(value)
        number = parse_number(value, get_language(), whole=True)
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_number(value, get_language(), grouping=False)
        return value


def typed_numbers(model_field, **kwargs):
    """``Meta.formfield_callback`` of a model form: its number fields read what people type in
    the page's language (``NumberField``, ``WholeNumberField``)."""
    if isinstance(model_field, models.DecimalField):
        return model_field.formfield(form_class=NumberField, **kwargs)
    if isinstance(model_field, models.IntegerField) and not model_field.choices:
        return model_field.formfield(form_class=WholeNumberField, **kwargs)
    return model_field.formfield(**kwargs)


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        formfield_callback = typed_numbers
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
