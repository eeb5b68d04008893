"""Every write to the registry: one transaction each, with its history and domain event inside it."""

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import update_change_reason

from cmsfamily.accounts import services as account_services
from cmsfamily.accounts.models import Invitation
from cmsfamily.core.services import record_event, require
from cmsfamily.directory.choices import (
    INSTRUMENT_ROLES,
    ORGANISATION_ROLES,
    PARTY_ROLES,
    AppointmentStatus,
    Role,
)
from cmsfamily.directory.models import (
    Appointment,
    Expertise,
    FailedUpload,
    Membership,
    Organisation,
    Person,
)


def _check_holder(*, role, party, organisation, instrument):
    errors = {}
    if role in PARTY_ROLES and party is None:
        errors["party"] = _("A %(role)s is appointed for a Party.") % {"role": Role(role).label}
    if role in ORGANISATION_ROLES and organisation is None:
        errors["organisation"] = _("A %(role)s is appointed for an organisation.") % {
            "role": Role(role).label
        }
    if role in INSTRUMENT_ROLES and instrument is None:
        errors["instrument"] = _("Choose the instrument this %(role)s serves.") % {
            "role": Role(role).label
        }
    if errors:
        raise ValidationError(errors)


def _check_dates(start, end):
    if end is not None and start is not None and end < start:
        raise ValidationError({"end": _("An appointment cannot end before it starts.")})


def _check_area(role: str, area: str) -> str:
    """A Scientific Councillor's area of expertise (seed 000); no other role has one."""
    area = (area or "").strip()
    if area and role != Role.SCIENTIFIC_COUNCILLOR:
        raise ValidationError(
            {
                "area_of_expertise": _(
                    "Only a Scientific Councillor has an area of expertise in the registry."
                )
            }
        )
    return area


@transaction.atomic
def nominate(
    *,
    person: Person,
    role: str,
    by,
    party=None,
    organisation=None,
    instrument=None,
    start: date | None = None,
    end: date | None = None,
    document=None,
    note: str = "",
    area_of_expertise: str = "",
    is_demo: bool = False,
) -> Appointment:
    """Propose a person for a role. Nothing changes for the current holder until a secretariat confirms."""
    if party is not None:
        require(by, "directory.nominate_for_party", party)
    elif organisation is not None:
        require(by, "directory.nominate_for_organisation", organisation)
    start = start or timezone.localdate()
    _check_holder(role=role, party=party, organisation=organisation, instrument=instrument)
    _check_dates(start, end)
    area_of_expertise = _check_area(role, area_of_expertise)
    appointment = Appointment(
        person=person,
        role=role,
        party=party,
        organisation=organisation,
        instrument=instrument,
        start=start,
        end=end,
        status=AppointmentStatus.NOMINATED,
        note=note,
        area_of_expertise=area_of_expertise,
        nominated_by=by if by is not None and by.is_authenticated else None,
        is_demo=is_demo,
    )
    if document:
        appointment.document = document
    appointment.full_clean()
    appointment.save()
    update_change_reason(appointment, "nominated")
    record_event(kind="appointment.nominated", target=appointment, actor=by, role=role)
    return appointment


def _may_take_over(by, person: Person) -> bool:
    """May a nomination by `by` name this existing person? Only a secretariat, the system, or
    those who already keep the person's contacts: never another Party's or organisation's."""
    from cmsfamily.directory.rules import is_colleague_of_person
    from cmsfamily.directory.scope import scope_of

    if by is None:
        return True
    return scope_of(by).cms_secretariat or is_colleague_of_person(by, person)


