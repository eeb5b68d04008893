"""Every write to the ledger: one transaction each, its history and domain event inside it."""

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.contributions.choices import VALUED_BY_RULE, Kind
from cmsfamily.contributions.models import (
    AssessedContribution,
    Contribution,
    Payment,
    ValuationRule,
)
from cmsfamily.core.selectors import Converter, MissingRate
from cmsfamily.core.services import record_event, require

BASE_CURRENCY = "USD"
CONTRIBUTION_FIELDS = (
    "contributor_organisation",
    "contributor_party",
    "instrument",
    "activity",
    "target",
    "kind",
    "description",
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
)
CENT = Decimal("0.01")


# -- valuation rules ---------------------------------------------------------------------------


def overlapping_rules(*, kind: str, valid_from: date, valid_to: date | None, exclude_pk=None):
    overlap = ValuationRule.objects.filter(kind=kind).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        overlap = overlap.filter(valid_from__lte=valid_to)
    return overlap.exclude(pk=exclude_pk)


@transaction.atomic
def add_valuation_rule(*, by, **values) -> ValuationRule:
    require(by, "contributions.add_valuationrule")
    rule = ValuationRule(**values)
    rule.full_clean()
    if rule.valid_to and rule.valid_to < rule.valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    clash = overlapping_rules(kind=rule.kind, valid_from=rule.valid_from, valid_to=rule.valid_to)
    if clash.exists():
        raise ValidationError(
            {
                "valid_from": _(
                    "This period overlaps the rule “%(rule)s”: rules of one kind cannot overlap. "
                    "End that rule first (on the valuation rules page)."
                )
                % {"rule": clash.first()}
            }
        )
    rule.save()
    record_event(kind="valuation_rule.added", target=rule, actor=by, value=str(rule.value))
    return rule


@transaction.atomic
def end_valuation_rule(*, rule: ValuationRule, valid_to: date, by) -> ValuationRule:
    """End a rule, so that the next one can start; entries it already valued keep it."""
    require(by, "contributions.add_valuationrule")
    rule = ValuationRule.objects.select_for_update().get(pk=rule.pk)
    if valid_to < rule.valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    if rule.valid_to is not None and valid_to > rule.valid_to:
        raise ValidationError(
            {"valid_to": _("This rule already ends on %(date)s.") % {"date": rule.valid_to}}
        )
    later = rule.contributions.filter(start__gt=valid_to).count()
    if later:
        raise ValidationError(
            {
                "valid_to": _(
                    "%(count)s entries dated after %(date)s were valued with this rule; end it "
                    "after the last of them."
                )
                % {"count": later, "date": valid_to.isoformat()}
            }
        )
    rule.valid_to = valid_to
    rule.save(update_fields=["valid_to", "modified"])
    record_event(kind="valuation_rule.ended", target=rule, actor=by, valid_to=valid_to.isoformat())
    return rule


