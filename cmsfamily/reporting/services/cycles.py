"""Reporting cycles: opening one on a version, its expected reporters, its status, carry-forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cmsfamily.core.services import record_event
from cmsfamily.reporting import notifications, selectors
from cmsfamily.reporting import rules as who
from cmsfamily.reporting.choices import (
    CycleStatus,
    ExpectedReporters,
    SubmissionStatus,
    VersionStatus,
)
from cmsfamily.reporting.models import Answer, Cycle, Submission, SubmissionVersion, TemplateVersion
from cmsfamily.reporting.services.common import require

if TYPE_CHECKING:
    from cmsfamily.accounts.models import User
    from cmsfamily.directory.models import Organisation, Party


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, or the month's last day when it has no such day."""
    import calendar

    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def deadline_before_meeting(meeting_opens: dt.date, months: int = 6) -> dt.date:
    """Resolution 12.5: national reports are due at least six months before an ordinary COP."""
    return months_before(meeting_opens, months)


def _expected(cycle: Cycle, parties, organisations) -> tuple[list, list]:
    from cmsfamily.directory.models import Membership, Organisation, Party

    instrument = cycle.version.template.instrument
    if cycle.expected == ExpectedReporters.ALL_PARTIES:
        on = cycle.opens_on
        ids = (
            Membership.objects.filter(instrument=instrument)
            .exclude(start__gt=on)
            .exclude(end__lt=on)
            .values_list("party_id", flat=True)
        )
        return list(Party.objects.filter(pk__in=ids)), []
    if cycle.expected == ExpectedReporters.ALL_PARTNERS:
        return [], list(Organisation.objects.filter(kind="partner_ngo", is_demo=False))
    if cycle.expected == ExpectedReporters.ALL_AGREEMENTS:
        return [], list(
            Organisation.objects.filter(instruments_served__isnull=False)
            .exclude(instruments_served=instrument)
            .distinct()
        )
    return list(parties or []), list(organisations or [])


@transaction.atomic
def create_cycle(
    *,
    slug: str,
    version: TemplateVersion,
    period_start: dt.date,
    period_end: dt.date,
    opens_on: dt.date,
    deadline: dt.date,
    expected: str,
    by: User | None,
    parties: Iterable[Party] | None = None,
    organisations: Iterable[Organisation] | None = None,
    deadline_rule: str = "",
    reminder_days: tuple[int, ...] = (30, 7),
    **texts: str,
) -> Cycle:
    """A cycle on a version, which freezes it, with a submission per expected reporter."""
    errors: dict[str, ValidationError] = {}
    if Cycle.objects.filter(slug=slug).exists():
        errors["slug"] = ValidationError(
            _("A cycle with the code “%(code)s” exists.") % {"code": slug}, code="duplicate"
        )
    if period_end < period_start:
        errors["period_end"] = ValidationError(
            _("The period ends before it starts."), code="invalid_range"
        )
    if deadline < opens_on:
        errors["deadline"] = ValidationError(
            _("The deadline is before the opening date."), code="invalid_range"
        )
    if not version.sections.exists():
        errors["version"] = ValidationError(
            _("This version has no sections yet."), code="no_sections"
        )
    if expected == ExpectedReporters.CHOSEN and not (parties or organisations):
        errors["expected"] = ValidationError(_("Choose the reporters."), code="required")
    if not texts.get("title_en"):
        errors["title_en"] = ValidationError(
            _("Give the title in English, the language of the record."), code="required"
        )
    if errors:
        raise ValidationError(errors)
    if version.status == VersionStatus.DRAFT:
        version.status, version.frozen_at = VersionStatus.FROZEN, timezone.now()
        version.save(update_fields=["status", "frozen_at", "modified"])
    cycle = Cycle.objects.create(
        slug=slug,
        version=version,
        period_start=period_start,
        period_end=period_end,
        opens_on=opens_on,
        deadline=deadline,
        expected=expected,
        deadline_rule=deadline_rule,
        reminder_days=sorted(set(reminder_days), reverse=True),
        **texts,
    )
    reporter_parties, reporter_organisations = _expected(cycle, parties, organisations)
    Submission.objects.bulk_create(
        [Submission(cycle=cycle, party=party) for party in reporter_parties]
        + [
            Submission(cycle=cycle, organisation=organisation)
            for organisation in reporter_organisations
        ]
    )
    carry_forward(
        submissions=list(cycle.submissions.select_related("party", "organisation")),
        structure=selectors.structure(version),
    )
    record_event(
        kind="cycle.created",
        target=cycle,
        actor=by,
        reporters=len(reporter_parties) + len(reporter_organisations),
    )
    return cycle


