import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import ExchangeRate


class ExchangeRateTable(tables.Table):
    currency = tables.Column(verbose_name=_("Currency"))
    quote = tables.Column(verbose_name=_("In currency"))
    rate = tables.Column(verbose_name=_("Rate"), attrs={"td": {"class": "number"}})
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("Valid from"))
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
