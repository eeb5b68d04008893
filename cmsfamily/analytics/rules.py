"""Which blocks of the start page a person gets, and who sees the duties of which Party. Roles
follow confirmed, current appointments (directory/scope.py); a person with several roles gets
every block they hold."""

import rules

from cmsfamily.directory.rules import (
    acts_for_party,
    is_cms_secretariat,
    is_focal_point_of_organisation,
    is_secretariat,
)
from cmsfamily.directory.scope import scope_of


@rules.predicate
def acts_for_a_party(user):
    return bool(scope_of(user).acting_parties)


rules.add_perm("analytics.view_party_desk", acts_for_party)
rules.add_perm("analytics.view_partner_desk", is_focal_point_of_organisation)
rules.add_perm("analytics.view_review_queue", is_secretariat)
# The duties of Parties: the Family-wide table is the CMS Secretariat's (it holds the assessed
# contributions, which the ledger shows to no one else); a Party's NFP or alternate sees its own
# Party's row, on the duties page and on the Party's page.
rules.add_perm("analytics.view_duties", is_cms_secretariat | acts_for_a_party)
rules.add_perm("analytics.view_party_duties", is_cms_secretariat | acts_for_party)


# The State of the CMS Family report: the CMS Secretariat drafts, reviews and publishes editions;
# everyone, signed in or not, reads the published ones.
@rules.predicate
def is_published_edition(user, edition):
    return edition is not None and edition.is_published


rules.add_perm("analytics.manage_editions", is_cms_secretariat)
rules.add_perm("analytics.view_edition", is_published_edition | is_cms_secretariat)
