import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import MAX_ID
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


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within bounds, or the filter is invalid (a 400 naming it in the API, the
    field's error on a page). `str.isdigit()` accepts "²", which `int()` refuses: never parse by
    hand."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_ID, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class YearFilter(IntegerFilter):
    """A calendar year a date can have (1 to 9999): `?year=-1` or `99999` is refused, not a 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)
