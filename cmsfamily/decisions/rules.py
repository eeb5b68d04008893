"""Who keeps the register and who reports implementation.

The CMS Secretariat keeps the register. An implementation row is updated by its implementer
only: a Party's row by that Party's confirmed NFP or alternate (directory's `acts_for_party`,
so Germany's NFP never touches Kenya's row), a Partner's row by its focal point, an
instrument's row by its secretariat, and the rows of the Convention's bodies by the CMS
Secretariat, which may also correct any row.
"""

import rules

from cmsfamily.decisions.choices import AddresseeKind
from cmsfamily.directory.rules import (
    acts_for_party,
    is_cms_secretariat,
    is_focal_point_of_organisation,
    is_secretariat_of_instrument,
)


@rules.predicate
def implements(user, implementation):
    if implementation is None:
        return False
    if implementation.party_id is not None:
        return acts_for_party(user, implementation.party)
    if implementation.organisation_id is not None:
        return is_focal_point_of_organisation(user, implementation.organisation)
    addressee = implementation.addressee
    if addressee.kind == AddresseeKind.INSTRUMENT:
        return is_secretariat_of_instrument(user, addressee.instrument)
    return False


rules.add_perm("decisions.change_decision", is_cms_secretariat)
rules.add_perm("decisions.change_implementation", is_cms_secretariat | implements)


# -- consultations ------------------------------------------------------------------------------


@rules.predicate
def is_invited(user, consultation):
    """Included by the consultation: as an NFP (all Parties, or a Party of a named region), as
    a Partner's focal point (all Partners, or a named organisation), or by name."""
    from cmsfamily.directory.models import Party
    from cmsfamily.directory.scope import scope_of

    if consultation is None:
        return False
    scope = scope_of(user)
    if not scope.authenticated:
        return False
    if scope.acting_parties and (
        consultation.all_nfps
        or Party.objects.filter(
            pk__in=scope.acting_parties, region__in=consultation.regions.all()
        ).exists()
    ):
        return True
    if scope.organisations and (
        consultation.all_partners
        or consultation.organisations.filter(pk__in=scope.organisations).exists()
    ):
        return True
    return consultation.people.filter(user=user).exists()


@rules.predicate
def is_closed_public(user, consultation):
    from django.utils import timezone

    return (
        consultation is not None and consultation.public and consultation.deadline <= timezone.now()
    )


@rules.predicate
def comments_open_to_commenters(user, consultation):
    from cmsfamily.decisions.choices import CommentVisibility

    return consultation is not None and consultation.visibility == CommentVisibility.COMMENTERS


rules.add_perm("decisions.run_consultation", is_cms_secretariat)
rules.add_perm("decisions.comment", is_invited)
rules.add_perm("decisions.view_consultation", is_cms_secretariat | is_invited | is_closed_public)
rules.add_perm(
    "decisions.view_all_comments",
    is_cms_secretariat | (is_invited & comments_open_to_commenters),
)
