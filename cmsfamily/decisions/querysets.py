"""The register is public; implementation rows are read by the CMS Secretariat, and by each
implementer for its own rows (a Party's NFP, a Partner's focal point, an instrument's
secretariat)."""

from django.db.models import Q

from cmsfamily.core.models import RestrictedQuerySet


class DecisionQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()


class ParagraphQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()


class ImplementationQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        from cmsfamily.directory.scope import scope_of

        scope = scope_of(user)
        if scope.cms_secretariat:
            return self.all()
        if not scope.authenticated:
            return self.none()
        return self.filter(
            Q(party__in=scope.acting_parties)
            | Q(organisation__in=scope.organisations)
            | Q(addressee__instrument__in=scope.secretariat_instruments)
        )
