"""Work programmes: their numbered activity tree, progress updates and resource lines.

Titles, descriptions and texts are translated (modeltranslation adds title_fr, title_es ...), so
their history is registered in apps.ready(), after those fields exist.
"""

import re

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import TimeStampedModel, validate_currency
from cmsfamily.workplans.choices import (
    ActivityStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ResourceType,
    UpdateKind,
    UpdateStatus,
    UsedOrNeeded,
)
from cmsfamily.workplans.querysets import (
    ActivityPartQuerySet,
    ActivityQuerySet,
    ProgrammeQuerySet,
)

NUMBER_PATTERN = r"^\d+(\.\d+)*$"

# The terms the programme documents use for a timeframe, shown in the reader's language; any other
# timeframe ("2012-14") is shown as the document words it.
TIMEFRAME_TERMS = {
    "short-term": _("short-term"),
    "medium-term": _("medium-term"),
    "long-term": _("long-term"),
    "short- and medium-term": _("short- and medium-term"),
}


def sort_key_for(number: str) -> str:
    """'16.2' -> '00016.00002': activities sort 1, 2, ... 10 rather than 1, 10, 2."""
    return ".".join(part.zfill(5) for part in re.findall(r"\d+", number))


class WorkProgramme(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=400)
    kind = models.CharField(_("kind"), max_length=32, choices=ProgrammeKind.choices)
    owner = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_work_programmes",
        verbose_name=_("owner"),
    )
    partner = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shared_work_programmes",
        verbose_name=_("partner organisation"),
    )
    start = models.DateField(_("period start"), null=True, blank=True)
    end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    aichi_targets = models.ManyToManyField(
        "strategy.AichiTarget",
        blank=True,
        related_name="work_programmes",
        verbose_name=_("Aichi Biodiversity Targets"),
    )
    source = models.TextField(_("source"), blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("work programme")
        verbose_name_plural = _("work programmes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplans:programme-detail", args=[self.code])

    @property
    def is_closed(self) -> bool:
        return self.status == ProgrammeStatus.CLOSED


class Activity(TimeStampedModel):
    programme = models.ForeignKey(
        WorkProgramme,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("programme"),
    )
    number = models.CharField(
        _("number"),
        max_length=20,
        validators=[RegexValidator(NUMBER_PATTERN, _("Use numbers separated by dots, e.g. 1.2."))],
    )
    sort_key = models.CharField(max_length=120, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent activity"),
    )
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    timeframe_text = models.CharField(_("timeframe"), max_length=100, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    lead = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_activities",
        verbose_name=_("lead"),
    )
    partners = models.ManyToManyField(
        "directory.Organisation",
        blank=True,
        related_name="partner_in_activities",
        verbose_name=_("partner organisations"),
    )
    partner_parties = models.ManyToManyField(
        "directory.Party",
        blank=True,
        related_name="partner_in_activities",
        verbose_name=_("partner Parties"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.UNKNOWN
    )
    targets = models.ManyToManyField(
        "strategy.Target",
        blank=True,
        related_name="activities",
        verbose_name=_("Strategic Plan targets"),
    )
    aichi_targets = models.ManyToManyField(
        "strategy.AichiTarget",
        blank=True,
        related_name="activities",
        verbose_name=_("Aichi Biodiversity Targets"),
    )
    source = models.TextField(_("source"), blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "sort_key"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="workplans_activity_unique_number"
            )
        ]

    @property
    def timeframe_label(self) -> str:
        """The stated timeframe in the reader's language where it is one of the documents' terms."""
        return str(TIMEFRAME_TERMS.get(self.timeframe_text, self.timeframe_text))

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("workplans:activity-detail", args=[self.programme.code, self.number])


class ProgressUpdate(TimeStampedModel):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="updates", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=UpdateKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.UNKNOWN
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    source = models.TextField(_("source"), blank=True)

    objects = ActivityPartQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "kind", "-date", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self):
        return f"{self.activity.number}: {self.get_kind_display()}"


class ResourceLine(TimeStampedModel):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="resources", verbose_name=_("activity")
    )
    description = models.TextField(_("description"))
    type = models.CharField(_("type"), max_length=32, choices=ResourceType.choices)
    used_or_needed = models.CharField(
        _("used or needed"),
        max_length=16,
        choices=UsedOrNeeded.choices,
        default=UsedOrNeeded.UNKNOWN,
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, null=True, blank=True, validators=[validate_currency]
    )
    secured = models.BooleanField(_("secured"), null=True, blank=True)
    budget_line = models.CharField(_("budget line"), max_length=200, blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = ActivityPartQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("resource line")
        verbose_name_plural = _("resource lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="workplans_resource_amount_not_negative",
            )
        ]

    def __str__(self):
        return self.description
