"""Write the XLSForm of the fifth national report of the Cartagena Protocol on Biosafety.

The source is the questionnaire the Biosafety Clearing-House itself runs, in
https://github.com/scbd/absch.cbd.int (MIT licence, Secretariat of the Convention on Biological
Diversity): ``app/app-data/bch/report-analyzer/cpbNationalReport5.js`` (sections, questions,
options and the ``validations`` that enable one question from the answer to another), whose texts
are in ``app/app-text/views/forms/edit/bch/edit-national-report-5.json`` (English) and
``i18n/{fr,es}/app/app-text/views/forms/edit/bch/edit-national-report-5.json``. The enabling
rules are those of ``app/views/forms/edit/directives/edit-national-report.directive.js``
(``updateAnswer``) and the four ``is...Or...`` functions of
``app/views/forms/edit/bch/edit-national-report-5.js``.

First dump the module once per language with Node (the texts are imported from the JSON file)::

    node -e "import('./cpbNationalReport5.mjs').then(m => require('fs').writeFileSync(
        'nr5.en.json', JSON.stringify(m.cpbNationalReport5)))"

(with ``mergeTranslationKeys`` as the identity and the French or Spanish file in place of the
English one for ``nr5.fr.json`` and ``nr5.es.json``), then::

    python scripts/cpb_nr5_xlsform.py DUMPS_DIR OUT.xlsx

The conversion, rule by rule (the data README lists what is lossy):

- a section → ``begin group``; the questions of a ``sub-section`` take its place, numbered 25a,
  25b as the BCH prints them, each label led by the sub-section's heading and its letter ("...
  informed the following of its decision(s): (a) The notifier?"), and the rule that enables the
  sub-section (the BCH blocks it as a whole) joins each one's own; a ``legend`` → a ``note``;
- ``option`` → ``select_one`` (``select_multiple`` when ``multiple``), ``term`` →
  ``select_multiple``, ``lstring`` and ``lstringRte`` → ``text`` (multiline), ``int`` →
  ``integer``; ``mandatory`` → ``required``; a ``footnote`` → the hint;
- an option carrying a text box (``"type": "lstring"``; the BCH shows it under the option while the
  option is chosen, captioned "Please specify") → a text question right after, shown when that
  option is chosen; an ``int`` box of a ticked option → an integer question, the same way;
- ``@hasValues`` with values → ``${q} = 'v'`` (``selected(${q}, 'v')`` on a multiple choice);
  ``@hasValues`` without values → ``${q} != ''`` (the BCH enables on any answer);
  ``@hasValuesExcept`` → answered and not that value (the BCH enables nothing while the source is
  unanswered); the ``&is...Or...`` functions → the ``or`` of their comparisons; ``enable`` and
  ``visible`` triggers both → ``relevant``;
- an ``exclusive`` option of a multiple choice ("No instruments are in place") → a constraint that
  it is ticked alone;
- names and option values → lower case; ``+`` in an option value → ``plus`` (``1+`` → ``1plus``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openpyxl import Workbook

LANGUAGES = (("en", "English (en)"), ("fr", "French (fr)"), ("es", "Spanish (es)"))
PLEASE_SPECIFY = {"en": "Please specify", "fr": "Veuillez préciser", "es": "Sírvase especificar"}
TITLE = "Fifth national report on the implementation of the Cartagena Protocol on Biosafety"
# edit-national-report-5.js: the four custom enabling functions, as (question, values) pairs.
CUSTOM = {
    "&is141Or142": [("Q141", ["true"]), ("Q142", ["true"])],
    "&is66_aOr66_b": [("Q066_a", ["true"]), ("Q066_b", ["true"])],
    "&is79Or80Or81": [(q, ["true", "true.some"]) for q in ("Q079", "Q080", "Q081")],
    "&is162_aOr162_b": [("Q162_a", ["true"]), ("Q162_b", ["true"])],
}
SURVEY = [
    "type",
    "name",
    *[f"label::{name}" for _c, name in LANGUAGES],
    *[f"hint::{name}" for _c, name in LANGUAGES],
    "required",
    "relevant",
    "constraint",
    "appearance",
    "cms_number",
]


def value_of(value: str) -> str:
    return value.lower().replace("+", "plus")


def walk(questions):
    for question in questions:
        yield question
        yield from walk(question.get("questions") or [])


class Converter:
    def __init__(self, dumps: Path):
        self.forms = {c: json.loads((dumps / f"nr5.{c}.json").read_text()) for c, _n in LANGUAGES}
        self.texts = {
            code: {q["key"]: q for s in form for q in walk(s["questions"])}
            for code, form in self.forms.items()
        }
        self.sections = {code: {s["key"]: s for s in form} for code, form in self.forms.items()}
        self.by_key = self.texts["en"]
        self.survey: list[dict] = []
        self.choices: list[dict] = []
        self.relevant: dict[str, list[str]] = {}
        for question in self.by_key.values():
            for rule in question.get("validations") or []:
                condition = self.condition(question, rule)
                conditions = self.relevant.setdefault(rule["question"], [])
                if condition not in conditions:
                    conditions.append(condition)

    # --- conditions ------------------------------------------------------------------------

    def ref(self, key: str) -> str:
        return "${" + key.lower() + "}"

    def multiple(self, key: str) -> bool:
        question = self.by_key[key]
        return bool(question.get("multiple")) or question["type"] == "term"

    def has(self, key: str, values: list[str]) -> str:
        if self.multiple(key):
            parts = [f"selected({self.ref(key)}, '{value_of(v)}')" for v in values]
        else:
            parts = [f"{self.ref(key)} = '{value_of(v)}'" for v in values]
        return " or ".join(parts)

    def condition(self, question: dict, rule: dict) -> str:
        kind, key = rule["type"], question["key"]
        if kind in CUSTOM:
            return " or ".join(self.has(k, values) for k, values in CUSTOM[kind])
        values: list[str] = rule.get("values") or []
        if kind == "@hasValues":
            if not values:
                return f"{self.ref(key)} != ''"
            return self.has(key, values)
        if kind == "@hasValuesExcept":
            if self.multiple(key):
                return f"count-selected({self.ref(key)}) > 0 and not({self.has(key, values)})"
            excluded = " and ".join(f"{self.ref(key)} != '{value_of(v)}'" for v in values)
            return f"{self.ref(key)} != '' and {excluded}"
        raise ValueError(f"{key}: unknown validation {kind}")

    def relevant_of(self, key: str) -> str:
        found = self.relevant.get(key) or []
        if len(found) > 1:
            return " or ".join(f"({c})" for c in found)
        return found[0] if found else ""

    # --- rows ------------------------------------------------------------------------------

    def labels(self, texts: dict[str, str], head: str = "label") -> dict:
        return {f"{head}::{name}": texts.get(code) or "" for code, name in LANGUAGES}

    def question_texts(self, key: str, field: str) -> dict[str, str]:
        return {c: self.texts[c][key].get(field) or "" for c, _n in LANGUAGES}

    def option_texts(self, key: str, index: int) -> dict[str, str]:
        return {c: self.texts[c][key]["options"][index]["title"] for c, _n in LANGUAGES}

    def row(self, **values) -> None:
        self.survey.append(values)

    def question(
        self, question: dict, number: str, heading: dict | None = None, within: str = ""
    ) -> None:
        key, kind = question["key"], question["type"]
        name = key.lower()
        if kind == "legend":
            self.row(type="note", name=name, **self.labels(self.question_texts(key, "title")))
            return
        if kind == "sub-section":
            heading = self.question_texts(key, "title")
            for inner in question.get("questions") or []:
                self.question(inner, f"{number}{inner['number']}", heading, self.relevant_of(key))
            return
        title = self.question_texts(key, "title")
        if heading:
            letter = question["number"]
            title = {c: f"{heading[c]} ({letter}) {title[c]}" for c in title}
        relevant = self.relevant_of(key)
        if within:  # the rule of its sub-section blocks it as a whole
            relevant = f"({within}) and ({relevant})" if relevant else within
        row = {
            "name": name,
            "cms_number": number,
            "relevant": relevant,
            "required": "yes" if question.get("mandatory") else "",
            **self.labels(title),
            **self.labels(self.question_texts(key, "footnote"), "hint"),
        }
        options = question.get("options") or []
        if kind in ("option", "term"):
            many = self.multiple(key)
            row["type"] = f"{'select_multiple' if many else 'select_one'} {name}"
            for index, option in enumerate(options):
                self.choices.append(
                    {
                        "list_name": name,
                        "name": value_of(option["value"]),
                        **self.labels(self.option_texts(key, index)),
                    }
                )
            exclusive = [value_of(o["value"]) for o in options if o.get("exclusive")]
            if many and exclusive:
                row["constraint"] = " and ".join(
                    f"not(selected(., '{v}') and count-selected(.) > 1)" for v in exclusive
                )
        elif kind in ("lstring", "lstringRte"):
            row.update(type="text", appearance="multiline")
        elif kind == "int":
            row["type"] = "integer"
        else:
            raise ValueError(f"{key}: unknown type {kind}")
        self.row(**row)
        for index, option in enumerate(options):
            box = option.get("type")
            if not box:
                continue
            when = self.has(key, [option["value"]])
            texts = {c: PLEASE_SPECIFY[c] for c, _n in LANGUAGES}
            if option.get("caption"):
                texts = {
                    c: self.texts[c][key]["options"][index].get("caption") or PLEASE_SPECIFY[c]
                    for c, _n in LANGUAGES
                }
            if box == "int":  # a number for the ticked option: its label says which
                texts = self.option_texts(key, index)
            self.row(
                type="integer" if box == "int" else "text",
                name=f"{name}_opt{index + 1}",
                appearance="" if box == "int" else "multiline",
                relevant=when,
                cms_number="",
                **self.labels(texts),
            )

    def convert(self) -> None:
        for section in self.forms["en"]:
            key = section["key"]
            self.row(
                type="begin group", name=key.lower().replace("-", "_"), cms_number="",
                **self.labels({c: self.sections[c][key]["title"] for c, _n in LANGUAGES}),
            )  # fmt: skip
            for question in section["questions"]:
                self.question(question, question.get("number") or "")
            self.row(type="end group", name=key.lower().replace("-", "_"))

    def write(self, path: Path) -> None:
        book = Workbook()
        survey = book.active
        survey.title = "survey"
        survey.append(SURVEY)
        for row in self.survey:
            survey.append([row.get(column, "") for column in SURVEY])
        choices = book.create_sheet("choices")
        columns = ["list_name", "name", *[f"label::{n}" for _c, n in LANGUAGES]]
        choices.append(columns)
        for row in self.choices:
            choices.append([row.get(column, "") for column in columns])
        settings = book.create_sheet("settings")
        settings.append(["form_title", "form_id", "version", "default_language"])
        settings.append([TITLE, "cpb-national-report-5", "1", "English (en)"])
        book.save(path)


def main(dumps: str, out: str) -> None:
    converter = Converter(Path(dumps))
    converter.convert()
    converter.write(Path(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
