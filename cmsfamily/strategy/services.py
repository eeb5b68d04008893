"""Every write to strategic plans: one transaction each, with its history and domain event inside it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.services import record_event
from cmsfamily.strategy.choices import MappingKind
from cmsfamily.strategy.models import MAPPINGS, Indicator, Target

INDICATOR_FIELDS = (
    "code",
    "name_en",
    "name_fr",
    "name_es",
    "definition",
    "unit",
    "data_source",
    "baseline",
    "responsible_body",
)


def _check_indicator_code(*, target: Target, code: str, exclude_pk=None) -> None:
    duplicates = Indicator.objects.filter(target=target, code=code).exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError(
            {
                "code": _("Target %(number)s already has an indicator with code %(code)s.")
                % {"number": target.number, "code": code}
            }
        )


@transaction.atomic
def create_indicator(*, target: Target, by, **values) -> Indicator:
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    _check_indicator_code(target=target, code=values.get("code", ""))
    indicator = Indicator(target=target, **values)
    indicator.full_clean()
    indicator.save()
    # Indicators have no page of their own: their events appear in the target's history.
    record_event(kind="indicator.created", target=target, actor=by, code=indicator.code)
    return indicator


@transaction.atomic
def update_indicator(*, indicator: Indicator, by, **values) -> Indicator:
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    _check_indicator_code(
        target=indicator.target, code=values.get("code", indicator.code), exclude_pk=indicator.pk
    )
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    record_event(kind="indicator.updated", target=indicator.target, actor=by, code=indicator.code)
    return indicator


@transaction.atomic
def add_mapping(*, target: Target, kind: str, number: int, confidence: str, source: str, by):
    """Map a target to the Aichi Target, SDG or GBF target with that number."""
    link_model, global_model, _related = MAPPINGS[MappingKind(kind)]
    global_target = global_model.objects.filter(number=number).first()
    if global_target is None:
        raise ValidationError(
            {
                "number": _("There is no %(framework)s with number %(number)s.")
                % {"framework": global_model._meta.verbose_name, "number": number}
            }
        )
    if link_model.objects.filter(target=target, global_target=global_target).exists():
        raise ValidationError(
            {
                "number": _("%(target)s is already mapped to %(global)s.")
                % {"target": target, "global": global_target.label}
            }
        )
    link = link_model(
        target=target, global_target=global_target, confidence=confidence, source=source
    )
    link.full_clean()
    link.save()
    record_event(
        kind="mapping.added",
        target=target,
        actor=by,
        mapped_to=global_target.label,
        confidence=confidence,
    )
    return link


@transaction.atomic
def remove_mapping(*, link, by) -> None:
    target = link.target
    label = link.global_target.label
    link.delete()
    record_event(kind="mapping.removed", target=target, actor=by, mapped_to=label)
