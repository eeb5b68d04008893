from django.utils.translation import gettext_lazy as _

LABELS = {
    "appointment.nominated": _("Nominated"),
    "appointment.confirmed": _("Confirmed"),
    "appointment.ended": _("Ended"),
    "appointment.area_of_expertise": _("Area of expertise recorded"),
    "membership.added": _("Membership added"),
    "membership.ended": _("Membership ended"),
    "expertise.created": _("Expertise added"),
    "expertise.updated": _("Expertise updated"),
    "organisation.created": _("Organisation added"),
    "organisation.updated": _("Organisation updated"),
    "person.created": _("Person added"),
    "person.updated": _("Contact details saved"),
    "invitation.sent": _("Invitation sent"),
    "invitation.accepted": _("Invitation accepted"),
}
