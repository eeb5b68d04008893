"""Scoped querysets: the Strategic Plan, its indicators and the global targets are public."""

from cmsfamily.core.models import RestrictedQuerySet


class PublicQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all()
