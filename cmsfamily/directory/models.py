"""The registry of the CMS Family: Parties, instruments, organisations, people and appointments.

Region, Party, Instrument and Organisation get their history in apps.ready(), after
modeltranslation has added the name_fr/name_es fields, so that translations are tracked too.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.directory import choices
from cmsfamily.directory.querysets import (
    AppointmentQuerySet,
    ExpertiseQuerySet,
    FailedUploadQuerySet,
    PersonQuerySet,
    PublicQuerySet,
)
from cmsfamily.directory.validators import validate_pdf

# The words the reference files use for how sure a source is, shown after "Confidence of the
# source" (a feminine noun in French and Spanish, hence the context).
CONFIDENCE_LABELS = {
    "confirmed": pgettext_lazy("confidence of a source", "confirmed"),
    "high": pgettext_lazy("confidence of a source", "high"),
    "medium-high": pgettext_lazy("confidence of a source", "medium-high"),
    "medium": pgettext_lazy("confidence of a source", "medium"),
    "low": pgettext_lazy("confidence of a source", "low"),
}


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("CMS region")
        verbose_name_plural = _("CMS regions")

    def __str__(self):
        return self.name


class Party(TimeStampedModel):
    """A Party to the Convention. `code` is the ISO 3166 alpha-2 code (EU for the European Union)."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="parties", verbose_name=_("CMS region")
    )
    entry_into_force = models.DateField(_("entry into force"), null=True, blank=True)
    party_number = models.PositiveSmallIntegerField(
        _("Party number"), null=True, blank=True, unique=True
    )
    is_state = models.BooleanField(_("is a State"), default=True)
    note = models.TextField(_("note on the data"), blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Party")
        verbose_name_plural = _("Parties")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:party-detail", args=[self.code.lower()])


class Organisation(TimeStampedModel):
    slug = models.SlugField(_("short code"), max_length=60, unique=True)
    short_name = models.CharField(_("short name"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.OrganisationKind.choices)
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("country"),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("directory:organisation-detail", args=[self.slug])


# Codes of the instruments whose acronym is their common name (the Convention and the Agreements
# and MoUs known by one); the codes of the others are slugs made from the reference data.
ACRONYM_CODES = frozenset(
    {"cms", "eurobats", "ascobans", "aewa", "accobams", "acap", "iosea", "caf", "cami"}
)


class Instrument(TimeStampedModel):
    """The Convention, or an Agreement, MoU or initiative concluded under it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.InstrumentKind.choices)
    in_effect = models.DateField(_("in effect since"), null=True, blank=True)
    secretariat_name = models.CharField(_("secretariat"), max_length=200, blank=True)
    secretariat = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instruments_served",
        verbose_name=_("secretariat organisation"),
    )
    taxa = models.CharField(_("taxa covered"), max_length=250, blank=True)
    confidence = models.CharField(_("confidence of the source"), max_length=20, blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["in_effect", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    @property
    def confidence_label(self) -> str:
        """The source's confidence ("high", "medium") in the reader's language."""
        return str(CONFIDENCE_LABELS.get(self.confidence, self.confidence))

    def __str__(self):
        return self.name

    @property
    def acronym(self) -> str:
        """The abbreviation readers know the instrument by ('AEWA'), or '' where it has none:
        the other codes are the platform's slugs ('great-bustard'), never shown as a name."""
        return self.code.upper() if self.code in ACRONYM_CODES else ""

    @property
    def label(self) -> str:
        """A short name for lists and breadcrumbs: the acronym, else the name."""
        return self.acronym or self.name

    @property
    def member_kind(self):
        return (
            choices.MembershipKind.SIGNATORY
            if self.kind == choices.InstrumentKind.MOU
            else choices.MembershipKind.PARTY
        )

    def get_absolute_url(self):
        return reverse("directory:instrument-detail", args=[self.code])


class Membership(TimeStampedModel):
    """A Party's membership (as Party or Signatory) of an instrument, with dates where the source has them."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Party")
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("instrument"),
    )
    kind = models.CharField(_("as"), max_length=20, choices=choices.MembershipKind.choices)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["instrument__code", "party__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "instrument"],
                condition=Q(end__isnull=True),
                name="one_open_membership",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.party} – {self.instrument.code}"


class Person(TimeStampedModel):
    """A person in the registry. Contact fields are private: only the Secretariat and colleagues see them."""

    honorific = models.CharField(_("title"), max_length=20, blank=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email"), blank=True)
    # An invitation goes only to an address a secretariat has seen confirmed for this person: set
    # when a secretariat saves the person or confirms one of their appointments, cleared when
    # anyone else changes the address.
    email_confirmed = models.BooleanField(_("email confirmed by the Secretariat"), default=False)
    invitation = models.ForeignKey(
        "accounts.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last invitation"),
    )
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    languages = models.CharField(_("working languages"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return " ".join(
            part for part in (self.honorific, self.given_name, self.family_name) if part
        )

    def get_absolute_url(self):
        return reverse("directory:person-detail", args=[self.pk])


class Appointment(TimeStampedModel):
    """A person in a role for a Party, organisation and/or instrument. History is kept, never overwritten."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=30, choices=choices.Role.choices)
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("Party"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("organisation"),
    )
    instrument = models.ForeignKey(
        Instrument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("instrument"),
    )
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=choices.AppointmentStatus.choices,
        default=choices.AppointmentStatus.NOMINATED,
    )
    document = models.FileField(
        _("confirming document"),
        upload_to="appointments/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
        help_text=_("The official letter confirming the appointment, as a PDF."),
    )
    # Seed 000: a Party informs the Secretariat of "the contact details and area of expertise" of
    # its Scientific Councillor. Kept on the appointment, not the person: it is what the person is
    # nominated to serve the Council for (a person may hold other roles, and a later appointment
    # may cover another area), it keeps its history with the appointment, and it is public like
    # the appointment itself, whereas a person's contact fields are private.
    area_of_expertise = models.CharField(
        _("area of expertise"),
        max_length=200,
        blank=True,
        help_text=_("For a Scientific Councillor: the field they bring to the Scientific Council."),
    )
    note = models.TextField(_("note"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    history = HistoricalRecords()

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(role=choices.Role.NFP, status=choices.AppointmentStatus.CONFIRMED),
                name="one_confirmed_nfp_per_party",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="appointment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(party__isnull=False)
                | Q(organisation__isnull=False)
                | Q(instrument__isnull=False),
                name="appointment_has_a_holder",
            ),
        ]
        indexes = [models.Index(fields=["role", "status"])]
        permissions = [("review_appointments", "Can confirm and end appointments")]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}"

    def get_absolute_url(self):
        return reverse("directory:appointment-detail", args=[self.pk])

    @property
    def holder(self):
        return self.party or self.organisation or self.instrument


