"""Taxa of the CMS Appendices, their listings (Appendix I or II, with dates) and range states.

Taxon gets its history in apps.ready(), after modeltranslation has added common_name_fr and
common_name_es, so that translations are tracked too. Listings and range states are rewritten
only by an import of the species table, which the SpeciesImport log records.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import TimeStampedModel
from cmsfamily.directory.models import Party
from cmsfamily.species import choices
from cmsfamily.species.querysets import ReferenceQuerySet, SpeciesImportQuerySet

COMMON_NAME_SEPARATOR = "; "


class Taxon(TimeStampedModel):
    scientific_name = models.CharField(_("scientific name"), max_length=200, unique=True)
    rank = models.CharField(
        _("rank"),
        max_length=20,
        choices=choices.Rank.choices,
        help_text=_("What the listing covers: species, subspecies, population or higher taxon."),
    )
    taxon_rank = models.CharField(
        _("rank of the name"), max_length=20, choices=choices.TaxonRank.choices, blank=True
    )
    group = models.CharField(
        _("taxonomic group"), max_length=40, choices=choices.Group.choices, db_index=True
    )
    common_name = models.CharField(
        _("common names"),
        max_length=500,
        blank=True,
        help_text=_("Several names are separated by “; ”."),
    )
    class_name = models.CharField(_("class"), max_length=100, blank=True)
    family = models.CharField(_("family"), max_length=100, blank=True)
    source = models.TextField(_("source"), blank=True)
    as_of = models.CharField(_("as of"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["scientific_name"]
        verbose_name = _("taxon")
        verbose_name_plural = _("taxa")

    def __str__(self):
        return self.scientific_name

    def get_absolute_url(self):
        return reverse("species:taxon-detail", args=[self.pk])

    @property
    def common_names(self) -> list[str]:
        """The common names in the current language (English where none is known in it)."""
        return [name for name in (self.common_name or "").split(COMMON_NAME_SEPARATOR) if name]

    @property
    def appendices(self) -> list[str]:
        """The Appendices the taxon is listed in, from its (prefetched) listings."""
        return sorted({listing.appendix for listing in self.listings.all()})


class Listing(models.Model):
    """A listing of a taxon in Appendix I or II, from a date (null where the source gives none)."""

    taxon = models.ForeignKey(
        Taxon, on_delete=models.CASCADE, related_name="listings", verbose_name=_("taxon")
    )
    appendix = models.CharField(_("Appendix"), max_length=2, choices=choices.Appendix.choices)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    annotation = models.TextField(_("annotation"), blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["taxon", "appendix", "listed_on"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(
                fields=["taxon", "appendix", "listed_on"], name="species_one_listing_a_day"
            ),
            # NULLs are distinct in a unique constraint: one undated listing per Appendix apart.
            models.UniqueConstraint(
                fields=["taxon", "appendix"],
                condition=Q(listed_on__isnull=True),
                name="species_one_undated_listing",
            ),
        ]

    def __str__(self):
        listed = self.listed_on.isoformat() if self.listed_on else "?"
        return f"{self.taxon_id} {self.appendix}: {listed}"


class RangeState(models.Model):
    """A State (ISO 3166 alpha-2 code, as the source gives it) in the range of a taxon; linked
    to the Party with that code where the State is a CMS Party."""

    taxon = models.ForeignKey(
        Taxon, on_delete=models.CASCADE, related_name="range_states", verbose_name=_("taxon")
    )
    country_code = models.CharField(_("ISO code"), max_length=2)
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="range_states",
        verbose_name=_("CMS Party"),
    )
    source = models.TextField(_("source"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["taxon", "country_code"]
        verbose_name = _("range state")
        verbose_name_plural = _("range states")
        constraints = [
            models.UniqueConstraint(
                fields=["taxon", "country_code"], name="species_one_range_state_per_country"
            )
        ]

    def __str__(self):
        return f"{self.taxon_id} {self.country_code}"


class SpeciesImport(TimeStampedModel):
    """One import of the species table that changed something: who, which file, what changed."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    summary = models.JSONField(_("what changed"), default=dict)

    objects = SpeciesImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("species import")
        verbose_name_plural = _("species imports")

    def __str__(self):
        return f"{self.file_name} ({self.created:%Y-%m-%d %H:%M})"
