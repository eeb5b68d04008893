"""The State of the CMS Family report: editions and their chapters (issue 18). Everything else in
analytics is read from the other apps; an edition is the one thing analytics keeps, because a
published edition must not change when the reports it rests on do."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cmsfamily.core.models import TimeStampedModel


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class ChapterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready")


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EditionStatus.PUBLISHED)


class Edition(TimeStampedModel):
    """One edition of the report: the closed cycles whose deadline falls in its period, the
    figures generated from them (`content`, with its SHA-256), and once published the figures
    and texts frozen as they were (`frozen`)."""

    title = models.CharField(_("title"), max_length=300)
    symbol = models.CharField(
        _("document symbol"), max_length=80, help_text=_("E.g. UNEP/CMS/COP14/Doc.24.")
    )
    period_start = models.DateField(
        _("cycles with a deadline from"),
    )
    period_end = models.DateField(_("cycles with a deadline until"))
    status = models.CharField(
        _("status"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    content = models.JSONField(_("generated figures"), default=dict, blank=True, editable=False)
    content_hash = models.CharField(_("SHA-256 of the figures"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    frozen = models.JSONField(_("frozen content"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EditionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["content", "frozen"])

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="edition_period_ordered",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("editions:edition", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED


class Chapter(TimeStampedModel):
    """A chapter: the overview, a goal or a target of the Strategic Plan, with the Secretariat's
    text in the three languages around its generated figures."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("edition")
    )
    key = models.SlugField(_("key"), max_length=20)  # "overview", "goal-1", "target-10"
    order = models.PositiveSmallIntegerField(_("order"))
    goal = models.ForeignKey(
        "strategy.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal"),
    )
    target = models.ForeignKey(
        "strategy.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target"),
    )
    text_en = models.TextField(_("text in English"), blank=True)
    text_fr = models.TextField(_("text in French"), blank=True)
    text_es = models.TextField(_("text in Spanish"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ChapterStatus.choices, default=ChapterStatus.DRAFT
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="one_chapter_key_per_edition")
        ]

    def __str__(self):
        return self.key

    def text(self, language: str) -> str:
        return getattr(self, f"text_{language}", "") or ""