@transaction.atomic
def nominate_contact(
    *, email: str, details: dict, role: str, by, organisation=None, **appointment
) -> Appointment:
    """Nominate the registry's person with this email address, adding them from `details` if new.

    An existing person is reused only when `by` already keeps their contacts (or is the CMS
    Secretariat); otherwise a new person is added with what `by` typed, and the Secretariat sees
    the other records with that address when it reviews the nomination. Either way the caller
    learns nothing about who else has the address.

    `details` holds the person's fields (given_name, family_name, position ...); `appointment`
    the arguments of nominate() (party, instrument, start, end, document, note).
    """
    person = next(
        (
            candidate
            for candidate in Person.objects.filter(email__iexact=email)
            .select_related("organisation")
            .prefetch_related("appointments")
            .order_by("pk")
            if _may_take_over(by, candidate)
        ),
        None,
    )
    if person is None:
        person = save_person(
            person=Person(email=email, organisation=organisation, **details), by=by
        )
    return nominate(person=person, role=role, by=by, organisation=organisation, **appointment)


@transaction.atomic
def confirm(*, appointment: Appointment, by, document=None, on: date | None = None) -> Appointment:
    """Confirm a nomination. A Party has one confirmed NFP: confirming a new one ends the previous one."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    require(by, "directory.confirm_appointment", appointment)
    if appointment.status != AppointmentStatus.NOMINATED:
        raise ValidationError(
            _("Only a nominated appointment can be confirmed; this one is %(status)s.")
            % {"status": appointment.get_status_display()}
        )
    if document:
        appointment.document = document
        appointment.full_clean(exclude=["person", "party", "organisation", "instrument"])
    if appointment.role == Role.NFP:
        previous = Appointment.objects.select_for_update().filter(
            party=appointment.party, role=Role.NFP, status=AppointmentStatus.CONFIRMED
        )
        for old in previous:
            _end(
                old,
                by=by,
                on=max(old.start, appointment.start - timedelta(days=1)),
                reason="replaced",
            )
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.confirmed_by = by
    if not appointment.person.email_confirmed:
        # The confirming secretariat sees the person's address on the nomination it confirms.
        Person.objects.filter(pk=appointment.person_id).update(email_confirmed=True)
    appointment.confirmed_at = timezone.now()
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This Party already has a confirmed National Focal Point.")
        ) from exc
    update_change_reason(appointment, "confirmed")
    record_event(kind="appointment.confirmed", target=appointment, actor=by, role=appointment.role)
    return appointment


@transaction.atomic
def set_area_of_expertise(*, appointment: Appointment, area: str, by) -> Appointment:
    """Record or correct a Scientific Councillor's area of expertise: the Secretariat, or the
    Party's own focal point, who informs the Secretariat of it (seed 000)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    require(by, "directory.change_area_of_expertise", appointment)
    if appointment.status == AppointmentStatus.ENDED:
        raise ValidationError(_("This appointment has ended; its record is kept as it was."))
    area = _check_area(appointment.role, area)
    if len(area) > 200:
        raise ValidationError(
            {"area_of_expertise": _("Write the area of expertise in at most 200 characters.")}
        )
    appointment.area_of_expertise = area
    appointment.save(update_fields=["area_of_expertise", "modified"])
    update_change_reason(appointment, "area of expertise")
    record_event(kind="appointment.area_of_expertise", target=appointment, actor=by, area=area)
    return appointment


def _end(appointment: Appointment, *, by, on: date, reason: str):
    _check_dates(appointment.start, on)
    appointment.status = AppointmentStatus.ENDED
    appointment.end = on
    appointment.save()
    update_change_reason(appointment, reason)
    record_event(
        kind="appointment.ended", target=appointment, actor=by, reason=reason, end=on.isoformat()
    )


@transaction.atomic
def end(*, appointment: Appointment, by, on: date | None = None) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    require(by, "directory.confirm_appointment", appointment)
    if appointment.status == AppointmentStatus.ENDED:
        raise ValidationError(_("This appointment has already ended."))
    _end(appointment, by=by, on=on or timezone.localdate(), reason="ended")
    return appointment


