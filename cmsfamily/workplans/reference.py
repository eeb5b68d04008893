"""Load the work programmes transcribed from seeds 001 and 002 (data/workplans/*.json).

Idempotent like cmsfamily.directory.reference: a record is saved only when a value differs, so a
second run writes nothing. Updates and resource lines have no number of their own; they are
matched by their activity and the document paragraph they come from. Nothing is added that the
files do not hold: no activity has a lead, a Strategic Plan target or an Aichi Target in the
documents, so none is linked (seed 001's Aichi Targets belong to the whole plan).
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cmsfamily.directory.models import Organisation
from cmsfamily.directory.reference import Report, _upsert
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
SEEDS = {"seeds/002_6b481c85ec1c3061.txt": "seed 002", "seeds/001_14ceee32eeaa4701.txt": "seed 001"}


def _date(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def _source(document: str, seed: str, source: dict) -> str:
    return f"{document} ({seed}, line {source['line']}): {source['paragraph']}"


def _timeframe(row: dict) -> tuple[str, date | None, date | None]:
    raw = row.get("timeframe")
    if isinstance(raw, dict):
        return raw.get("text") or "", _date(raw.get("start")), _date(raw.get("end"))
    return raw or "", None, None


def _set_m2m(report: Report, manager, wanted: set) -> None:
    if {each.pk for each in manager.all()} != {each.pk for each in wanted}:
        manager.set(wanted)
        report.count(report.updated, manager.model)


def load_programme(report: Report, name: str) -> WorkProgramme:
    data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    meta = data["programme"]
    document = meta["source"]["document"]
    seed = SEEDS.get(meta["source"]["file"], meta["source"]["file"])
    programme = _upsert(
        report,
        WorkProgramme,
        {"code": meta["code"]},
        {
            "title": meta["title"],
            "kind": meta["kind"],
            "owner": Organisation.objects.get(slug=OWNER_SLUG),
            "start": _date(meta["period"]["start"]),
            "end": _date(meta["period"]["end"]),
            "status": ProgrammeStatus.PUBLISHED,
            "source": f"{document} ({meta['source']['year']}), {seed}; data/workplans/{name}",
        },
    )
    aichi = set(AichiTarget.objects.filter(number__in=meta.get("aichi_targets", [])))
    _set_m2m(report, programme.aichi_targets, aichi)

    activities: dict[str, Activity] = {}
    for row in data["activities"]:
        text, start, end = _timeframe(row)
        activity = _upsert(
            report,
            Activity,
            {"programme": programme, "number": row["number"]},
            {
                "parent": activities[row["parent"]] if row["parent"] else None,
                "sort_key": sort_key_for(row["number"]),
                "title": row["title"],
                "description": row.get("description") or "",
                "timeframe_text": text,
                "start": start,
                "end": end,
                "source": _source(document, seed, row["source"]),
            },
        )
        activities[row["number"]] = activity
        for update in row.get("updates", []):
            _upsert(
                report,
                ProgressUpdate,
                {
                    "activity": activity,
                    "kind": update["kind"],
                    "source": _source(document, seed, update["source"]),
                },
                {"text": update["text"], "status": UpdateStatus.UNKNOWN, "date": None},
            )
        for line in row.get("resources", []):
            amount = line.get("amount")
            _upsert(
                report,
                ResourceLine,
                {
                    "activity": activity,
                    "description": line["description"],
                    "source": _source(document, seed, line["source"]),
                },
                {
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
