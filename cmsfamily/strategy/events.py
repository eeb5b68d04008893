from django.utils.translation import gettext_lazy as _

LABELS = {
    "indicator.created": _("Indicator added"),
    "indicator.updated": _("Indicator updated"),
    "mapping.added": _("Mapping added"),
    "mapping.removed": _("Mapping removed"),
}
