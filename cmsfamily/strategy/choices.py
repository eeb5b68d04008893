from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    """How sure the source is of a fact (a mapping, a goal text), as the reference files word it."""

    CONFIRMED = "confirmed", _("confirmed")
    HIGH = "high", _("high")
    MEDIUM_HIGH = "medium-high", _("medium-high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class MappingKind(models.TextChoices):
    AICHI = "aichi", _("Aichi Targets")
    SDG = "sdg", _("Sustainable Development Goals")
    GBF = "gbf", _("GBF targets")
