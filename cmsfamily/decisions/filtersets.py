import django_filters
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.filtersets import PageFilterSet, SearchFilter
from cmsfamily.decisions.choices import Body, DecisionKind, DecisionStatus
from cmsfamily.decisions.models import Decision


class DecisionFilter(PageFilterSet):
    q = SearchFilter(fields=["number", "title", "meeting", "paragraphs__text"], method="search")
    kind = django_filters.ChoiceFilter(
        choices=DecisionKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    body = django_filters.ChoiceFilter(
        choices=Body.choices, label=_("Adopted by"), empty_label=_("Any body")
    )
    status = django_filters.ChoiceFilter(
        choices=DecisionStatus.choices, label=_("Status"), empty_label=_("Any status")
    )

    def search(self, queryset, name, value):
        """Through the paragraphs' texts too, without repeating a decision per paragraph."""
        matching = self.filters["q"].search(Decision.objects.all(), name, value)
        return queryset.filter(pk__in=matching.values("pk"))

    class Meta:
        model = Decision
        fields = ["q", "kind", "body", "status"]
