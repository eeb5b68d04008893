"""Reads shared by the pages, the API and the reports (the reporting app loops over
species_of_party). The species table is public: every user sees all of it."""

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from cmsfamily.species.models import Listing, RangeState, SpeciesImport, Taxon


def _listings():
    return Prefetch("listings", queryset=Listing.objects.order_by("appendix", "listed_on"))


def taxa(user):
    """The list of taxa with their listings and the number of range states recorded."""
    range_state_count = (
        RangeState.objects.filter(taxon=OuterRef("pk"))
        .order_by()
        .values("taxon")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Taxon.objects.visible_to(user)
        .annotate(
            range_state_count=Coalesce(Subquery(range_state_count, output_field=IntegerField()), 0)
        )
        .prefetch_related(_listings())
    )


def taxa_in_full(user):
    """Taxa with their listings and range states (and the Parties among them)."""
    return (
        Taxon.objects.visible_to(user)
        .prefetch_related(
            _listings(),
            Prefetch(
                "range_states",
                queryset=RangeState.objects.select_related("party").order_by("country_code"),
            ),
        )
        .order_by("scientific_name")
    )


def species_of_party(party):
    """The taxa the Party is a range state of, by group then scientific name (one query)."""
    return Taxon.objects.filter(range_states__party=party).order_by("group", "scientific_name")


def _named(language: str) -> Q:
    field = f"common_name_{language}"
    return Q(**{f"{field}__isnull": False}) & ~Q(**{field: ""})


def data_summary(user) -> dict:
    """How complete the species table is: the as-of dates of its rows and what is missing."""
    queryset = Taxon.objects.visible_to(user)
    # One query; the join on range states repeats taxa, hence distinct counts.
    counts = queryset.aggregate(
        total=Count("pk", distinct=True),
        with_range_states=Count("pk", filter=Q(range_states__isnull=False), distinct=True),
        with_french_names=Count("pk", filter=_named("fr"), distinct=True),
        with_spanish_names=Count("pk", filter=_named("es"), distinct=True),
        with_english_names=Count("pk", filter=_named("en"), distinct=True),
    )
    counts["without_range_states"] = counts["total"] - counts["with_range_states"]
    counts["as_of"] = list(
        queryset.order_by().values("as_of").annotate(count=Count("pk")).order_by("-count", "as_of")
    )
    counts["latest_listing"] = Listing.objects.visible_to(user).aggregate(latest=Max("listed_on"))[
        "latest"
    ]
    return counts


def imports(user):
    return SpeciesImport.objects.visible_to(user).select_related("by")
