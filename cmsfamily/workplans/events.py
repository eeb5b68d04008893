from django.utils.translation import gettext_lazy as _

LABELS = {
    "activity.created": _("Activity added"),
    "activity.moved": _("Activity moved"),
    "progress.posted": _("Progress posted"),
    "resource.added": _("Resource line added"),
}
