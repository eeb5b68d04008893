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


class Measure(models.TextChoices):
    """What an indicator's values count, which bounds them: a count is whole and not negative, a
    percentage lies between 0 and 100, any other number is free."""

    COUNT = "count", _("count")
    PERCENT = "percent", _("percentage")
    NUMBER = "number", _("number")


class Scope(models.TextChoices):
    """Whom an indicator's value is of."""

    FAMILY = "family", _("the CMS Family")
    REGION = "region", _("a CMS region")
    PARTY = "party", _("a Party")
