"""Conditions stored in the checked form: as written and as an annotated tree, on items and
sections; the template file takes today's dicts and expressions, and says where each problem is."""

import copy
import importlib

import pytest
from django.apps import apps

from cmsfamily.reporting.exchange import ImportErrors, export_version, import_template
from cmsfamily.reporting.models import Item, Section
from cmsfamily.reporting.testing import build_template


@pytest.fixture
def exported(db):
    data = export_version(build_template()[1])
    data = copy.deepcopy(data)
    data["template"]["slug"] = "with-expressions"
    return data


def _item(version, code):
    return Item.objects.get(section__version=version, question__code=code)


def test_a_dict_is_kept_and_converted_to_an_expression(db):
    _template, version = build_template()
    actions = _item(version, "t.actions")
    assert actions.show_if == {"question": "t.obstacles", "equals": "yes"}
    assert actions.shown_when == "${t.obstacles} = 'yes'"
    assert actions.shown_when_tree["a"] == {"op": "ref", "q": "t.obstacles", "t": "text"}
    assert actions.required_when == "${t.obstacles} = 'yes'"


def test_expressions_on_items_and_sections_import_and_export_as_text(exported, secretariat):
    species = exported["sections"][1]
    species["items"][1]["show_if"] = "${t.obstacles} = 'yes' or ${t.obstacles} = ''"
    species["items"][1]["require_if"] = None
    exported["sections"][2]["show_if"] = "selected(${t.threats}, 'bycatch')"
    version = import_template(exported, by=secretariat)
    actions = _item(version, "t.actions")
    assert actions.show_if is None
    assert actions.shown_when_tree["op"] == "or"
    sites = Section.objects.get(version=version, number="III")
    assert sites.shown_when_tree == {
        "op": "selected",
        "arg": {"op": "ref", "q": "t.threats", "t": "multi"},
        "v": "bycatch",
    }
    again = export_version(version)
    assert again["sections"][1]["items"][1]["show_if"] == species["items"][1]["show_if"]
    assert again["sections"][2]["show_if"] == "selected(${t.threats}, 'bycatch')"


@pytest.mark.parametrize(
    "where,condition,message",
    [
        ("sections[1].items[1].show_if", "${t.obstacles} = ", "sections[1].items[1].show_if: "),
        ("sections[1].items[1].show_if", "${t.nowhere} = 1", "Unknown question t.nowhere"),
        (
            "sections[1].items[0].show_if",
            "${t.actions} = 'x'",
            "sections[1].items[0].show_if: t.actions comes at or after",
        ),
        (
            "sections[0].items[0].show_if",
            "selected(${t.threats}, 'fishing')",
            "“fishing” is not an option",
        ),
        ("sections[2].show_if", "${t.obstacles} = 'yes'", "sections[2].show_if: t.obstacles is"),
    ],
)
def test_each_problem_of_a_condition_says_where(exported, secretariat, where, condition, message):
    section, _dot, rest = where.partition(".")
    index = int(section[len("sections[") : -1])
    if rest.startswith("items"):
        position = int(rest[len("items[") : rest.index("]")])
        exported["sections"][index]["items"][position]["show_if"] = condition
    else:
        exported["sections"][index]["show_if"] = condition
    with pytest.raises(ImportErrors) as error:
        import_template(exported, by=secretariat)
    assert any(message in problem for problem in error.value.messages), error.value.messages


def test_the_migration_converts_a_multiple_choice_with_selected(db):
    _template, version = build_template()
    item = _item(version, "t.website")
    Item.objects.filter(pk=item.pk).update(
        show_if={"question": "t.threats", "in": ["bycatch", "habitat"]}
    )
    migration = importlib.import_module(
        "cmsfamily.reporting.migrations.0004_conditions_in_checked_form"
    )
    migration.convert(apps, None)
    item.refresh_from_db()
    assert item.shown_when == (
        "selected(${t.threats}, 'bycatch') or selected(${t.threats}, 'habitat')"
    )
    assert item.shown_when_tree["args"][0]["arg"]["t"] == "multi"
