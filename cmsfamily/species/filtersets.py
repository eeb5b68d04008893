import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.filtersets import PageFilterSet, SearchFilter
from cmsfamily.directory.models import Party
from cmsfamily.species import choices
from cmsfamily.species.models import Listing, RangeState, Taxon


def listed_in(queryset, appendix):
    return queryset.filter(Exists(Listing.objects.filter(taxon=OuterRef("pk"), appendix=appendix)))


def range_state_is(queryset, field, value):
    return queryset.filter(
        Exists(RangeState.objects.filter(taxon=OuterRef("pk"), **{field: value}))
    )


class TaxonFilter(PageFilterSet):
    q = SearchFilter(
        label=_("Search by name"),
        fields=[
            "scientific_name",
            "common_name_en",
            "common_name_fr",
            "common_name_es",
            "family",
            "class_name",
        ],
    )
    group = django_filters.ChoiceFilter(
        choices=choices.Group.choices, label=_("Taxonomic group"), empty_label=_("All groups")
    )
    appendix = django_filters.ChoiceFilter(
        choices=choices.Appendix.choices,
        label=_("Listed in"),
        empty_label=_("Any Appendix"),
        method="filter_appendix",
    )
    rank = django_filters.ChoiceFilter(
        choices=choices.Rank.choices, label=_("Rank"), empty_label=_("Any rank")
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Party.objects.order_by("name"),
        to_field_name="code",
        label=_("Range state (CMS Party)"),
        empty_label=_("Any range State"),
        method="filter_party",
    )

    class Meta:
        model = Taxon
        fields = ["q", "group", "appendix", "rank", "party"]

    def filter_appendix(self, queryset, name, value):
        return listed_in(queryset, value) if value else queryset

    def filter_party(self, queryset, name, value):
        return range_state_is(queryset, "party", value) if value else queryset
