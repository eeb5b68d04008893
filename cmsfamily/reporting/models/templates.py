"""The question bank and the templates that ask it: questions and their options, templates and
their versions, sections, items (a bank question placed in a section) and validation rules.

A version freezes once a cycle uses it. Every model is imported from the package,
``cmsfamily.reporting.models``."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.reporting.choices import (
    LoopKind,
    QuestionKind,
    ReporterKind,
    RuleKind,
    VersionStatus,
)
from cmsfamily.reporting.querysets import QuestionQuerySet, TemplateQuerySet

CODE_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
code_validator = RegexValidator(
    CODE_PATTERN, _("Use lower-case letters, digits, dots, hyphens and underscores.")
)


class Question(TimeStampedModel):
    """A question of the shared bank: its text, type, bounds and tags, whatever template uses it."""

    code = models.CharField(_("code"), max_length=80, unique=True, validators=[code_validator])
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("guidance"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    min_value = models.DecimalField(
        _("lowest value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_length = models.PositiveIntegerField(
        _("longest answer (characters)"), null=True, blank=True
    )
    pattern = models.CharField(_("pattern the answer must match"), max_length=200, blank=True)
    pattern_message = models.CharField(
        _("message when the pattern does not match"), max_length=300, blank=True
    )
    allow_many = models.BooleanField(
        _("several may be chosen"),
        default=False,
        help_text=_("For the pickers of Parties, species, targets and activities."),
    )
    columns = models.JSONField(
        _("table columns"),
        default=list,
        blank=True,
        help_text=_(
            'For tables: [{"key": "site", "kind": "short_text", "label": {"en": "Site"}}].'
        ),
    )
    is_draft_text = models.BooleanField(
        _("draft text"),
        default=False,
        help_text=_("Drafted for the Secretariat to complete: never presented as official text."),
    )
    source = models.TextField(_("source"), blank=True)
    targets = models.ManyToManyField(
        "strategy.Target", blank=True, related_name="report_questions", verbose_name=_("targets")
    )
    meanings = models.JSONField(
        _("what the options mean"),
        default=dict,
        blank=True,
        help_text=_(
            "For choice questions: each option's meaning for the question's targets "
            "(implementation, none, not applicable), by its stored value."
        ),
    )
    indicators = models.ManyToManyField(
        "strategy.Indicator",
        blank=True,
        related_name="report_questions",
        verbose_name=_("indicators"),
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_bounds_ordered",
            )
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:80]}"


class Option(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    value = models.CharField(_("stored value"), max_length=80, validators=[code_validator])
    label = models.CharField(_("label"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="option_value_unique")
        ]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.label


class Template(TimeStampedModel):
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    instrument = models.ForeignKey(
        "directory.Instrument",
        on_delete=models.PROTECT,
        related_name="report_templates",
        verbose_name=_("instrument"),
    )
    reporter_kind = models.CharField(
        _("for"), max_length=20, choices=ReporterKind.choices, default=ReporterKind.PARTY
    )
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reporting:template", args=[self.slug])


class TemplateVersion(TimeStampedModel):
    """A numbered version of a template; frozen when a cycle uses it, and never edited after."""

    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="versions", verbose_name=_("template")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    frozen_at = models.DateTimeField(_("frozen on"), null=True, blank=True)
    note = models.TextField(_("what changed"), blank=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_unique")
        ]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")

    def __str__(self):
        return f"{self.template} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.FROZEN

    def get_absolute_url(self):
        return reverse("reporting:version", args=[self.template.slug, self.number])


class Section(models.Model):
    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("template version"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("within"),
    )
    number = models.CharField(_("number"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    intro = models.TextField(_("introduction"), blank=True)
    loop = models.CharField(
        _("repeated for"),
        max_length=20,
        choices=LoopKind.choices,
        default=LoopKind.NONE,
        blank=True,
    )
    loop_items = models.JSONField(
        _("items of the fixed list"),
        default=list,
        blank=True,
        help_text=_('[{"key": "birds", "label": {"en": "Birds", "fr": "Oiseaux"}}]'),
    )
    loop_programme = models.ForeignKey(
        "workplans.WorkProgramme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work programme of the activities"),
    )
    # A condition of the condition language (``conditions``): the text as written and its checked,
    # annotated tree, which is what is evaluated. The section and all it holds are shown only
    # when it holds.
    shown_when = models.TextField(_("shown when (expression)"), blank=True)
    shown_when_tree = models.JSONField(
        _("checked condition"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="section_number_unique")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return f"{self.number} {self.title}"


class Item(models.Model):
    """A bank question placed in a section, with its number, requirement and conditions there."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="items", verbose_name=_("question")
    )
    number = models.CharField(_("number"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=False)
    # {"question": "<code>", "equals": <value>} or {"question": "<code>", "in": [...]}: the conditions
    # as an imported file or the API gave them, kept as given (the API shows them). What is
    # evaluated is the checked form below, converted from them (``conditions.from_legacy``) or
    # written as an expression.
    show_if = models.JSONField(_("shown when"), null=True, blank=True)
    require_if = models.JSONField(_("required when"), null=True, blank=True)
    # Conditions of the condition language (``conditions``): the text as written and its checked,
    # annotated tree.
    shown_when = models.TextField(_("shown when (expression)"), blank=True)
    shown_when_tree = models.JSONField(
        _("checked condition"), null=True, blank=True, editable=False
    )
    required_when = models.TextField(_("required when (expression)"), blank=True)
    required_when_tree = models.JSONField(
        _("checked condition"), null=True, blank=True, editable=False
    )
    # "Valid when" (XLSForm's constraint): "." is the answer being checked; what a report that
    # breaks it is told, by language ({"en": ..., "fr": ...}), or the condition in words.
    valid_when = models.TextField(_("valid when (expression)"), blank=True)
    valid_when_tree = models.JSONField(
        _("checked condition"), null=True, blank=True, editable=False
    )
    valid_message = models.JSONField(_("message when not valid"), default=dict, blank=True)

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "question"], name="item_question_unique")
        ]
        verbose_name = _("question of a section")
        verbose_name_plural = _("questions of sections")

    def __str__(self):
        return f"{self.number} {self.question.code}"


class ValidationRule(models.Model):
    """A check across questions of one version, e.g. the parts add up to at most the total."""

    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("template version"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    # parts_le_total: {"parts": ["code", ...], "total": "code"}; at_most: {"left": "code", "right": "code"}
    operands = models.JSONField(_("questions"))
    message = models.CharField(_("message"), max_length=300)

    class Meta:
        ordering = ["version", "pk"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self):
        return self.message