@transaction.atomic
def add_reporter(
    *,
    cycle: Cycle,
    by: User | None,
    party: Party | None = None,
    organisation: Organisation | None = None,
) -> Submission:
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError(_("This cycle is closed."), code="closed")
    submission, _created = Submission.objects.get_or_create(
        cycle=cycle, party=party, organisation=organisation
    )
    return submission


@transaction.atomic
def set_cycle_status(*, cycle: Cycle, status: str, by: User | None) -> Cycle:
    allowed: dict[str, set[str]] = {
        CycleStatus.PLANNED: {CycleStatus.OPEN},
        CycleStatus.OPEN: {CycleStatus.CLOSED},
        CycleStatus.CLOSED: {CycleStatus.OPEN},
    }
    if status not in CycleStatus.values:
        raise ValidationError(_("Unknown status."), code="invalid_choice")
    require(by, who.keeps_reporting_of, cycle)
    if status not in allowed[cycle.status]:
        raise ValidationError(
            _("A %(old)s cycle cannot become %(new)s.")
            % {"old": cycle.get_status_display().lower(), "new": CycleStatus(status).label.lower()},
            code="transition",
        )
    cycle.status = status
    cycle.save(update_fields=["status", "modified"])
    record_event(kind=f"cycle.{status}", target=cycle, actor=by)
    if status == CycleStatus.OPEN:
        notifications.cycle_opened(cycle)
    return cycle


# --- carry-forward ----------------------------------------------------------------------------


def previous_versions(submissions: list[Submission]) -> dict[int, SubmissionVersion]:
    """For each submission, the last version of its reporter's latest accepted (or published)
    report of an earlier cycle, whatever its template: the bank makes the answers comparable."""
    from django.db.models import Q

    parties = {s.party_id for s in submissions if s.party_id}
    organisations = {s.organisation_id for s in submissions if s.organisation_id}
    cycle_ids = {s.cycle_id for s in submissions}
    earlier = (
        SubmissionVersion.objects.filter(
            Q(submission__party__in=parties) | Q(submission__organisation__in=organisations),
            submission__status__in=[SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED],
        )
        .exclude(submission__cycle__in=cycle_ids)
        .select_related("submission__cycle")
        .order_by("submission__cycle__deadline", "submission_id", "number")
    )
    latest: dict[tuple, SubmissionVersion] = {}
    for version in earlier:  # ordered, so the last one kept is the latest
        owner = version.submission
        latest[("p", owner.party_id) if owner.party_id else ("o", owner.organisation_id)] = version
    return {
        s.pk: latest[("p", s.party_id) if s.party_id else ("o", s.organisation_id)]
        for s in submissions
        if (("p", s.party_id) if s.party_id else ("o", s.organisation_id)) in latest
    }


def carry_forward(*, submissions: list[Submission], structure: selectors.Structure) -> int:
    """Pre-fill empty drafts with the answers of each reporter's last accepted report, for every
    question of this version that the bank shares with it; each is marked with the cycle it came
    from until the reporter changes or confirms it. Returns the number of answers made."""
    previous = previous_versions(submissions)
    started = set(
        Answer.objects.filter(submission__in=list(previous)).values_list("submission", flat=True)
    )
    made = []
    for submission in submissions:
        version = previous.get(submission.pk)
        if version is None or submission.pk in started:
            continue
        loops = selectors.loop_items(structure, submission)
        for code, by_key in version.snapshot.get("answers", {}).items():
            item = structure.items_by_code.get(code)
            if item is None:
                continue
            keys = {loop.key for loop in selectors.keys_of(structure.node_of_item[item.pk], loops)}
            for key, value in by_key.items():
                if key in keys and value is not None:
                    made.append(
                        Answer(
                            submission=submission,
                            question=item.question,
                            loop_key=key,
                            value=value,
                            carried_from=version.submission.cycle,
                        )
                    )
    if made:
        bulk_create_with_history(made, Answer)
        Submission.objects.filter(
            pk__in={answer.submission_id for answer in made}, status=SubmissionStatus.NOT_STARTED
        ).update(status=SubmissionStatus.DRAFT)
    return len(made)
