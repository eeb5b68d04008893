from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentKind(models.TextChoices):
    CONVENTION = "convention", _("Convention")
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of Understanding")
    ACTION_PLAN = "action_plan", _("Action plan")
    INITIATIVE = "initiative", _("Initiative")


class MembershipKind(models.TextChoices):
    PARTY = "party", _("Party")
    SIGNATORY = "signatory", _("Signatory")


class OrganisationKind(models.TextChoices):
    PARTNER_NGO = "partner_ngo", _("Partner NGO")
    IGO = "igo", _("Intergovernmental organisation")
    SECRETARIAT = "secretariat", _("Secretariat")
    MINISTRY = "ministry", _("National ministry or agency")
    OTHER = "other", _("Other organisation")


class Role(models.TextChoices):
    NFP = "nfp", _("National Focal Point")
    ALTERNATE_NFP = "alternate_nfp", _("Alternate National Focal Point")
    SCIENTIFIC_COUNCILLOR = "scientific_councillor", _("Scientific Councillor")
    MOU_FOCAL_POINT = "mou_focal_point", _("MoU focal point")
    AGREEMENT_FOCAL_POINT = "agreement_focal_point", _("Agreement focal point")
    PARTNER_FOCAL_POINT = "partner_focal_point", _("Partner focal point")
    SECRETARIAT_OFFICER = "secretariat_officer", _("Secretariat officer")


# Which roles are held for a Party, for an organisation, and which also name an instrument.
PARTY_ROLES = {
    Role.NFP,
    Role.ALTERNATE_NFP,
    Role.SCIENTIFIC_COUNCILLOR,
    Role.MOU_FOCAL_POINT,
    Role.AGREEMENT_FOCAL_POINT,
}
ORGANISATION_ROLES = {Role.PARTNER_FOCAL_POINT}
INSTRUMENT_ROLES = {Role.MOU_FOCAL_POINT, Role.AGREEMENT_FOCAL_POINT, Role.SECRETARIAT_OFFICER}
# Roles a Party's NFP acts through (nominates, submits reports for the Party).
ACTING_FOR_PARTY_ROLES = {Role.NFP, Role.ALTERNATE_NFP}


class AppointmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    CONFIRMED = "confirmed", _("Confirmed")
    ENDED = "ended", _("Ended")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited availability")
    UNAVAILABLE = "unavailable", _("Not available at present")


class UploadKind(models.TextChoices):
    """The uploads whose refusals are recorded (FailedUpload)."""

    REPORT_WORKBOOK = "report_workbook", _("Report workbook")
    CONTRIBUTIONS = "contributions", _("Contributions workbook")
    SPECIES = "species", _("Species import")
