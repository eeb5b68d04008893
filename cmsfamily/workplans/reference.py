"""Load the work programmes transcribed from seeds 001 and 002 (data/workplans/*.json).

Idempotent like cmsfamily.directory.reference: a record is saved only when a value differs, so a
second run writes nothing. Updates and resource lines have no number of their own; they are
matched by their activity and the document paragraph they come from. Nothing is added that the
files do not hold: no activity has a lead, a Strategic Plan target or an Aichi Target in the
documents, so none is linked (seed 001's Aichi Targets belong to the whole plan).
"""

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cmsfamily.core.languages import TRANSLATED
from cmsfamily.core.loading import Report, upsert
from cmsfamily.directory.models import Organisation
from cmsfamily.strategy.models import AichiTarget
from cmsfamily.workplans.choices import ProgrammeStatus, UpdateStatus, UsedOrNeeded
from cmsfamily.workplans.models import (
    Activity,
    ProgressUpdate,
    ResourceLine,
    WorkProgramme,
    sort_key_for,
)

DATA_DIR = Path(settings.BASE_DIR) / "data" / "workplans"
FILES = ("res_10_9_progress_cop11.json", "cbd_cms_jwp_2012_2014.json")
OWNER_SLUG = "cms-secretariat"
# The transcriber's remarks in a 'paragraph' that point into the seed's text file (its lines, the
# extraction's table header): for developers, never part of the citation a reader sees.
TRANSCRIPTION_REMARK = re.compile(r"\s*\((?:[^()]*\blines?\b[^()]*|NR\./[^()]*)\)")


