import json

import pytest
from django.core.management import call_command

from cmsfamily.directory.reference import REFERENCE_DIR
from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
    TargetAichiLink,
    TargetGbfLink,
    TargetSdgLink,
)
from cmsfamily.strategy.reference import PLAN_CODE, PLAN_FILE, load_strategy_data

pytestmark = pytest.mark.django_db

PLAN = json.loads((REFERENCE_DIR / PLAN_FILE).read_text(encoding="utf-8"))


def test_counts_match_the_reference_files():
    plan = StrategicPlan.objects.get(code=PLAN_CODE)
    assert plan.goals.count() == 5 and plan.targets.count() == 16
    assert AichiTarget.objects.count() == 20
    assert SustainableDevelopmentGoal.objects.count() == 17
    assert GbfTarget.objects.count() == 23
    expected_links = sum(len(target["aichi"]) for target in PLAN["targets"])
    assert expected_links == 18  # targets 3 and 9 have none; 5 and 7 have three each
    assert TargetAichiLink.objects.filter(target__plan=plan).count() == expected_links
    # The reference file has no SDG/GBF mapping and no indicator: none is invented.
    assert not TargetSdgLink.objects.exists() and not TargetGbfLink.objects.exists()
    assert not Indicator.objects.exists()


def test_official_texts_and_sources_come_from_the_json():
    target = Target.objects.get(plan__code=PLAN_CODE, number=16)
    assert target.text_en == PLAN["targets"][15]["text"]
    assert target.text_fr in (None, "") and target.text_es in (None, "")
    assert target.goal.number == 5
    goal = Goal.objects.get(plan__code=PLAN_CODE, number=2)
    assert goal.text_en == "Reduce the direct pressures on migratory species and their habitats"
    assert goal.confidence == "medium" and "Aichi Strategic Goals A-E" in goal.source
    assert goal.source.startswith("Strategic Plan for Migratory Species 2015-2023")
    plan = StrategicPlan.objects.get(code=PLAN_CODE)
    assert "Samarkand" in plan.successor_note and plan.adopted_by.startswith("CMS Resolution 11.2")
    assert AichiTarget.objects.get(number=11).strategic_goal == "C"
    assert GbfTarget.objects.get(number=2).confidence == "high"
    assert SustainableDevelopmentGoal.objects.get(number=14).short_title_en == "Life below water"


def test_aichi_link_confidence_follows_the_source_note():
    links = {
        (link.target.number, link.global_target.number): link
        for link in TargetAichiLink.objects.select_related("target", "global_target")
    }
    assert links[(1, 1)].confidence == "confirmed"
    assert links[(10, 11)].confidence == "confirmed"
    assert {link.confidence for key, link in links.items() if key not in {(1, 1), (10, 11)}} == {
        "medium"
    }
    assert set(links) >= {(5, 4), (5, 5), (5, 7), (7, 8), (7, 9), (7, 10)}
    # The file's note for developers ('T1->1 ...') is said in words a reader knows.
    assert links[(6, 6)].source.startswith("Strategic Plan for Migratory Species 2015-2023")
    assert "targets 1 and 10 are confirmed" in links[(6, 6)].source
    assert not Target.objects.get(plan__code=PLAN_CODE, number=3).aichi_links.exists()


def test_a_second_run_changes_nothing():
    history_before = TargetAichiLink.history.count() + Target.history.count()
    modified = list(Target.objects.order_by("pk").values_list("modified", flat=True))
    report = load_strategy_data()
    assert not report.changed
    assert TargetAichiLink.history.count() + Target.history.count() == history_before
    assert list(Target.objects.order_by("pk").values_list("modified", flat=True)) == modified


def test_the_loader_repairs_a_changed_value(capsys):
    Target.objects.filter(plan__code=PLAN_CODE, number=1).update(text_en="tampered")
    call_command("load_strategy")
    assert "updated 1 targets" in capsys.readouterr().out
    assert Target.objects.get(plan__code=PLAN_CODE, number=1).text_en == PLAN["targets"][0]["text"]
    call_command("load_strategy")
    assert "nothing changed" in capsys.readouterr().out
