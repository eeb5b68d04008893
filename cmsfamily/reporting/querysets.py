"""Who sees what of the reporting system.

Question texts and frozen templates are public: a reporter reads them before drafting. A draft
report is seen by its reporter (a Party's NFP or alternate, a Partner's focal point, an Agreement
secretariat's officers) and by the contributors assigned one of its sections, no one else. The
secretariat of the template's instrument (and the CMS Secretariat, for the whole Family) sees a
report once it has been submitted; the public sees it once it is published.
"""

from django.db.models import Q

from cmsfamily.core.models import RestrictedQuerySet


def _scope(user):
    from cmsfamily.directory.scope import scope_of

    return scope_of(user)


class QuestionQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()


class TemplateQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        scope = _scope(user)
        if scope.cms_secretariat:
            return self.all()
        frozen = Q(versions__status="frozen")
        if scope.secretariat_instruments:
            frozen |= Q(instrument__in=scope.secretariat_instruments)
        return self.filter(frozen).distinct()


class CycleQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        scope = _scope(user)
        if scope.cms_secretariat:
            return self.all()
        visible = ~Q(status="planned")
        if scope.secretariat_instruments:
            visible |= Q(version__template__instrument__in=scope.secretariat_instruments)
        return self.filter(visible)


def reporter_q(scope) -> Q:
    """The submissions the user drafts and submits: their Party's, their organisation's."""
    own = Q(pk__in=[])
    if scope.acting_parties:
        own |= Q(party__in=scope.acting_parties)
    if scope.organisations:
        own |= Q(organisation__in=scope.organisations)
    if scope.secretariat_instruments:
        own |= Q(organisation__instruments_served__in=scope.secretariat_instruments)
    return own


class SubmissionQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        from cmsfamily.reporting.choices import SENT_STATUSES, SubmissionStatus

        scope = _scope(user)
        visible = Q(status=SubmissionStatus.PUBLISHED)
        if not scope.authenticated:
            return self.filter(visible)
        visible |= reporter_q(scope)
        visible |= Q(assignments__user=user)
        sent = Q(status__in=SENT_STATUSES) | Q(versions__isnull=False)
        if scope.cms_secretariat:
            visible |= sent
        elif scope.secretariat_instruments:
            visible |= sent & Q(
                cycle__version__template__instrument__in=scope.secretariat_instruments
            )
        return self.filter(pk__in=self.model.objects.filter(visible).values("pk"))

    def reported_by(self, user):
        """Only the submissions the user reports for (not those they review or contribute to)."""
        return self.filter(reporter_q(_scope(user)))
