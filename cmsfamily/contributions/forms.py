from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cmsfamily.contributions.choices import Kind
from cmsfamily.contributions.models import (
    AssessedContribution,
    Contribution,
    Payment,
    ValuationRule,
)
from cmsfamily.core import uploads
from cmsfamily.core.forms import ServiceForm, typed_numbers
from cmsfamily.core.models import validate_currency
from cmsfamily.directory.models import Instrument, Organisation, Party
from cmsfamily.directory.rules import is_cms_secretariat
from cmsfamily.directory.scope import scope_of
from cmsfamily.strategy.models import Target
from cmsfamily.workplans.models import Activity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
REPORTING_CURRENCIES = ("USD", "EUR")

# Which quantities each kind is measured in; the others are left empty (see ContributionForm).
QUANTITIES = {
    Kind.MONEY: ("amount", "currency"),
    Kind.IN_KIND: ("amount", "currency"),
    Kind.STAFF_TIME: ("days",),
    Kind.HOSTING: ("days",),
    Kind.MEETING_ATTENDANCE: ("people", "meetings", "days"),
}
QUANTITY_FIELDS = ("amount", "currency", "days", "people", "meetings")


def validate_evidence(upload):
    """A PDF within 10 MB that opens: neither the extension nor the first bytes prove anything."""
    try:
        uploads.check_pdf(upload, max_bytes=EVIDENCE_MAX_BYTES)
    except ValidationError as error:
        if error.code != "not_pdf":
            raise
        raise ValidationError(
            _("The evidence must be a PDF file; for anything else give a link."), code="not_pdf"
        ) from None


def check_minimums_with_the_form(form: ServiceForm) -> None:
    """The model's minimums (no negative amount, days or value) are checked with every other
    field of the form, so that a negative amount is reported together with, say, a currency
    without a rate, not only once that one is put right. The services check them again."""
    model = form._meta.model
    for name, field in form.fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(model_field, models.DecimalField):
            field.validators.extend(
                v for v in model_field.validators if isinstance(v, MinValueValidator)
            )


def clean_currency_code(value: str) -> str:
    code = (value or "").strip().upper()
    if code:
        validate_currency(code)
    return code


