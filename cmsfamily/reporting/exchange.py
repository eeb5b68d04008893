"""A template version as a JSON file, and back: so that a template can be reviewed, versioned and
shipped as data.

The file holds the template, the questions it asks (with their options, texts in three languages,
target tags and what the options mean for those targets), its sections with their items, and its
rules. Importing checks the whole file first and then writes it in one transaction, or nothing: a
new template, or a new draft version of an existing one. A question whose code is already in the
bank is reused when its definition is the same; a different definition under the same code is
refused (the bank's answers would change meaning), so the file must give the changed question a
new code. What its options mean is not part of the definition (`services/meanings.py`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.text import clean_html
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import LoopKind, QuestionKind, ReporterKind, RuleKind
from cmsfamily.reporting.models import Item, Question, Section, Template, TemplateVersion
from cmsfamily.reporting.services.conditions import place as place_conditions

FORMAT = "cmsfamily-report-template/1"
QUESTION_TEXTS = ("text", "help_text", "unit", "pattern_message")
QUESTION_SCALARS = (
    "kind",
    "max_length",
    "pattern",
    "allow_many",
    "columns",
    "is_draft_text",
    "source",
)


def _texts(obj, name: str) -> dict[str, str]:
    return {
        language: getattr(obj, f"{name}_{language}") or ""
        for language in LANGUAGES
        if getattr(obj, f"{name}_{language}")
    }


def _number(value) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def question_definition(question: Question) -> dict[str, Any]:
    return {
        "code": question.code,
        **{name: getattr(question, name) for name in QUESTION_SCALARS},
        **{name: _texts(question, name) for name in QUESTION_TEXTS},
        "min_value": _number(question.min_value),
        "max_value": _number(question.max_value),
        "options": [
            {"value": option.value, "label": _texts(option, "label")}
            for option in question.options.all()
        ],
        "targets": sorted(
            ({"plan": t.plan.code, "number": t.number} for t in question.targets.all()),
            key=lambda t: (t["plan"], t["number"]),
        ),
        **({"meanings": question.meanings} if question.meanings else {}),
    }


def _condition(given: dict | None, text: str) -> dict | str | None:
    """A condition as the file holds it: the expression text, or the dict it was given as (which
    means the same: the shipped files are written so, and export as they are)."""
    return given or text or None


def export_version(version: TemplateVersion) -> dict[str, Any]:
    structure = selectors.structure(version)
    template = version.template
    questions = (
        Question.objects.filter(items__section__version=version)
        .prefetch_related("options", "targets__plan")
        .order_by("code")
    )
    numbers = {node.section.pk: node.section.number for node in structure.nodes}
    return {
        "format": FORMAT,
        "template": {
            "slug": template.slug,
            "instrument": template.instrument.code,
            "reporter_kind": template.reporter_kind,
            "title": _texts(template, "title"),
            "description": _texts(template, "description"),
            "source": template.source,
        },
        "version": {"number": version.number, "status": version.status, "note": version.note},
        "questions": [question_definition(question) for question in questions],
        "sections": [
            {
                "number": node.section.number,
                "parent": numbers.get(node.section.parent_id or 0),
                "title": _texts(node.section, "title"),
                "intro": _texts(node.section, "intro"),
                "loop": node.section.loop,
                "loop_items": node.section.loop_items,
                "loop_programme": getattr(node.section.loop_programme, "code", None),
                "items": [
                    {
                        "number": item.number,
                        "question": item.question.code,
                        "required": item.required,
                        "show_if": _condition(item.show_if, item.shown_when),
                        "require_if": _condition(item.require_if, item.required_when),
                        **(
                            {
                                "constraint": item.valid_when,
                                "constraint_message": item.valid_message,
                            }
                            if item.valid_when
                            else {}
                        ),
                    }
                    for item in node.items
                ],
                **({"show_if": node.section.shown_when} if node.section.shown_when else {}),
            }
            for node in structure.nodes
        ],
        "rules": [
            {"kind": rule.kind, "operands": rule.operands, "message": _texts(rule, "message")}
            for rule in structure.rules
        ],
    }


class ImportErrors(ValidationError):
    """Every problem of a file, each with where it is (``sections[2].items[0].question``)."""


def _need(data: dict, key: str, kind, where: str, problems: list[str]):
    value = data.get(key)
    if not isinstance(value, kind):
        problems.append(
            _("%(where)s: “%(key)s” is missing or of the wrong type.")
            % {"where": where, "key": key}
        )
        return None
    return value


def _localised(values: dict | None, name: str) -> dict[str, str]:
    """A text in each language, its markup sanitised (files come from anywhere)."""
    values = _clean_texts(values)
    return {f"{name}_{language}": values.get(language, "") for language in LANGUAGES}


def _clean_texts(values: Any) -> dict[str, str]:
    """A text by language with only harmless inline markup left in it."""
    values = values if isinstance(values, dict) else {}
    return {language: clean_html(str(text)) for language, text in values.items()}


def _check(data: Any) -> list[str]:
    """The problems of the file's shape, before anything is looked up or written."""
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [_("This is not a report template file (format “%(format)s”).") % {"format": FORMAT}]
    template = _need(data, "template", dict, "template", problems) or {}
    for key in ("slug", "instrument", "reporter_kind"):
        _need(template, key, str, "template", problems)
    if template.get("reporter_kind") not in ReporterKind.values:
        problems.append(
            _("template: the reporter kind must be one of %(kinds)s.")
            % {"kinds": ", ".join(ReporterKind.values)}
        )
    codes = set()
    for index, question in enumerate(_need(data, "questions", list, "file", problems) or []):
        where = f"questions[{index}]"
        if not isinstance(question, dict):
            problems.append(_("%(where)s: not a question.") % {"where": where})
            continue
        code = _need(question, "code", str, where, problems)
        if question.get("kind") not in QuestionKind.values:
            problems.append(
                _("%(where)s: unknown question type “%(kind)s”.")
                % {"where": where, "kind": question.get("kind")}
            )
        if code in codes:
            problems.append(
                _("%(where)s: the code “%(code)s” appears twice.") % {"where": where, "code": code}
            )
        codes.add(code)
    numbers = set()
    for index, section in enumerate(_need(data, "sections", list, "file", problems) or []):
        where = f"sections[{index}]"
        if not isinstance(section, dict):
            problems.append(_("%(where)s: not a section.") % {"where": where})
            continue
        number = _need(section, "number", str, where, problems)
        if section.get("parent") is not None and section["parent"] not in numbers:
            problems.append(
                _("%(where)s: its parent section “%(parent)s” must come before it.")
                % {"where": where, "parent": section["parent"]}
            )
        if section.get("loop", "") not in LoopKind.values:
            problems.append(
                _("%(where)s: unknown loop “%(loop)s”.")
                % {"where": where, "loop": section.get("loop")}
            )
        numbers.add(number)
        for position, item in enumerate(section.get("items") or []):
            if not isinstance(item, dict) or item.get("question") not in codes:
                problems.append(
                    _(
                        "%(where)s.items[%(position)s]: the question is not among the file's questions."
                    )
                    % {"where": where, "position": position}
                )
    for index, rule in enumerate(data.get("rules") or []):
        if (
            not isinstance(rule, dict)
            or rule.get("kind") not in RuleKind.values
            or not isinstance(rule.get("operands"), dict)
        ):
            problems.append(_("rules[%(index)s]: not a valid rule.") % {"index": index})
    return problems


