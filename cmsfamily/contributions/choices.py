from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MONEY = "money", _("Money")
    IN_KIND = "in_kind", _("In-kind goods or services")
    STAFF_TIME = "staff_time", _("Staff time")
    MEETING_ATTENDANCE = "meeting_attendance", _("Meeting attendance")
    HOSTING = "hosting", _("Hosting an event")


# The kinds measured in days and valued by a rule; money and in-kind are stated as amounts.
VALUED_BY_RULE = (Kind.STAFF_TIME, Kind.MEETING_ATTENDANCE, Kind.HOSTING)


class Status(models.TextChoices):
    PLEDGED = "pledged", _("pledged")
    RECEIVED = "received", _("received")
    SPENT = "spent", _("spent")


class PaymentStatus(models.TextChoices):
    PAID = "paid", _("paid")
    PARTLY_PAID = "partly_paid", _("partly paid")
    UNPAID = "unpaid", _("unpaid")
