"""Demo accounts and records for trying the platform locally. Everything here is marked as demo."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from cmsfamily.accounts.models import User
from cmsfamily.directory import services
from cmsfamily.directory.choices import Availability, Role
from cmsfamily.directory.models import Expertise, Instrument, Organisation, Party, Person, Region


@dataclass(frozen=True)
class Persona:
    email: str
    given_name: str
    family_name: str
    position: str
    role: str
    party: str = ""
    organisation: str = ""
    instrument: str = ""


PERSONAS = [
    Persona(
        "secretariat@example.org",
        "Demo",
        "Secretariat Officer",
        "Programme Officer, CMS Secretariat",
        Role.SECRETARIAT_OFFICER,
        instrument="cms",
        organisation="cms-secretariat",
    ),
    Persona(
        "eurobats@example.org",
        "Demo",
        "EUROBATS Officer",
        "Officer, EUROBATS Secretariat",
        Role.SECRETARIAT_OFFICER,
        instrument="eurobats",
        organisation="eurobats-secretariat",
    ),
    Persona(
        "nfp.kenya@example.org",
        "Demo",
        "NFP Kenya",
        "National Focal Point (demo)",
        Role.NFP,
        party="KE",
    ),
    Persona(
        "nfp.germany@example.org",
        "Demo",
        "NFP Germany",
        "National Focal Point (demo)",
        Role.NFP,
        party="DE",
    ),
    Persona(
        "birdlife@example.org",
        "Demo",
        "BirdLife Focal Point",
        "Partner focal point (demo)",
        Role.PARTNER_FOCAL_POINT,
        organisation="birdlife",
    ),
]


def _appoint(persona: Persona, person: Person, by) -> None:
    party = Party.objects.get(code=persona.party) if persona.party else None
    organisation = (
        Organisation.objects.get(slug=persona.organisation) if persona.organisation else None
    )
    instrument = Instrument.objects.get(code=persona.instrument) if persona.instrument else None
    appointment = services.nominate(
        person=person,
        role=persona.role,
        by=by,
        party=party,
        organisation=organisation if persona.role == Role.PARTNER_FOCAL_POINT else None,
        instrument=instrument,
        note="Demo appointment",
        is_demo=True,
    )
    services.confirm(appointment=appointment, by=by)


@transaction.atomic
def load_demo(*, reset_passwords: bool = False) -> dict[str, str]:
    """Create the demo personas. Returns {email: password} for accounts whose password was set now."""
    passwords = {}
    for persona in PERSONAS:
        user = User.objects.filter(email=persona.email).first()
        if user is None or reset_passwords:
            password = secrets.token_urlsafe(9)
            if user is None:
                user = User.objects.create_user(
                    persona.email,
                    password,
                    full_name=f"{persona.given_name} {persona.family_name}",
                    is_demo=True,
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            passwords[persona.email] = password
        if Person.objects.filter(user=user).exists():
            continue
        organisation = Organisation.objects.filter(slug=persona.organisation).first()
        person = Person.objects.create(
            given_name=persona.given_name,
            family_name=persona.family_name,
            position=persona.position,
            organisation=organisation,
            email=persona.email,
            user=user,
            is_demo=True,
        )
        _appoint(persona, person, by=None)
    birdlife = Organisation.objects.get(slug="birdlife")
    if not Expertise.objects.filter(organisation=birdlife).exists():
        for topic, group, region, availability in [
            (
                "Flyway site networks and Important Bird and Biodiversity Areas",
                "Birds",
                "africa",
                Availability.AVAILABLE,
            ),
            (
                "Preventing illegal killing of migratory birds",
                "Birds",
                "europe",
                Availability.LIMITED,
            ),
            ("Seabird bycatch mitigation", "Seabirds", None, Availability.AVAILABLE),
        ]:
            Expertise.objects.create(
                organisation=birdlife,
                topic=topic,
                species_group=group,
                region=Region.objects.filter(code=region).first() if region else None,
                languages="English, French",
                availability=availability,
                contact_name="Demo BirdLife Focal Point",
                notes="Demo entry: real Partner contact details are not public.",
                is_demo=True,
            )
    return passwords
