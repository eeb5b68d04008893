"""Scoped querysets: every list a view or the API returns goes through `visible_to(user)`."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cmsfamily.core.models import RestrictedQuerySet
from cmsfamily.directory.choices import AppointmentStatus
from cmsfamily.directory.scope import scope_of

PUBLIC_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.ENDED)


class PublicQuerySet(RestrictedQuerySet):
    """The registry's public records (Parties, instruments, organisations, memberships)."""

    def visible_to(self, user):
        return self.all()


class AppointmentQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.cms_secretariat:
            return self.all()
        visible = Q(status__in=PUBLIC_STATUSES)
        if scope.authenticated:
            visible |= Q(party_id__in=scope.acting_parties) | Q(
                organisation_id__in=scope.organisations
            )
            visible |= Q(instrument_id__in=scope.secretariat_instruments) | Q(nominated_by=user)
        return self.filter(visible)

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(status=AppointmentStatus.CONFIRMED, start__lte=on).filter(
            Q(end__isnull=True) | Q(end__gte=on)
        )


class PersonQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        from cmsfamily.directory.models import Appointment

        scope = scope_of(user)
        if scope.cms_secretariat:
            return self.all()
        visible_appointments = Appointment.objects.visible_to(user).filter(person=OuterRef("pk"))
        condition = Exists(visible_appointments)
        if scope.authenticated:
            condition |= Q(organisation_id__in=scope.organisations) | Q(user=user)
        return self.filter(condition)


class ExpertiseQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()


class FailedUploadQuerySet(RestrictedQuerySet):
    """A refused upload is seen by the CMS Secretariat, the secretariat of its instrument, the
    focal points of its Party or organisation, and the person who uploaded it; never by another
    Party or Partner."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.cms_secretariat:
            return self.all()
        if not scope.authenticated:
            return self.none()
        return self.filter(
            Q(party_id__in=scope.acting_parties)
            | Q(organisation_id__in=scope.organisations)
            | Q(instrument_id__in=scope.secretariat_instruments)
            | Q(user=user)
        )
