"""Serializers and viewsets of the species table's open API (read-only). Routers live in
cmsfamily.api."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.species import choices, selectors
from cmsfamily.species.filtersets import listed_in, range_state_is
from cmsfamily.species.models import Listing, RangeState, Taxon


class ListingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Listing
        fields = ["appendix", "listed_on", "annotation", "source"]


class RangeStateSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("The CMS Party with this code; null where the State is not a Party."),
    )

    class Meta:
        model = RangeState
        fields = ["country_code", "party", "source"]


class TaxonSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:taxon-detail")
    appendices = serializers.ListField(
        child=serializers.ChoiceField(choices=choices.Appendix.choices), read_only=True
    )
    listings = ListingSerializer(many=True, read_only=True)
    range_states = RangeStateSerializer(many=True, read_only=True)

    class Meta:
        model = Taxon
        fields = [
            "id",
            "url",
            "scientific_name",
            "rank",
            "taxon_rank",
            "group",
            "common_name",
            "common_name_en",
            "common_name_fr",
            "common_name_es",
            "class_name",
            "family",
            "appendices",
            "listings",
            "range_states",
            "source",
            "as_of",
            "notes",
        ]


class TaxonFilterSet(filters.FilterSet):
    appendix = filters.ChoiceFilter(
        choices=choices.Appendix.choices, method="filter_appendix", label=_("Listed in")
    )
    party = filters.CharFilter(
        method="filter_party", label=_("Range state: ISO code of a CMS Party")
    )
    country = filters.CharFilter(method="filter_country", label=_("Range state: ISO code"))

    class Meta:
        model = Taxon
        fields = ["group", "rank", "appendix", "party", "country"]

    def filter_appendix(self, queryset, name, value):
        return listed_in(queryset, value)

    def filter_party(self, queryset, name, value):
        return range_state_is(queryset, "party__code", value.upper())

    def filter_country(self, queryset, name, value):
        return range_state_is(queryset, "country_code", value.upper())


class TaxonViewSet(viewsets.ReadOnlyModelViewSet):
    """The taxa of the CMS Appendices with their listings and range states (public, read-only).

    The data's as-of date is on each taxon; range states are known for few taxa (see `as_of`
    and `source`), so an empty list means "not recorded", not "none"."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = TaxonSerializer
    filterset_class = TaxonFilterSet
    search_fields = ["scientific_name", "common_name_en", "common_name_fr", "common_name_es"]
    ordering_fields = ["scientific_name", "group", "family", "rank"]

    def get_queryset(self):
        return selectors.taxa_in_full(self.request.user)
