import django_filters
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.filtersets import PageFilterSet, SearchFilter
from cmsfamily.workplans.choices import ProgrammeKind, ProgrammeStatus
from cmsfamily.workplans.models import WorkProgramme


class WorkProgrammeFilter(PageFilterSet):
    q = SearchFilter(fields=["code", "title", "source"])
    kind = django_filters.ChoiceFilter(
        choices=ProgrammeKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        choices=ProgrammeStatus.choices, label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = WorkProgramme
        fields = ["q", "kind", "status"]
