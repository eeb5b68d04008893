"""Who sees what of the meetings. Meetings, their agenda and documents are public; an invitation
and its reply are seen by the secretariat that runs the meeting (the CMS Secretariat sees all)
and by the current focal points of the invited Party or organisation."""

from django.db.models import Q

from cmsfamily.core.models import RestrictedQuerySet


class PublicQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()


class InvitationQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        from cmsfamily.directory.scope import scope_of

        scope = scope_of(user)
        if scope.cms_secretariat:
            return self.all()
        if not scope.authenticated:
            return self.none()
        visible = Q(meeting__instrument__in=scope.secretariat_instruments)
        visible |= Q(party__in=scope.acting_parties) | Q(organisation__in=scope.organisations)
        return self.filter(visible)


class ThroughInvitationQuerySet(RestrictedQuerySet):
    """Delegates and credentials: seen as their invitation is, never by the public."""

    def visible_to(self, user):
        from cmsfamily.meetings.models import Invitation

        return self.filter(invitation__in=Invitation.objects.visible_to(user).values("pk"))
