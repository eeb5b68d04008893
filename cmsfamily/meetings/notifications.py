"""The invitations' emails: each invited Party's current NFP and alternates, each invited Partner's
focal points, in the recipient's recorded working language (else English), sent after the
transaction commits so that a rolled-back invitation sends nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from cmsfamily.core.links import absolute_url
from cmsfamily.reporting.notifications import language_of


def recipients(invitations) -> dict[int, list[tuple[str, str]]]:
    """(email, language) of who acts for each invitee, by invitation (one query)."""
    from cmsfamily.directory.choices import ACTING_FOR_PARTY_ROLES, Role
    from cmsfamily.directory.models import Appointment

    party_of = {i.party_id: i.pk for i in invitations if i.party_id}
    organisation_of = {i.organisation_id: i.pk for i in invitations if i.organisation_id}
    result: dict[int, list[tuple[str, str]]] = {i.pk: [] for i in invitations}
    rows = (
        Appointment.objects.current()
        .filter(person__email__gt="")
        .filter(
            Q(party__in=list(party_of), role__in=ACTING_FOR_PARTY_ROLES)
            | Q(organisation__in=list(organisation_of), role=Role.PARTNER_FOCAL_POINT)
        )
        .order_by("pk")
        .values_list("party_id", "organisation_id", "person__email", "person__languages")
    )
    for party_id, organisation_id, email, languages in rows:
        pk = party_of.get(party_id) if party_id else organisation_of.get(organisation_id)
        if pk is not None and email not in {e for e, _l in result[pk]}:
            result[pk].append((email, language_of(languages or "")))
    return result


def _message(meeting, invitation, language: str, to: str) -> EmailMessage:
    with translation.override(language):
        subject = _("Invitation: %(meeting)s") % {"meeting": meeting.title}
        body = _(
            "%(invitee)s is invited to %(meeting)s, from %(start)s to %(end)s (%(where)s). "
            "Please reply by %(deadline)s: will attend, will not attend, or forwarded to "
            "another person or institution. Reply here: %(link)s"
        ) % {
            "invitee": invitation.invitee,
            "meeting": meeting.title,
            "start": meeting.start.isoformat(),
            "end": meeting.end.isoformat(),
            "where": meeting.venue or meeting.get_format_display(),
            "deadline": invitation.deadline.isoformat(),
            "link": absolute_url(invitation.get_absolute_url()),
        }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def invited(meeting, invitations) -> None:
    from cmsfamily.directory.models import Organisation, Party

    invitations = list(invitations)
    # The invitees' names in one query each, not one per invitation.
    parties = Party.objects.in_bulk([i.party_id for i in invitations if i.party_id])
    organisations = Organisation.objects.in_bulk(
        [i.organisation_id for i in invitations if i.organisation_id]
    )
    for invitation in invitations:
        invitation.meeting = meeting
        if invitation.party_id:
            invitation.party = parties[invitation.party_id]
        else:
            invitation.organisation = organisations[invitation.organisation_id]
    to = recipients(invitations)
    messages = [
        _message(meeting, invitation, language, email)
        for invitation in invitations
        for email, language in to[invitation.pk]
    ]
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages))
