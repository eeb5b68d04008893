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


class DelegateRole(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    ALTERNATE = "alternate", _("Alternate")
    ADVISER = "adviser", _("Adviser")


class Funding(models.TextChoices):
    NONE = "", _("Not requested")
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Not granted")


class Authority(models.TextChoices):
    HEAD_OF_STATE = "head_of_state", _("Head of State")
    HEAD_OF_GOVERNMENT = "head_of_government", _("Head of Government")
    FOREIGN_MINISTER = "foreign_minister", _("Minister for Foreign Affairs")
    OTHER = "other", _("Other authority")


class Examination(models.TextChoices):
    PENDING = "pending", _("Not examined yet")
    ACCEPTED = "accepted", _("Accepted")
    PROVISIONAL = "provisional", _("Accepted provisionally (a copy; the original to follow)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
