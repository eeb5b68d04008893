"""An XLSForm workbook read into the template JSON of ``exchange.py`` (see the package's docstring)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from cmsfamily.core import uploads
from cmsfamily.core.languages import DEFAULT
from cmsfamily.reporting import conditions
from cmsfamily.reporting.choices import LoopKind, QuestionKind, ReporterKind, YesNo
from cmsfamily.reporting.exchange import FORMAT
from cmsfamily.reporting.models import CODE_PATTERN
from cmsfamily.reporting.workbook import reader as workbook_reader
from cmsfamily.reporting.xlsform.common import (
    BASE_TYPES,
    CHOICE_COLUMNS,
    CODE_RULE,
    ESCAPED_REFERENCE,
    EXPRESSION_COLUMNS,
    FALSE,
    FRIENDLY,
    KNOWN_KEYS,
    KNOWN_PARTS,
    ROW,
    SETTINGS_COLUMNS,
    TRUE,
    language_of,
)


def _unescape(sheet: Any) -> None:
    for row in sheet or []:
        for column, value in row.items():
            if isinstance(value, str) and column not in EXPRESSION_COLUMNS:
                row[column] = value.replace(ESCAPED_REFERENCE, "${")


class _Reader:
    def __init__(self, book: Any, survey: dict, problems: list[str]):
        self.book = book
        self.survey = survey
        self.problems = problems
        settings = (book.settings or [{}])[0]
        self.settings = settings
        self.default = language_of(settings.get("default_language")) or DEFAULT
        self.skipped_languages: set[str] = set()
        self.headers = set((book.survey_header or [{}])[0])
        self.numbered = "cms_number" in self.headers
        self.questions: list[dict] = []
        self.sections: list[dict] = []
        self.infos: dict[str, conditions.QuestionInfo] = {}
        self.rows: dict[str, int] = {}
        self.pending: list[tuple] = []
        self.codes: dict[str, str] = {}
        self.option_codes: dict[str, dict[str, str]] = {}
        self.choices = {
            (
                row.get("list_name", row.get("list name")),
                str(row.get("name", row.get("value"))),
            ): row
            for row in book.choices or []
        }

    def problem(self, row: Any, message: str) -> None:
        where = _("survey row %(row)s") % {"row": row} if row else "survey"
        self.problems.append(f"{where}: {message}")

    def texts(self, raw: dict, head: str) -> dict[str, str]:
        """A row's texts of one column (``label``, ``hint``, ...) as {language: text}, read from
        the cells as written (pyxform's own reading straightens quotes and joins lines): a column
        without a language is in the form's default language."""
        found: dict[str, str] = {}
        for column, text in raw.items():
            name, separator, language = column.partition("::")
            if name.strip() != head or not str(text).strip():
                continue
            code = language_of(language) if separator else self.default
            if code is None:
                if language not in self.skipped_languages:
                    self.skipped_languages.add(language)
                    self.problems.append(
                        _(
                            "the language “%(language)s” is not one of the platform's; its texts are left out."
                        )
                        % {"language": language}
                    )
                continue
            if separator or code not in found:
                found[code] = str(text)
            if "${" in str(text) and head in ("label", "hint"):
                self.problem(
                    raw.get(ROW),
                    _("column “%(column)s” names an answer (${...}); it is shown as written.")
                    % {"column": column},
                )
        return found

    # --- the survey, element by element -------------------------------------------------------

    def read(self) -> None:
        self.walk(self.survey.get("children") or [], parent=None, loop=None)
        self.check_conditions()

    def walk(self, children: list[dict], *, parent: dict | None, loop: Any) -> None:
        for element in children:
            row = element.get(ROW)
            kind = element.get("type")
            if row is None and element.get("name") == "meta":
                continue  # the instance id pyxform adds itself
            self.unsupported_columns(element, row)
            if kind in ("group", "repeat"):
                self.section(element, row, parent=parent, loop=loop)
            elif kind == "note":
                self.note(element, row, parent)
            elif kind in BASE_TYPES:
                self.question(element, row, parent, loop)
            else:
                self.problem(
                    row,
                    _("type “%(type)s” is not supported; the row is left out.")
                    % {"type": self.raw(row).get("type", kind)},
                )

    def raw(self, row: Any) -> dict:
        rows = self.book.survey or []
        index = int(row) - 2 if row else -1
        return rows[index] if 0 <= index < len(rows) else {}

    def unsupported_columns(self, element: dict, row: Any) -> None:
        """What the row says beyond what is read, named by its column (pyxform has read the
        columns' other spellings, such as ``bind:relevant``, into the same keys)."""
        unknown = []
        for key, value in element.items():
            if key in KNOWN_KEYS or key.startswith("cms_") or key == ROW or not value:
                continue
            if key == "parameters":
                unknown.append(key)
            elif isinstance(value, dict) and key in KNOWN_PARTS:
                unknown.extend(
                    FRIENDLY.get(part, part)
                    for part, inner in value.items()
                    if inner and part not in KNOWN_PARTS[key]
                )
            else:
                unknown.append(key if not isinstance(value, dict) else f"{key}::{', '.join(value)}")
        for column in dict.fromkeys(unknown):
            self.problem(
                row,
                _("column “%(column)s” is not supported; its value is left out.")
                % {"column": column},
            )
        appearance = (element.get("control") or {}).get("appearance")
        if appearance and appearance not in ("multiline", "field-list"):
            self.problem(
                row,
                _("appearance “%(appearance)s” is not kept.") % {"appearance": appearance},
            )

    def section(self, element: dict, row: Any, *, parent: dict | None, loop: Any) -> None:
        siblings = [s for s in self.sections if s["parent"] == (parent or {}).get("number")]
        number = self.raw(row).get("cms_number", "") if self.numbered else ""
        if not number:
            number = f"{parent['number']}.{len(siblings) + 1}" if parent else str(len(siblings) + 1)
        section: dict[str, Any] = {
            "number": number,
            "parent": parent["number"] if parent else None,
            "title": self.texts(self.raw(row), "label") or {DEFAULT: element["name"]},
            "intro": {},
            "loop": "",
            "loop_items": [],
            "loop_programme": None,
            "items": [],
        }
        if element["type"] == "repeat":
            if loop is not None:
                self.problem(row, _("a repeat inside a repeat is not supported."))
            section["loop"] = element.get("cms_loop") or LoopKind.REPORTER_ITEMS
            if section["loop"] not in LoopKind.values:
                self.problem(row, _("unknown loop “%(loop)s”.") % {"loop": section["loop"]})
                section["loop"] = LoopKind.REPORTER_ITEMS
            section["loop_items"] = self.json(self.raw(row), "cms_loop_items", row) or []
            section["loop_programme"] = element.get("cms_loop_programme") or None
            loop = number
        condition = (element.get("bind") or {}).get("relevant")
        if condition:
            place = conditions.QuestionInfo("", position=len(self.infos), loop=loop)
            self.pending.append((row, "relevant", condition, section, "show_if", place, False))
        self.sections.append(section)
        self.walk(element.get("children") or [], parent=section, loop=loop)

    def note(self, element: dict, row: Any, parent: dict | None) -> None:
        if parent is None:
            parent = self.loose_section()
        for language, text in self.texts(self.raw(row), "label").items():
            before = parent["intro"].get(language)
            parent["intro"][language] = f"{before}\n\n{text}" if before else text
        if (element.get("bind") or {}).get("relevant"):
            self.problem(row, _("the condition of a note is not kept (a note is shown always)."))

    def loose_section(self) -> dict:
        """The section of the questions outside any group."""
        for section in self.sections:
            if section.get("loose"):
                return section
        section = {
            "number": str(len([s for s in self.sections if s["parent"] is None]) + 1),
            "parent": None,
            "title": {DEFAULT: self.settings.get("form_title") or self.untitled()},
            "intro": {},
            "loop": "",
            "loop_items": [],
            "loop_programme": None,
            "items": [],
            "loose": True,
        }
        self.sections.append(section)
        return section

    @staticmethod
    def untitled() -> str:
        with translation.override(DEFAULT):
            return _("Questions")

    def json(self, element: dict, column: str, row: Any) -> Any:
        text = element.get(column)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            self.problem(row, _("column “%(column)s” is not valid JSON.") % {"column": column})
            return None

    def question(self, element: dict, row: Any, parent: dict | None, loop: Any) -> None:
        name = element["name"]
        code = self.code(name, row)
        if code in self.rows:
            self.problem(
                row,
                _("the name “%(name)s” is already used in row %(other)s.")
                % {"name": name, "other": self.rows[code]},
            )
            return
        self.rows[code] = row
        if parent is None:
            parent = self.loose_section()
        base, allowed = BASE_TYPES[element["type"]]
        kind = base
        if (element.get("control") or {}).get("appearance") == "multiline":
            kind = QuestionKind.LONG_TEXT
        wanted = element.get("cms_kind")
        if wanted:
            if wanted in allowed:
                kind = wanted
            else:
                self.problem(
                    row,
                    _("“%(kind)s” cannot be a question of type “%(type)s”; read as %(base)s.")
                    % {"kind": wanted, "type": element["type"], "base": base},
                )
        options: list[dict[str, Any]] = []
        values: tuple[str, ...] = ()
        if element["type"].startswith("select") and "choices" not in element:
            self.problem(
                row,
                _(
                    "the options come from “%(source)s”, which the workbook does not hold; read as a short text question."
                )
                % {"source": element.get("itemset") or element.get("list_name", "")},
            )
            kind = QuestionKind.SHORT_TEXT
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            options = [
                {
                    "value": str(choice["name"]),
                    "label": self.texts(
                        self.choices.get((element.get("list_name"), str(choice["name"])), {}),
                        "label",
                    )
                    or self.texts(
                        self.choices.get((element.get("list_name"), str(choice["name"])), {}),
                        "caption",
                    ),
                }
                for choice in element.get("choices") or []
            ]
            for problem in conditions.check_options(
                [str(o["value"]) for o in options],
                kind,
                path=_("choices list “%(list)s”") % {"list": element.get("list_name", "")},
            ):
                self.problem(row, str(problem))
            values = tuple(str(o["value"]) for o in options)
            renamed: dict[str, str] = {}
            for option in options:
                value = option["value"]
                if not re.fullmatch(CODE_PATTERN, value.lower()):
                    self.problem(
                        row,
                        _("the option value “%(value)s” cannot be stored: %(rule)s")
                        % {"value": value, "rule": CODE_RULE},
                    )
                elif value.lower() != value:
                    renamed[value] = option["value"] = value.lower()
            if renamed:
                self.option_codes[name] = renamed
                self.problem(
                    row,
                    _("the option values %(values)s become lower-case.")
                    % {"values": ", ".join(f"“{value}”" for value in renamed)},
                )
        raw = self.raw(row)
        question: dict[str, Any] = {
            "code": code,
            "kind": str(kind),
            "max_length": None,
            "pattern": raw.get("cms_pattern", ""),
            "allow_many": str(element.get("cms_allow_many", "")).lower() in TRUE,
            "columns": self.json(raw, "cms_columns", row) or [],
            "is_draft_text": str(element.get("cms_draft_text", "")).lower() in TRUE,
            "source": raw.get("cms_source", ""),
            "text": self.texts(raw, "label"),
            "help_text": self.texts(raw, "hint"),
            "unit": self.texts(raw, "cms_unit"),
            "pattern_message": self.texts(raw, "cms_pattern_message"),
            "min_value": None,
            "max_value": None,
            "options": options,
            "targets": self.targets(element.get("cms_targets", ""), row),
        }
        if meanings := self.json(raw, "cms_meanings", row):
            question["meanings"] = meanings  # what the options mean for the targets
        self.questions.append(question)
        number = raw.get("cms_number", "") if self.numbered else str(len(parent["items"]) + 1)
        item: dict[str, Any] = {
            "number": number,
            "question": code,
            "required": False,
            "show_if": None,
            "require_if": None,
        }
        parent["items"].append(item)
        if kind == QuestionKind.YES_NO:
            values = tuple(YesNo.values)
        info = conditions.QuestionInfo(str(kind), values, position=len(self.infos), loop=loop)
        self.infos[name] = info
        bind = element.get("bind") or {}
        if bind.get("relevant"):
            self.pending.append((row, "relevant", bind["relevant"], item, "show_if", info, False))
        required = str(bind.get("required", "")).strip()
        if required.lower() in TRUE:
            item["required"] = True
        elif required.lower() not in FALSE:
            self.pending.append((row, "required", required, item, "require_if", info, False))
        if bind.get("constraint"):
            item["constraint_message"] = self.texts(raw, "constraint_message")
            self.pending.append(
                (row, "constraint", bind["constraint"], item, "constraint", info, True)
            )

    def code(self, name: str, row: Any) -> str:
        """The bank code of a name: lower-case (a condition's references follow it)."""
        code = name.lower()
        if not re.fullmatch(CODE_PATTERN, code):
            self.problem(
                row,
                _("the name “%(name)s” cannot be a question code: %(rule)s")
                % {"name": name, "rule": CODE_RULE},
            )
        elif code != name:
            self.problem(
                row,
                _("the name “%(name)s” becomes the question code “%(code)s”.")
                % {"name": name, "code": code},
            )
        self.codes[name] = code
        return code

    def renamed(self, expr: conditions.Expr) -> conditions.Expr:
        """The condition with the codes and option values the names and values became."""
        copy = dict(expr)
        op = expr["op"]
        if op == "ref":
            copy["q"] = self.codes.get(expr["q"], expr["q"])
        elif op == "selected" and expr["arg"]["op"] == "ref":
            copy["v"] = self.option_value(expr["arg"]["q"], expr["v"])
        elif op in ("=", "!="):
            for side, other in (("a", "b"), ("b", "a")):
                if expr[side]["op"] == "ref" and expr[other]["op"] == "str":
                    value = " ".join(
                        self.option_value(expr[side]["q"], part)
                        for part in expr[other]["v"].split(" ")
                    )
                    copy[other] = {**expr[other], "v": value}
        for key in ("a", "b", "arg"):
            if key in expr and not (key in copy and copy[key] is not expr[key]):
                copy[key] = self.renamed(expr[key])
        if "args" in expr:
            copy["args"] = [self.renamed(arg) for arg in expr["args"]]
        return copy

    def option_value(self, name: str, value: str) -> str:
        return self.option_codes.get(name, {}).get(value, value)

    def targets(self, text: str, row: Any) -> list[dict]:
        found = []
        for tag in text.split():
            plan, _sep, number = tag.rpartition(":")
            if not plan or not number.isdigit():
                self.problem(row, _("target “%(tag)s” is not plan:number.") % {"tag": tag})
                continue
            found.append({"plan": plan, "number": int(number)})
        return found

    # --- conditions, once every question is known --------------------------------------------

    def check_conditions(self) -> None:
        for row, column, text, target, key, info, allow_later in self.pending:
            expr, found = conditions.check_text(
                text, self.infos, path=column, current=info, allow_later=allow_later
            )
            if found or expr is None:
                for problem in found:
                    self.problem(row, str(problem))
                self.problem(row, _("the %(column)s expression is left out.") % {"column": column})
                if key == "constraint":
                    target.pop("constraint_message", None)
                continue
            if key == "constraint" and self.limits(expr, target["question"]):
                target.pop("constraint_message", None)
                continue
            target[key] = conditions.unparse(self.renamed(expr))  # its "valid when"

    def limits(self, expr: conditions.Expr, code: str) -> bool:
        """A constraint that only bounds the answer becomes the question's limits."""
        parts = expr["args"] if expr["op"] == "and" else [expr]
        found: dict[str, str] = {}
        for part in parts:
            left, right = part.get("a"), part.get("b")
            if not (left and right and right["op"] == "num"):
                return False
            if left["op"] == "self" and part["op"] == ">=" and "min_value" not in found:
                found["min_value"] = right["v"]
            elif left["op"] == "self" and part["op"] == "<=" and "max_value" not in found:
                found["max_value"] = right["v"]
            elif (
                left["op"] == "string-length"
                and left["arg"]["op"] == "self"
                and part["op"] == "<="
                and "max_length" not in found
            ):
                found["max_length"] = right["v"]
            else:
                return False
        question = next(q for q in self.questions if q["code"] == code)
        for key, value in found.items():
            question[key] = int(value) if key == "max_length" else value
        return True

    # --- the template -------------------------------------------------------------------------

    def template(self, name: str, instrument: str | None, reporter_kind: str | None) -> dict:
        settings = self.settings
        for column, value in settings.items():
            head = column.split("::")[0]
            if value and head not in SETTINGS_COLUMNS and not head.startswith("cms_"):
                self.problems.append(_("settings: “%(column)s” is not kept.") % {"column": column})
        title = self.prefixed(settings, "cms_title") or (
            {self.default: settings["form_title"]} if settings.get("form_title") else {}
        )
        instrument = settings.get("cms_instrument") or instrument
        if not instrument:
            self.problems.append(_("settings: the instrument is not given."))
        reporter = settings.get("cms_reporter_kind") or reporter_kind or ReporterKind.PARTY
        try:
            number = int(settings.get("version") or 1)
        except ValueError:
            number = 1
        rules = []
        if settings.get("cms_rules"):
            try:
                rules = json.loads(settings["cms_rules"])
            except ValueError:
                self.problems.append(_("settings: “cms_rules” is not valid JSON."))
        return {
            "format": FORMAT,
            "template": {
                "slug": slugify(settings.get("form_id") or name.rsplit(".", 1)[0]),
                "instrument": instrument or "",
                "reporter_kind": reporter,
                "title": title or {DEFAULT: name.rsplit(".", 1)[0]},
                "description": self.prefixed(settings, "cms_description"),
                "source": settings.get("cms_source", ""),
            },
            "version": {"number": number, "status": "draft", "note": settings.get("cms_note", "")},
            "questions": sorted(self.questions, key=lambda q: q["code"]),
            "sections": [
                {key: value for key, value in s.items() if key != "loose"} for s in self.sections
            ],
            "rules": rules,
        }

    def prefixed(self, settings: dict, prefix: str) -> dict[str, str]:
        found = {}
        for column, value in settings.items():
            head, _sep, language = column.partition("::")
            code = language_of(language) if language else None
            if head == prefix and code and value:
                found[code] = str(value)
        return found


def from_xlsform(
    data: bytes,
    *,
    name: str,
    instrument: str | None = None,
    reporter_kind: str | None = None,
) -> tuple[dict, list[str]]:
    """The template JSON of an XLSForm workbook (.xlsx) and what could not be represented.

    ``name``: the file's name, the template's slug and title when the form does not give them;
    ``instrument`` and ``reporter_kind``: used when the settings sheet does not say them. An
    unreadable workbook gives an empty template and the reason.
    """
    problems: list[str] = []
    try:
        uploads.check_workbook(data, workbook_reader.limits(), name=name)
    except uploads.UploadRefused as refused:
        return {}, list(refused.messages)
    try:
        book = get_xlsform(data, file_type=".xlsx")
    except (PyXFormError, *uploads.READ_ERRORS) as error:
        return {}, [_("This is not an XLSForm workbook (%(error)s).") % {"error": error}]
    if not book.survey:
        return {}, [_("The workbook has no “survey” sheet.")]
    for number, row in enumerate(book.survey, start=2):
        if row:
            row[ROW] = str(number)
    if book.survey_header:
        book.survey_header[0][ROW] = None
    for column in (book.choices_header or [{}])[0]:
        head = column.split("::")[0]
        if head not in CHOICE_COLUMNS:
            problems.append(
                _("choices: column “%(column)s” is not supported; its values are left out.")
                % {"column": column}
            )
    warnings: list[str] = []
    try:
        survey = workbook_to_json(book, form_name="data", warnings=warnings)
    except PyXFormError as error:
        return {}, [*problems, str(error)]
    for sheet in (book.survey, book.choices, book.settings):
        _unescape(sheet)
    reader = _Reader(book, survey, problems)
    reader.read()
    return reader.template(name, instrument, reporter_kind), problems
