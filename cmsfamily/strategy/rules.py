"""Who may do what with strategic plans: everyone reads; only the CMS Secretariat edits."""

import rules

from cmsfamily.directory.rules import is_cms_secretariat, is_secretariat

for perm in (
    "strategy.add_strategicplan",
    "strategy.change_strategicplan",
    "strategy.add_goal",
    "strategy.change_goal",
    "strategy.add_target",
    "strategy.change_target",
    "strategy.add_indicator",
    "strategy.change_indicator",
    "strategy.manage_mappings",
    "strategy.set_indicator_value",
):
    rules.add_perm(perm, is_cms_secretariat)
rules.add_perm("strategy.view_history", is_secretariat)
