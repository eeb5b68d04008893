"""Placing conditions in a template version: "shown when" and "required when" of an item and
"shown when" of a section, given as an expression of the condition language or as one of today's
``{"question": code, "equals": v}`` / ``{"in": [...]}`` dicts (converted with
``conditions.from_legacy``, a multiple choice tested with selected()). Each is parsed and checked
against the version's questions (``conditions.check_text``) and stored as written with its
annotated tree; every problem carries its path (``sections[3].items[2].show_if: ...``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.services import record_event
from cmsfamily.reporting import conditions
from cmsfamily.reporting import rules as who
from cmsfamily.reporting.models import Item, Section, TemplateVersion
from cmsfamily.reporting.selectors import Structure, section_node_id, structure
from cmsfamily.reporting.services.common import require, require_draft

if TYPE_CHECKING:
    from cmsfamily.accounts.models import User

# The stored fields of each condition: (text, tree).
FIELDS = {
    "shown_when": ("shown_when", "shown_when_tree"),
    "required_when": ("required_when", "required_when_tree"),
    "valid_when": ("valid_when", "valid_when_tree"),
}


def questions_info(
    tree: Structure,
) -> tuple[dict[str, conditions.QuestionInfo], dict[int, conditions.QuestionInfo]]:
    """What the checks need of each question (by code) and of each section's place (by id): the
    order of the form, the loop each is answered in (a section's own condition is read outside
    its own loop) and the options."""
    questions: dict[str, conditions.QuestionInfo] = {}
    sections: dict[int, conditions.QuestionInfo] = {}
    loop_of = {node.section.pk: node.loop_section for node in tree.nodes}
    count = 0
    for node in tree.nodes:
        section = node.section
        if section.loop:
            parent = loop_of.get(section.parent_id) if section.parent_id else None
        else:
            parent = node.loop_section
        sections[section.pk] = conditions.QuestionInfo(
            kind="", position=2 * count - 1, loop=parent.pk if parent else None
        )
        for item in node.items:
            question = item.question
            questions[question.code] = conditions.QuestionInfo(
                kind=question.kind,
                options=tuple(option.value for option in question.options.all()),
                position=2 * count,
                loop=node.loop_section.pk if node.loop_section else None,
            )
            count += 1
    return questions, sections


def condition_text(value: Any, kinds: Mapping[str, str]) -> str:
    """A condition as text: an expression as it is, a dict converted (``kinds``: the kind of each
    question by code, so that a multiple choice is tested with selected())."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        expr = conditions.from_legacy(value, kinds.get(str(value.get("question", ""))))
        return "" if expr is None else conditions.unparse(expr)
    raise conditions.ConditionError(
        _("Write the condition as an expression, e.g. ${code} = 'yes'.")
    )


Placed = Item | Section
ITEM_CONDITIONS = ("shown_when", "required_when", "valid_when")


def place(
    version: TemplateVersion, entries: Iterable[tuple[str, Placed, str, Any]]
) -> list[conditions.Problem]:
    """Check and set conditions on items and sections of a version (not saved): each entry is
    (path, item or section, "shown_when", "required_when" or "valid_when", an expression or a
    dict or None).
    Returns every problem found, circles of conditions included."""
    tree = structure(version)
    questions, sections = questions_info(tree)
    kinds = {code: info.kind for code, info in questions.items()}
    problems: list[conditions.Problem] = []
    placed: dict[tuple[str, int], Placed] = {}
    paths: dict[str, str] = {}
    for path, obj, name, value in entries:
        text_field, tree_field = FIELDS[name]
        try:
            text = condition_text(value, kinds)
        except conditions.ConditionError as error:
            problems.append(conditions.Problem(path, str(error), error.column))
            continue
        expr = None
        if text:
            if isinstance(obj, Item):
                current = questions.get(obj.question.code)
                paths.setdefault(obj.question.code, path)
            else:
                current = sections.get(obj.pk)
                paths.setdefault(section_node_id(obj.pk), path)
            # A "valid when" may read questions later in the form (it is checked on submit).
            expr, found = conditions.check_text(
                text, questions, path=path, current=current, allow_later=name == "valid_when"
            )
            problems.extend(found)
        setattr(obj, text_field, text)
        setattr(obj, tree_field, expr)
        placed[(type(obj).__name__, obj.pk)] = obj
    problems.extend(_circles(tree, placed, paths))
    return problems


