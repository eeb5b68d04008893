import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cmsfamily.species.models import Taxon


class TaxonTable(tables.Table):
    scientific_name = tables.Column(linkify=True, verbose_name=_("Scientific name"))
    common_name = tables.Column(
        verbose_name=_("Common names"), order_by=("common_name_en",), default="—"
    )
    group = tables.Column(verbose_name=_("Group"))
    rank = tables.Column(verbose_name=_("Rank"))
    appendices = tables.Column(
        verbose_name=_("Appendix"), accessor="appendices", orderable=False, empty_values=()
    )
    listed = tables.Column(
        verbose_name=_("Listed on"), accessor="pk", orderable=False, empty_values=()
    )
    range_state_count = tables.Column(verbose_name=_("Range states"))

    class Meta:
        model = Taxon
        fields = (
            "scientific_name",
            "common_name",
            "group",
            "rank",
            "appendices",
            "listed",
            "range_state_count",
        )
        attrs = {"class": "data-table"}
        order_by = ("scientific_name",)

    def render_appendices(self, value):
        return ", ".join(value) if value else "—"

    def value_appendices(self, value):
        return "/".join(value)

    def render_listed(self, record):
        """'I: 1979-01-01; II: 1994-01-01' from the prefetched listings (no query per row)."""
        return format_html_join(
            "; ", '<span class="listed-on">{}</span>', ((part,) for part in listed_parts(record))
        )

    def value_listed(self, record):
        return listed_text(record)

    def render_range_state_count(self, value):
        return value if value else _("none recorded")

    def value_range_state_count(self, value):
        return value

    def order_range_state_count(self, queryset, is_descending):
        ordering = F("range_state_count").desc() if is_descending else F("range_state_count").asc()
        return queryset.order_by(ordering, "scientific_name"), True


def listed_parts(taxon) -> list[str]:
    """['I: 1979-01-01', 'II: 1994-01-01, 2000-02-14'] from the prefetched listings."""
    by_appendix: dict[str, list[str]] = {}
    for listing in taxon.listings.all():
        day = listing.listed_on.isoformat() if listing.listed_on else gettext("date not known")
        by_appendix.setdefault(listing.appendix, []).append(day)
    return [f"{appendix}: {', '.join(days)}" for appendix, days in by_appendix.items()]


def listed_text(taxon) -> str:
    return "; ".join(listed_parts(taxon))
