import django_filters
import django_filters.rest_framework
from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from cmsfamily.core.forms import MAX_ID
from cmsfamily.core.models import ExchangeRate

DASHES = django_filters.conf.settings.EMPTY_CHOICE_LABEL  # django-filter's "---------"


class PageFilterSet(django_filters.FilterSet):
    """The filters of a list page. A choice's first option says what leaving it alone means
    ("All regions", "Any status": each filter's own `empty_label`), never "---------"; a choice
    that names none reads "Any"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for each in self.filters.values():
            if isinstance(each, django_filters.ChoiceFilter) and (
                each.extra.get("empty_label", DASHES) == DASHES
            ):
                each.extra["empty_label"] = _("Any")


class ExchangeRateFilter(PageFilterSet):
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
        # The API schema states the bounds, so that a client knows what is refused.
        set_override(self, "field", {"type": "integer", "minimum": min_value, "maximum": max_value})


class YearFilter(IntegerFilter):
    """A calendar year a date can have (1 to 9999): `?year=-1` or `99999` is refused, not a 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (or empty: any); anything else is an error, not silently ignored."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ApiFilterSet(django_filters.rest_framework.FilterSet):
    """The API's filters generated from `filterset_fields`: integers and booleans are read
    strictly, so a value the column cannot hold is a 400 naming the filter."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter, "extra": lambda f: {"min_value": 0}}
            for field in (
                models.AutoField,
                models.IntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.SmallIntegerField,
            )
        },
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """The API's filter backend (settings.REST_FRAMEWORK); here rather than in core.api, which
    the viewsets import while DRF reads this setting."""

    filterset_base = ApiFilterSet


class SearchFilter(django_filters.CharFilter):
    """Free-text search over several fields (every language of a translated name)."""

    def __init__(self, *args, fields, **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search this list"))
        kwargs.setdefault("method", self.search)
        super().__init__(*args, **kwargs)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
