"""Every write to strategic plans: one transaction each, with its history and domain event inside it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.services import record_event, require
from cmsfamily.strategy.choices import MappingKind, Measure, Scope
from cmsfamily.strategy.models import (
    MAPPINGS,
    Goal,
    Indicator,
    IndicatorValue,
    StrategicPlan,
    Target,
)

PLAN_FIELDS = (
    *(f"title_{language}" for language in LANGUAGES),
    "adopted_by",
    "start_year",
    "end_year",
    "is_current",
    "successor_note",
    "source",
)
GOAL_FIELDS = (
    "number",
    *(f"text_{language}" for language in LANGUAGES),
    "confidence",
    "source",
)
TARGET_FIELDS = ("goal", "number", *(f"text_{language}" for language in LANGUAGES), "source")
RESERVED_PLAN_CODES = frozenset({"add"})  # /strategy/add/ is the form, not a plan
FIRST_YEAR = 1979  # the Convention was concluded in Bonn in 1979; no plan of it is older
LAST_YEAR = 2100

INDICATOR_FIELDS = (
    "code",
    "name_en",
    "name_fr",
    "name_es",
    "definition",
    "unit",
    "measure",
    "data_source",
    "baseline",
    "responsible_body",
)


def _known(values: dict, fields) -> None:
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if_invalid(instance, errors: dict[str, list[str]], *, translated: str) -> None:
    """The service's errors and the model's own field errors, reported together.

    The untranslated `translated` field (modeltranslation's view of the current language) is
    left out: the English field is checked instead, with a message that names it.
    """
    try:
        instance.full_clean(exclude=[translated], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _check_number(instance, errors: dict[str, list[str]]) -> None:
    if instance.number is not None and instance.number < 1:
        _add(errors, "number", _("Numbers start at 1."))


def _check_english(instance, field: str, errors: dict[str, list[str]]) -> None:
    if not (getattr(instance, f"{field}_en") or "").strip():
        _add(errors, f"{field}_en", _("Give the text in English, the language of the record."))


def _check_plan(plan: StrategicPlan) -> None:
    errors: dict[str, list[str]] = {}
    if plan.code in RESERVED_PLAN_CODES:
        _add(
            errors,
            "code",
            _("“%(code)s” is a reserved word; choose another code.") % {"code": plan.code},
        )
    elif StrategicPlan.objects.filter(code=plan.code).exclude(pk=plan.pk).exists():
        _add(
            errors,
            "code",
            _("A strategic plan with the code “%(code)s” exists.") % {"code": plan.code},
        )
    if not (getattr(plan, "title_en", "") or "").strip():
        _add(errors, "title_en", _("Give the title in English, the language of the record."))
    for field in ("start_year", "end_year"):
        year = getattr(plan, field)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            _add(
                errors,
                field,
                _("Give a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
    if plan.start_year and plan.end_year and plan.end_year < plan.start_year:
        _add(errors, "end_year", _("The last year is before the first year."))
    _raise_if_invalid(plan, errors, translated="title")


def _supersede_others(plan: StrategicPlan) -> list[str]:
    """One plan is current: making this one current marks the others superseded (each save is
    kept in their history)."""
    if not plan.is_current:
        return []
    others = list(
        StrategicPlan.objects.select_for_update().filter(is_current=True).exclude(pk=plan.pk)
    )
    for other in others:
        other.is_current = False
        other.save()
    return [other.code for other in others]


@transaction.atomic
def create_plan(*, code: str, by, **values) -> StrategicPlan:
    """A strategic plan (e.g. the successor of the current one); its goals and targets follow."""
    require(by, "strategy.add_strategicplan")
    _known(values, PLAN_FIELDS)
    plan = StrategicPlan(code=code, **values)
    _check_plan(plan)
    superseded = _supersede_others(plan)
    plan.save()
    record_event(kind="plan.created", target=plan, actor=by, superseded=superseded)
    return plan


@transaction.atomic
def update_plan(*, plan: StrategicPlan, by, **values) -> StrategicPlan:
    """Change a plan; the code stays (addresses and exports use it). Every change is kept in the
    plan's history, the official texts loaded from the reference files included."""
    require(by, "strategy.change_strategicplan", plan)
    _known(values, PLAN_FIELDS)
    plan = StrategicPlan.objects.select_for_update().get(pk=plan.pk)
    changed = [name for name, value in values.items() if getattr(plan, name) != value]
    for name in changed:
        setattr(plan, name, values[name])
    _check_plan(plan)
    superseded = _supersede_others(plan)
    plan.save()
    record_event(
        kind="plan.changed", target=plan, actor=by, fields=sorted(changed), superseded=superseded
    )
    return plan


def _check_goal(goal: Goal) -> None:
    errors: dict[str, list[str]] = {}
    if Goal.objects.filter(plan=goal.plan_id, number=goal.number).exclude(pk=goal.pk).exists():
        _add(
            errors,
            "number",
            _("This plan already has a goal numbered %(number)s.") % {"number": goal.number},
        )
    _check_number(goal, errors)
    _check_english(goal, "text", errors)
    _raise_if_invalid(goal, errors, translated="text")


@transaction.atomic
def add_goal(*, plan: StrategicPlan, by, **values) -> Goal:
    require(by, "strategy.add_goal", plan)
    _known(values, GOAL_FIELDS)
    goal = Goal(plan=plan, **values)
    _check_goal(goal)
    goal.save()
    # Goals have no page of their own: their events appear in the plan's history.
    record_event(kind="goal.added", target=plan, actor=by, number=goal.number)
    return goal


@transaction.atomic
def update_goal(*, goal: Goal, by, **values) -> Goal:
    require(by, "strategy.change_goal", goal)
    _known(values, GOAL_FIELDS)
    goal = Goal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    changed = [name for name, value in values.items() if getattr(goal, name) != value]
    for name in changed:
        setattr(goal, name, values[name])
    _check_goal(goal)
    goal.save()
    record_event(
        kind="goal.changed", target=goal.plan, actor=by, number=goal.number, fields=sorted(changed)
    )
    return goal


def _check_target(target: Target) -> None:
    errors: dict[str, list[str]] = {}
    if target.goal_id is not None and target.goal.plan_id != target.plan_id:
        _add(errors, "goal", _("The goal must belong to the same plan as the target."))
    duplicates = Target.objects.filter(plan=target.plan_id, number=target.number)
    if target.number is not None and duplicates.exclude(pk=target.pk).exists():
        _add(
            errors,
            "number",
            _("This plan already has a target numbered %(number)s.") % {"number": target.number},
        )
    _check_number(target, errors)
    _check_english(target, "text", errors)
    _raise_if_invalid(target, errors, translated="text")


@transaction.atomic
def add_target(*, plan: StrategicPlan, by, **values) -> Target:
    require(by, "strategy.add_target", plan)
    _known(values, TARGET_FIELDS)
    target = Target(plan=plan, **values)
    _check_target(target)
    target.save()
    record_event(kind="target.added", target=target, actor=by, goal=target.goal.number)
    return target


@transaction.atomic
def update_target(*, target: Target, by, **values) -> Target:
    """Change a target's goal, number or texts. The official texts of a loaded plan may be
    corrected too: the target's history keeps every earlier version."""
    require(by, "strategy.change_target", target)
    _known(values, TARGET_FIELDS)
    target = Target.objects.select_for_update().select_related("plan", "goal").get(pk=target.pk)
    changed = [name for name, value in values.items() if getattr(target, name) != value]
    for name in changed:
        setattr(target, name, values[name])
    _check_target(target)
    target.save()
    record_event(kind="target.changed", target=target, actor=by, fields=sorted(changed))
    return target


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
    require(by, "strategy.add_indicator", target)
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
    require(by, "strategy.change_indicator", indicator)
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
    require(by, "strategy.manage_mappings", target)
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
    require(by, "strategy.manage_mappings")
    target = link.target
    label = link.global_target.label
    link.delete()
    record_event(kind="mapping.removed", target=target, actor=by, mapped_to=label)


def check_in_range(measure: str, value: Decimal) -> str | None:
    """Why the value cannot be one of this kind of indicator, or None: a count is whole and not
    negative, a percentage lies between 0 and 100."""
    if measure == Measure.COUNT and (value < 0 or value != value.to_integral_value()):
        return _("A count is a whole number, 0 or more.")
    if measure == Measure.PERCENT and not Decimal(0) <= value <= Decimal(100):
        return _("A percentage lies between 0 and 100.")
    return None


def _check_value(*, indicator, year, scope, region, party, value) -> None:
    errors: dict[str, list[str]] = {}
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        _add(
            errors,
            "year",
            _("Give a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    if scope not in Scope.values:
        _add(errors, "scope", _("Choose the Family, a CMS region or a Party."))
    elif scope == Scope.REGION and region is None:
        _add(errors, "region", _("Choose the CMS region the value is of."))
    elif scope == Scope.PARTY and party is None:
        _add(errors, "party", _("Choose the Party the value is of."))
    if value is None:
        _add(errors, "value", _("Give the value."))
    else:
        problem = check_in_range(indicator.measure, value)
        if problem:
            _add(errors, "value", problem)
        elif abs(value) >= Decimal(10) ** 14 or value.as_tuple().exponent < -6:  # type: ignore[operator]
            _add(errors, "value", _("Give at most 14 digits before the decimal point and 6 after."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_indicator_value(
    *,
    indicator: Indicator,
    year: int,
    scope: str,
    value: Decimal,
    by,
    region=None,
    party=None,
    note: str = "",
) -> IndicatorValue:
    """Enter an indicator's value for a year and the Family, a region or a Party, or correct the
    one entered (the history keeps the earlier value). Setting the same value twice changes
    nothing: a double submit is harmless."""
    require(by, "strategy.set_indicator_value", indicator)
    region = region if scope == Scope.REGION else None
    party = party if scope == Scope.PARTY else None
    _check_value(
        indicator=indicator, year=year, scope=scope, region=region, party=party, value=value
    )
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, year=year, scope=scope, region=region, party=party)
        .first()
    )
    note = (note or "").strip()
    if existing is not None and existing.value == value and existing.note == note:
        return existing
    record = existing or IndicatorValue(
        indicator=indicator, year=year, scope=scope, region=region, party=party
    )
    record.value = value
    record.note = note
    record.entered_by = by if by is not None and by.is_authenticated else None
    record.save()
    record_event(
        kind="indicator_value.corrected" if existing else "indicator_value.set",
        target=indicator.target,
        actor=by,
        code=indicator.code,
        year=year,
        of=str(party or region or Scope.FAMILY),
        value=str(value),
    )
    return record


@transaction.atomic
def clear_indicator_value(*, record: IndicatorValue, by) -> None:
    """Remove an entered value (its history keeps it)."""
    indicator = record.indicator
    require(by, "strategy.set_indicator_value", indicator)
    of = str(record.party or record.region or Scope.FAMILY)
    year = record.year
    record.delete()
    record_event(
        kind="indicator_value.cleared",
        target=indicator.target,
        actor=by,
        code=indicator.code,
        year=year,
        of=of,
    )
