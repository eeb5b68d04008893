from django.utils.translation import gettext_lazy as _

LABELS = {
    "decision.recorded": _("Decision recorded"),
    "decision.status_changed": _("Decision status changed"),
    "implementation.updated": _("Implementation updated"),
    "implementation.evidence_added": _("Evidence added to implementation"),
}
LABELS.update(
    {
        "consultation.opened": _("Consultation opened"),
        "consultation.version_added": _("New version of the draft"),
        "consultation.commented": _("Comment made"),
        "consultation.comment_resolved": _("Comment resolved"),
        "consultation.adopted": _("Text adopted"),
    }
)