class CurrencyField(forms.CharField):
    """An ISO 4217 code; a wrong one is named as such, not as 'too long'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget.attrs.update({"size": 4, "autocapitalize": "characters"})

    def clean(self, value):
        return clean_currency_code(super().clean(value))


def contributor_choices(user) -> list:
    """What the user may log for: a Partner's focal point its organisation(s), a Party's NFP or
    alternate its Party, the CMS Secretariat anyone. Values are 'organisation:<slug>' and
    'party:<code>' so that one field names either."""
    if is_cms_secretariat(user):
        organisations = Organisation.objects.order_by("short_name")
        parties = Party.objects.order_by("name")
    else:
        scope = scope_of(user)
        organisations = Organisation.objects.filter(pk__in=scope.organisations)
        parties = Party.objects.filter(pk__in=scope.acting_parties)
    groups = []
    organisation_choices = [(f"organisation:{o.slug}", str(o)) for o in organisations]
    party_choices = [(f"party:{p.code}", str(p)) for p in parties]
    if organisation_choices:
        groups.append((_("Organisations"), organisation_choices))
    if party_choices:
        groups.append((_("Parties"), party_choices))
    return groups


def contributor_key(contribution: Contribution) -> str:
    organisation, party = contribution.contributor_organisation, contribution.contributor_party
    if organisation is not None:
        return f"organisation:{organisation.slug}"
    assert party is not None  # the model's constraint: one contributor or the other
    return f"party:{party.code}"


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # The programme by the start of its title, not by its code ('res-10-9'): a reader's name.
        programme = Truncator(obj.programme.title).words(5)
        return truncatechars(f"{programme} · {obj.number} {obj.title}", 110)


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = _("%(plan)s · Target %(number)s — %(text)s") % {
            "plan": obj.plan.title,
            "number": obj.number,
            "text": obj.text,
        }
        return truncatechars(label, 110)


class ContributionForm(ServiceForm):
    """The service values, validates and saves."""

    contributor = forms.ChoiceField(
        label=_("Contributor"),
        help_text=_("Who gives: you can log for the organisations or Parties you act for."),
    )
    currency = CurrencyField(
        label=_("Currency"),
        required=False,
        help_text=_("Money and in-kind: the ISO 4217 code of the amount, e.g. USD or EUR."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence (link)"),
        required=False,
        assume_scheme="https",
        help_text=_("A public report, a web page or a shared document."),
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF document)"),
        required=False,
        validators=[validate_evidence],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("A PDF of at most 10 MB: a receipt, an agreement, a report. Or give a link."),
    )

    class Meta:
        model = Contribution
        formfield_callback = typed_numbers
        fields = [
            "contributor",
            "kind",
            "description",
            "instrument",
            "activity",
            "target",
            "amount",
            "currency",
            "days",
            "people",
            "meetings",
            "start",
            "end",
            "status",
            "evidence_url",
            "evidence",
            "publish",
        ]
        field_classes = {"activity": ActivityChoiceField, "target": TargetChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start": DATE,
            "end": DATE,
        }
        labels = {
            "instrument": _("To the instrument"),
            "activity": _("To the activity of a work programme"),
            "target": _("To the Strategic Plan target"),
        }
        help_texts = {
            "kind": _(
                "Money and in-kind goods or services are stated as an amount; staff time, "
                "meeting attendance and hosting are stated in days and valued with the "
                "Secretariat's valuation rule in force on the start date."
            ),
            "description": _("What was given, for what, in a sentence or two."),
            "amount": _("Money and in-kind: the amount, in the currency below."),
            "days": _(
                "Staff time and hosting: the number of person-days. Meeting attendance: the "
                "days each meeting lasted."
            ),
            "people": _("Meeting attendance: how many people attended."),
            "meetings": _("Meeting attendance: how many meetings."),
            "start": _("The start of the period (YYYY-MM-DD); the value uses the rule in force."),
            "end": _("The end of the period, if it spans more than a day."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.Meta.fields)
        check_minimums_with_the_form(self)
        contributor = self.fields["contributor"]
        assert isinstance(contributor, forms.ChoiceField)
        contributor.choices = [("", "---------"), *contributor_choices(user)]
        if self.instance.pk:
            self.initial["contributor"] = contributor_key(self.instance)
        else:
            options = [value for _label, group in contributor.choices[1:] for value, _ in group]
            if len(options) == 1:
                self.initial["contributor"] = options[0]
        self.fields["kind"].choices = Kind.choices  # no empty choice: every entry has a kind
        activity = self.fields["activity"]
        assert isinstance(activity, forms.ModelChoiceField)
        activity.queryset = (
            Activity.objects.visible_to(user)
            .select_related("programme")
            .order_by("programme__code", "sort_key")
        )
        target = self.fields["target"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = Target.objects.select_related("plan").order_by("plan__code", "number")
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ModelChoiceField)
        instrument.queryset = Instrument.objects.order_by("code")

    def values(self) -> dict:
        """The service's keyword arguments. The quantities a kind is not measured in are left
        empty, so that days typed for a money entry are not kept beside its amount."""
        data = dict(self.cleaned_data)
        kind, contributor = data.pop("kind"), data.pop("contributor")
        category, _sep, key = contributor.partition(":")
        data["contributor_organisation"] = (
            Organisation.objects.get(slug=key) if category == "organisation" else None
        )
        data["contributor_party"] = Party.objects.get(code=key) if category == "party" else None
        used = QUANTITIES.get(kind, ())
        for name in QUANTITY_FIELDS:
            if name not in used:
                data[name] = "" if name == "currency" else None
        evidence = data.pop("evidence")
        if evidence is False:  # "clear" ticked
            data["evidence"] = ""
        elif evidence is not None and evidence != self.initial.get("evidence"):
            data["evidence"] = evidence
        return {"kind": kind, **data}


def service_errors(error: ValidationError) -> ValidationError:
    """The services name the contributor's two model fields; the form has one 'contributor'."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list] = {}
    for field, errors in error.error_dict.items():
        name = (
            "contributor" if field in ("contributor_organisation", "contributor_party") else field
        )
        renamed.setdefault(name, []).extend(errors)
    return ValidationError(renamed)


