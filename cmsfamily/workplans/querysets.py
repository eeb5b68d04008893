"""Scoped querysets: published programmes are public; the CMS Secretariat also sees drafts, and a
Partner's focal point sees its own shared programme in every state."""

from django.db.models import Q

from cmsfamily.core.models import RestrictedQuerySet
from cmsfamily.workplans.choices import ProgrammeKind, ProgrammeStatus

PUBLIC_STATUSES = (ProgrammeStatus.PUBLISHED,)


def _programme_filter(user, prefix: str) -> Q | None:
    """None: everything; otherwise the programmes this user may read."""
    from cmsfamily.directory.rules import is_cms_secretariat
    from cmsfamily.directory.scope import scope_of

    if is_cms_secretariat(user):
        return None
    visible = Q(**{f"{prefix}status__in": PUBLIC_STATUSES})
    organisations = scope_of(user).organisations
    if organisations:
        visible |= Q(
            **{
                f"{prefix}kind": ProgrammeKind.PARTNER_SHARED,
                f"{prefix}partner__in": organisations,
            }
        )
    return visible


class ProgrammeQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        visible = _programme_filter(user, "")
        return self.all() if visible is None else self.filter(visible)


class ProgrammePartQuerySet(RestrictedQuerySet):
    """Activities, updates and resource lines follow their programme's visibility."""

    programme_path = "programme"

    def visible_to(self, user):
        visible = _programme_filter(user, f"{self.programme_path}__")
        return self.all() if visible is None else self.filter(visible)


class ActivityQuerySet(ProgrammePartQuerySet):
    programme_path = "programme"


class ActivityPartQuerySet(ProgrammePartQuerySet):
    programme_path = "activity__programme"
