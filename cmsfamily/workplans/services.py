"""Every write to work programmes: one transaction each, with its history and domain event inside it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.services import record_event, require
from cmsfamily.workplans.choices import ProgrammeKind, UpdateStatus
from cmsfamily.workplans.models import (
    Activity,
    ProgressUpdate,
    ResourceLine,
    WorkProgramme,
    sort_key_for,
)

ACTIVITY_TEXTS = tuple(
    f"{field}_{language}" for field in ("title", "description") for language in LANGUAGES
)
ACTIVITY_FIELDS = (
    *ACTIVITY_TEXTS,
    "timeframe_text",
    "start",
    "end",
    "lead",
    "status",
    "source",
)
ACTIVITY_RELATIONS = ("partners", "partner_parties", "targets", "aichi_targets")
PROGRAMME_FIELDS = (
    *(f"title_{language}" for language in LANGUAGES),
    "kind",
    "owner",
    "partner",
    "start",
    "end",
    "status",
    "source",
)
PROGRAMME_RELATIONS = ("aichi_targets",)
RESERVED_CODES = frozenset({"add"})  # /workplans/add/ is the form, not a programme


def _split(values: dict, fields, relations) -> tuple[dict, dict]:
    unknown = set(values) - set(fields) - set(relations)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    scalars = {name: value for name, value in values.items() if name in fields}
    related = {name: value for name, value in values.items() if name in relations}
    return scalars, related


def _check_programme(programme: WorkProgramme) -> None:
    errors: dict[str, list[str]] = {}
    if programme.start and programme.end and programme.end < programme.start:
        errors["end"] = [_("The end date is before the start date.")]
    if programme.kind == ProgrammeKind.PARTNER_SHARED and programme.partner_id is None:
        errors["partner"] = [_("A Partner's shared work programme needs its Partner organisation.")]
    if not getattr(programme, "title_en", ""):
        errors["title_en"] = [_("Give the title in English, the language of the record.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_programme(*, code: str, by, **values) -> WorkProgramme:
    require(by, "workplans.add_workprogramme")
    scalars, related = _split(values, PROGRAMME_FIELDS, PROGRAMME_RELATIONS)
    if code in RESERVED_CODES:
        raise ValidationError(
            {"code": _("“%(code)s” is a reserved word; choose another code.") % {"code": code}}
        )
    if WorkProgramme.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("A programme with the code “%(code)s” exists.") % {"code": code}}
        )
    programme = WorkProgramme(code=code, **scalars)
    programme.full_clean(validate_constraints=False, validate_unique=False)
    _check_programme(programme)
    programme.save()
    for name, objects in related.items():
        getattr(programme, name).set(objects)
    record_event(kind="programme.created", target=programme, actor=by)
    return programme


@transaction.atomic
def update_programme(*, programme: WorkProgramme, by, **values) -> WorkProgramme:
    require(by, "workplans.change_workprogramme", programme)
    scalars, related = _split(values, PROGRAMME_FIELDS, PROGRAMME_RELATIONS)
    programme = WorkProgramme.objects.select_for_update().get(pk=programme.pk)
    changed = [name for name, value in scalars.items() if getattr(programme, name) != value]
    for name in changed:
        setattr(programme, name, scalars[name])
    programme.full_clean(validate_constraints=False, validate_unique=False)
    _check_programme(programme)
    programme.save()
    for name, objects in related.items():
        getattr(programme, name).set(objects)
    record_event(kind="programme.changed", target=programme, actor=by, fields=sorted(changed))
    return programme


def _check_activity(*, programme: WorkProgramme, number: str, parent, start, end, pk=None):
    errors: dict[str, list[str]] = {}
    if Activity.objects.filter(programme=programme, number=number).exclude(pk=pk).exists():
        errors.setdefault("number", []).append(
            _("This programme already has an activity numbered %(number)s.") % {"number": number}
        )
    if parent is not None:
        if parent.programme_id != programme.pk:
            errors.setdefault("parent", []).append(
                _("The parent activity must belong to the same programme.")
            )
        elif pk is not None:
            ancestor = parent
            while ancestor is not None:
                if ancestor.pk == pk:
                    errors.setdefault("parent", []).append(
                        _("An activity cannot be its own ancestor.")
                    )
                    break
                ancestor = ancestor.parent
    if start and end and end < start:
        errors.setdefault("end", []).append(_("The end date is before the start date."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_activity(*, programme: WorkProgramme, number: str, parent=None, by, **values) -> Activity:
    require(by, "workplans.add_activity", programme)
    values, related = _split(values, ACTIVITY_FIELDS, ACTIVITY_RELATIONS)
    _check_open(programme)
    _check_activity(
        programme=programme,
        number=number,
        parent=parent,
        start=values.get("start"),
        end=values.get("end"),
    )
    activity = Activity(
        programme=programme, number=number, parent=parent, sort_key=sort_key_for(number), **values
    )
    activity.full_clean(validate_constraints=False)
    _check_title(activity)
    activity.save()
    for name, objects in related.items():
        getattr(activity, name).set(objects)
    record_event(kind="activity.created", target=programme, actor=by, number=number)
    return activity


@transaction.atomic
def update_activity(
    *, activity: Activity, by, number: str | None = None, parent=..., **values
) -> Activity:
    """Change an activity: renumbering and moving are checked like a new activity."""
    require(by, "workplans.change_activity", activity)
    values, related = _split(values, ACTIVITY_FIELDS, ACTIVITY_RELATIONS)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_open(activity.programme)
    number = activity.number if number is None else number
    parent = activity.parent if parent is ... else parent
    _check_activity(
        programme=activity.programme,
        number=number,
        parent=parent,
        start=values.get("start", activity.start),
        end=values.get("end", activity.end),
        pk=activity.pk,
    )
    changed = [name for name, value in values.items() if getattr(activity, name) != value]
    if number != activity.number:
        changed.append("number")
    if parent != activity.parent:
        changed.append("parent")
    activity.number, activity.sort_key, activity.parent = number, sort_key_for(number), parent
    for name, value in values.items():
        setattr(activity, name, value)
    activity.full_clean(validate_constraints=False)
    _check_title(activity)
    activity.save()
    for name, objects in related.items():
        getattr(activity, name).set(objects)
    record_event(
        kind="activity.changed", target=activity, actor=by, number=number, fields=sorted(changed)
    )
    return activity


def _check_title(activity: Activity) -> None:
    if not getattr(activity, "title_en", ""):
        raise ValidationError(
            {"title_en": _("Give the title in English, the language of the record.")}
        )


def _check_open(programme: WorkProgramme) -> None:
    if programme.is_closed:
        raise ValidationError(
            _("The programme “%(programme)s” is closed; its activities can no longer change.")
            % {"programme": programme.code}
        )


@transaction.atomic
def move_activity(*, activity: Activity, parent, by) -> Activity:
    """Give an activity a new parent (None: a top-level area), refusing cycles."""
    require(by, "workplans.change_activity", activity)
    _check_activity(
        programme=activity.programme,
        number=activity.number,
        parent=parent,
        start=activity.start,
        end=activity.end,
        pk=activity.pk,
    )
    activity.parent = parent
    activity.save()
    record_event(kind="activity.moved", target=activity.programme, actor=by, number=activity.number)
    return activity


@transaction.atomic
def post_progress(
    *, activity: Activity, by, kind: str, text: str, status: str = UpdateStatus.UNKNOWN, date=None
) -> ProgressUpdate:
    require(by, "workplans.post_progress", activity)
    programme = WorkProgramme.objects.select_for_update().get(pk=activity.programme_id)
    if programme.is_closed:
        raise ValidationError(
            _("The programme “%(programme)s” is closed; no more progress can be posted.")
            % {"programme": programme.code}
        )
    update = ProgressUpdate(
        activity=activity,
        kind=kind,
        text=text,
        status=status,
        date=date,
        author=by if by is not None and by.is_authenticated else None,
    )
    update.full_clean()
    update.save()
    record_event(
        kind="progress.posted", target=activity, actor=by, update=update.pk, update_kind=kind
    )
    return update


@transaction.atomic
def add_resource_line(*, activity: Activity, by, **values) -> ResourceLine:
    require(by, "workplans.change_activity", activity)
    if activity.programme.is_closed:
        raise ValidationError(
            _("The programme “%(programme)s” is closed; its resources can no longer change.")
            % {"programme": activity.programme.code}
        )
    line = ResourceLine(activity=activity, **values)
    line.full_clean(validate_constraints=False)
    if line.amount is not None and not line.currency:
        raise ValidationError({"currency": _("Give the currency of the amount.")})
    line.save()
    record_event(kind="resource.added", target=activity, actor=by, description=line.description)
    return line
