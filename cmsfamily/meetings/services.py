"""Every write of the meetings: plain functions with keyword arguments, one transaction each, the
domain event inside it, and the rule asked by the service itself."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cmsfamily.core import uploads
from cmsfamily.core.services import record_event, require
from cmsfamily.meetings import notifications
from cmsfamily.meetings.choices import (
    Authority,
    DelegateRole,
    Examination,
    Funding,
    InviteeKind,
    Reply,
)
from cmsfamily.meetings.models import (
    AgendaItem,
    Credentials,
    Delegate,
    Document,
    DocumentFile,
    Invitation,
    Meeting,
)

MEETING_FIELDS = (
    "code",
    "title",
    "kind",
    "instrument",
    "start",
    "end",
    "format",
    "venue",
    "connection_link",
    "working_languages",
    "description",
)


def _check_meeting(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.start and meeting.end and meeting.end < meeting.start:
        errors.setdefault("end", []).append(
            _("The meeting cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": meeting.end.isoformat(), "start": meeting.start.isoformat()}
        )
    known = {code for code, _name in settings.LANGUAGES}
    languages = [code.strip() for code in meeting.working_languages.split(",") if code.strip()]
    unknown = [code for code in languages if code not in known]
    if not languages or unknown:
        errors.setdefault("working_languages", []).append(
            _("Give the working languages as codes separated by commas, from: %(known)s.")
            % {"known": ", ".join(sorted(known))}
        )
    else:
        meeting.working_languages = ",".join(dict.fromkeys(languages))
    if meeting.format == "in_person" and meeting.connection_link:
        errors.setdefault("connection_link", []).append(
            _("A meeting held in person only has no connection link; choose remote or hybrid.")
        )
    if meeting.format == "in_person" and not meeting.venue:
        errors.setdefault("venue", []).append(_("Give the venue of a meeting held in person."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_meeting(*, by, **fields) -> Meeting:
    require(by, "meetings.add_meeting")
    meeting = Meeting(**{name: fields[name] for name in MEETING_FIELDS if name in fields})
    require(by, "meetings.change_meeting", meeting)
    _check_meeting(meeting)
    meeting.full_clean(validate_constraints=False)
    meeting.save()
    record_event(kind="meeting.created", target=meeting, actor=by)
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, by, **fields) -> Meeting:
    require(by, "meetings.change_meeting", meeting)
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    require(by, "meetings.change_meeting", meeting)  # the new instrument must be theirs too
    _check_meeting(meeting)
    meeting.full_clean(validate_constraints=False)
    meeting.save()
    record_event(kind="meeting.changed", target=meeting, actor=by, fields=sorted(fields))
    return meeting


@transaction.atomic
def add_agenda_item(*, meeting: Meeting, number: str, title: str, by) -> AgendaItem:
    require(by, "meetings.change_meeting", meeting)
    number = number.strip()
    if meeting.agenda_items.filter(number=number).exists():
        raise ValidationError(
            {"number": _("The agenda already has an item %(number)s.") % {"number": number}}
        )
    item = AgendaItem(
        meeting=meeting, number=number, title=title, order=meeting.agenda_items.count() + 1
    )
    item.full_clean(validate_constraints=False)
    item.save()
    record_event(kind="meeting.agenda_item_added", target=meeting, actor=by, number=number)
    return item


@transaction.atomic
def add_document(
    *, meeting: Meeting, symbol: str, title: str, by, agenda_item: AgendaItem | None = None
) -> Document:
    require(by, "meetings.change_meeting", meeting)
    symbol = " ".join(symbol.split())
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    if meeting.documents.filter(symbol__iexact=symbol).exists():
        raise ValidationError(
            {"symbol": _("This meeting already has a document %(symbol)s.") % {"symbol": symbol}}
        )
    document = Document(meeting=meeting, symbol=symbol, title=title, agenda_item=agenda_item)
    document.full_clean(validate_constraints=False)
    document.save()
    record_event(kind="meeting.document_added", target=document, actor=by, symbol=symbol)
    return document


@transaction.atomic
def upload_document_file(
    *, document: Document, language: str, upload, by, revision: int | None = None
) -> DocumentFile:
    """A language of a document, through the upload gate. Without `revision`, the language's next
    revision when it already has one (Rev.1 after the original), else the original."""
    require(by, "meetings.change_meeting", document.meeting)
    try:
        uploads.check_pdf(upload, max_bytes=settings.MEETING_DOCUMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from None
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose one of the platform's languages.")})
    existing = document.files.filter(language=language)
    if revision is None:
        latest = existing.order_by("-revision").values_list("revision", flat=True).first()
        revision = 0 if latest is None else latest + 1
    elif existing.filter(revision=revision).exists():
        raise ValidationError({"revision": _("This revision of this language is already here.")})
    stored = DocumentFile(document=document, language=language, revision=revision, uploaded_by=by)
    stored.file.save(f"{document.pk}-{language}-{revision}.pdf", upload, save=False)
    stored.save()
    record_event(
        kind="meeting.document_file_added",
        target=document,
        actor=by,
        language=language,
        revision=revision,
    )
    return stored


# -- invitations --------------------------------------------------------------------------------


def _invited_parties(meeting: Meeting, *, instrument, region) -> list[int]:
    from cmsfamily.directory.models import Membership

    today = timezone.localdate()
    members = (
        Membership.objects.filter(instrument=instrument)
        .filter(Q(start__isnull=True) | Q(start__lte=today))
        .filter(Q(end__isnull=True) | Q(end__gte=today))
    )
    if region is not None:
        members = members.filter(party__region=region)
    return list(members.values_list("party_id", flat=True).distinct())


@transaction.atomic
def invite(
    *,
    meeting: Meeting,
    deadline: date,
    by,
    instrument=None,
    region=None,
    partners: bool = False,
) -> list[Invitation]:
    """Invite in one action the Parties of `instrument` (those of `region` only, if given) and,
    with `partners`, every Partner organisation. Who is already invited is not invited twice.
    The statements are constant in the number of invitees; the emails leave on commit."""
    from cmsfamily.directory.choices import OrganisationKind
    from cmsfamily.directory.models import Organisation

    require(by, "meetings.invite", meeting)
    errors = {}
    if instrument is None and not partners:
        errors["instrument"] = _("Choose whom to invite: the Parties of an instrument, Partners.")
    if deadline < timezone.localdate():
        errors["deadline"] = _("The reply deadline has passed; choose a later date.")
    elif deadline > meeting.start:
        errors["deadline"] = _("Replies are due before the meeting starts (%(start)s).") % {
            "start": meeting.start.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    already = meeting.invitations.values_list("party_id", "organisation_id")
    invited_parties = {party for party, _org in already if party}
    invited_organisations = {org for _party, org in already if org}
    new = []
    if instrument is not None:
        for party_id in _invited_parties(meeting, instrument=instrument, region=region):
            if party_id not in invited_parties:
                new.append(
                    Invitation(
                        meeting=meeting,
                        kind=InviteeKind.PARTY,
                        party_id=party_id,
                        deadline=deadline,
                        invited_by=by,
                    )
                )
    if partners:
        partner_ids = Organisation.objects.filter(kind=OrganisationKind.PARTNER_NGO).values_list(
            "pk", flat=True
        )
        for organisation_id in partner_ids:
            if organisation_id not in invited_organisations:
                new.append(
                    Invitation(
                        meeting=meeting,
                        kind=InviteeKind.PARTNER,
                        organisation_id=organisation_id,
                        deadline=deadline,
                        invited_by=by,
                    )
                )
    if not new:
        raise ValidationError(_("Everyone chosen is already invited to this meeting."))
    try:
        with transaction.atomic():
            created = bulk_create_with_history(new, Invitation, default_user=by)
    except IntegrityError:
        raise ValidationError(_("Someone else invited them at the same time; try again.")) from None
    record_event(
        kind="meeting.invited",
        target=meeting,
        actor=by,
        count=len(created),
        instrument=instrument.code if instrument is not None else None,
        region=region.code if region is not None else None,
        partners=partners,
    )
    notifications.invited(meeting, created)
    return created


@transaction.atomic
def reply(
    *, invitation: Invitation, answer: str, by, forwarded_to: str = "", note: str = ""
) -> Invitation:
    """The invitee's reply. One after the deadline is accepted and marked late."""
    require(by, "meetings.reply_to_invitation", invitation)
    if answer not in Reply.values:
        raise ValidationError({"answer": _("Choose: will attend, will not attend or forwarded.")})
    forwarded_to = forwarded_to.strip()
    if answer == Reply.FORWARDED and not forwarded_to:
        raise ValidationError(
            {"forwarded_to": _("Say to which person or institution it was forwarded.")}
        )
    invitation.reply = answer
    invitation.forwarded_to = forwarded_to if answer == Reply.FORWARDED else ""
    invitation.reply_note = note
    invitation.replied_at = timezone.now()
    invitation.replied_by = by if by is not None and by.is_authenticated else None
    invitation.late = timezone.localdate() > invitation.deadline
    invitation.save()
    record_event(
        kind="invitation.replied", target=invitation, actor=by, reply=answer, late=invitation.late
    )
    return invitation


