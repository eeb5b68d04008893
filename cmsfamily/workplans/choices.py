from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    COP_RESOLUTION = "cop_resolution", _("Programme adopted by a COP resolution")
    JOINT_WORK_PLAN = "joint_work_plan", _("Joint work plan with another convention")
    PARTNER_SHARED = "partner_shared", _("Partner's shared work programme")
    AGREEMENT_WORK_PLAN = "agreement_work_plan", _("Agreement's work plan")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", _("closed")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ONGOING = "ongoing", _("ongoing")
    COMPLETED = "completed", _("completed")
    POSTPONED = "postponed", _("postponed")
    CANCELLED = "cancelled", _("cancelled")
    UNKNOWN = "unknown", _("not stated")


class UpdateKind(models.TextChoices):
    SHORT_TERM_PROGRESS = "short_term_progress", _("Short-term progress")
    MEDIUM_TERM_PLAN = "medium_term_plan", _("Medium-term plan")
    PROGRESS = "progress", _("Progress")


class UpdateStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    UNKNOWN = "unknown", _("unknown")


class ResourceType(models.TextChoices):
    CORE_BUDGET = "core_budget", _("Core budget")
    VOLUNTARY_CONTRIBUTION = "voluntary_contribution", _("Voluntary contribution")
    OTHER = "other", _("Other")


class UsedOrNeeded(models.TextChoices):
    USED = "used", _("used")
    NEEDED = "needed", _("needed")
    UNKNOWN = "unknown", _("unknown")