def _date(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def _source(document: str, source: dict) -> str:
    """The place as a reader cites it: the document's symbol and year, then its annex, activity
    and column ('UNEP/CMS/COP11/Doc.16.1 (2014), Annex, activity 3, ...'). The data file's seed
    line numbers stay in the file."""
    return f"{document}, {TRANSCRIPTION_REMARK.sub('', source['paragraph'])}"


# Seed 002, line 24: "The activities are divided into those for implementation in the short term
# (2012-2014); those in the medium term (2015-2017) and long term (2018-2020)."
TERMS = {
    "short-term": (date(2012, 1, 1), date(2014, 12, 31)),
    "medium-term": (date(2015, 1, 1), date(2017, 12, 31)),
    "short- and medium-term": (date(2012, 1, 1), date(2017, 12, 31)),
}


def _timeframe(row: dict) -> tuple[str, date | None, date | None]:
    raw = row.get("timeframe")
    if isinstance(raw, dict):
        return raw.get("text") or "", _date(raw.get("start")), _date(raw.get("end"))
    start, end = TERMS.get(raw or "", (None, None))
    return raw or "", start, end


def _translations(code: str) -> dict[str, dict]:
    """The unofficial French and Spanish translations of a programme, where the project has them."""
    found = {}
    for language in TRANSLATED:
        path = DATA_DIR / "translations" / f"{code}.{language}.json"
        if path.exists():
            found[language] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _texts(
    translations: dict, field: str, english: str, path: tuple, *, english_too: bool = True
) -> dict:
    """{field_en: english, field_fr: ..., field_es: ...} with the translation found at `path`.

    A text the file lacks is left empty: pages fall back to English (a test checks that the
    shipped files translate every text).
    """
    values = {f"{field}_en": english} if english_too else {}
    for language in TRANSLATED:
        text = translations.get(language)
        for key in path:
            text = text.get(key) if isinstance(text, dict) else None
        values[f"{field}_{language}"] = text or ""
    return values


def _resource_keys(row: dict) -> list[str]:
    """Keys of an activity's resource lines in the translation files: '<number>/<line>', or
    '<number>/<line>/<k>' (k from 1, in file order) where several lines share a source line."""
    number = row["number"]
    lines = [line["source"]["line"] for line in row.get("resources", [])]
    seen: dict[int, int] = {}
    keys = []
    for source_line in lines:
        seen[source_line] = seen.get(source_line, 0) + 1
        key = f"{number}/{source_line}"
        keys.append(f"{key}/{seen[source_line]}" if lines.count(source_line) > 1 else key)
    return keys


def _set_m2m(report: Report, manager, wanted: set) -> None:
    if {each.pk for each in manager.all()} != {each.pk for each in wanted}:
        manager.set(wanted)
        report.count(report.updated, manager.model)


# Sources as the loader first wrote them, naming the seed file and the data file:
# '<symbol> (seed 002, line 57): <paragraph>' and '<symbol> (<year>), seed 002; data/workplans/…'.
OLD_SOURCE = re.compile(r"^(?P<symbol>.+?) \(seed \d{3}, line \d+\): (?P<paragraph>.*)$", re.S)
OLD_PROGRAMME_SOURCE = re.compile(r"^(?P<document>.+? \(\d{4}\)), seed \d{3}; data/\S+$")


def _recite_old_sources(report: Report, programme_code: str, symbol: str, document: str) -> None:
    """Rewrite the sources loaded before they were cited as a reader knows them, so that the
    upserts below (updates and resource lines are looked up by their source) find their rows."""
    programme = WorkProgramme.objects.filter(code=programme_code).first()
    if programme is None:
        return
    match = OLD_PROGRAMME_SOURCE.match(programme.source)
    if match:
        programme.source = match["document"]
        programme.save(update_fields=["source"])
    activities = Activity.objects.filter(programme=programme)
    for model, rows in (
        (Activity, activities),
        (ProgressUpdate, ProgressUpdate.objects.filter(activity__in=activities)),
        (ResourceLine, ResourceLine.objects.filter(activity__in=activities)),
    ):
        changed: list = []
        for row in rows.filter(source__startswith=f"{symbol} (seed "):
            match = OLD_SOURCE.match(row.source)
            if match:
                row.source = _source(document, {"paragraph": match["paragraph"]})
                changed.append(row)
        if changed:
            model._default_manager.bulk_update(changed, ["source"])
            report.count(report.updated, model)


def load_programme(report: Report, name: str) -> WorkProgramme:
    data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    meta = data["programme"]
    translations = _translations(meta["code"])
    document = f"{meta['source']['document']} ({meta['source']['year']})"
    _recite_old_sources(report, meta["code"], meta["source"]["document"], document)
    programme = upsert(
        report,
        WorkProgramme,
        {"code": meta["code"]},
        {
            **_texts(translations, "title", meta["title"], ("programme", "title")),
            "kind": meta["kind"],
            "owner": Organisation.objects.get(slug=OWNER_SLUG),
            "start": _date(meta["period"]["start"]),
            "end": _date(meta["period"]["end"]),
            "status": ProgrammeStatus.PUBLISHED,
            "source": document,
        },
    )
    aichi = set(AichiTarget.objects.filter(number__in=meta.get("aichi_targets", [])))
    _set_m2m(report, programme.aichi_targets, aichi)

    activities: dict[str, Activity] = {}
    for row in data["activities"]:
        number = row["number"]
        text, start, end = _timeframe(row)
        activity = upsert(
            report,
            Activity,
            {"programme": programme, "number": row["number"]},
            {
                "parent": activities[row["parent"]] if row["parent"] else None,
                "sort_key": sort_key_for(row["number"]),
                **_texts(translations, "title", row["title"], ("activities", number, "title")),
                **_texts(
                    translations,
                    "description",
                    row.get("description") or "",
                    ("activities", number, "description"),
                ),
                "timeframe_text": text,
                "start": start,
                "end": end,
                "source": _source(document, row["source"]),
            },
        )
        activities[row["number"]] = activity
        for update in row.get("updates", []):
            upsert(
                report,
                ProgressUpdate,
                {
                    "activity": activity,
                    "kind": update["kind"],
                    "source": _source(document, update["source"]),
                },
                {
                    **_texts(
                        translations,
                        "text",
                        update["text"],
                        ("updates", f"{number}/{update['kind']}/{update['source']['line']}"),
                    ),
                    "status": UpdateStatus.UNKNOWN,
                    "date": None,
                },
            )
        for line, key in zip(row.get("resources", []), _resource_keys(row), strict=True):
            amount = line.get("amount")
            upsert(
                report,
                ResourceLine,
                {
                    "activity": activity,
                    "description_en": line["description"],
                    "source": _source(document, line["source"]),
                },
                {
                    **_texts(
                        translations,
                        "description",
                        line["description"],
                        ("resources", key),
                        english_too=False,
                    ),
                    "type": line["type"],
                    "used_or_needed": line.get("used_or_needed") or UsedOrNeeded.UNKNOWN,
                    "amount": Decimal(str(amount)) if amount is not None else None,
                    "currency": line.get("currency"),
                    "secured": line.get("secured"),
                    "budget_line": line.get("budget_line") or "",
                },
            )
    return programme


@transaction.atomic
def load_workplans_data() -> Report:
    report = Report()
    for name in FILES:
        load_programme(report, name)
    return report