# -- delegations ---------------------------------------------------------------------------------


@transaction.atomic
def set_funding_eligibility(*, invitation: Invitation, eligible: bool, by) -> Invitation:
    require(by, "meetings.set_funding_eligibility", invitation)
    if invitation.party_id is None:
        raise ValidationError(_("Only an invited Party's delegates may be funded."))
    invitation.funding_eligible = eligible
    invitation.save(update_fields=["funding_eligible", "modified"])
    record_event(
        kind="invitation.funding_eligibility", target=invitation, actor=by, eligible=eligible
    )
    return invitation


@transaction.atomic
def name_delegate(
    *,
    meeting: Meeting,
    party,
    role: str,
    by,
    person=None,
    given_name: str = "",
    family_name: str = "",
    email: str = "",
    position: str = "",
) -> Delegate:
    """A delegate of `party` for `meeting`: a person of the registry, or a new person. A Party
    that was not invited to the meeting has no delegation."""
    from cmsfamily.directory import services as directory
    from cmsfamily.directory.models import Person

    invitation = meeting.invitations.filter(party=party).first()
    if invitation is None:
        raise ValidationError(
            _("%(party)s was not invited to %(meeting)s: it cannot name a delegation.")
            % {"party": party, "meeting": meeting.title},
            code="not_invited",
        )
    require(by, "meetings.change_delegation", invitation)
    if role not in DelegateRole.values:
        raise ValidationError({"role": _("Choose head of delegation, alternate or adviser.")})
    if role == DelegateRole.HEAD and invitation.delegates.filter(role=DelegateRole.HEAD).exists():
        raise ValidationError({"role": _("The delegation already has a head.")})
    if person is None:
        if not given_name.strip() or not family_name.strip():
            raise ValidationError(
                {"family_name": _("Choose a person from the registry or give a new person's name.")}
            )
        person = directory.save_person(
            person=Person(
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                email=email.strip(),
                position=position.strip(),
            ),
            by=by,
        )
    elif invitation.delegates.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already in the delegation.")})
    delegate = Delegate.objects.create(invitation=invitation, person=person, role=role)
    record_event(kind="delegation.named", target=invitation, actor=by, person=person.pk, role=role)
    return delegate


