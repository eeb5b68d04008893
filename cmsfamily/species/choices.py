"""The closed lists of the species table. Values are written exactly as the species CSV writes them,
so a file and the database speak the same words; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Appendix(models.TextChoices):
    I = "I", _("Appendix I")  # noqa: E741 - the Convention's own name for it
    II = "II", _("Appendix II")


class Rank(models.TextChoices):
    """What a listing covers: a species, a subspecies, some populations, or a higher taxon."""

    SPECIES = "species", _("species")
    SUBSPECIES = "subspecies", _("subspecies")
    POPULATION = "population", _("population")
    HIGHER_TAXON = "higher taxon", _("higher taxon")


class TaxonRank(models.TextChoices):
    """The Linnaean rank of the name itself (a population is listed under a species name)."""

    ORDER = "order", _("order")
    FAMILY = "family", _("family")
    GENUS = "genus", _("genus")
    SPECIES = "species", _("species")
    SUBSPECIES = "subspecies", _("subspecies")


class Group(models.TextChoices):
    """The taxonomic groups the CMS uses to present its Appendices."""

    AQUATIC_MAMMALS = "aquatic mammals", _("aquatic mammals")
    TERRESTRIAL_MAMMALS = "terrestrial mammals", _("terrestrial mammals")
    BATS = "bats", _("bats")
    BIRDS = "birds", _("birds")
    MARINE_TURTLES = "reptiles (marine turtles)", _("reptiles (marine turtles)")
    REPTILES = "reptiles", _("reptiles")
    FISH = "fish", _("fish")
    INSECTS = "insects", _("insects")
