"""The question bank and the templates: versions, sections, items and rules, and freezing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES, TRANSLATED
from cmsfamily.core.services import record_event
from cmsfamily.reporting import answers as typed
from cmsfamily.reporting.choices import LoopKind, QuestionKind, ReporterKind, VersionStatus
from cmsfamily.reporting.models import (
    Item,
    Option,
    Question,
    Section,
    Template,
    TemplateVersion,
    ValidationRule,
)
from cmsfamily.reporting.services.common import field_error, require_draft
from cmsfamily.reporting.services.conditions import place

if TYPE_CHECKING:
    from cmsfamily.accounts.models import User
    from cmsfamily.directory.models import Instrument
    from cmsfamily.strategy.models import Target
    from cmsfamily.workplans.models import WorkProgramme

# What may still change in a question that a frozen version uses: its translations, which do not
# change what is asked.
TRANSLATION_FIELDS = frozenset(
    f"{name}_{language}"
    for name in ("text", "help_text", "unit", "pattern_message")
    for language in TRANSLATED
)
QUESTION_FIELDS = frozenset(
    {
        *(
            f"{name}_{language}"
            for name in ("text", "help_text", "unit", "pattern_message")
            for language in LANGUAGES
        ),
        "kind",
        "min_value",
        "max_value",
        "max_length",
        "pattern",
        "allow_many",
        "columns",
        "is_draft_text",
        "source",
    }
)


def _check_question(question: Question, options: list | None) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not getattr(question, "text_en", ""):
        errors["text_en"] = [
            ValidationError(
                _("Give the question in English, the language of the record."), code="required"
            )
        ]
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and not options:
        errors["options"] = [
            ValidationError(_("A choice question needs at least one option."), code="required")
        ]
    if question.kind == QuestionKind.TABLE:
        try:
            typed.validate_columns(question.columns)
        except ValidationError as error:
            errors["columns"] = [
                ValidationError(message, code="invalid_columns") for message in error.messages
            ]
    if (
        question.min_value is not None
        and question.max_value is not None
        and question.min_value > question.max_value
    ):
        errors["max_value"] = [
            ValidationError(
                _("The highest value is lower than the lowest value."), code="invalid_range"
            )
        ]
    if question.pattern:
        import re

        try:
            re.compile(question.pattern)
        except re.error:
            errors["pattern"] = [
                ValidationError(
                    _("This pattern is not a valid regular expression."), code="invalid_pattern"
                )
            ]
    if errors:
        raise ValidationError(errors)


def _options(question: Question, options: list[dict]) -> None:
    seen = set()
    rows = []
    for order, option in enumerate(options):
        value = option["value"]
        if value in seen:
            raise field_error(
                "options",
                _("Two options have the value “%(value)s”.") % {"value": value},
                code="duplicate",
            )
        seen.add(value)
        row = Option(question=question, value=value, order=order)
        for language in LANGUAGES:
            setattr(row, f"label_{language}", (option.get("label") or {}).get(language, ""))
        if not getattr(row, "label_en", ""):
            raise field_error(
                "options", _("Each option needs a label in English."), code="required"
            )
        rows.append(row)
    question.options.all().delete()
    Option.objects.bulk_create(rows)


def is_frozen_question(question: Question) -> bool:
    return Item.objects.filter(
        question=question, section__version__status=VersionStatus.FROZEN
    ).exists()


@transaction.atomic
def create_question(
    *,
    code: str,
    by: User | None,
    options: list[dict[str, Any]] | None = None,
    targets: Iterable[Target] | None = (),
    **values: Any,
) -> Question:
    unknown = set(values) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if Question.objects.filter(code=code).exists():
        raise field_error(
            "code",
            _("A question with the code “%(code)s” exists.") % {"code": code},
            code="duplicate",
        )
    question = Question(code=code, **values)
    question.full_clean(
        exclude=["text", "help_text", "unit", "pattern_message"],
        validate_unique=False,
        validate_constraints=False,
    )
    _check_question(question, options)
    question.save()
    if options:
        _options(question, options)
    if targets:
        question.targets.set(targets)
    record_event(kind="question.created", target=question, actor=by)
    return question


@transaction.atomic
def update_question(
    *,
    question: Question,
    by: User | None,
    options: list[dict[str, Any]] | None = None,
    targets: Iterable[Target] | None = None,
    **values: Any,
) -> Question:
    unknown = set(values) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if is_frozen_question(question):
        changed = {name for name, value in values.items() if getattr(question, name) != value}
        if changed - TRANSLATION_FIELDS or options is not None or targets is not None:
            raise ValidationError(
                _(
                    "A reporting cycle uses this question: only its French and Spanish texts may "
                    "still change. Add a new question to a new template version instead."
                ),
                code="frozen",
            )
    for name, value in values.items():
        setattr(question, name, value)
    question.full_clean(
        exclude=["text", "help_text", "unit", "pattern_message", "code"],
        validate_unique=False,
        validate_constraints=False,
    )
    _check_question(
        question,
        options if options is not None else list(question.options.values_list("value", flat=True)),
    )
    question.save()
    if options is not None:
        _options(question, options)
    if targets is not None:
        question.targets.set(targets)
    record_event(kind="question.changed", target=question, actor=by, fields=sorted(values))
    return question


@transaction.atomic
def tag_question(*, question: Question, targets: Iterable[Target], by: User | None) -> list:
    """Add Strategic Plan target tags to a bank question, keeping those it has; the targets
    it gained. Allowed on a question a frozen version uses: a tag classifies the question for the
    analysis per target and changes neither what is asked nor what an answer means (which is why
    `update_question`, which replaces every tag, is refused there). Adding what is there already
    changes nothing and records no event, so a loader may call it again and again."""
    has = set(question.targets.values_list("pk", flat=True))
    new = [target for target in targets if target.pk not in has]
    if new:
        question.targets.add(*new)
        record_event(
            kind="question.tagged",
            target=question,
            actor=by,
            targets=sorted(target.number for target in new),
        )
    return new


# --- templates and their versions -------------------------------------------------------------


@transaction.atomic
def create_template(
    *, slug: str, instrument: Instrument, reporter_kind: str, by: User | None, **texts: str
) -> Template:
    if Template.objects.filter(slug=slug).exists():
        raise field_error(
            "slug",
            _("A template with the code “%(code)s” exists.") % {"code": slug},
            code="duplicate",
        )
    if reporter_kind not in ReporterKind.values:
        raise field_error(
            "reporter_kind", _("Choose who reports with this template."), code="invalid_choice"
        )
    template = Template(slug=slug, instrument=instrument, reporter_kind=reporter_kind, **texts)
    if not getattr(template, "title_en", ""):
        raise field_error(
            "title_en", _("Give the title in English, the language of the record."), code="required"
        )
    template.save()
    TemplateVersion.objects.create(template=template, number=1)
    record_event(kind="template.created", target=template, actor=by)
    return template


def latest_version(template: Template) -> TemplateVersion:
    return template.versions.order_by("-number")[0]  # a template always has version 1


def _copy(row, **changes):
    """An unsaved copy of a row: every column as it is (a field added to the model later is
    copied too), but its key and the relations given."""
    copy = type(row)(**changes)
    for field_ in type(row)._meta.concrete_fields:
        if not field_.primary_key and field_.name not in changes:
            setattr(copy, field_.attname, getattr(row, field_.attname))
    return copy


@transaction.atomic
def new_version(*, template: Template, by: User | None, note: str = "") -> TemplateVersion:
    """A draft copy of the latest version: its sections, items and rules (a constant number of
    statements per level of nesting)."""
    source = latest_version(template)
    if source.status == VersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is still a draft: edit it.") % {"number": source.number},
            code="draft_exists",
        )
    version = TemplateVersion.objects.create(template=template, number=source.number + 1, note=note)
    copies: dict[int, Section] = {}
    remaining = list(source.sections.all())
    while remaining:
        level = [s for s in remaining if s.parent_id is None or s.parent_id in copies]
        made = {
            section.pk: _copy(
                section,
                version=version,
                parent=copies.get(section.parent_id) if section.parent_id else None,
            )
            for section in level
        }
        Section.objects.bulk_create(made.values())
        copies.update(made)
        remaining = [s for s in remaining if s.pk not in copies]
    Item.objects.bulk_create(
        _copy(item, section=copies[item.section_id])
        for item in Item.objects.filter(section__version=source)
    )
    ValidationRule.objects.bulk_create(_copy(rule, version=version) for rule in source.rules.all())
    record_event(kind="template.versioned", target=template, actor=by, version=version.number)
    return version


@transaction.atomic
def add_section(
    *,
    version: TemplateVersion,
    number: str,
    by: User | None,
    parent: Section | None = None,
    loop: str = "",
    loop_items: list[str] | None = None,
    loop_programme: WorkProgramme | None = None,
    **texts: str,
) -> Section:
    require_draft(version)
    if parent is not None and parent.version_id != version.pk:
        raise field_error(
            "parent", _("Choose a section of the same version."), code="invalid_choice"
        )
    if version.sections.filter(number=number).exists():
        raise field_error(
            "number",
            _("A section is already numbered “%(number)s”.") % {"number": number},
            code="duplicate",
        )
    if loop not in LoopKind.values:
        raise field_error("loop", _("Choose how the section is repeated."), code="invalid_choice")
    if loop == LoopKind.FIXED and not loop_items:
        raise field_error(
            "loop_items", _("List the items the section is repeated for."), code="required"
        )
    if loop == LoopKind.ACTIVITY and loop_programme is None:
        raise field_error(
            "loop_programme",
            _("Choose the work programme whose activities the section repeats over."),
            code="required",
        )
    last = version.sections.order_by("-order").values_list("order", flat=True).first()
    section = Section(
        version=version,
        parent=parent,
        number=number,
        order=(last or 0) + 10,
        loop=loop,
        loop_items=loop_items or [],
        loop_programme=loop_programme,
        **texts,
    )
    if not getattr(section, "title_en", ""):
        raise field_error(
            "title_en", _("Give the title in English, the language of the record."), code="required"
        )
    section.save()
    return section


@transaction.atomic
def update_section(*, section: Section, by: User | None, **texts: str) -> Section:
    require_draft(section.version)
    allowed = {f"{name}_{lang}" for name in ("title", "intro") for lang in LANGUAGES}
    if set(texts) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(texts) - allowed)}")
    for name, value in texts.items():
        setattr(section, name, value)
    if not getattr(section, "title_en", ""):
        raise field_error(
            "title_en", _("Give the title in English, the language of the record."), code="required"
        )
    section.save()
    return section


@transaction.atomic
def add_item(
    *,
    section: Section,
    question: Question,
    number: str,
    by: User | None,
    required: bool = False,
    show_if: dict[str, Any] | None = None,
    require_if: dict[str, Any] | None = None,
) -> Item:
    require_draft(section.version)
    if Item.objects.filter(section__version=section.version_id, question=question).exists():
        raise field_error(
            "question",
            _("This version already asks question “%(code)s”.") % {"code": question.code},
            code="duplicate",
        )
    for name, condition in (("show_if", show_if), ("require_if", require_if)):
        if condition is not None and not isinstance(condition, str):
            check_condition(section.version, condition, name)
    last = section.items.order_by("-order").values_list("order", flat=True).first()
    item = Item.objects.create(
        section=section,
        question=question,
        number=number,
        order=(last or 0) + 10,
        required=required,
        show_if=None if isinstance(show_if, str) else show_if,
        require_if=None if isinstance(require_if, str) else require_if,
    )
    if show_if is not None or require_if is not None:
        problems = place(
            section.version,
            [
                ("show_if", item, "shown_when", show_if),
                ("require_if", item, "required_when", require_if),
            ],
        )
        if problems:
            raise ValidationError([str(problem) for problem in problems])
        item.save(update_fields=[*FIELDS_OF_CONDITIONS])
    return item


FIELDS_OF_CONDITIONS = ("shown_when", "shown_when_tree", "required_when", "required_when_tree")


def check_condition(version: TemplateVersion, condition: Any, name: str) -> None:
    if (
        not isinstance(condition, dict)
        or not isinstance(condition.get("question"), str)
        or not ("equals" in condition or "in" in condition)
    ):
        raise field_error(
            name,
            _('Write the condition as {"question": "<code>", "equals": <value>}.'),
            code="invalid_condition",
        )
    if not Item.objects.filter(
        section__version=version, question__code=condition["question"]
    ).exists():
        raise field_error(
            name,
            _("The condition names question “%(code)s”, which this version does not ask.")
            % {"code": condition["question"]},
            code="unknown_question",
        )


@transaction.atomic
def move(*, obj: Section | Item, direction: int, by: User | None) -> None:
    """Swap a section or an item with its neighbour (up: -1, down: +1) among its siblings."""
    version = obj.version if isinstance(obj, Section) else obj.section.version
    require_draft(version)
    siblings: list[Any]
    if isinstance(obj, Section):
        siblings = list(
            Section.objects.filter(version=version, parent=obj.parent_id).order_by("order", "pk")
        )
    else:
        siblings = list(Item.objects.filter(section=obj.section_id).order_by("order", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    other = index + direction
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings):
        sibling.order = (order + 1) * 10
    type(obj).objects.bulk_update(siblings, ["order"])  # type: ignore[attr-defined]


@transaction.atomic
def remove_item(*, item: Item, by: User | None) -> None:
    require_draft(item.section.version)
    item.delete()


@transaction.atomic
def add_rule(
    *,
    version: TemplateVersion,
    kind: str,
    operands: dict[str, Any],
    by: User | None,
    **messages: str,
) -> ValidationRule:
    require_draft(version)
    codes = (
        operands.get("parts", []) + [operands.get("total")]
        if "parts" in operands
        else [operands.get("left"), operands.get("right")]
    )
    asked = dict(
        Item.objects.filter(
            section__version=version, question__code__in=[c for c in codes if c]
        ).values_list("question__code", "question__kind")
    )
    number_kinds = (QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.PERCENTAGE)
    if any(code not in asked or asked[code] not in number_kinds for code in codes):
        raise field_error(
            "operands",
            _("A rule compares number questions this version asks."),
            code="invalid_rule",
        )
    rule = ValidationRule(version=version, kind=kind, operands=operands, **messages)
    if not getattr(rule, "message_en", ""):
        raise field_error(
            "message_en",
            _("Give the message in English, the language of the record."),
            code="required",
        )
    rule.save()
    return rule
