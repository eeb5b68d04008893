"""Which blocks of the start page a person gets. Roles follow confirmed, current appointments
(directory/scope.py); a person with several roles gets every block they hold."""

import rules

from cmsfamily.directory.rules import acts_for_party, is_focal_point_of_organisation, is_secretariat

rules.add_perm("analytics.view_party_desk", acts_for_party)
rules.add_perm("analytics.view_partner_desk", is_focal_point_of_organisation)
rules.add_perm("analytics.view_review_queue", is_secretariat)