class ValuationRuleForm(ServiceForm):
    """The service validates (overlaps, end before start) and saves."""

    currency = CurrencyField(label=_("Currency"), help_text=_("ISO 4217, e.g. USD."))

    class Meta:
        model = ValuationRule
        formfield_callback = typed_numbers
        fields = ["kind", "unit", "value", "currency", "valid_from", "valid_to", "source"]
        widgets = {
            "valid_from": DATE,
            "valid_to": DATE,
            "source": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "kind": _("Rules value staff time, meeting attendance and hosting, which are in days."),
            "valid_to": _(
                "Leave empty while the rule is in force; rules of one kind never overlap."
            ),
            "source": _(
                "Where the value comes from, e.g. Conservation Collaboration (2019): US$300 a staff day."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_minimums_with_the_form(self)
        self.fields["kind"].choices = [
            (value, label)
            for value, label in Kind.choices
            if value in (Kind.STAFF_TIME, Kind.MEETING_ATTENDANCE, Kind.HOSTING)
        ]


class TotalsForm(forms.Form):
    """What totals to show: ?by=kind&then_by=year&currency=EUR&on=2025-12-31."""

    BREAKDOWNS = [
        ("kind", _("Kind")),
        ("year", _("Year")),
        ("contributor_organisation", _("Contributing organisation")),
        ("contributor_party", _("Contributing Party")),
        ("instrument", _("Instrument")),
        ("activity", _("Activity")),
        ("target", _("Strategic Plan target")),
    ]

    by = forms.ChoiceField(label=_("Totals by"), choices=BREAKDOWNS)
    then_by = forms.ChoiceField(
        label=_("Then by"), choices=[("", _("nothing else")), *BREAKDOWNS], required=False
    )
    currency = forms.ChoiceField(
        label=_("In"), choices=[(code, code) for code in REPORTING_CURRENCIES]
    )
    on = forms.DateField(label=_("At the rates of"), widget=DATE)

    def __init__(self, data):
        defaults = {
            "by": "kind",
            "then_by": "",
            "currency": "USD",
            "on": timezone.localdate().isoformat(),
        }
        super().__init__({name: data.get(name, default) for name, default in defaults.items()})

    def clean(self):
        data = super().clean()
        if data.get("by") and data.get("by") == data.get("then_by"):
            self.add_error("then_by", _("Choose another breakdown, or nothing else."))
        return data

    def breakdown(self) -> tuple[str, ...]:
        return tuple(
            name for name in (self.cleaned_data["by"], self.cleaned_data["then_by"]) if name
        )


class AssessedForm(ServiceForm):
    """The service validates and saves; a second entry for the year updates the first."""

    party = forms.ModelChoiceField(
        queryset=Party.objects.order_by("name"), label=_("Party"), to_field_name="code"
    )
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.order_by("code"), label=_("Instrument"), to_field_name="code"
    )
    currency = CurrencyField(label=_("Currency"), help_text=_("ISO 4217, e.g. EUR."))

    class Meta:
        model = AssessedContribution
        formfield_callback = typed_numbers
        fields = [
            "party",
            "instrument",
            "year",
            "scale",
            "amount",
            "currency",
            "invoice_number",
            "invoice_date",
            "due",
            "source",
        ]
        widgets = {
            "invoice_date": DATE,
            "due": DATE,
            "source": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "year": _(
                "Setting a year that is already recorded for the Party replaces its figures."
            ),
            "scale": _("The Party's share of the budget on the UN scale, in per cent."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_minimums_with_the_form(self)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class PaymentForm(ServiceForm):
    """The service validates and saves."""

    class Meta:
        model = Payment
        formfield_callback = typed_numbers
        fields = ["date", "amount", "reference"]
        widgets = {"date": DATE}
        help_texts = {
            "amount": _("In the currency of the assessed contribution."),
            "reference": _("The bank or Secretariat reference of the payment."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_minimums_with_the_form(self)


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Contributions of"), queryset=Organisation.objects.none()
    )
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("At most 5 MB; the sheet “Contributions” of the template."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()


class EndRuleForm(forms.Form):
    valid_to = forms.DateField(
        label=_("Last day in force"),
        widget=DATE,
        help_text=_("The next rule of this kind can start the day after."),
    )
