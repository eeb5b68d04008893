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