def _same(question: Question, definition: dict) -> bool:
    current = question_definition(question)
    keys = (
        "kind",
        "min_value",
        "max_value",
        "max_length",
        "pattern",
        "allow_many",
        "columns",
        "options",
    )
    definition = {  # compared as it will be stored: its texts sanitised
        **definition,
        "options": [
            {**option, "label": _clean_texts(option.get("label"))}
            for option in definition.get("options") or []
            if isinstance(option, dict)
        ],
    }
    if any(
        current[key] != definition.get(key, current[key] if key != "options" else [])
        for key in keys
    ):
        return False
    return current["text"].get("en") == _clean_texts(definition.get("text")).get("en")


def _question(definition: dict, by, where: str) -> Question:
    from cmsfamily.strategy.models import Target

    existing = Question.objects.filter(code=definition["code"]).first()
    meanings = definition.get("meanings") or {}  # how answers are read: never makes a new code
    if existing is not None:
        if not _same(existing, definition):
            raise ValidationError(
                _(
                    "%(where)s: the bank already has a question “%(code)s” with another definition; give this one a new code."
                )
                % {"where": where, "code": definition["code"]}
            )
        return services.fill_meanings(question=existing, meanings=meanings, by=by)
    targets = []
    for tag in definition.get("targets") or []:
        target = Target.objects.filter(plan__code=tag.get("plan"), number=tag.get("number")).first()
        if target is None:
            raise ValidationError(
                _("%(where)s: no target %(number)s in plan “%(plan)s”.") % {"where": where, **tag}
            )
        targets.append(target)
    values: dict[str, Any] = {}
    for name in QUESTION_TEXTS:
        values.update(_localised(definition.get(name), name))
    for name in ("max_length", "pattern", "allow_many", "columns", "is_draft_text", "source"):
        if definition.get(name) is not None:
            values[name] = definition[name]
    for name in ("min_value", "max_value"):
        if definition.get(name) is not None:
            values[name] = Decimal(str(definition[name]))
    options = [
        {"value": o["value"], "label": _clean_texts(o.get("label"))}
        for o in definition.get("options") or []
    ]
    question = services.create_question(
        code=definition["code"],
        kind=definition["kind"],
        by=by,
        options=options or None,
        targets=targets,
        **values,
    )
    return services.fill_meanings(question=question, meanings=meanings, by=by, created=True)


