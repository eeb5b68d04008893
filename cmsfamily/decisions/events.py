from django.utils.translation import gettext_lazy as _

LABELS = {
    "decision.recorded": _("Decision recorded"),
    "decision.status_changed": _("Decision status changed"),
    "implementation.updated": _("Implementation updated"),
    "implementation.evidence_added": _("Evidence added to implementation"),
}
