"""Meetings of the CMS Family: the meeting, its agenda and documents, the invitations and their
replies (issue 19). A meeting is public; who sees an invitation is in `querysets.py`."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.meetings import choices
from cmsfamily.meetings.querysets import (
    InvitationQuerySet,
    PublicQuerySet,
    ThroughInvitationQuerySet,
)


class Meeting(TimeStampedModel):
    code = models.SlugField(
        _("short code"),
        max_length=40,
        unique=True,
        help_text=_("Used in addresses, e.g. cop14 or stc-2025."),
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.MeetingKind.choices)
    instrument = models.ForeignKey(
        "directory.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    format = models.CharField(
        _("format"), max_length=20, choices=choices.Format.choices, default=choices.Format.IN_PERSON
    )
    venue = models.CharField(
        _("venue"), max_length=250, blank=True, help_text=_("City and country, or the building.")
    )
    connection_link = models.URLField(
        _("connection link"),
        blank=True,
        help_text=_("For remote participation; shown only to registered participants."),
    )
    working_languages = models.CharField(
        _("working languages"),
        max_length=40,
        default="en,fr,es",
        help_text=_("Language codes separated by commas, e.g. en,fr,es."),
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="meetings_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.code])

    @property
    def languages(self) -> list[str]:
        return [code for code in self.working_languages.split(",") if code]

    @property
    def needs_link(self) -> bool:
        return self.format != choices.Format.IN_PERSON


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("e.g. 16.1"))
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="meetings_agenda_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Document(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents"
    )
    symbol = models.CharField(
        _("symbol"), max_length=80, help_text=_("The official symbol, e.g. UNEP/CMS/COP14/Doc.16.1")
    )
    title = models.CharField(_("title"), max_length=300)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    history = HistoricalRecords()

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "symbol"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "symbol"], name="meetings_document_symbol_unique"
            )
        ]

    def __str__(self):
        return f"{self.symbol} {self.title}"


class DocumentFile(TimeStampedModel):
    """One language of one revision of a document (revision 0 is the original, 1 is Rev.1)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="files"
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    file = models.FileField(_("file"), upload_to="meetings/documents/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-revision", "language"]
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language", "revision"], name="meetings_file_unique"
            )
        ]

    def __str__(self):
        return f"{self.document.symbol} {self.revision_label} ({self.language})"

    @property
    def revision_label(self) -> str:
        return f"Rev.{self.revision}" if self.revision else ""

    def get_absolute_url(self):
        return reverse("meetings:document-file", args=[self.document.meeting.code, self.pk])


class Invitation(TimeStampedModel):
    """A Party or a Partner invited to a meeting, and its reply (the latest; the history keeps
    the earlier ones)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(_("invitee kind"), max_length=20, choices=choices.InviteeKind.choices)
    party = models.ForeignKey(
        "directory.Party",
        verbose_name=_("Party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    deadline = models.DateField(_("reply by"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.CharField(_("reply"), max_length=20, choices=choices.Reply.choices, blank=True)
    forwarded_to = models.CharField(
        _("forwarded to"),
        max_length=250,
        blank=True,
        help_text=_("The person or institution the invitation was forwarded to."),
    )
    reply_note = models.TextField(_("note"), blank=True)
    replied_at = models.DateTimeField(_("replied on"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late = models.BooleanField(_("replied after the deadline"), default=False)
    funding_eligible = models.BooleanField(
        _("eligible for funding"),
        default=False,
        help_text=_("Set by the Secretariat: the Party may ask for a delegate to be funded."),
    )
    history = HistoricalRecords()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "kind", "party__name", "organisation__short_name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "party"], name="meetings_invitation_party_unique"
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="meetings_invitation_org_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(party__isnull=False, organisation__isnull=True)
                    | models.Q(party__isnull=True, organisation__isnull=False)
                ),
                name="meetings_invitation_one_invitee",
            ),
        ]

    def __str__(self):
        return f"{self.meeting.code}: {self.invitee}"

    @property
    def invitee(self):
        return self.party or self.organisation

    def get_absolute_url(self):
        return reverse("meetings:invitation", args=[self.meeting.code, self.pk])

    @property
    def overdue(self) -> bool:
        return not self.reply and timezone.localdate() > self.deadline


class Delegate(TimeStampedModel):
    """A member of an invited Party's delegation, named by its NFP."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="delegates"
    )
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    role = models.CharField(_("role"), max_length=20, choices=choices.DelegateRole.choices)
    funding = models.CharField(
        _("funding"), max_length=20, choices=choices.Funding.choices, blank=True, default=""
    )
    funding_reason = models.TextField(_("reason of the decision"), blank=True)
    funding_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("funding decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = ThroughInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["invitation", "role", "person__family_name"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "person"], name="meetings_delegate_once"),
            models.UniqueConstraint(
                fields=["invitation"],
                condition=models.Q(role="head"),
                name="meetings_one_head_of_delegation",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class Credentials(TimeStampedModel):
    """A delegation's credentials letter and its examination. The latest of an invitation counts;
    the earlier ones stay as they were examined."""

    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="credentials",
    )
    letter = models.FileField(_("letter"), upload_to="meetings/credentials/%Y/")
    authority = models.CharField(_("issued by"), max_length=30, choices=choices.Authority.choices)
    authority_detail = models.CharField(
        _("issuing authority (name and title)"), max_length=250, blank=True
    )
    covers = models.ManyToManyField(
        Delegate, verbose_name=_("names covered"), related_name="credentials"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    examination = models.CharField(
        _("examination"),
        max_length=20,
        choices=choices.Examination.choices,
        default=choices.Examination.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True)
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examined by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    examined_at = models.DateTimeField(_("examined on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ThroughInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["invitation", "-created", "-id"]
        verbose_name = _("credentials")
        verbose_name_plural = _("credentials")

    def __str__(self):
        return f"{self.invitation}: {self.get_examination_display()}"
