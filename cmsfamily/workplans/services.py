"""Every write to work programmes: one transaction each, with its history and domain event inside it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.services import record_event
from cmsfamily.workplans.choices import UpdateStatus
from cmsfamily.workplans.models import (
    Activity,
    ProgressUpdate,
    ResourceLine,
    WorkProgramme,
    sort_key_for,
)

ACTIVITY_FIELDS = (
    "title",
    "description",
    "timeframe_text",
    "start",
    "end",
    "lead",
    "source",
)


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
    unknown = set(values) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
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
    activity.save()
    record_event(kind="activity.created", target=programme, actor=by, number=number)
    return activity


@transaction.atomic
def move_activity(*, activity: Activity, parent, by) -> Activity:
    """Give an activity a new parent (None: a top-level area), refusing cycles."""
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
