"""The real report templates, shipped as data: ``data/templates/*.json`` (see its README).

``load_report_templates`` imports each file through ``exchange.import_template``, idempotently:

- a template whose slug is not in the database yet is imported as a new template (version 1, a
  draft: nothing is frozen, no cycle is opened);
- a template that has a version with the same content as the file is left alone ("unchanged");
  the content compared is what the file decides: its questions, sections and rules, in English
  (the French and Spanish texts the Secretariat adds in the builder do not make a file "new");
- a file whose content is new (a changed file shipped with a new release) becomes a new draft
  version when the template's latest version is frozen (in use by a cycle);
- when the latest version is still a draft, it is left alone ("kept"): it may hold the
  Secretariat's edits, which a shipped file must never overwrite;
- what the file says the options mean (`meanings`) is not content: it is given to the bank's
  questions that have no meaning yet, whatever the outcome (see `services/meanings.py`).

Before comparing, the Strategic Plan target tags the file gives its questions are added to the
bank questions already there (``services.tag_question``; a tag is the bank's, the same in every
template, and may be added to a question a cycle uses): a file that only tags its questions
then matches its loaded version ("unchanged"), and loading again adds nothing.

The files are imported in order: the national report before the Agreement report that reuses its
questions, so that the bank questions they share are made once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.reporting import services
from cmsfamily.reporting.exchange import ImportErrors, export_version, import_template
from cmsfamily.reporting.models import Question, Template

DATA_DIR = Path(__file__).resolve().parent / "data" / "templates"
FILES = (
    "partner-questionnaire-annex-c.json",
    "cms-national-report-by-target.json",
    "agreement-report-shared-questions.json",
)

CREATED = "created"
NEW_VERSION = "new version"
UNCHANGED = "unchanged"
KEPT = "kept"
REFUSED = "refused"


@dataclass
class Outcome:
    file: str
    slug: str
    action: str
    version: int | None = None
    problems: list[str] = field(default_factory=list)
    tagged: list[str] = field(default_factory=list)  # bank questions given the file's tags

    def __str__(self) -> str:
        where = f"{self.slug} v{self.version}" if self.version else self.slug
        text = f"{self.file}: {self.action} ({where})"
        if self.action == KEPT:
            text += "; its latest version is a draft that differs from the file: left as it is"
        if self.tagged:
            text += f"; target tags added to {', '.join(self.tagged)}"
        return "\n  ".join([text, *self.problems])


def read(name: str, directory: Path = DATA_DIR) -> dict[str, Any]:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def _english(value: Any) -> Any:
    """The value with every {"en": ..., "fr": ..., "es": ...} text reduced to its English."""
    if isinstance(value, dict):
        if value and set(value) <= set(LANGUAGES):
            return {"en": value["en"]} if value.get("en") else {}
        return {key: _english(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_english(each) for each in value]
    return value


def content(data: dict[str, Any]) -> dict[str, Any]:
    """What a file decides about a version, to compare a file with an export (which holds only
    the questions the sections ask)."""
    asked = {item["question"] for section in data["sections"] for item in section["items"]}
    return _english(
        {
            "instrument": data["template"]["instrument"],
            "reporter_kind": data["template"]["reporter_kind"],
            "questions": sorted(
                (
                    {key: value for key, value in question.items() if key != "meanings"}
                    for question in data["questions"]
                    if question["code"] in asked
                ),
                key=lambda question: question["code"],
            ),
            "sections": data["sections"],
            "rules": data.get("rules") or [],
        }
    )


def add_tags(data: dict[str, Any], *, by=None) -> list[str]:
    """Give the bank questions already there the target tags the file gives them (never taking
    one away: the Secretariat may have added others); the codes of those that gained one. A tag
    naming a target not in the database is left to the import, which names it."""
    from cmsfamily.strategy.models import Target

    tagged = []
    for definition in data.get("questions") or []:
        tags = definition.get("targets") or []
        question = Question.objects.filter(code=definition.get("code")).first() if tags else None
        if question is None:
            continue
        targets = [
            target
            for tag in tags
            if (
                target := Target.objects.filter(
                    plan__code=tag.get("plan"), number=tag.get("number")
                ).first()
            )
            is not None
        ]
        if services.tag_question(question=question, targets=targets, by=by):
            tagged.append(question.code)
    return tagged


def load_file(name: str, *, by=None, directory: Path = DATA_DIR) -> Outcome:
    data = read(name, directory)
    slug = data["template"]["slug"]
    template = Template.objects.filter(slug=slug).first()
    tagged = add_tags(data, by=by)
    if template is not None:
        versions = list(template.versions.order_by("-number"))
        wanted = content(data)
        same = next((v for v in versions if content(export_version(v)) == wanted), None)
        if same is not None or not versions[0].is_frozen:
            problems = fill_meanings(data, by=by)
            if same is not None:
                return Outcome(name, slug, UNCHANGED, same.number, problems, tagged=tagged)
            return Outcome(name, slug, KEPT, versions[0].number, problems, tagged=tagged)
    try:
        version = import_template(data, by=by)
    except ImportErrors as error:
        return Outcome(name, slug, REFUSED, problems=list(error.messages), tagged=tagged)
    action = CREATED if template is None else NEW_VERSION
    return Outcome(name, slug, action, version.number, tagged=tagged)


def fill_meanings(data: dict[str, Any], *, by=None) -> list[str]:
    """Give the bank's questions the option meanings the file states where they have none (a
    meaning is how answers are read, so it is not part of the compared content and needs no new
    version; one set in the builder stays). The problems, if any, by question."""
    problems = []
    found = {
        q.code: q for q in Question.objects.filter(code__in=[q["code"] for q in data["questions"]])
    }
    for definition in data["questions"]:
        question = found.get(definition["code"])
        if question is None or not definition.get("meanings"):
            continue
        try:
            services.fill_meanings(question=question, meanings=definition["meanings"], by=by)
        except ValidationError as error:
            problems += [f"{question.code}: {message}" for message in error.messages]
    return problems


def load_report_templates(*, by=None, directory: Path = DATA_DIR) -> list[Outcome]:
    """Import the shipped templates that are new or changed; see the module's docstring."""
    return [load_file(name, by=by, directory=directory) for name in FILES]
