"""What a signed-in user acts for, derived from their confirmed, current appointments.

Computed once per user object (one query) and reused by querysets and rules in the same request.
"""

from dataclasses import dataclass, field

from cmsfamily.directory.choices import ACTING_FOR_PARTY_ROLES, AppointmentStatus, Role

CMS_CODE = "cms"


@dataclass(frozen=True)
class Scope:
    authenticated: bool = False
    cms_secretariat: bool = False
    secretariat_instruments: frozenset[int] = field(default_factory=frozenset)
    acting_parties: frozenset[int] = field(default_factory=frozenset)
    parties: frozenset[int] = field(default_factory=frozenset)
    organisations: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None

    @property
    def is_secretariat(self) -> bool:
        return self.cms_secretariat or bool(self.secretariat_instruments)


ANONYMOUS = Scope()


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_cms_scope", None)
    if cached is not None:
        return cached
    from django.db.models import Q
    from django.utils import timezone

    from cmsfamily.directory.models import Appointment

    today = timezone.localdate()
    rows = list(
        Appointment.objects.filter(
            person__user=user, status=AppointmentStatus.CONFIRMED, start__lte=today
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list(
            "role", "party_id", "organisation_id", "instrument_id", "instrument__code", "person_id"
        )
    )
    secretariat, acting, parties, organisations = set(), set(), set(), set()
    cms = user.is_superuser
    person_id = None
    for role, party_id, organisation_id, instrument_id, instrument_code, pid in rows:
        person_id = pid
        if role == Role.SECRETARIAT_OFFICER and instrument_id:
            secretariat.add(instrument_id)
            cms = cms or instrument_code == CMS_CODE
        if party_id:
            parties.add(party_id)
            if role in ACTING_FOR_PARTY_ROLES:
                acting.add(party_id)
        if organisation_id and role == Role.PARTNER_FOCAL_POINT:
            organisations.add(organisation_id)
    scope = Scope(
        authenticated=True,
        cms_secretariat=cms,
        secretariat_instruments=frozenset(secretariat),
        acting_parties=frozenset(acting),
        parties=frozenset(parties),
        organisations=frozenset(organisations),
        person_id=person_id,
    )
    user._cms_scope = scope
    return scope


@dataclass(frozen=True)
class Holders:
    """The Parties and organisations a person belongs to, for the question 'whose contact is this?'."""

    parties: frozenset[int] = field(default_factory=frozenset)
    organisations: frozenset[int] = field(default_factory=frozenset)


def holders_of(person) -> Holders:
    """A person belongs to the Parties and organisations of their confirmed, current appointments.

    A person with none (a new nominee, a Partner's staff member) belongs to the holders of their
    pending nominations and to their organisation. An ended appointment makes nobody a holder:
    a former focal point's contacts are the Secretariat's to keep. Uses `person.appointments.all()`,
    so a prefetch serves a list.
    """
    from django.utils import timezone

    today = timezone.localdate()
    current, pending = [], []
    for appointment in person.appointments.all():
        if appointment.status == AppointmentStatus.CONFIRMED:
            if appointment.start <= today and (appointment.end is None or appointment.end >= today):
                current.append(appointment)
        elif appointment.status == AppointmentStatus.NOMINATED:
            pending.append(appointment)
    chosen = current or pending
    parties = {a.party_id for a in chosen if a.party_id}
    organisations = {a.organisation_id for a in chosen if a.organisation_id}
    if not current and person.organisation_id:
        organisations.add(person.organisation_id)
    return Holders(frozenset(parties), frozenset(organisations))