@transaction.atomic
def add_membership(
    *, party, instrument, by, kind=None, start=None, end=None, source="", note=""
) -> Membership:
    require(by, "directory.manage_memberships", instrument)
    membership = Membership(
        party=party,
        instrument=instrument,
        kind=kind or instrument.member_kind,
        start=start,
        end=end,
        source=source,
        note=note,
    )
    if end is not None and start is not None and end < start:
        raise ValidationError({"end": _("A membership cannot end before it starts.")})
    if (
        end is None
        and Membership.objects.filter(party=party, instrument=instrument, end__isnull=True).exists()
    ):
        raise ValidationError(
            _("%(party)s is already a member of %(instrument)s.")
            % {"party": party, "instrument": instrument.code}
        )
    membership.full_clean(validate_constraints=False)
    membership.save()
    record_event(kind="membership.added", target=membership, actor=by, instrument=instrument.code)
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, by, on: date) -> Membership:
    """A Party leaves an instrument (withdrawal, or a Signatory's MoU lapses): dated, never deleted."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    require(by, "directory.manage_memberships", membership.instrument)
    if membership.end is not None:
        raise ValidationError(_("This membership has already ended."))
    if membership.start is not None and on < membership.start:
        raise ValidationError({"end": _("A membership cannot end before it starts.")})
    membership.end = on
    membership.save(update_fields=["end", "modified"])
    record_event(kind="membership.ended", target=membership, actor=by, end=on.isoformat())
    return membership


def _save_record(instance, *, by, event: str):
    """Validate and save a registry record with its '<event>.created' or '<event>.updated' event."""
    created = instance.pk is None
    instance.full_clean()
    instance.save()
    record_event(kind=f"{event}.{'created' if created else 'updated'}", target=instance, actor=by)
    return instance


@transaction.atomic
def save_expertise(*, expertise: Expertise, by) -> Expertise:
    if expertise.pk is None:
        require(by, "directory.add_expertise", expertise.organisation)
    else:
        require(by, "directory.change_expertise", Expertise.objects.get(pk=expertise.pk))
    return _save_record(expertise, by=by, event="expertise")


@transaction.atomic
def save_organisation(*, organisation: Organisation, by) -> Organisation:
    if organisation.pk is None:
        require(by, "directory.add_organisation")
    else:
        require(by, "directory.change_organisation", Organisation.objects.get(pk=organisation.pk))
    return _save_record(organisation, by=by, event="organisation")


@transaction.atomic
def save_person(*, person: Person, by) -> Person:
    """Save a person. A new or changed address counts as confirmed only when a secretariat
    (or the system) saved it: any other change must be confirmed again before an invitation."""
    if person.pk is not None:
        require(by, "directory.change_person", Person.objects.get(pk=person.pk))
        previous = Person.objects.filter(pk=person.pk).values_list("email", flat=True).first()
        changed = (previous or "").strip().lower() != (person.email or "").strip().lower()
    else:
        changed = True
    if changed:
        person.email_confirmed = bool(person.email) and (
            by is None or by.has_perm("directory.confirm_person_email", person)
        )
    return _save_record(person, by=by, event="person")


@transaction.atomic
def confirm_person_email(*, person: Person, by) -> Person:
    """A secretariat confirms the address it sees for the person (from an official letter)."""
    require(by, "directory.confirm_person_email", person)
    if not person.email:
        raise ValidationError({"email": _("Add the person's email address before confirming it.")})
    Person.objects.filter(pk=person.pk).update(email_confirmed=True, modified=timezone.now())
    person.email_confirmed = True
    record_event(kind="person.email_confirmed", target=person, actor=by, email=person.email)
    return person


@transaction.atomic
def invite(*, person: Person, by, purpose: str, base_url: str) -> Invitation:
    """Invite the person to create an account, at the address a secretariat confirmed for them."""
    require(by, "directory.invite_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.email:
        raise ValidationError({"email": _("Add the person's email address before inviting them.")})
    if not person.email_confirmed:
        raise ValidationError(
            {
                "email": _(
                    "This email address has not been confirmed by the Secretariat since it was "
                    "last changed. Confirm it on the person's page before inviting them."
                )
            }
        )
    if person.user_id is not None:
        raise ValidationError(_("This person already has an account."))
    invitation = account_services.send_invitation(
        email=person.email, by=by, purpose=purpose, base_url=base_url
    )
    person.invitation = invitation
    person.save(update_fields=["invitation", "modified"])
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str):
    """Create the account and link it to the person the invitation was sent for, if their
    confirmed address is still the invited one (an address changed since is not linked)."""
    person = (
        Person.objects.select_for_update()
        .filter(
            invitation=invitation,
            email__iexact=invitation.email,
            email_confirmed=True,
            user__isnull=True,
        )
        .first()
    )
    user = account_services.accept_invitation(
        invitation=invitation,
        password=password,
        full_name=f"{person.given_name} {person.family_name}" if person else "",
    )
    if person is not None:
        person.user = user
        person.save(update_fields=["user", "modified"])
    return user


@transaction.atomic
def create_secretariat_officer(
    *, email: str, password: str, instrument, given_name: str, family_name: str, position: str = ""
):
    """The first account of a new installation: a confirmed Secretariat officer of `instrument`.

    Nobody can sign up or invite before it exists, so its address is taken as verified (allauth
    asks production sign-ins to confirm their address by email) and the appointment is confirmed
    by no one, as the registry's history will show.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    email = email.strip().lower()
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email address exists already.")})
    person = Person.objects.filter(email__iexact=email, user__isnull=True).first()
    user = User(email=email, full_name=f"{given_name} {family_name}".strip())
    validate_password(password, user)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if person is None:
        person = Person(
            email=email,
            given_name=given_name,
            family_name=family_name,
            position=position,
            organisation=instrument.secretariat,
        )
    person.user = user
    save_person(person=person, by=None)
    appointment = nominate(
        person=person,
        role=Role.SECRETARIAT_OFFICER,
        by=None,
        instrument=instrument,
        note="First officer, created with manage.py create_secretariat_officer",
    )
    confirm(appointment=appointment, by=None)
    return user


