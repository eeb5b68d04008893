"""Load the Strategic Plan for Migratory Species 2015-2023 and the Aichi, SDG and GBF lists.

Idempotent like cmsfamily.directory.reference: a record is saved only when a value differs, so a
second run writes nothing. Only English texts are loaded: no French or Spanish official text is in
the reference files, and official text is never machine-translated (modeltranslation falls back to
English). No indicator and no SDG or GBF mapping is in the sources, so none is loaded.
"""

import csv
import json

from django.db import transaction

from cmsfamily.core.loading import Report, upsert
from cmsfamily.directory.reference import REFERENCE_DIR
from cmsfamily.strategy.choices import Confidence
from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
    TargetAichiLink,
)

PLAN_FILE = "strategic_plan_migratory_species_2015_2023.json"
PLAN_CODE = "spms-2015-2023"
# Sources as a reader cites them: the documents, never the data files' names.
AICHI_SOURCE = "Aichi Biodiversity Targets (CBD Decision X/2), short titles, not the official text"
SDG_SOURCE = "Sustainable Development Goals (UN General Assembly resolution 70/1), short titles"
GBF_SOURCE = "Kunming-Montreal Global Biodiversity Framework (CBD Decision 15/4), short titles"
# sources.aichi_mapping: "T1->1 and T10->11 confirmed; the rest medium confidence, ..."
CONFIRMED_AICHI_LINKS = {(1, 1), (10, 11)}


def _rows(name: str) -> list[dict]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_global_targets(report: Report) -> None:
    for row in _rows("aichi_targets.csv"):
        upsert(
            report,
            AichiTarget,
            {"number": int(row["number"])},
            {
                "strategic_goal": row["strategic_goal"],
                "short_title_en": row["short_title"],
                "source": AICHI_SOURCE,
            },
        )
    for row in _rows("sdgs.csv"):
        upsert(
            report,
            SustainableDevelopmentGoal,
            {"number": int(row["number"])},
            {"short_title_en": row["short_title"], "source": SDG_SOURCE},
        )
    for row in _rows("gbf_targets.csv"):
        upsert(
            report,
            GbfTarget,
            {"number": int(row["number"])},
            {
                "short_title_en": row["short_title"],
                "confidence": row["confidence"],
                "source": GBF_SOURCE,
            },
        )


def load_plan(report: Report) -> StrategicPlan:
    data = json.loads((REFERENCE_DIR / PLAN_FILE).read_text(encoding="utf-8"))
    sources = data["sources"]
    plan_name = data["title"]
    plan = upsert(
        report,
        StrategicPlan,
        {"code": PLAN_CODE},
        {
            "title_en": data["title"],
            "adopted_by": data["adopted_by"],
            "start_year": 2015,
            "end_year": 2023,
            "source": f"{plan_name} ({data['adopted_by']})",
            "successor_note": data["successor"],
            "is_current": False,  # superseded by its successor (see successor_note)
        },
    )
    goals = {}
    for goal in data["goals"]:
        goals[goal["number"]] = upsert(
            report,
            Goal,
            {"plan": plan, "number": goal["number"]},
            {
                "text_en": goal["text"],
                "confidence": Confidence.MEDIUM,
                # sources.goal_texts: "medium confidence; mirror Aichi Strategic Goals A-E" (the page
                # shows the confidence on its own).
                "source": f"{plan_name}; the goal texts mirror the Aichi Strategic Goals A-E",
            },
        )
    aichi = {each.number: each for each in AichiTarget.objects.all()}
    # The file's note on the mapping is written for developers ('T1->1 ... to be checked'):
    # the page says what it means.
    mapping_source = (
        f"{plan_name}: the Aichi Targets each target corresponds to; the links of targets 1 and "
        "10 are confirmed, the others are of medium confidence"
    )
    for row in data["targets"]:
        target = upsert(
            report,
            Target,
            {"plan": plan, "number": row["number"]},
            {
                "goal": goals[row["goal"]],
                "text_en": row["text"],
                "source": f"{plan_name}: {sources['target_texts']}",
            },
        )
        for number in row["aichi"]:
            confirmed = (row["number"], number) in CONFIRMED_AICHI_LINKS
            upsert(
                report,
                TargetAichiLink,
                {"target": target, "global_target": aichi[number]},
                {
                    "confidence": Confidence.CONFIRMED if confirmed else Confidence.MEDIUM,
                    "source": mapping_source,
                },
            )
    return plan


@transaction.atomic
def load_strategy_data() -> Report:
    report = Report()
    load_global_targets(report)
    load_plan(report)
    return report