@transaction.atomic
def request_funding(*, delegate: Delegate, by) -> Delegate:
    invitation = delegate.invitation
    require(by, "meetings.change_delegation", invitation)
    if not invitation.funding_eligible:
        raise ValidationError(
            _("%(party)s is not eligible for funding to this meeting.")
            % {"party": invitation.party},
            code="not_eligible",
        )
    if delegate.funding:
        raise ValidationError(_("Funding was already requested for this delegate."))
    require(by, "meetings.request_funding", invitation)
    delegate.funding = Funding.REQUESTED
    delegate.save(update_fields=["funding", "modified"])
    record_event(
        kind="delegation.funding_requested", target=invitation, actor=by, delegate=delegate.pk
    )
    return delegate


@transaction.atomic
def decide_funding(*, delegate: Delegate, grant: bool, by, reason: str = "") -> Delegate:
    require(by, "meetings.decide_funding", delegate.invitation)
    if delegate.funding not in (Funding.REQUESTED, Funding.GRANTED, Funding.REFUSED):
        raise ValidationError(_("No funding was requested for this delegate."))
    if not grant and not reason.strip():
        raise ValidationError({"reason": _("Say why the funding is not granted.")})
    delegate.funding = Funding.GRANTED if grant else Funding.REFUSED
    delegate.funding_reason = reason.strip()
    delegate.funding_decided_by = by if by is not None and by.is_authenticated else None
    delegate.save()
    record_event(
        kind="delegation.funding_decided",
        target=delegate.invitation,
        actor=by,
        delegate=delegate.pk,
        granted=grant,
    )
    return delegate


