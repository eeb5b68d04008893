"""Strategic plans (goals, targets, indicators) and their mappings to Aichi Targets, SDGs and GBF targets.

Models with translated fields get their history in apps.ready(), after modeltranslation has
added the xx_fr/xx_es fields, so that translations are tracked too.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.strategy.choices import Confidence, MappingKind, Measure, Scope
from cmsfamily.strategy.querysets import PublicQuerySet


class GlobalTarget(TimeStampedModel):
    """A target of a global framework that a plan's targets are mapped to."""

    kind: str = ""
    label_template = _("%(number)s")

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_title = models.CharField(_("short title"), max_length=250)
    source = models.TextField(_("source"), blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_template % {"number": self.number}


class AichiTarget(GlobalTarget):
    kind = MappingKind.AICHI
    label_template = _("Aichi %(number)s")

    strategic_goal = models.CharField(_("strategic goal"), max_length=1)

    class Meta(GlobalTarget.Meta):
        verbose_name = _("Aichi Biodiversity Target")
        verbose_name_plural = _("Aichi Biodiversity Targets")


class SustainableDevelopmentGoal(GlobalTarget):
    kind = MappingKind.SDG
    label_template = _("SDG %(number)s")

    class Meta(GlobalTarget.Meta):
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")


class GbfTarget(GlobalTarget):
    kind = MappingKind.GBF
    label_template = _("GBF %(number)s")

    confidence = models.CharField(_("confidence of the short title"), max_length=20, blank=True)

    class Meta(GlobalTarget.Meta):
        verbose_name = _("GBF target")
        verbose_name_plural = _("GBF targets")


class StrategicPlan(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=250)
    adopted_by = models.CharField(_("adopted by"), max_length=250, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    source = models.TextField(_("source"), blank=True)
    successor_note = models.TextField(_("successor"), blank=True)
    is_current = models.BooleanField(_("current plan"), default=False)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="strategic_plan_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("strategy:plan-detail", args=[self.code])


class Goal(TimeStampedModel):
    plan = models.ForeignKey(
        StrategicPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    confidence = models.CharField(
        _("confidence of the text"), max_length=20, choices=Confidence.choices, blank=True
    )
    source = models.TextField(_("source"), blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_goal_number_per_plan")
        ]

    def __str__(self):
        return _("Goal %(number)s") % {"number": self.number}


class Target(TimeStampedModel):
    plan = models.ForeignKey(
        StrategicPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="targets", verbose_name=_("goal")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("official text"))
    source = models.TextField(_("source"), blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_target_number_per_plan")
        ]

    def __str__(self):
        return _("Target %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("strategy:target-detail", args=[self.plan.code, self.number])


class Indicator(TimeStampedModel):
    """An indicator of a target. Entered by the Secretariat; none is loaded or invented."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("target")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    measure = models.CharField(
        _("kind of value"),
        max_length=10,
        choices=Measure.choices,
        default=Measure.NUMBER,
        help_text=_("A count is whole and not negative; a percentage lies between 0 and 100."),
    )
    data_source = models.TextField(_("data source"), blank=True)
    baseline = models.CharField(_("baseline"), max_length=200, blank=True)
    responsible_body = models.CharField(_("responsible body"), max_length=200, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["target", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["target", "code"], name="one_indicator_code_per_target")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class IndicatorValue(TimeStampedModel):
    """The value of an indicator in a year, for the Family, a CMS region or a Party, entered by
    the Secretariat. Values derived from reports are computed when read (analytics), never stored."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("of"), max_length=10, choices=Scope.choices)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("CMS region"),
    )
    party = models.ForeignKey(
        "directory.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("Party"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    history = HistoricalRecords()

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year", "scope"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope=Scope.FAMILY, region__isnull=True, party__isnull=True)
                    | models.Q(scope=Scope.REGION, region__isnull=False, party__isnull=True)
                    | models.Q(scope=Scope.PARTY, region__isnull=True, party__isnull=False)
                ),
                name="indicator_value_of_one_scope",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(scope=Scope.FAMILY),
                name="one_family_value_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "region"],
                condition=models.Q(scope=Scope.REGION),
                name="one_region_value_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "party"],
                condition=models.Q(scope=Scope.PARTY),
                name="one_party_value_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}"

    @property
    def whom(self):
        """The Party, the region, or None for the Family."""
        return self.party or self.region


class TargetLink(TimeStampedModel):
    """A target of a plan mapped to a global target, with the confidence and source of the mapping."""

    confidence = models.CharField(_("confidence"), max_length=20, choices=Confidence.choices)
    source = models.TextField(_("source"))

    objects = PublicQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.target} → {self.global_target}"


class TargetAichiLink(TargetLink):
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="aichi_links", verbose_name=_("target")
    )
    global_target = models.ForeignKey(
        AichiTarget,
        on_delete=models.PROTECT,
        related_name="target_links",
        verbose_name=_("Aichi Target"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "global_target__number"]
        verbose_name = _("mapping to an Aichi Target")
        verbose_name_plural = _("mappings to Aichi Targets")
        constraints = [
            models.UniqueConstraint(fields=["target", "global_target"], name="one_aichi_link")
        ]


class TargetSdgLink(TargetLink):
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="sdg_links", verbose_name=_("target")
    )
    global_target = models.ForeignKey(
        SustainableDevelopmentGoal,
        on_delete=models.PROTECT,
        related_name="target_links",
        verbose_name=_("SDG"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "global_target__number"]
        verbose_name = _("mapping to an SDG")
        verbose_name_plural = _("mappings to SDGs")
        constraints = [
            models.UniqueConstraint(fields=["target", "global_target"], name="one_sdg_link")
        ]


class TargetGbfLink(TargetLink):
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="gbf_links", verbose_name=_("target")
    )
    global_target = models.ForeignKey(
        GbfTarget,
        on_delete=models.PROTECT,
        related_name="target_links",
        verbose_name=_("GBF target"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "global_target__number"]
        verbose_name = _("mapping to a GBF target")
        verbose_name_plural = _("mappings to GBF targets")
        constraints = [
            models.UniqueConstraint(fields=["target", "global_target"], name="one_gbf_link")
        ]


# kind -> (link model, global target model, related name on Target)
MAPPINGS: dict[str, tuple[Any, Any, str]] = {
    MappingKind.AICHI: (TargetAichiLink, AichiTarget, "aichi_links"),
    MappingKind.SDG: (TargetSdgLink, SustainableDevelopmentGoal, "sdg_links"),
    MappingKind.GBF: (TargetGbfLink, GbfTarget, "gbf_links"),
}
