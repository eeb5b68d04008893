"""Who may do what with work programmes.

The CMS Secretariat creates and edits programmes and their activities. The focal point of the
Partner organisation of a shared work programme (seed 003) edits that programme's activities,
and sees it while it is still a draft; no other programme. The lead organisation's focal point
and the CMS Secretariat post progress on an activity. Reading follows the querysets.
"""

import rules

from cmsfamily.directory.rules import is_cms_secretariat, is_focal_point_of_organisation
from cmsfamily.workplans.choices import ProgrammeKind


@rules.predicate
def leads_activity(user, activity):
    return activity is not None and is_focal_point_of_organisation(user, activity.lead)


@rules.predicate
def is_partner_of_programme(user, obj):
    """obj: a programme, or an activity of it."""
    programme = getattr(obj, "programme", obj)
    return (
        programme is not None
        and programme.kind == ProgrammeKind.PARTNER_SHARED
        and is_focal_point_of_organisation(user, programme.partner)
    )


rules.add_perm("workplans.add_workprogramme", is_cms_secretariat)
rules.add_perm("workplans.change_workprogramme", is_cms_secretariat)
rules.add_perm("workplans.add_activity", is_cms_secretariat | is_partner_of_programme)
rules.add_perm("workplans.change_activity", is_cms_secretariat | is_partner_of_programme)
rules.add_perm("workplans.post_progress", is_cms_secretariat | leads_activity)
