"""Scoped querysets. The species table is public reference data: everyone sees all of it."""

from cmsfamily.core.models import RestrictedQuerySet


class ReferenceQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()


class SpeciesImportQuerySet(RestrictedQuerySet):
    """Who imported what: for those who may import."""

    def visible_to(self, user):
        if user is not None and user.has_perm("species.import_taxa"):
            return self.all()
        return self.none()