def _located(where: str, error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{where} {field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [
        message if message.startswith(where) else f"{where}: {message}"
        for message in error.messages
    ]


@transaction.atomic
def import_template(data: Any, *, by) -> TemplateVersion:
    """Write the file as a new template or a new draft version, or raise ``ImportErrors``."""
    from cmsfamily.directory.models import Instrument
    from cmsfamily.workplans.models import WorkProgramme

    problems = _check(data)
    if problems:
        raise ImportErrors(problems)
    info = data["template"]
    instrument = Instrument.objects.filter(code=info["instrument"]).first()
    if instrument is None:
        raise ImportErrors(
            [_("template: no instrument with the code “%(code)s”.") % {"code": info["instrument"]}]
        )
    template = Template.objects.filter(slug=info["slug"]).first()
    problems = []
    try:
        with transaction.atomic():
            if template is None:
                template = services.create_template(
                    slug=info["slug"],
                    instrument=instrument,
                    reporter_kind=info["reporter_kind"],
                    by=by,
                    source=info.get("source", ""),
                    **_localised(info.get("title"), "title"),
                    **_localised(info.get("description"), "description"),
                )
                version = template.versions.get()
            else:
                if (
                    template.instrument_id != instrument.pk
                    or template.reporter_kind != info["reporter_kind"]
                ):
                    raise ValidationError(
                        _("template: “%(slug)s” exists for another instrument or reporter.")
                        % {"slug": template.slug}
                    )
                version = services.latest_version(template)
                if version.is_frozen or version.sections.exists():
                    version = _empty_version(template, by, data.get("version", {}).get("note", ""))
            questions = {}
            for index, definition in enumerate(data["questions"]):
                try:
                    questions[definition["code"]] = _question(definition, by, f"questions[{index}]")
                except ValidationError as error:
                    problems.extend(_located(f"questions[{index}]", error))
            if problems:
                raise ValidationError(problems)
            sections = {}
            for index, entry in enumerate(data["sections"]):
                where = f"sections[{index}]"
                programme = None
                if entry.get("loop_programme"):
                    programme = WorkProgramme.objects.filter(code=entry["loop_programme"]).first()
                    if programme is None:
                        problems.append(
                            _("%(where)s: no work programme “%(code)s”.")
                            % {"where": where, "code": entry["loop_programme"]}
                        )
                        continue
                try:
                    sections[entry["number"]] = services.add_section(
                        version=version,
                        number=entry["number"],
                        parent=sections.get(entry.get("parent")),
                        loop=entry.get("loop", ""),
                        loop_items=entry.get("loop_items") or [],
                        loop_programme=programme,
                        by=by,
                        **_localised(entry.get("title"), "title"),
                        **_localised(entry.get("intro"), "intro"),
                    )
                except ValidationError as error:
                    problems.extend(_located(where, error))
            if problems:
                raise ValidationError(problems)
            # Items first without conditions, so that a condition may name a later question.
            placed = []
            for index, entry in enumerate(data["sections"]):
                for position, item in enumerate(entry.get("items") or []):
                    where = f"sections[{index}].items[{position}]"
                    try:
                        placed.append(
                            (
                                where,
                                services.add_item(
                                    section=sections[entry["number"]],
                                    question=questions[item["question"]],
                                    number=str(item.get("number", position + 1)),
                                    required=bool(item.get("required")),
                                    by=by,
                                ),
                                item,
                            )
                        )
                    except ValidationError as error:
                        problems.extend(_located(where, error))
            problems.extend(_place_conditions(version, data["sections"], sections, placed))
            for index, rule in enumerate(data.get("rules") or []):
                try:
                    services.add_rule(
                        version=version,
                        kind=rule["kind"],
                        operands=rule["operands"],
                        by=by,
                        **_localised(rule.get("message"), "message"),
                    )
                except ValidationError as error:
                    problems.extend(_located(f"rules[{index}]", error))
            if problems:
                raise ValidationError(problems)
    except ValidationError as error:
        raise ImportErrors(problems or error.messages) from None
    return version


def _empty_version(template: Template, by, note: str) -> TemplateVersion:
    latest = services.latest_version(template)
    if not latest.is_frozen:
        raise ValidationError(
            _("template: version %(number)s is a draft with content; edit it or freeze it first.")
            % {"number": latest.number}
        )
    return TemplateVersion.objects.create(template=template, number=latest.number + 1, note=note)


CONDITIONS = (("show_if", "shown_when"), ("require_if", "required_when"))


def _place_conditions(version, entries: list, sections: dict, placed: list) -> list[str]:
    """Check and write the conditions of the items and sections: a dict of today's form (kept as
    given and converted) or an expression; each problem with its path."""
    problems: list[str] = []
    conditions = []
    for where, made, item in placed:
        for name, target in CONDITIONS:
            value = item.get(name)
            if value is None:
                continue
            if isinstance(value, dict):
                try:
                    services.check_condition(version, value, name)
                except ValidationError as error:
                    problems.extend(_located(where, error))
                    continue
                setattr(made, name, value)
            conditions.append((f"{where}.{name}", made, target, value))
        if item.get("constraint") is not None:
            conditions.append((f"{where}.constraint", made, "valid_when", item["constraint"]))
            message = item.get("constraint_message")
            if isinstance(message, dict):
                made.valid_message = {
                    language: str(text) for language, text in message.items() if text
                }
    for index, entry in enumerate(entries):
        if entry.get("show_if") is not None and entry["number"] in sections:
            conditions.append(
                (
                    f"sections[{index}].show_if",
                    sections[entry["number"]],
                    "shown_when",
                    entry["show_if"],
                )
            )
    problems.extend(str(problem) for problem in place_conditions(version, conditions))
    Item.objects.bulk_update(
        [made for _where, made, _item in placed],
        [
            "show_if",
            "require_if",
            *services.FIELDS_OF_CONDITIONS,
            "valid_when",
            "valid_when_tree",
            "valid_message",
        ],
    )
    Section.objects.bulk_update(
        [section for _path, section, _name, _value in conditions if isinstance(section, Section)],
        ["shown_when", "shown_when_tree"],
    )
    return problems