def _circles(tree: Structure, placed: Mapping, paths: Mapping[str, str]) -> list:
    """The circles of "shown when" conditions, a section's condition read by all it holds."""

    def shown(obj: Placed) -> Any:
        return placed.get((type(obj).__name__, obj.pk), obj).shown_when_tree

    by_section = {node.section.pk: node.section for node in tree.nodes}
    reads: dict[str, list] = {}
    for node in tree.nodes:
        enclosing = []
        section: Section | None = node.section
        while section is not None:
            enclosing.append(shown(section))
            section = by_section.get(section.parent_id) if section.parent_id else None
        for item in node.items:
            reads[item.question.code] = [shown(item), *enclosing]
    problems = []
    for circle in conditions.cycles(reads):
        path = next((paths[code] for code in circle if code in paths), "sections")
        problems.append(
            conditions.Problem(
                path,
                _("These conditions read each other in a circle: %(codes)s.")
                % {"codes": " → ".join(circle)},
            )
        )
    return problems


def _errors(problems: Iterable[conditions.Problem], fields: Iterable[str]) -> dict[str, list[str]]:
    """The problems by the field they are about (the builder's fields are the paths), each with
    the column where it is found; a problem of no one field is the form's."""
    fields = set(fields)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        message = problem.message
        prefix = _("Column %(column)s: %(message)s") % {"column": problem.column, "message": ""}
        if problem.column is not None and not message.startswith(prefix):
            message = _("Column %(column)s: %(message)s") % {
                "column": problem.column,
                "message": message,
            }
        field = problem.path if problem.path in fields else "__all__"
        if message not in errors.get(field, []):
            errors.setdefault(field, []).append(message)
    return errors


@transaction.atomic
def set_item_conditions(
    *,
    item: Item,
    by: User | None,
    shown_when: str = "",
    required_when: str = "",
    valid_when: str = "",
    valid_message: Mapping[str, str] | None = None,
) -> Item:
    """The builder's "shown when", "required when" and "valid when" of a question of a draft
    version, as XLSForm expressions (empty: none), with what a report that breaks "valid when" is
    told, by language. All are checked, as an import is; nothing is saved if one is wrong (a
    ValidationError by field, each problem with its column)."""
    version = item.section.version
    require(by, who.keeps_reporting_of, version)
    require_draft(version)
    texts = {"shown_when": shown_when, "required_when": required_when, "valid_when": valid_when}
    before = {name: getattr(item, name) for name in ITEM_CONDITIONS}
    problems = place(
        version,
        [(name, item, name, (text or "").strip() or None) for name, text in texts.items()],
    )
    errors = _errors(problems, ITEM_CONDITIONS)
    message = {
        language: str(text).strip()
        for language, text in (valid_message or {}).items()
        if language in LANGUAGES and text and str(text).strip()
    }
    if message and not item.valid_when:
        errors.setdefault("valid_message_en", []).append(
            _(
                "A message is shown only when an answer breaks its “valid when” condition: write the condition too."
            )
        )
    if errors:
        raise ValidationError(errors, code="invalid_condition")
    item.valid_message = message
    # The dicts an import gave are what the expressions were made from: once an expression is
    # written here, it is the condition (the JSON export gives it instead).
    if item.shown_when != before["shown_when"]:
        item.show_if = None
    if item.required_when != before["required_when"]:
        item.require_if = None
    item.save(
        update_fields=[
            *(field for name in ITEM_CONDITIONS for field in FIELDS[name]),
            "valid_message",
            "show_if",
            "require_if",
        ]
    )
    record_event(
        kind="template.conditions",
        target=version.template,
        actor=by,
        version=version.number,
        question=item.question.code,
    )
    return item


@transaction.atomic
def set_section_condition(*, section: Section, by: User | None, shown_when: str = "") -> Section:
    """The builder's "shown when" of a section of a draft version (empty: always shown): the
    section and all it holds are shown only when it holds."""
    version = section.version
    require(by, who.keeps_reporting_of, version)
    require_draft(version)
    problems = place(version, [("shown_when", section, "shown_when", shown_when.strip() or None)])
    errors = _errors(problems, ["shown_when"])
    if errors:
        raise ValidationError(errors, code="invalid_condition")
    section.save(update_fields=list(FIELDS["shown_when"]))
    record_event(
        kind="template.conditions",
        target=version.template,
        actor=by,
        version=version.number,
        section=section.number,
    )
    return section
