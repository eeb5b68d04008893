from django.utils.translation import gettext_lazy as _

LABELS = {
    "question.created": _("Question added to the bank"),
    "question.changed": _("Question changed"),
    "question.tagged": _("Question tagged with Strategic Plan targets"),
    "question.meanings": _("Meaning of the options changed"),
    "template.created": _("Template created"),
    "template.versioned": _("New template version"),
    "template.conditions": _("Conditions of a template changed"),
    "cycle.created": _("Reporting cycle created"),
    "cycle.open": _("Reporting cycle opened"),
    "cycle.closed": _("Reporting cycle closed"),
    "submission.submitted": _("Report submitted"),
    "submission.draft": _("Report recalled"),
    "submission.returned": _("Report returned for changes"),
    "submission.accepted": _("Report accepted"),
    "submission.published": _("Report published"),
    "submission.assigned": _("Section assigned"),
    "submission.unassigned": _("Section assignment ended"),
    "submission.commented": _("Review comment"),
}