def rule_for(kind: str, on: date) -> ValuationRule:
    rule = (
        ValuationRule.objects.filter(kind=kind, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .first()
    )
    if rule is None:
        raise ValidationError(
            {
                "start": _(
                    "No valuation rule for %(kind)s is in force on %(date)s, so the contribution "
                    "cannot be valued. The CMS Secretariat keeps the rules."
                )
                % {"kind": Kind(kind).label, "date": on.isoformat()}
            }
        )
    return rule


# -- valuing a contribution --------------------------------------------------------------------


def _required(values: dict, *names: str) -> None:
    missing = {
        name: [_("Needed for this kind of contribution.")]
        for name in names
        if values.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


def value_contribution(values: dict) -> dict:
    """quantity, rule, value and currency of a contribution, and its value in US dollars with the
    exchange rate of its date. Raises ValidationError naming the field that is wrong."""
    kind, on = values["kind"], values["start"]
    if kind in VALUED_BY_RULE:
        if kind == Kind.MEETING_ATTENDANCE:
            _required(values, "people", "meetings", "days")
            quantity = values["people"] * values["meetings"] * values["days"]
        else:
            _required(values, "days")
            quantity = values["days"]
        rule = rule_for(kind, on)
        value, currency = (Decimal(quantity) * rule.value).quantize(CENT), rule.currency
    else:
        _required(values, "amount", "currency")
        quantity, rule = None, None
        value, currency = Decimal(values["amount"]).quantize(CENT), values["currency"]
    try:
        conversion = Converter(BASE_CURRENCY, on).convert(value, currency)
    except MissingRate as missing:
        field = "currency" if rule is None else "start"
        raise ValidationError({field: missing.message}) from None
    return {
        "quantity": quantity,
        "rule": rule,
        "value": value,
        "value_currency": currency,
        "base_value": conversion.value,
        "base_rate": conversion.rates[0] if conversion.rates else None,
    }


def fingerprint(values: dict) -> str:
    """What makes two entries the same contribution: who, to what, kind, period and quantities.
    A bulk upload uses it to find a row it already holds, so that nothing is counted twice."""
    keys = (
        "contributor_organisation",
        "contributor_party",
        "instrument",
        "activity",
        "target",
        "kind",
        "amount",
        "currency",
        "days",
        "people",
        "meetings",
        "start",
        "end",
    )
    parts = []
    for key in keys:
        value = values.get(key)
        parts.append(str(getattr(value, "pk", value) if value not in (None, "") else ""))
    parts.append(" ".join(str(values.get("description", "")).split()).lower())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _check(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if bool(values.get("contributor_organisation")) == bool(values.get("contributor_party")):
        errors["contributor_organisation"] = [
            _("Name one contributor: an organisation or a Party.")
        ]
    if values.get("end") and values.get("start") and values["end"] < values["start"]:
        errors["end"] = [_("The end date is before the start date.")]
    if errors:
        raise ValidationError(errors)


def validate_values(values: dict) -> None:
    """Everything log_contribution checks, without writing: a bulk upload validates every row
    before it saves any."""
    _build(dict(values))


def _build(values: dict, **extra) -> Contribution:
    unknown = set(values) - set(CONTRIBUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown contribution fields: {sorted(unknown)}")
    _check(values)
    contribution = Contribution(
        **values, **extra, **value_contribution(values), fingerprint=fingerprint(values)
    )
    contribution.full_clean(exclude=["entered_by"], validate_constraints=False)
    return contribution


@transaction.atomic
def log_contribution(*, by, **values) -> Contribution:
    require(by, "contributions.add_contribution")
    contribution = _build(values, entered_by=by if by and by.is_authenticated else None)
    # For the contributor the user acts for (the CMS Secretariat logs for anyone).
    require(by, "contributions.correct_contribution", contribution)
    contribution.save()
    record_event(kind="contribution.logged", target=contribution, actor=by)
    return contribution


@transaction.atomic
def update_contribution(*, contribution: Contribution, by, **values) -> Contribution:
    """Change an entry that is not validated yet; a validated one is corrected, never changed."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    require(by, "contributions.correct_contribution", contribution)  # who; when is asked below
    if contribution.is_validated:
        raise ValidationError(
            _(
                "This contribution was validated on %(date)s and cannot be changed. Log a "
                "correction instead: a new entry that replaces it in the totals."
            )
            % {"date": timezone.localdate(contribution.validated_at).isoformat()}
        )
    current = {name: getattr(contribution, name) for name in CONTRIBUTION_FIELDS}
    updated = _build({**current, **values})
    for name in (
        *CONTRIBUTION_FIELDS,
        "quantity",
        "rule",
        "value",
        "value_currency",
        "base_value",
        "base_rate",
        "fingerprint",
    ):
        setattr(contribution, name, getattr(updated, name))
    contribution.save()
    record_event(kind="contribution.changed", target=contribution, actor=by, fields=sorted(values))
    return contribution


@transaction.atomic
def validate_contribution(*, contribution: Contribution, by) -> Contribution:
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    require(by, "contributions.validate_contribution", contribution)
    if contribution.is_validated:
        raise ValidationError(_("This contribution is already validated."))
    contribution.validated_by = by
    contribution.validated_at = timezone.now()
    contribution.save(update_fields=["validated_by", "validated_at", "modified"])
    record_event(kind="contribution.validated", target=contribution, actor=by)
    return contribution


@transaction.atomic
def correct_contribution(*, original: Contribution, by, **values) -> Contribution:
    """A new entry replacing a validated one in the totals; the original stays as it was."""
    original = Contribution.objects.select_for_update().get(pk=original.pk)
    require(by, "contributions.correct_contribution", original)
    if not original.is_validated:
        raise ValidationError(_("An entry that is not validated yet is changed, not corrected."))
    if Contribution.objects.filter(corrects=original).exists():
        raise ValidationError(_("This entry has been corrected already; correct the correction."))
    current = {name: getattr(original, name) for name in CONTRIBUTION_FIELDS}
    correction = _build({**current, **values}, corrects=original)
    correction.entered_by = by
    correction.save()
    record_event(kind="contribution.corrected", target=correction, actor=by, corrects=original.pk)
    return correction


# -- assessed contributions --------------------------------------------------------------------


@transaction.atomic
def set_assessed_contribution(
    *, party, instrument, year: int, by, **values
) -> AssessedContribution:
    require(by, "contributions.manage_assessed")
    assessed = AssessedContribution.objects.filter(
        party=party, instrument=instrument, year=year
    ).first() or AssessedContribution(party=party, instrument=instrument, year=year)
    for name, value in values.items():
        setattr(assessed, name, value)
    assessed.full_clean(validate_constraints=False)
    assessed.save()
    record_event(kind="assessed.set", target=assessed, actor=by, amount=str(assessed.amount))
    return assessed


@transaction.atomic
def record_payment(*, assessed: AssessedContribution, by, **values) -> Payment:
    require(by, "contributions.manage_assessed")
    payment = Payment(assessed=assessed, recorded_by=by, **values)
    payment.full_clean(exclude=["recorded_by"])
    payment.save()
    record_event(kind="payment.recorded", target=assessed, actor=by, amount=str(payment.amount))
    return payment
