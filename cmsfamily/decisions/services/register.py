"""Every write of the register and of implementation: one transaction each, the domain event
inside it, the rule asked by the service itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.core.services import record_event, require
from cmsfamily.decisions.choices import (
    AddresseeKind,
    DecisionStatus,
    EvidenceKind,
    ImplementationStatus,
)
from cmsfamily.decisions.models import (
    Addressee,
    Decision,
    Evidence,
    Implementation,
    OperativeParagraph,
)
from cmsfamily.directory.models import Instrument


def _field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def parse_addressees(codes) -> list[tuple[str, Instrument | None]]:
    """['parties', 'instrument:aewa'] -> [(kind, instrument)]; an unknown body is refused."""
    known = {choice.value for choice in AddresseeKind if choice != AddresseeKind.INSTRUMENT}
    parsed: list[tuple[str, Instrument | None]] = []
    for raw in codes:
        code = str(raw).strip()
        kind, _sep, rest = code.partition(":")
        if kind == AddresseeKind.INSTRUMENT and rest:
            instrument = Instrument.objects.filter(code=rest.strip().lower()).first()
            if instrument is None:
                raise ValidationError(
                    _("“%(body)s” is not an instrument of the registry.") % {"body": rest},
                    code="unknown_addressee",
                )
            parsed.append((AddresseeKind.INSTRUMENT, instrument))
        elif code in known and not rest:
            parsed.append((code, None))
        else:
            raise ValidationError(
                _(
                    "“%(body)s” is not a body a paragraph can be addressed to: Parties, the "
                    "Secretariat, the Scientific Council, the Standing Committee, Partners or "
                    "an instrument."
                )
                % {"body": code},
                code="unknown_addressee",
            )
    return list(dict.fromkeys(parsed))


def place_addressees(paragraph: OperativeParagraph, parsed) -> bool:
    """Make the paragraph's addressees exactly `parsed`; True if anything changed."""
    wanted = {(kind, instrument.pk if instrument else None) for kind, instrument in parsed}
    existing = {(a.kind, a.instrument_id): a for a in paragraph.addressees.all()}
    stale = [a.pk for key, a in existing.items() if key not in wanted]
    if stale and Implementation.objects.filter(addressee__in=stale).exists():
        raise ValidationError(
            _("An addressee that has reported implementation cannot be removed."),
            code="addressee_in_use",
        )
    Addressee.objects.filter(pk__in=stale).delete()
    new = [
        Addressee(paragraph=paragraph, kind=kind, instrument=instrument)
        for kind, instrument in parsed
        if (kind, instrument.pk if instrument else None) not in existing
    ]
    Addressee.objects.bulk_create(new)
    return bool(stale or new)


@transaction.atomic
def set_addressees(*, paragraph: OperativeParagraph, addressees, by) -> None:
    require(by, "decisions.change_decision", paragraph.decision)
    if place_addressees(paragraph, parse_addressees(addressees)):
        record_event(
            kind="decision.recorded",
            target=paragraph.decision,
            actor=by,
            paragraph=paragraph.number,
            addressees=[str(a) for a in addressees],
        )


def _check_not_circular(decision: Decision, successor: Decision | None) -> None:
    seen = {decision.pk}
    step = successor
    while step is not None:
        if step.pk in seen:
            raise _field_error(
                "superseded_by",
                _(
                    "%(successor)s is, directly or through others, superseded by "
                    "%(decision)s: a decision cannot supersede itself."
                )
                % {"successor": successor, "decision": decision},
                "circular_supersession",
            )
        seen.add(step.pk)
        step = step.superseded_by


@transaction.atomic
def set_status(*, decision: Decision, status: str, superseded_by: Decision | None = None, by):
    """In force, repealed, or superseded by a linked decision (never by itself, however far)."""
    require(by, "decisions.change_decision", decision)
    if status not in DecisionStatus.values:
        raise _field_error("status", _("Choose a status from the list."), "invalid")
    if status == DecisionStatus.SUPERSEDED and superseded_by is None:
        raise _field_error(
            "superseded_by", _("Say which decision supersedes this one."), "successor_required"
        )
    if status != DecisionStatus.SUPERSEDED:
        superseded_by = None
    _check_not_circular(decision, superseded_by)
    decision.status = status
    decision.superseded_by = superseded_by
    decision.save(update_fields=["status", "superseded_by", "modified"])
    record_event(
        kind="decision.status_changed",
        target=decision,
        actor=by,
        status=status,
        superseded_by=superseded_by.slug if superseded_by else None,
    )
    return decision


