"""Scoped querysets: published programmes are public; the CMS Secretariat also sees drafts."""

from cmsfamily.core.models import RestrictedQuerySet
from cmsfamily.workplans.choices import ProgrammeStatus

PUBLIC_STATUSES = (ProgrammeStatus.PUBLISHED,)


def _sees_all(user) -> bool:
    from cmsfamily.directory.rules import is_cms_secretariat

    return bool(is_cms_secretariat(user))


class ProgrammeQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if _sees_all(user):
            return self.all()
        return self.filter(status__in=PUBLIC_STATUSES)


class ProgrammePartQuerySet(RestrictedQuerySet):
    """Activities, updates and resource lines follow their programme's visibility."""

    programme_path = "programme"

    def visible_to(self, user):
        if _sees_all(user):
            return self.all()
        return self.filter(**{f"{self.programme_path}__status__in": PUBLIC_STATUSES})


class ActivityQuerySet(ProgrammePartQuerySet):
    programme_path = "programme"


class ActivityPartQuerySet(ProgrammePartQuerySet):
    programme_path = "activity__programme"
