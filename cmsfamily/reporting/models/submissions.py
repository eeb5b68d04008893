"""What reporters give: cycles on a frozen template version, one submission per reporter, its
loop items, answers, section assignments, immutable versions and review comments.

Every model is imported from the package, ``cmsfamily.reporting.models``."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.reporting.choices import CycleStatus, ExpectedReporters, SubmissionStatus
from cmsfamily.reporting.models.templates import Question, Section, TemplateVersion
from cmsfamily.reporting.querysets import CycleQuerySet, SubmissionQuerySet


class Cycle(TimeStampedModel):
    """A reporting round: one frozen template version, a period, an opening date and a deadline."""

    slug = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("template version"),
    )
    period_start = models.DateField(_("period covered from"))
    period_end = models.DateField(_("period covered until"))
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    deadline_rule = models.TextField(
        _("how the deadline was set"),
        blank=True,
        help_text=_("E.g. six months before the opening of COP14 (Resolution 12.5)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.PLANNED
    )
    expected = models.CharField(
        _("expected reporters"), max_length=20, choices=ExpectedReporters.choices
    )
    reminder_days = models.JSONField(
        _("reminders (days before the deadline)"), default=list, blank=True
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "slug"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="cycle_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")), name="cycle_deadline_after_opening"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reporting:cycle", args=[self.slug])


class Submission(TimeStampedModel):
    """One reporter's report to one cycle: a Party, or an organisation (Partner, Agreement)."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("cycle")
    )
    party = models.ForeignKey(
        "directory.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("Party"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.NOT_STARTED,
        db_index=True,
    )
    language = models.CharField(
        _("language of the report"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    review_note = models.TextField(_("the Secretariat's note on returning it"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=True, organisation__isnull=False)
                | Q(party__isnull=False, organisation__isnull=True),
                name="submission_one_reporter",
            ),
            models.UniqueConstraint(
                fields=["cycle", "party"],
                condition=Q(party__isnull=False),
                name="submission_party_unique",
            ),
            models.UniqueConstraint(
                fields=["cycle", "organisation"],
                condition=Q(organisation__isnull=False),
                name="submission_organisation_unique",
            ),
        ]

    def __str__(self):
        return f"{self.reporter} — {self.cycle}"

    @property
    def reporter(self):
        return self.party if self.party_id else self.organisation

    def get_absolute_url(self):
        return reverse("reporting:submission", args=[self.pk])


class LoopEntry(models.Model):
    """An item a reporter added to a repeated section (a site), or a species it reports on."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="loop_entries"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=80)
    label = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["submission", "section", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "section", "key"], name="loop_entry_unique"
            )
        ]
        verbose_name = _("item added by the reporter")
        verbose_name_plural = _("items added by the reporter")

    def __str__(self):
        return self.label


WRITE_KEY_LENGTH = 80  # the longest idempotency key a client may send with a write


class Answer(models.Model):
    """A typed answer to a bank question, per loop item. ``revision`` guards against lost updates:
    a write names the revision it read, and is refused when that is no longer the current one."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", verbose_name=_("submission")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    loop_key = models.CharField(_("loop item"), max_length=80, blank=True, default="")
    value = models.JSONField(_("answer"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    carried_from = models.ForeignKey(
        Cycle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried forward from"),
    )
    # The idempotency key the client sent with the write that made this revision: the same
    # client retrying the same write with it is answered as the first time, not as a conflict.
    write_key = models.CharField(
        _("key of the last write"), max_length=WRITE_KEY_LENGTH, blank=True, default=""
    )

    history = HistoricalRecords(excluded_fields=["write_key"])

    class Meta:
        ordering = ["submission", "question", "loop_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question", "loop_key"], name="answer_unique"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.question.code}[{self.loop_key}]"


class SectionAssignment(models.Model):
    """A contributor (a Scientific Councillor, an MoU focal point) drafting one section."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_assignments",
        verbose_name=_("contributor"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "section", "user"], name="assignment_unique"
            )
        ]
        verbose_name = _("section assignment")
        verbose_name_plural = _("section assignments")

    def __str__(self):
        return f"{self.user} — {self.section}"


class SubmissionVersion(models.Model):
    """What was submitted, frozen: the answers as JSON, with their SHA-256. Never changed."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    content_hash = models.CharField(
        _("content hash (SHA-256)"),
        max_length=64,
        validators=[RegexValidator(r"^[0-9a-f]{64}$")],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    language = models.CharField(_("language"), max_length=5)

    class Meta:
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_number_unique")
        ]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")

    def __str__(self):
        return f"{self.submission} v{self.number}"


class ReviewComment(models.Model):
    """The Secretariat's (or the reporter's) comment on one answer, threaded by ``parent``."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    loop_key = models.CharField(max_length=80, blank=True, default="")
    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=10_000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "created", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return self.text[:80]