# -- refused uploads ---------------------------------------------------------------------------

REASONS_KEPT = 10  # the first reasons shown to the uploader; the count of the rest is kept
REASON_LENGTH = 300

logger = logging.getLogger(__name__)


def _short(text, length: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def record_failed_upload(
    *,
    by,
    kind: str,
    file=None,
    file_name: str | None = None,
    size: int | None = None,
    reasons,
    party=None,
    organisation=None,
    instrument=None,
    subject: str = "",
    link: str = "",
) -> FailedUpload | None:
    """Note that an upload was refused: by whom, which upload, for which Party, organisation or
    instrument, the file's name as sent and its size, and the reasons shown (shortened: the first
    REASONS_KEPT, each cut at REASON_LENGTH characters, then how many more there were). The file
    itself is never kept. A failure to record is logged and never stops the page that refused the
    upload from answering."""
    reasons = [_short(reason, REASON_LENGTH) for reason in reasons if str(reason).strip()]
    if len(reasons) > REASONS_KEPT:
        more = len(reasons) - REASONS_KEPT
        reasons = reasons[:REASONS_KEPT] + [
            ngettext("… and %(count)s more.", "… and %(count)s more.", more) % {"count": more}
        ]
    if file_name is None:
        file_name = getattr(file, "name", "") or ""
    if size is None:
        size = getattr(file, "size", None)
    try:
        with transaction.atomic():
            return FailedUpload.objects.create(
                user=by if by is not None and by.is_authenticated else None,
                kind=kind,
                party=party,
                organisation=organisation,
                instrument=instrument,
                subject=_short(subject, 300),
                link=link if len(link) <= 500 else "",
                file_name=_short(file_name, 255),
                size=size if isinstance(size, int) and size >= 0 else None,
                reasons=reasons,
            )
    except DatabaseError:
        logger.exception("The refused upload could not be recorded.")
        return None
