"""Who may do what in the ledger.

A Partner's focal point logs and edits its own organisation's contributions until they are
validated; a Party's NFP or alternate its Party's. The CMS Secretariat logs for anyone, validates,
keeps the valuation rules and the assessed contributions and records payments.
"""

import rules

from cmsfamily.directory.rules import (
    acts_for_party,
    is_cms_secretariat,
    is_focal_point_of_organisation,
)


@rules.predicate
def is_own_contribution(user, contribution):
    if contribution is None:
        return False
    if contribution.contributor_organisation_id:
        return is_focal_point_of_organisation(user, contribution.contributor_organisation)
    return acts_for_party(user, contribution.contributor_party)


@rules.predicate
def is_not_validated(user, contribution):
    return contribution is not None and not contribution.is_validated


@rules.predicate
def may_log(user):
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(user)
    return bool(scope.organisations or scope.acting_parties)


rules.add_perm("contributions.add_contribution", is_cms_secretariat | may_log)
rules.add_perm(
    "contributions.change_contribution",
    is_not_validated & (is_cms_secretariat | is_own_contribution),
)
rules.add_perm("contributions.validate_contribution", is_cms_secretariat)
rules.add_perm("contributions.correct_contribution", is_cms_secretariat | is_own_contribution)
rules.add_perm("contributions.add_valuationrule", is_cms_secretariat)
rules.add_perm("contributions.manage_assessed", is_cms_secretariat)
# An entry's change history and its evidence document (which may be an invoice or a contract) are
# for the contributor's own focal points and the CMS Secretariat, not for everyone who sees it.
rules.add_perm("contributions.view_history", is_cms_secretariat | is_own_contribution)
rules.add_perm("contributions.view_evidence", is_cms_secretariat | is_own_contribution)
