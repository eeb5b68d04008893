"""Who may do what with meetings. The secretariat that serves a meeting's instrument runs it (the
CMS Secretariat runs all); an invitation is answered by the current NFP or alternate of the
invited Party, or the focal point of the invited Partner, and by nobody else."""

import rules

from cmsfamily.directory.rules import (
    acts_for_party,
    is_cms_secretariat,
    is_focal_point_of_organisation,
    is_secretariat,
    is_secretariat_of_instrument,
)
from cmsfamily.meetings.choices import Reply


@rules.predicate
def runs_meeting(user, meeting):
    return meeting is not None and is_secretariat_of_instrument(user, meeting.instrument)


@rules.predicate
def runs_meeting_of_invitation(user, invitation):
    return invitation is not None and runs_meeting(user, invitation.meeting)


@rules.predicate
def is_invitee(user, invitation):
    if invitation is None:
        return False
    if invitation.party_id is not None:
        return acts_for_party(user, invitation.party)
    return is_focal_point_of_organisation(user, invitation.organisation)


@rules.predicate
def attends_meeting(user, meeting):
    """The focal points of an invitee that replied it will attend: until participants register,
    they are who the connection link is for."""
    from cmsfamily.directory.scope import scope_of

    if meeting is None:
        return False
    scope = scope_of(user)
    if not (scope.acting_parties or scope.organisations):
        return False
    attending = meeting.invitations.filter(reply=Reply.ATTEND)
    return (
        attending.filter(party__in=scope.acting_parties).exists()
        or attending.filter(organisation__in=scope.organisations).exists()
    )


@rules.predicate
def is_party_invitation(user, invitation):
    return invitation is not None and invitation.party_id is not None


@rules.predicate
def is_eligible_for_funding(user, invitation):
    return invitation is not None and invitation.funding_eligible


manages = is_cms_secretariat | runs_meeting
manages_invitation = is_cms_secretariat | runs_meeting_of_invitation

rules.add_perm("meetings.add_meeting", is_secretariat)
rules.add_perm("meetings.change_meeting", manages)
rules.add_perm("meetings.invite", manages)
rules.add_perm("meetings.view_reply_rates", manages)
rules.add_perm("meetings.view_connection_link", manages | attends_meeting)
rules.add_perm(
    "meetings.view_invitation", is_cms_secretariat | runs_meeting_of_invitation | is_invitee
)
rules.add_perm("meetings.reply_to_invitation", is_invitee)
# Delegations and credentials: the invited Party's NFP acts; the secretariat decides and
# examines (for the Credentials Committee). The public sees none of it.
rules.add_perm("meetings.view_delegation", manages_invitation | is_invitee)
rules.add_perm("meetings.change_delegation", is_party_invitation & is_invitee)
rules.add_perm("meetings.set_funding_eligibility", manages_invitation)
rules.add_perm(
    "meetings.request_funding", is_party_invitation & is_invitee & is_eligible_for_funding
)
rules.add_perm("meetings.decide_funding", manages_invitation)
rules.add_perm("meetings.submit_credentials", is_party_invitation & is_invitee)
rules.add_perm("meetings.view_credentials", manages_invitation | is_invitee)
rules.add_perm("meetings.examine_credentials", manages_invitation)
rules.add_perm("meetings.view_credentials_report", manages)
