"""The register of decisions: Resolutions, Decisions and Recommendations, their operative
paragraphs with addressees, and each addressee's implementation of each paragraph.

What the sources do not give (a decision's full text, its date) stays empty and is named in
`gaps`, never filled in by guess.
"""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.decisions.choices import (
    AddresseeKind,
    BlockKind,
    Body,
    CommentKind,
    CommentVisibility,
    DecisionKind,
    DecisionStatus,
    EvidenceKind,
    ImplementationStatus,
    Resolution,
)
from cmsfamily.decisions.querysets import (
    ConsultationQuerySet,
    DecisionQuerySet,
    ImplementationQuerySet,
    ParagraphQuerySet,
)

NUMBER = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\-/() ]{0,39}$",
    _("Use letters, digits, dots and hyphens, e.g. 10.9 or R.3."),
)


def sort_key_for(number: str) -> str:
    """'10.9' before '10.10'; letters keep their place ('R.10' after 'R.9')."""
    return ".".join(
        part.zfill(5) if part.isdigit() else part.lower()
        for part in re.findall(r"\d+|[A-Za-z]+", number)
    )


class Decision(TimeStampedModel):
    slug = models.SlugField(_("short code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DecisionKind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True, validators=[NUMBER])
    sort_key = models.CharField(max_length=120, editable=False, db_index=True, default="")
    title = models.CharField(_("title"), max_length=400, blank=True)
    body = models.CharField(_("adopted by"), max_length=24, choices=Body.choices)
    instrument = models.ForeignKey(
        "directory.Instrument",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("instrument"),
        null=True,
        blank=True,
    )
    meeting = models.CharField(_("meeting"), max_length=200, blank=True)
    meeting_date = models.DateField(_("date of the meeting"), null=True, blank=True)
    adopted_on = models.DateField(_("date adopted"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.IN_FORCE
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    text = models.TextField(_("text"), blank=True)
    source = models.TextField(_("source"), blank=True)
    gaps = models.TextField(_("not given by the sources"), blank=True)
    programme = models.ForeignKey(
        "workplans.WorkProgramme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("work programme"),
    )
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["body", "kind", "sort_key", "slug"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        if self.number:
            return f"{self.get_kind_display()} {self.number}: {self.title}"
        return self.title

    def save(self, *args, **kwargs):
        self.sort_key = sort_key_for(self.number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("decisions:decision-detail", args=[self.slug])

    @property
    def display_title(self):
        return self.title or _("Title not given by the sources")


class OperativeParagraph(TimeStampedModel):
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="paragraphs", verbose_name=_("decision")
    )
    number = models.CharField(_("number"), max_length=40, validators=[NUMBER])
    sort_key = models.CharField(max_length=120, editable=False, db_index=True, default="")
    text = models.TextField(_("text"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_rule = models.CharField(_("deadline rule"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)
    gaps = models.TextField(_("not given by the sources"), blank=True)
    activity = models.ForeignKey(
        "workplans.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operative_paragraphs",
        verbose_name=_("activity"),
    )
    history = HistoricalRecords()

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="decisions_paragraph_once")
        ]
        verbose_name = _("operative paragraph")
        verbose_name_plural = _("operative paragraphs")

    def __str__(self):
        return f"{self.decision.number or self.decision.slug} ¶{self.number}"

    def save(self, *args, **kwargs):
        self.sort_key = sort_key_for(self.number)
        super().save(*args, **kwargs)


class Addressee(models.Model):
    """A body a paragraph asks to act: Parties, the Secretariat, ... or a named instrument."""

    paragraph = models.ForeignKey(
        OperativeParagraph, on_delete=models.CASCADE, related_name="addressees"
    )
    kind = models.CharField(_("addressee"), max_length=24, choices=AddresseeKind.choices)
    instrument = models.ForeignKey(
        "directory.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instrument"),
    )

    class Meta:
        ordering = ["paragraph", "kind", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["paragraph", "kind"],
                condition=models.Q(instrument__isnull=True),
                name="decisions_addressee_body_once",
            ),
            models.UniqueConstraint(
                fields=["paragraph", "instrument"],
                condition=models.Q(instrument__isnull=False),
                name="decisions_addressee_instrument_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="instrument", instrument__isnull=False)
                | (~models.Q(kind="instrument") & models.Q(instrument__isnull=True)),
                name="decisions_addressee_instrument_iff_kind",
            ),
        ]
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")

    def __str__(self):
        if self.instrument_id:
            return str(self.instrument)
        return str(self.get_kind_display())


class Implementation(TimeStampedModel):
    """One addressee's implementation of one paragraph. For the Parties (and the Partners) there
    is one row per Party (organisation): each reports for itself."""

    addressee = models.ForeignKey(
        Addressee, on_delete=models.CASCADE, related_name="implementations"
    )
    party = models.ForeignKey(
        "directory.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    note = models.TextField(_("note"), blank=True)
    noted_on = models.DateField(_("date of the note"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ImplementationQuerySet.as_manager()

    class Meta:
        ordering = ["addressee", "party__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["addressee"],
                condition=models.Q(party__isnull=True, organisation__isnull=True),
                name="decisions_implementation_body_once",
            ),
            models.UniqueConstraint(
                fields=["addressee", "party"],
                condition=models.Q(party__isnull=False),
                name="decisions_implementation_party_once",
            ),
            models.UniqueConstraint(
                fields=["addressee", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="decisions_implementation_organisation_once",
            ),
        ]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementation")

    def __str__(self):
        return f"{self.addressee.paragraph} – {self.party or self.organisation or self.addressee}"

    @property
    def implementer(self):
        return self.party or self.organisation or self.addressee


class Evidence(models.Model):
    """A link from an implementation row to what shows it: a report answer in one submitted
    version, an activity, a contribution."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    submission_version = models.ForeignKey(
        "reporting.SubmissionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    question_key = models.CharField(_("question"), max_length=120, blank=True)
    activity = models.ForeignKey(
        "workplans.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    added = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["implementation", "added", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.activity or self.contribution or self.submission_version}"


# -- consultations on drafts ---------------------------------------------------------------------


class Consultation(TimeStampedModel):
    """A draft put to the Family for comment: who may comment, until when, in which languages,
    and who reads the comments."""

    slug = models.SlugField(_("short code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=400)
    deadline = models.DateTimeField(_("deadline for comments"))
    languages = models.JSONField(_("languages"), default=list)
    visibility = models.CharField(
        _("comments are visible to"),
        max_length=16,
        choices=CommentVisibility.choices,
        default=CommentVisibility.SECRETARIAT,
    )
    public = models.BooleanField(_("public once closed"), default=False)
    all_nfps = models.BooleanField(_("all Parties, through their National Focal Points"))
    regions = models.ManyToManyField(
        "directory.Region", blank=True, related_name="+", verbose_name=_("regions")
    )
    all_partners = models.BooleanField(_("all Partner organisations"), default=False)
    organisations = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="+", verbose_name=_("organisations")
    )
    people = models.ManyToManyField(
        "directory.Person", blank=True, related_name="+", verbose_name=_("named people")
    )
    adopted_as = models.OneToOneField(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation",
        verbose_name=_("adopted as"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "slug"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.slug])


class DraftVersion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="decisions_draft_version_once"
            )
        ]
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")

    def __str__(self):
        return f"{self.consultation} v{self.number}"


class DraftParagraph(models.Model):
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=BlockKind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    ordered = models.BooleanField(default=False)
    text = models.TextField(_("text"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("in the previous version"),
    )
    answers = models.ManyToManyField(
        "Comment", blank=True, related_name="answered_by", verbose_name=_("answers the comments")
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="decisions_draft_paragraph_once"
            )
        ]
        verbose_name = _("draft paragraph")
        verbose_name_plural = _("draft paragraphs")

    def __str__(self):
        return f"{self.version} ¶{self.number or self.position}"


class Comment(TimeStampedModel):
    paragraph = models.ForeignKey(DraftParagraph, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.CharField(_("on behalf of"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CommentKind.choices)
    text = models.TextField(_("comment"), blank=True)
    proposed_text = models.TextField(_("proposed text"), blank=True)
    resolution = models.CharField(
        _("outcome"), max_length=16, choices=Resolution.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["paragraph", "created", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.paragraph}: {self.get_kind_display()}"
