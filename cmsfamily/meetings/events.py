from django.utils.translation import gettext_lazy as _

LABELS = {
    "meeting.created": _("Meeting created"),
    "meeting.changed": _("Meeting changed"),
    "meeting.document_added": _("Meeting document added"),
    "meeting.document_file_added": _("Meeting document file uploaded"),
    "meeting.agenda_item_added": _("Agenda item added"),
    "meeting.invited": _("Invitations sent"),
    "invitation.replied": _("Invitation answered"),
    "invitation.funding_eligibility": _("Eligibility for funding set"),
    "delegation.named": _("Delegate named"),
    "delegation.funding_requested": _("Funding requested"),
    "delegation.funding_decided": _("Funding decided"),
    "credentials.submitted": _("Credentials submitted"),
    "credentials.examined": _("Credentials examined"),
}