@transaction.atomic
def record_decision(*, by, paragraphs=(), **fields) -> Decision:
    """A new entry of the register with its operative paragraphs (each a dict with number,
    text, addressees, deadline): all of it, or nothing."""
    require(by, "decisions.change_decision")
    decision = Decision(**fields)
    decision.full_clean()
    decision.save()
    for entry in paragraphs:
        entry = dict(entry)
        parsed = parse_addressees(entry.pop("addressees", ()))
        paragraph = OperativeParagraph(decision=decision, **entry)
        paragraph.full_clean(exclude=["decision"])
        paragraph.save()
        place_addressees(paragraph, parsed)
    record_event(kind="decision.recorded", target=decision, actor=by)
    return decision


# -- implementation ------------------------------------------------------------------------------


def implementation_row(*, addressee: Addressee, party=None, organisation=None) -> Implementation:
    """The row of one implementer (unsaved if none yet). Parties report on paragraphs addressed
    to the Parties, Partners on those addressed to the Partners; other bodies have one row."""
    if addressee.kind == AddresseeKind.PARTIES:
        if party is None or organisation is not None:
            raise ValidationError(_("Say which Party reports."), code="implementer_required")
    elif addressee.kind == AddresseeKind.PARTNERS:
        if organisation is None or party is not None:
            raise ValidationError(
                _("Say which Partner organisation reports."), code="implementer_required"
            )
    elif party is not None or organisation is not None:
        raise ValidationError(
            _("This paragraph is addressed to %(body)s, not to a Party or an organisation.")
            % {"body": addressee},
            code="wrong_implementer",
        )
    found = Implementation.objects.filter(
        addressee=addressee, party=party, organisation=organisation
    ).first()
    return found or Implementation(addressee=addressee, party=party, organisation=organisation)


@transaction.atomic
def update_implementation(
    *,
    addressee: Addressee,
    status: str,
    note: str = "",
    noted_on=None,
    party=None,
    organisation=None,
    by,
) -> Implementation:
    row = implementation_row(addressee=addressee, party=party, organisation=organisation)
    require(by, "decisions.change_implementation", row)
    if status not in ImplementationStatus.values:
        raise _field_error("status", _("Choose a status from the list."), "invalid")
    if noted_on is not None and noted_on > timezone.localdate():
        raise _field_error("noted_on", _("A note cannot be dated in the future."), "future_date")
    row.status = status
    row.note = note.strip()
    row.noted_on = noted_on or timezone.localdate()
    row.updated_by = by if by is not None and by.is_authenticated else None
    row.save()
    record_event(kind="implementation.updated", target=row, actor=by, status=status)
    return row


@transaction.atomic
def add_evidence(
    *,
    implementation: Implementation,
    kind: str,
    by,
    submission_version=None,
    question_key: str = "",
    activity=None,
    contribution=None,
) -> Evidence:
    """A link to what shows the implementation; the linked object must exist and be readable by
    the one who links it (checked by the selector that found it)."""
    require(by, "decisions.change_implementation", implementation)
    targets: dict[str, object] = {
        EvidenceKind.ANSWER: submission_version,
        EvidenceKind.ACTIVITY: activity,
        EvidenceKind.CONTRIBUTION: contribution,
    }
    if kind not in targets:
        raise _field_error("kind", _("Choose a kind of evidence."), "invalid")
    if targets[kind] is None or any(v is not None for k, v in targets.items() if k != kind):
        raise _field_error(
            "reference",
            _("Link exactly one existing item of this kind."),
            "evidence_not_found",
        )
    if kind == EvidenceKind.ANSWER and not question_key.strip():
        raise _field_error(
            "question_key", _("Say which question of the report answers it."), "question_required"
        )
    evidence = Evidence.objects.create(
        implementation=implementation,
        kind=kind,
        submission_version=submission_version,
        question_key=question_key.strip(),
        activity=activity,
        contribution=contribution,
    )
    record_event(
        kind="implementation.evidence_added", target=implementation, actor=by, evidence=kind
    )
    return evidence
