"""Who may do what in the registry. Roles follow confirmed appointments (see scope.py)."""

import rules

from cmsfamily.directory.choices import Role
from cmsfamily.directory.scope import holders_of, scope_of


@rules.predicate
def is_cms_secretariat(user):
    return scope_of(user).cms_secretariat


@rules.predicate
def is_secretariat(user):
    return scope_of(user).is_secretariat


@rules.predicate
def acts_for_party(user, party):
    return party is not None and party.pk in scope_of(user).acting_parties


@rules.predicate
def is_secretariat_of_instrument(user, instrument):
    return instrument is not None and instrument.pk in scope_of(user).secretariat_instruments


@rules.predicate
def is_focal_point_of_organisation(user, organisation):
    return organisation is not None and organisation.pk in scope_of(user).organisations


@rules.predicate
def reviews_appointment(user, appointment):
    if appointment is None:
        return False
    scope = scope_of(user)
    return (
        appointment.instrument_id is not None
        and appointment.instrument_id in scope.secretariat_instruments
    )


@rules.predicate
def is_colleague_of_person(user, person):
    """The person is the user, or belongs to a Party or organisation the user acts for (see
    `holders_of`: by a confirmed, current appointment; never by a nomination of another Party's
    person, nor by an ended appointment)."""
    if person is None:
        return False
    scope = scope_of(user)
    if not scope.authenticated:
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    holders = holders_of(person)
    return bool(holders.parties & scope.acting_parties) or bool(
        holders.organisations & scope.organisations
    )


@rules.predicate
def serves_instrument_of_person(user, person):
    """The person holds or is nominated to an appointment for an instrument the user's
    secretariat serves (an Agreement secretariat and its MoU or Agreement focal points)."""
    if person is None or person.pk is None:
        return False
    served = scope_of(user).secretariat_instruments
    return bool(served) and any(a.instrument_id in served for a in person.appointments.all())


@rules.predicate
def councillor_of_own_party(user, appointment):
    return (
        appointment is not None
        and appointment.role == Role.SCIENTIFIC_COUNCILLOR
        and appointment.party_id is not None
        and appointment.party_id in scope_of(user).acting_parties
    )


@rules.predicate
def is_own_organisation_expertise(user, expertise):
    return expertise is not None and expertise.organisation_id in scope_of(user).organisations


# Registry records: the CMS Secretariat keeps them; an Agreement secretariat keeps its own memberships.
rules.add_perm("directory.change_party", is_cms_secretariat)
rules.add_perm("directory.change_instrument", is_cms_secretariat | is_secretariat_of_instrument)
rules.add_perm("directory.manage_memberships", is_cms_secretariat | is_secretariat_of_instrument)
rules.add_perm("directory.add_organisation", is_cms_secretariat)
rules.add_perm("directory.change_organisation", is_cms_secretariat | is_focal_point_of_organisation)
rules.add_perm("directory.add_expertise", is_cms_secretariat | is_focal_point_of_organisation)
rules.add_perm("directory.change_expertise", is_cms_secretariat | is_own_organisation_expertise)
# Focal points: an NFP proposes for their own Party; only a secretariat confirms or ends.
rules.add_perm("directory.nominate_for_party", is_cms_secretariat | acts_for_party)
rules.add_perm(
    "directory.nominate_for_organisation", is_cms_secretariat | is_focal_point_of_organisation
)
rules.add_perm("directory.review_appointments", is_secretariat)
rules.add_perm("directory.confirm_appointment", is_cms_secretariat | reviews_appointment)
# A Scientific Councillor's area of expertise: the Secretariat, or the Party's own focal point.
rules.add_perm(
    "directory.change_area_of_expertise",
    is_cms_secretariat | reviews_appointment | councillor_of_own_party,
)
rules.add_perm("directory.view_person_private", is_cms_secretariat | is_colleague_of_person)
rules.add_perm("directory.change_person", is_cms_secretariat | is_colleague_of_person)
rules.add_perm("directory.view_history", is_secretariat)
# An invitation goes to an address a secretariat confirmed: the CMS Secretariat for anyone, an
# Agreement secretariat for the people of its instrument.
rules.add_perm("directory.confirm_person_email", is_cms_secretariat | serves_instrument_of_person)
rules.add_perm("directory.invite_person", is_cms_secretariat | serves_instrument_of_person)
# The exchange-rate table lives in core (work programmes and contributions both convert with it);
# who keeps it is a question of appointments, so the rule is stated here.
rules.add_perm("core.add_exchangerate", is_cms_secretariat)


@rules.predicate
def sees_failed_upload(user, upload):
    """The focal points of the upload's Party or organisation, the secretariat of its instrument,
    and its uploader (the CMS Secretariat sees them all, by the rule below)."""
    if upload is None:
        return False
    scope = scope_of(user)
    return (
        (upload.party_id is not None and upload.party_id in scope.acting_parties)
        or (upload.organisation_id is not None and upload.organisation_id in scope.organisations)
        or (
            upload.instrument_id is not None
            and upload.instrument_id in scope.secretariat_instruments
        )
        or (upload.user_id is not None and upload.user_id == user.pk)
    )


rules.add_perm("directory.view_failedupload", is_cms_secretariat | sees_failed_upload)