class Expertise(TimeStampedModel):
    """What a Partner organisation offers to Parties (the circular of Partner expertise, seed 003)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="expertise",
        verbose_name=_("organisation"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    species_group = models.CharField(_("species group"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("region"),
        help_text=_("Empty: global"),
    )
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=choices.Availability.choices,
        default=choices.Availability.AVAILABLE,
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    public_contact = models.EmailField(
        _("public contact email"),
        blank=True,
        help_text=_(
            "Published in the circular for anyone to read: an address meant for enquiries, such "
            "as the organisation's. A person's own address in the registry stays private."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    history = HistoricalRecords()

    objects = ExpertiseQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__short_name", "topic"]
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")

    def __str__(self):
        return f"{self.organisation}: {self.topic}"

    def clean(self):
        super().clean()
        if (
            self.public_contact
            and Person.objects.filter(email__iexact=self.public_contact).exists()
        ):
            raise ValidationError(
                {
                    "public_contact": _(
                        "This is the private address of a person in the registry, and the "
                        "circular is public: give an address meant for enquiries."
                    )
                }
            )


class FailedUpload(models.Model):
    """An upload that was refused: who, when, which upload, for whom, the file's name and size
    and the reasons shown to the uploader (shortened). The file itself is never kept.

    It lives in the registry, the lowest app that knows Parties, organisations and instruments,
    so that each upload page (reporting, contributions, species) records here and the review
    queue reads here. What it was for is kept as text and a link (``subject``, ``link``), so that
    no lower app depends on a higher one.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("upload"), max_length=32, choices=choices.UploadKind.choices)
    party = models.ForeignKey(
        Party,
        verbose_name=_("Party"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField(_("for"), max_length=300, blank=True)
    link = models.CharField(_("page"), max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    objects = FailedUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("failed upload")
        verbose_name_plural = _("failed uploads")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def holder(self):
        return self.party or self.organisation
