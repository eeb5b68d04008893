"""Reads shared by pages, the API and (later) reports; every one takes the user and is scoped."""

from django.db.models import Count, Prefetch, Q

from cmsfamily.directory.choices import OrganisationKind, Role
from cmsfamily.directory.models import (
    Appointment,
    Expertise,
    Instrument,
    Membership,
    Organisation,
    Party,
    Person,
)

FOCAL_POINT_ROLES = [role for role in Role if role != Role.SECRETARIAT_OFFICER]


def parties(user):
    return Party.objects.visible_to(user).select_related("region")


def instruments(user):
    return (
        Instrument.objects.visible_to(user)
        .select_related("secretariat")
        .annotate(member_count=Count("memberships", filter=Q(memberships__end__isnull=True)))
    )


def organisations(user):
    return Organisation.objects.visible_to(user).select_related("party")


def people(user):
    return Person.objects.visible_to(user).select_related("organisation")


def expertise(user):
    return Expertise.objects.visible_to(user).select_related("organisation", "region")


def memberships(user):
    return Membership.objects.visible_to(user).select_related("party", "instrument")


def appointments(user):
    return Appointment.objects.visible_to(user).select_related(
        "person", "person__organisation", "party", "organisation", "instrument"
    )


def current_focal_points(user):
    return appointments(user).current().filter(role__in=FOCAL_POINT_ROLES)


def same_email(person) -> list:
    """Other people with the person's address: a nomination by address never links to another
    Party's person, so the reviewing secretariat resolves such duplicates."""
    if not person.email:
        return []
    return list(Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk)[:20])


def pending_nominations(user):
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(user)
    pending = appointments(user).filter(status="nominated")
    if scope.cms_secretariat:
        return pending
    return pending.filter(instrument_id__in=scope.secretariat_instruments)


def party_timeline(user, party):
    return appointments(user).filter(party=party).order_by("-start", "-id")


def people_with_appointments(user, queryset):
    return queryset.prefetch_related(
        Prefetch(
            "appointments",
            queryset=appointments(user).order_by("-start"),
            to_attr="visible_appointments",
        )
    )


def partner_organisations(user):
    return organisations(user).filter(kind=OrganisationKind.PARTNER_NGO)
