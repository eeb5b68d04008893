"""Who sees what of the ledger.

The CMS Secretariat sees everything. A Partner's focal point sees its organisation's entries, and
a Party's National Focal Point or alternate its Party's, in every state; everyone, signed in or
not, sees the validated entries whose contributor agreed to publish them. Assessed contributions
are seen by the CMS Secretariat and by the Party's own focal points only.
"""

from django.db.models import Exists, OuterRef, Q

from cmsfamily.core.models import RestrictedQuerySet


def _scope(user):
    from cmsfamily.directory.rules import is_cms_secretariat
    from cmsfamily.directory.scope import scope_of

    return bool(is_cms_secretariat(user)), scope_of(user)


class ContributionQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        sees_all, scope = _scope(user)
        if sees_all:
            return self.all()
        visible = Q(validated_at__isnull=False, publish=True)
        if scope.organisations:
            visible |= Q(contributor_organisation__in=scope.organisations)
        if scope.acting_parties:
            visible |= Q(contributor_party__in=scope.acting_parties)
        return self.filter(visible)

    def current(self):
        """Entries not replaced by a validated correction: what totals count (an entry keeps
        counting until the Secretariat validates its correction). Written as NOT EXISTS so that
        PostgreSQL plans an anti-join (the LEFT JOIN … IS NULL form made the totals of a million
        entries 2.1× slower than the raw SQL; this form is 1.1×)."""
        replaced = self.model.objects.filter(corrects=OuterRef("pk"), validated_at__isnull=False)
        return self.filter(~Exists(replaced))

    def validated(self):
        return self.filter(validated_at__isnull=False)


class AssessedQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        sees_all, scope = _scope(user)
        if sees_all:
            return self.all()
        return self.filter(party__in=scope.acting_parties)
