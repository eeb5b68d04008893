from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    COP = "cop", _("Conference of the Parties")
    STANDING_COMMITTEE = "stc", _("Standing Committee")
    SCIENTIFIC_COUNCIL = "scc", _("Scientific Council")
    MOP = "mop", _("Meeting of the Parties of an Agreement")
    MOS = "mos", _("Meeting of the Signatories of a MoU")
    WORKSHOP = "workshop", _("Workshop or expert meeting")
    PARTNER = "partner", _("Partner meeting")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid (in person and remote)")


class InviteeKind(models.TextChoices):
    PARTY = "party", _("Party")
    PARTNER = "partner", _("Partner organisation")


class Reply(models.TextChoices):
    ATTEND = "attend", _("Will attend")
    DECLINE = "decline", _("Will not attend")
    FORWARDED = "forwarded", _("Forwarded")
