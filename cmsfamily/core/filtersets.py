import django_filters
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.models import ExchangeRate


class ExchangeRateFilter(django_filters.FilterSet):
    currency = django_filters.CharFilter(label=_("Currency"), lookup_expr="iexact")
    quote = django_filters.CharFilter(label=_("In currency"), lookup_expr="iexact")
    on = django_filters.DateFilter(
        field_name="valid_from", lookup_expr="lte", label=_("In force on or before")
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "quote", "on"]
