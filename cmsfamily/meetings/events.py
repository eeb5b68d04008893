from django.utils.translation import gettext_lazy as _

LABELS = {
    "meeting.created": _("Meeting created"),
    "meeting.changed": _("Meeting changed"),
    "meeting.document_added": _("Meeting document added"),
    "meeting.document_file_added": _("Meeting document file uploaded"),
    "meeting.agenda_item_added": _("Agenda item added"),
    "meeting.invited": _("Invitations sent"),
    "invitation.replied": _("Invitation answered"),
}
