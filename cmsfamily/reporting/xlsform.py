"""A template as an XLSForm workbook (the form standard of ODK, KoboToolbox and SurveyCTO), and
back: pure conversion between an XLSForm and the template JSON of ``exchange.py``; nothing is
written to the database here.

Reading goes through ``pyxform``'s own reader and its ``workbook_to_json`` (which checks the
workbook as ODK would: names, choice lists, references); what the template format cannot hold is
listed in ``problems`` by sheet and row, never dropped silently.

What maps (XLSForm → template):

- ``survey`` rows: ``begin group`` / ``begin repeat`` → a section (nested; a repeat is a section
  repeated over the items the reporter adds), ``note`` → the section's introduction,
  ``integer`` ``decimal`` ``text`` (``multiline``: long text) ``date`` ``file``
  ``select_one`` ``select_multiple`` → questions, their ``name`` the question's code;
- ``label`` and ``hint`` per language (``label::French (fr)``; a plain ``label`` is in the form's
  ``default_language``, English if none);
- ``relevant`` → ``show_if``, ``required`` (yes / an expression → ``require_if``) and
  ``constraint`` as expression text of the condition language; a constraint that only bounds the
  answer (``. >= 0 and . <= 100``, ``string-length(.) <= 500``) becomes the question's limits;
  any other is kept in the item as ``constraint`` / ``constraint_message`` and listed.

What the platform has and XLSForm does not (yes/no, percentage, year, tables, pickers, loops over
a fixed list or the range species, units, targets, item numbers, sources, rules) is written in
extra ``cms_`` columns, which XLSForm tools ignore and this reader takes back, so that a version
exported and imported again is the same template. A text holding "${" is written with a word
joiner after the "$" (outside the expression columns), so that XLSForm tools do not take it for a
reference, and read back as it was.

Lossy on the way in: what the list says (types, columns, languages and appearances the template
has no place for, expressions the condition language cannot read, options from external files);
a no-break space reads as a space and spaces around a text are dropped (pyxform's reader).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from cmsfamily.core import spreadsheets, uploads
from cmsfamily.core.languages import DEFAULT, LANGUAGES
from cmsfamily.reporting import conditions
from cmsfamily.reporting.choices import LoopKind, QuestionKind, ReporterKind, YesNo
from cmsfamily.reporting.conditions.grammar import number_text
from cmsfamily.reporting.exchange import FORMAT, export_version
from cmsfamily.reporting.models import CODE_PATTERN
from cmsfamily.reporting.workbook import reader as workbook_reader

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}
_OTHER_NAMES = {
    "english": "en",
    "français": "fr",
    "francais": "fr",
    "español": "es",
    "espanol": "es",
}
_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$")
ROW = "cmsfamily_row"  # the survey row of each element, carried through workbook_to_json
YES_NO_LIST = "cms_yes_no"

# The XLSForm type of each kind, and the kinds each XLSForm type may carry in ``cms_kind``.
BASE_TYPES = {
    "text": (QuestionKind.SHORT_TEXT, {
        QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.LINK, QuestionKind.TABLE,
        QuestionKind.PARTY, QuestionKind.SPECIES, QuestionKind.TARGET, QuestionKind.ACTIVITY,
    }),
    "integer": (QuestionKind.INTEGER, {QuestionKind.INTEGER, QuestionKind.YEAR}),
    "decimal": (QuestionKind.DECIMAL, {QuestionKind.DECIMAL, QuestionKind.PERCENTAGE}),
    "date": (QuestionKind.DATE, {QuestionKind.DATE}),
    "file": (QuestionKind.FILE, {QuestionKind.FILE}),
    "select one": (QuestionKind.SINGLE_CHOICE, {QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO}),
    "select all that apply": (QuestionKind.MULTIPLE_CHOICE, {QuestionKind.MULTIPLE_CHOICE}),
}  # fmt: skip
# What pyxform makes of the columns this module reads, and the XLSForm names of the rest.
KNOWN_KEYS = {"type", "name", "label", "hint", "children", "choices", "list_name", "itemset"}
KNOWN_PARTS = {
    "bind": {"relevant", "required", "constraint", "jr:constraintMsg"},
    "control": {"appearance"},
    "media": set(),
}
FRIENDLY = {
    "calculate": "calculation",
    "readonly": "read_only",
    "jr:requiredMsg": "required_message",
    "jr:count": "repeat_count",
    "jr:noAppErrorString": "no_app_error_string",
    "orx:max-pixels": "parameters",
}
CHOICE_COLUMNS = {"list_name", "list name", "name", "value", "label", "caption"}
SETTINGS_COLUMNS = {"form_title", "form_id", "version", "default_language"}
CODE_RULE = _lazy("use lower-case letters, digits, dots, hyphens and underscores.")
EXPRESSION_COLUMNS = {"relevant", "required", "constraint"}
ESCAPED_REFERENCE = "$\u2060{"  # "$", a word joiner, "{": shown as "${", not read as a reference
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"no", "false", "false()", "0", ""}


def language_of(name: str | None) -> str | None:
    """The platform language of an XLSForm language name ("French (fr)", "English"), or None."""
    if not name:
        return None
    found = _CODE.search(name)
    code = found.group(1).lower() if found else None
    if code is None:
        lowered = name.strip().lower()
        code = _OTHER_NAMES.get(lowered) or next(
            (c for c, n in LANGUAGE_NAMES.items() if n.lower() == lowered), None
        )
    return code if code in LANGUAGES else None


def xlsform_language(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


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
            target[key] = conditions.unparse(self.renamed(expr))
            if key == "constraint":
                self.problem(
                    row,
                    _(
                        "the constraint is kept as text in the item; the platform does not check it yet."
                    ),
                )

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


# --- out ------------------------------------------------------------------------------------


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


def _unescape(sheet: Any) -> None:
    for row in sheet or []:
        for column, value in row.items():
            if isinstance(value, str) and column not in EXPRESSION_COLUMNS:
                row[column] = value.replace(ESCAPED_REFERENCE, "${")


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
