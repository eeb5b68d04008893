from django.utils.translation import gettext_lazy as _

LABELS = {
    "plan.created": _("Strategic plan created"),
    "plan.changed": _("Strategic plan changed"),
    "goal.added": _("Goal added"),
    "goal.changed": _("Goal changed"),
    "target.added": _("Target added"),
    "target.changed": _("Target changed"),
    "indicator.created": _("Indicator added"),
    "indicator.updated": _("Indicator updated"),
    "indicator_value.set": _("Indicator value entered"),
    "indicator_value.corrected": _("Indicator value corrected"),
    "indicator_value.cleared": _("Indicator value removed"),
    "mapping.added": _("Mapping added"),
    "mapping.removed": _("Mapping removed"),
}
