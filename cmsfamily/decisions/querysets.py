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


class ConsultationQuerySet(RestrictedQuerySet):
    """The Secretariat sees every consultation; a commenter those that include them; everyone
    a public consultation once it has closed."""

    def visible_to(self, user):
        from django.utils import timezone

        from cmsfamily.directory.models import Party
        from cmsfamily.directory.scope import scope_of

        scope = scope_of(user)
        if scope.cms_secretariat:
            return self.all()
        visible = Q(public=True, deadline__lte=timezone.now())
        if scope.authenticated:
            visible |= Q(people__user=user)
            if scope.acting_parties:
                regions = Party.objects.filter(pk__in=scope.acting_parties).values("region")
                visible |= Q(all_nfps=True) | Q(regions__in=regions)
            if scope.organisations:
                visible |= Q(all_partners=True) | Q(organisations__in=scope.organisations)
        return self.filter(pk__in=self.model.objects.filter(visible).values("pk"))