# -- credentials ---------------------------------------------------------------------------------


def _name(person) -> str:
    return " ".join(f"{person.given_name} {person.family_name}".casefold().split())


@transaction.atomic
def submit_credentials(
    *,
    invitation: Invitation,
    letter,
    authority: str,
    names: list[str],
    by,
    authority_detail: str = "",
) -> Credentials:
    """The credentials letter (a PDF that opens, through the upload gate), who issued it and the
    names it covers, each of which must be in the delegation."""
    require(by, "meetings.submit_credentials", invitation)
    errors: dict[str, list[str]] = {}
    try:
        uploads.check_pdf(letter, max_bytes=settings.CREDENTIALS_MAX_BYTES)
    except ValidationError as error:
        errors["letter"] = error.messages
    if authority not in Authority.values:
        errors["authority"] = [_("Choose who issued the credentials.")]
    elif authority == Authority.OTHER and not authority_detail.strip():
        errors["authority_detail"] = [_("Name the authority that issued the credentials.")]
    delegates = {_name(d.person): d for d in invitation.delegates.select_related("person")}
    wanted = [" ".join(name.casefold().split()) for name in names if name.strip()]
    unknown = [
        name.strip()
        for name in names
        if name.strip() and " ".join(name.casefold().split()) not in delegates
    ]
    if not wanted:
        errors["names"] = [_("Give the names the credentials cover, one a line.")]
    elif unknown:
        errors["names"] = [
            _("Not in the delegation: %(names)s. Name them in the delegation first.")
            % {"names": "; ".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    credentials = Credentials(
        invitation=invitation,
        authority=authority,
        authority_detail=authority_detail.strip(),
        submitted_by=by if by is not None and by.is_authenticated else None,
    )
    credentials.letter.save(f"credentials-{invitation.pk}.pdf", letter, save=False)
    credentials.save()
    credentials.covers.set([delegates[name] for name in dict.fromkeys(wanted)])
    record_event(kind="credentials.submitted", target=credentials, actor=by)
    return credentials


@transaction.atomic
def examine_credentials(
    *, credentials: Credentials, examination: str, by, reason: str = ""
) -> Credentials:
    require(by, "meetings.examine_credentials", credentials.invitation)
    if examination not in Examination.values or examination == Examination.PENDING:
        raise ValidationError(
            {"examination": _("Choose: accepted, accepted provisionally or not accepted.")}
        )
    if examination == Examination.NOT_ACCEPTED and not reason.strip():
        raise ValidationError({"reason": _("Say why the credentials are not accepted.")})
    credentials.examination = examination
    credentials.reason = reason.strip()
    credentials.examined_by = by if by is not None and by.is_authenticated else None
    credentials.examined_at = timezone.now()
    credentials.save()
    record_event(kind="credentials.examined", target=credentials, actor=by, examination=examination)
    return credentials
