"""A template version written as an XLSForm workbook (see the package's docstring)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from openpyxl import Workbook

from cmsfamily.core import spreadsheets
from cmsfamily.core.languages import DEFAULT, LANGUAGES
from cmsfamily.reporting import conditions
from cmsfamily.reporting.choices import QuestionKind, YesNo
from cmsfamily.reporting.conditions.grammar import number_text
from cmsfamily.reporting.exchange import export_version
from cmsfamily.reporting.xlsform.common import (
    BASE_TYPES,
    ESCAPED_REFERENCE,
    EXPRESSION_COLUMNS,
    YES_NO_LIST,
    xlsform_language,
)


def _condition_text(condition: Any, kinds: dict[str, str]) -> str:
    if not condition:
        return ""
    if isinstance(condition, str):
        return conditions.unparse(conditions.parse(condition))
    expr = conditions.from_legacy(condition, kinds.get(str(condition.get("question"))))
    return conditions.unparse(expr) if expr else ""


def _decimal(value: Any) -> str:
    try:
        return number_text(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _constraint(question: dict) -> str:
    parts = []
    if question.get("min_value") is not None:
        parts.append(f". >= {_decimal(question['min_value'])}")
    if question.get("max_value") is not None:
        parts.append(f". <= {_decimal(question['max_value'])}")
    if question.get("max_length"):
        parts.append(f"string-length(.) <= {question['max_length']}")
    return " and ".join(parts)


def _type(question: dict) -> tuple[str, str, str]:
    """The XLSForm type, its appearance and the cms_kind of a question."""
    kind = question["kind"]
    if kind == QuestionKind.YES_NO:
        return f"select_one {YES_NO_LIST}", "", kind
    if kind == QuestionKind.SINGLE_CHOICE:
        return f"select_one {question['code']}", "", ""
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return f"select_multiple {question['code']}", "", ""
    if kind == QuestionKind.LONG_TEXT:
        return "text", "multiline", ""
    for base, (default, allowed) in BASE_TYPES.items():
        if kind in allowed and not base.startswith("select"):
            return base, "", "" if kind == default else kind
    return "text", "", kind


def _escaped(head: list[str], line: list[Any]) -> list[Any]:
    """A text that holds "${" is not a reference outside the expression columns: written so
    that XLSForm tools do not take it for one (and read back as it was)."""
    return [
        value.replace("${", ESCAPED_REFERENCE)
        if isinstance(value, str) and column not in EXPRESSION_COLUMNS
        else value
        for column, value in zip(head, line, strict=True)
    ]


def template_xlsform(data: dict) -> bytes:
    """The XLSForm workbook of a template JSON (what ``exchange.export_version`` writes)."""
    languages = list(LANGUAGES)
    lang = [xlsform_language(code) for code in languages]
    kinds = {q["code"]: q["kind"] for q in data["questions"]}
    questions = {q["code"]: q for q in data["questions"]}

    def per_language(texts: dict | None) -> list[str]:
        return [(texts or {}).get(code, "") for code in languages]

    survey_head = [
        "type",
        "name",
        *[f"label::{name}" for name in lang],
        *[f"hint::{name}" for name in lang],
        "relevant",
        "required",
        "constraint",
        "appearance",
        "cms_kind",
        "cms_number",
        *[f"cms_unit::{name}" for name in lang],
        "cms_targets",
        "cms_source",
        "cms_draft_text",
        "cms_columns",
        "cms_meanings",
        "cms_pattern",
        *[f"cms_pattern_message::{name}" for name in lang],
        "cms_allow_many",
        "cms_loop",
        "cms_loop_items",
        "cms_loop_programme",
    ]
    rows: list[list[Any]] = []
    choices: list[list[Any]] = []

    def row(**values: Any) -> None:
        line = []
        for column in survey_head:
            head, _sep, language = column.partition("::")
            if language:
                texts = values.get(head) or {}
                line.append(texts.get(languages[lang.index(language)], ""))
            else:
                line.append(values.get(column, ""))
        rows.append(line)

    children: dict[Any, list[dict]] = {}
    for section in data["sections"]:
        children.setdefault(section.get("parent"), []).append(section)
    counter = iter(range(1, 100_000))

    def write(section: dict) -> None:
        name = f"section_{next(counter)}"
        block = "repeat" if section.get("loop") else "group"
        row(
            type=f"begin {block}",
            name=name,
            label=section.get("title"),
            relevant=_condition_text(section.get("show_if"), kinds),
            cms_number=section["number"],
            cms_loop=section.get("loop", ""),
            cms_loop_items=json.dumps(section["loop_items"], ensure_ascii=False)
            if section.get("loop_items")
            else "",
            cms_loop_programme=section.get("loop_programme") or "",
        )
        if section.get("intro"):
            row(type="note", name=f"{name}_intro", label=section["intro"])
        for item in section.get("items") or []:
            question = questions[item["question"]]
            kind, appearance, cms_kind = _type(question)
            required = "yes" if item.get("required") else ""
            if item.get("require_if"):
                required = _condition_text(item["require_if"], kinds)
            row(
                type=kind,
                name=question["code"],
                label=question.get("text"),
                hint=question.get("help_text"),
                relevant=_condition_text(item.get("show_if"), kinds),
                required=required,
                constraint=_constraint(question),
                appearance=appearance,
                cms_kind=cms_kind,
                cms_number=item.get("number", ""),
                cms_unit=question.get("unit"),
                cms_targets=" ".join(f"{t['plan']}:{t['number']}" for t in question["targets"]),
                cms_source=question.get("source", ""),
                cms_draft_text="yes" if question.get("is_draft_text") else "",
                cms_columns=json.dumps(question["columns"], ensure_ascii=False)
                if question.get("columns")
                else "",
                cms_meanings=json.dumps(question["meanings"]) if question.get("meanings") else "",
                cms_pattern=question.get("pattern", ""),
                cms_pattern_message=question.get("pattern_message"),
                cms_allow_many="yes" if question.get("allow_many") else "",
            )
            if kind.startswith("select_") and cms_kind != QuestionKind.YES_NO:
                for option in question["options"]:
                    choices.append(
                        [question["code"], option["value"], *per_language(option["label"])]
                    )
        for child in children.get(section["number"], []):
            write(child)
        row(type=f"end {block}")

    for section in children.get(None, []):
        write(section)
    if any(q["kind"] == QuestionKind.YES_NO for q in data["questions"]):
        for value in YesNo.values:
            labels = []
            for code in languages:
                with translation.override(code):
                    labels.append(str(YesNo(value).label))
            choices.append([YES_NO_LIST, value, *labels])
    info = data["template"]
    settings_head = [
        "form_title",
        "form_id",
        "version",
        "default_language",
        "cms_instrument",
        "cms_reporter_kind",
        "cms_source",
        "cms_note",
        "cms_rules",
        *[f"cms_title::{name}" for name in lang],
        *[f"cms_description::{name}" for name in lang],
    ]
    settings_row = [
        (info.get("title") or {}).get(DEFAULT, info["slug"]),
        info["slug"],
        str(data.get("version", {}).get("number", 1)),
        xlsform_language(DEFAULT),
        info["instrument"],
        info["reporter_kind"],
        info.get("source", ""),
        data.get("version", {}).get("note", ""),
        json.dumps(data["rules"], ensure_ascii=False) if data.get("rules") else "",
        *per_language(info.get("title")),
        *per_language(info.get("description")),
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    spreadsheets.append(sheet, survey_head)
    for line in rows:
        spreadsheets.append(sheet, _escaped(survey_head, line))
    sheet = workbook.create_sheet("choices")
    choices_head = ["list_name", "name", *[f"label::{name}" for name in lang]]
    spreadsheets.append(sheet, choices_head)
    for line in choices:
        spreadsheets.append(sheet, _escaped(choices_head, line))
    sheet = workbook.create_sheet("settings")
    spreadsheets.append(sheet, settings_head)
    spreadsheets.append(sheet, _escaped(settings_head, settings_row))
    return spreadsheets.workbook_bytes(workbook)


def to_xlsform(version: Any) -> bytes:
    """Any template version as an XLSForm workbook."""
    return template_xlsform(export_version(version))
