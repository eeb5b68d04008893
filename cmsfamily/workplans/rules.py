"""Who may do what with work programmes.

The CMS Secretariat edits programmes and activities; the Partner focal point of an activity's
lead organisation, and the CMS Secretariat, post progress on it. Reading follows the querysets.
"""

import rules

from cmsfamily.directory.rules import is_cms_secretariat, is_focal_point_of_organisation


@rules.predicate
def leads_activity(user, activity):
    return activity is not None and is_focal_point_of_organisation(user, activity.lead)


for perm in (
    "workplans.add_workprogramme",
    "workplans.change_workprogramme",
    "workplans.add_activity",
    "workplans.change_activity",
):
    rules.add_perm(perm, is_cms_secretariat)
rules.add_perm("workplans.post_progress", is_cms_secretariat | leads_activity)
