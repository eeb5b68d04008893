import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme
from cmsfamily.workplans.reference import DATA_DIR, load_workplans_data

pytestmark = pytest.mark.django_db

RES_10_9 = json.loads((DATA_DIR / "res_10_9_progress_cop11.json").read_text(encoding="utf-8"))
JWP = json.loads((DATA_DIR / "cbd_cms_jwp_2012_2014.json").read_text(encoding="utf-8"))


def test_counts_match_the_json_files():
    for data in (RES_10_9, JWP):
        programme = WorkProgramme.objects.get(code=data["programme"]["code"])
        assert programme.activities.count() == len(data["activities"])
        assert ProgressUpdate.objects.filter(activity__programme=programme).count() == sum(
            len(row.get("updates", [])) for row in data["activities"]
        )
        assert ResourceLine.objects.filter(activity__programme=programme).count() == sum(
            len(row.get("resources", [])) for row in data["activities"]
        )
        assert programme.status == "published" and programme.owner.slug == "cms-secretariat"


def test_res_10_9_has_16_areas_and_two_kinds_of_update():
    areas = Activity.objects.filter(programme__code="res-10-9", parent=None)
    assert sorted(int(area.number) for area in areas) == list(range(1, 17))
    kinds = set(
        ProgressUpdate.objects.filter(activity__programme__code="res-10-9").values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"short_term_progress", "medium_term_plan"}
    # 16.3 sits in area 5, where the document places it.
    assert Activity.objects.get(programme__code="res-10-9", number="16.3").parent.number == "5"


def test_the_25000_euro_need_of_5_2_is_not_secured():
    line = ResourceLine.objects.get(activity__programme__code="res-10-9", amount__isnull=False)
    assert line.activity.number == "5.2"
    assert (line.amount, line.currency, line.secured) == (Decimal("25000"), "EUR", False)
    assert line.used_or_needed == "needed" and line.type == "voluntary_contribution"


def test_joint_work_plan_has_24_activities_6_headings_and_plan_level_aichi_targets():
    programme = WorkProgramme.objects.get(code="cbd-cms-jwp-2012-2014")
    assert programme.activities.filter(parent=None).count() == 6
    assert programme.activities.exclude(parent=None).count() == 24
    assert sorted(programme.aichi_targets.values_list("number", flat=True)) == [5, 9, 11, 12]
    assert not Activity.aichi_targets.through.objects.exists()
    assert not Activity.targets.through.objects.exists()
    assert str(programme.start) == "2012-01-01" and str(programme.end) == "2014-12-31"
    five_one = programme.activities.get(number="5.1")
    assert five_one.parent.number == "1" and five_one.timeframe_text == "2012-14"


def test_sample_texts_equal_the_json():
    row = next(row for row in RES_10_9["activities"] if row["number"] == "1.1")
    activity = Activity.objects.get(programme__code="res-10-9", number="1.1")
    assert activity.title == row["title"] and activity.timeframe_text == "short-term"
    # seed 002, line 24: short term is 2012-2014, medium term 2015-2017
    assert (str(activity.start), str(activity.end)) == ("2012-01-01", "2014-12-31")
    medium = Activity.objects.filter(programme__code="res-10-9", timeframe_text="medium-term")
    assert {(str(a.start), str(a.end)) for a in medium} == {("2015-01-01", "2017-12-31")}
    assert activity.updates.get(kind="short_term_progress").text == row["updates"][0]["text"]
    # Cited as a reader knows the document: symbol, year, annex, activity, column; the seed's
    # line numbers stay in the data file.
    assert activity.source == (
        "UNEP/CMS/COP11/Doc.16.1 (2014), Annex, activity 1, short term: by 2014, activity column"
    )
    jwp_row = next(row for row in JWP["activities"] if row["number"] == "2.2")
    assert (
        Activity.objects.get(programme__code=JWP["programme"]["code"], number="2.2").title
        == (jwp_row["title"])
    )


def test_a_second_run_changes_nothing(capsys):
    assert not load_workplans_data().changed
    call_command("load_workplans")
    assert "nothing changed" in capsys.readouterr().out


def test_a_changed_value_is_restored():
    activity = Activity.objects.get(programme__code="res-10-9", number="1.1")
    activity.title = "Edited"
    activity.save()
    report = load_workplans_data()
    assert report.updated == {"activities": 1} and not report.created
    activity.refresh_from_db()
    assert activity.title.startswith("CMS Secretariat and Standing Committee")


def test_sources_loaded_with_the_seed_and_file_names_are_cited_anew_without_duplicates():
    """A database loaded before the sources were cited as a reader knows them named the seed
    file's lines and the data file; the next load rewrites them and finds its rows again."""
    programme = WorkProgramme.objects.get(code="res-10-9")
    programme.source = (
        "UNEP/CMS/COP11/Doc.16.1 (2014), seed 002; data/workplans/res_10_9_progress_cop11.json"
    )
    programme.save()
    counts = (ProgressUpdate.objects.count(), ResourceLine.objects.count())
    for model in (Activity, ProgressUpdate, ResourceLine):
        rows = model.objects.filter(source__startswith="UNEP/CMS/COP11/Doc.16.1 (2014), ")
        for row in rows:
            paragraph = row.source.removeprefix("UNEP/CMS/COP11/Doc.16.1 (2014), ")
            row.source = f"UNEP/CMS/COP11/Doc.16.1 (seed 002, line 57): {paragraph}"
        model.objects.bulk_update(rows, ["source"])
    load_workplans_data()
    assert (ProgressUpdate.objects.count(), ResourceLine.objects.count()) == counts
    programme.refresh_from_db()
    assert programme.source == "UNEP/CMS/COP11/Doc.16.1 (2014)"
    for model in (Activity, ProgressUpdate, ResourceLine):
        assert not model.objects.filter(source__contains="seed").exists()
    assert not load_workplans_data().changed


def test_every_text_of_the_seed_programmes_is_in_french_and_spanish():
    """data/workplans/translations: unofficial translations of every title, text and line."""
    for language in ("fr", "es"):
        assert not WorkProgramme.objects.filter(**{f"title_{language}": ""}).exists()
        assert not Activity.objects.filter(**{f"title_{language}": ""}).exists()
        assert (
            not Activity.objects.exclude(description_en="")
            .filter(**{f"description_{language}": ""})
            .exists()
        )
        assert not ProgressUpdate.objects.filter(**{f"text_{language}": ""}).exists()
        assert not ResourceLine.objects.filter(**{f"description_{language}": ""}).exists()
    need = ResourceLine.objects.get(activity__programme__code="res-10-9", amount=25000)
    assert "25 000 €" in need.description_fr and "25.000 €" in need.description_es


def test_a_french_reader_gets_the_programme_in_french_with_the_unofficial_notice(client):
    client.cookies["django_language"] = "fr"
    html = client.get("/workplans/res-10-9/activities/5.2/").content.decode()
    assert "contribution volontaire (on estime qu&#x27;environ 25 000 € sont nécessaires)" in html
    assert "traduction non officielle" in html.lower()


def test_the_demonstration_programme_is_made_once_and_stays_private(client):
    from cmsfamily.workplans.demo import CODE, load_demo_programme

    assert load_demo_programme() is True
    assert load_demo_programme() is False
    programme = WorkProgramme.objects.get(code=CODE)
    assert programme.status == "draft" and "Demonstration" in programme.title_en
    assert client.get(f"/workplans/{CODE}/").status_code == 404
