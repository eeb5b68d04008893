import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import ExchangeRate

MAX_PER_PAGE = 200


class BoundedPaginator(Paginator):
    """django-tables2 takes `?per_page=` from the query: 0 divided by zero and -1 asked for page
    -1 (a 500); a huge number would render every row. The visitor's number is kept in bounds."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


class IsoDateColumn(tables.Column):
    """Dates as YYYY-MM-DD, unambiguous in every language (and far cheaper than a TemplateColumn).

    In a <time> element, which the style sheet keeps on one line: a cell would otherwise break the
    date at its hyphens. Exports get the plain date."""

    def render(self, value):
        return format_html('<time datetime="{0}">{0}</time>', value.isoformat())

    def value(self, value):
        return value.isoformat()


class ExchangeRateTable(tables.Table):
    currency = tables.Column(verbose_name=_("Currency"))
    quote = tables.Column(verbose_name=_("In currency"))
    rate = tables.Column(verbose_name=_("Rate"), attrs={"td": {"class": "number"}})
    valid_from = IsoDateColumn(verbose_name=_("Valid from"))
    source = tables.Column(verbose_name=_("Source"))

    class Meta:
        model = ExchangeRate
        fields = ("currency", "quote", "rate", "valid_from", "source")
        attrs = {"class": "data-table"}
        order_by = ("currency", "quote", "-valid_from")

    def render_rate(self, value):
        return f"{value.normalize():f}"

    def value_rate(self, value):
        return value
