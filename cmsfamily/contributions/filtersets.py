import django_filters
from django.utils.translation import gettext_lazy as _

from cmsfamily.contributions.choices import Kind, Status
from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule
from cmsfamily.core.filtersets import PageFilterSet, SearchFilter, YearFilter
from cmsfamily.directory.models import Instrument, Organisation, Party


class ContributionFilter(PageFilterSet):
    q = SearchFilter(
        fields=[
            "description",
            "contributor_organisation__short_name",
            "contributor_organisation__name",
            "contributor_party__name",
            "instrument__code",
        ]
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="contributor_organisation",
        queryset=Organisation.objects.order_by("short_name"),
        to_field_name="slug",
        label=_("Contributing organisation"),
        empty_label=_("All organisations"),
    )
    party = django_filters.ModelChoiceFilter(
        field_name="contributor_party",
        queryset=Party.objects.order_by("name"),
        to_field_name="code",
        label=_("Contributing Party"),
        empty_label=_("All Parties"),
    )
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    year = YearFilter(field_name="start", lookup_expr="year", label=_("Year (of the start)"))
    validated = django_filters.ChoiceFilter(
        choices=[("yes", _("validated")), ("no", _("awaiting validation"))],
        label=_("Validation"),
        empty_label=_("Validated or not"),
        method="by_validation",
    )

    class Meta:
        model = Contribution
        fields = ["q", "organisation", "party", "kind", "status", "year", "validated"]

    def by_validation(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(validated_at__isnull=False)
        if value == "no":
            return queryset.filter(validated_at__isnull=True)
        return queryset


class AssessedFilter(PageFilterSet):
    party = django_filters.ModelChoiceFilter(
        queryset=Party.objects.order_by("name"),
        to_field_name="code",
        label=_("Party"),
        empty_label=_("All Parties"),
    )
    instrument = django_filters.ModelChoiceFilter(
        queryset=Instrument.objects.order_by("code"),
        to_field_name="code",
        label=_("Instrument"),
        empty_label=_("All instruments"),
    )
    year = YearFilter(label=_("Year"))

    class Meta:
        model = AssessedContribution
        fields = ["party", "instrument", "year"]


class ValuationRuleFilter(PageFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )

    class Meta:
        model = ValuationRule
        fields = ["kind"]
