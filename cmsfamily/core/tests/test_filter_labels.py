"""Every list page's filter says what leaving a choice alone means ("All regions", "Any
status"), in the reader's language, never django-filter's "---------"."""

import importlib

import django_filters
import pytest
from django.apps import apps
from django.utils import translation

from cmsfamily.core.filtersets import PageFilterSet

pytestmark = pytest.mark.django_db


def _page_filtersets():
    for config in apps.get_app_configs():
        if config.name.startswith("cmsfamily."):
            try:
                module = importlib.import_module(f"{config.name}.filtersets")
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, django_filters.FilterSet)
                    and value.__module__ == module.__name__
                    and value is not PageFilterSet
                    and not issubclass(value, django_filters.rest_framework.FilterSet)
                ):
                    yield value


FILTERSETS = sorted(_page_filtersets(), key=lambda f: f"{f.__module__}.{f.__name__}")


def test_the_filtersets_are_found():
    names = {filterset.__name__ for filterset in FILTERSETS}
    assert {"PartyFilter", "ContributionFilter", "TaxonFilter", "WorkProgrammeFilter"} <= names


@pytest.mark.parametrize("filterset", FILTERSETS, ids=lambda f: f.__name__)
def test_a_choice_filter_names_its_empty_choice(filterset):
    assert issubclass(filterset, PageFilterSet)
    html = str(filterset(queryset=filterset._meta.model.objects.none()).form)
    assert "---------" not in html


def test_the_empty_choices_name_what_they_keep():
    from cmsfamily.directory.filtersets import PartyFilter
    from cmsfamily.workplans.filtersets import WorkProgrammeFilter

    with translation.override("en"):
        assert 'value="" selected>All regions</option>' in str(
            PartyFilter(queryset=None).form["region"]
        )
        assert 'value="" selected>Any status</option>' in str(
            WorkProgrammeFilter(queryset=None).form
        )
