"""The register as the seeds name it (data/decisions/register.json), loaded idempotently: a
second run writes nothing. The paragraphs of Resolution 10.9 are its activity areas, read from
the work programme's own data file and linked to the programme's activities where loaded."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cmsfamily.core.loading import Report, upsert
from cmsfamily.decisions.models import Decision, OperativeParagraph
from cmsfamily.decisions.services.register import parse_addressees, place_addressees
from cmsfamily.directory.models import Instrument
from cmsfamily.workplans.models import Activity, WorkProgramme

DATA_FILE = Path(settings.BASE_DIR) / "data" / "decisions" / "register.json"


def _programme_paragraphs(spec: dict, programme_code: str) -> list[dict]:
    data = json.loads((Path(settings.BASE_DIR) / spec["file"]).read_text(encoding="utf-8"))
    return [
        {
            "number": activity["number"],
            "text": activity["title"],
            "source": "Seed {seed}, {where}, line {line}.".format(
                seed=spec["seed"],
                where=activity["source"]["paragraph"],
                line=activity["source"]["line"],
            ),
            "gaps": spec["gaps"],
            "activity_number": activity["number"],
            "programme": programme_code,
        }
        for activity in data["activities"]
        if activity["parent"] is None
    ]


@transaction.atomic
def load_decisions_data(path: Path = DATA_FILE) -> Report:
    report = Report()
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["decisions"]:
        instrument = Instrument.objects.filter(code=entry.get("instrument") or "").first()
        programme = WorkProgramme.objects.filter(code=entry.get("programme") or "").first()
        decision = upsert(
            report,
            Decision,
            {"slug": entry["slug"]},
            {
                "kind": entry["kind"],
                "number": entry["number"],
                "title": entry["title"],
                "body": entry["body"],
                "instrument": instrument,
                "meeting": entry.get("meeting", ""),
                "status": entry["status"],
                "source": entry["source"],
                "gaps": entry.get("gaps", ""),
                "programme": programme,
            },
        )
        paragraphs = entry.get("paragraphs", [])
        if "paragraphs_from_programme" in entry:
            paragraphs = _programme_paragraphs(
                entry["paragraphs_from_programme"], entry["programme"]
            )
        for item in paragraphs:
            activity = None
            if programme is not None and item.get("activity_number"):
                activity = Activity.objects.filter(
                    programme=programme, number=item["activity_number"]
                ).first()
            paragraph = upsert(
                report,
                OperativeParagraph,
                {"decision": decision, "number": item["number"]},
                {
                    "text": item.get("text", ""),
                    "deadline_rule": item.get("deadline_rule", ""),
                    "source": item.get("source", ""),
                    "gaps": item.get("gaps", ""),
                    "activity": activity,
                },
            )
            if place_addressees(paragraph, parse_addressees(item.get("addressees", []))):
                report.count(report.updated, OperativeParagraph)
    return report
