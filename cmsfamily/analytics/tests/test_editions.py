"""The State of the CMS Family report (issue 18): an edition's figures generated from the reports
with the versions they rest on, deterministic, frozen once published; the services' refusals."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cmsfamily.analytics.editions import compare, selectors
from cmsfamily.analytics.editions import services as editions
from cmsfamily.analytics.models import Chapter, ChapterStatus, EditionStatus
from cmsfamily.core.events import label_of
from cmsfamily.core.models import Event
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Question
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.strategy.models import Target

from .test_analysis import GERMANY, KENYA, _accept, _answer, _of, _publish

TAGGED = ["t.departments", "t.staff", "t.priority", "t.obstacles"]
START, END = date(2024, 1, 1), date(2024, 12, 31)  # the test cycle's deadline is 2024-04-30


def _target(number) -> Target:
    return Target.objects.get(plan__code="spms-2015-2023", number=number)


@pytest.fixture
def cycle(db, secretariat):
    """Kenya published, Germany accepted, France submitted, Great Britain a draft; closed."""
    cycle = open_cycle(build_template()[1], parties=("KE", "DE", "FR", "GB"))
    for code in TAGGED:
        services.tag_question(
            question=Question.objects.get(code=code), targets=[_target(10)], by=None
        )
    _publish(_of(cycle, "KE"), secretariat, KENYA)
    _accept(_of(cycle, "DE"), secretariat, GERMANY)
    france = _of(cycle, "FR")
    _answer(france, None, [*GERMANY, ("t.staff", "", 1000)])
    services.submit(submission=france, by=None)
    _answer(_of(cycle, "GB"), None, [("t.staff", "", 999)])
    return services.set_cycle_status(cycle=cycle, status="closed", by=None)


def _edition(secretariat, **extra):
    values = {
        "title": "State of the CMS Family 2024",
        "symbol": "UNEP/CMS/COP15/Doc.24",
        "period_start": START,
        "period_end": END,
        **extra,
    }
    return editions.create_edition(by=secretariat, **values)


def _ready(edition, secretariat):
    for chapter in edition.chapters.all():
        editions.edit_chapter(chapter=chapter, by=secretariat, status=ChapterStatus.READY)


def _figure(content, key, lang="en"):
    for chapter in content["languages"][lang]["chapters"].values():
        for figure in chapter["figures"]:
            if figure["key"] == key:
                return figure
    raise AssertionError(f"no figure {key}")


def test_chapters_follow_the_strategic_plan(secretariat):
    edition = _edition(secretariat)
    keys = list(edition.chapters.order_by("order").values_list("key", flat=True))
    assert keys[:3] == ["overview", "goal-1", "target-1"]
    assert sum(key.startswith("target-") for key in keys) == 16
    assert sum(key.startswith("goal-") for key in keys) == 5
    assert keys.index("goal-2") > keys.index("target-1")


def test_figures_cite_the_versions_they_rest_on(cycle, secretariat):
    edition = editions.generate_edition(edition=_edition(secretariat), by=secretariat)
    content = edition.content
    kenya = _of(cycle, "KE").versions.get()
    germany = _of(cycle, "DE").versions.get()
    implementation = _figure(content, "t10-implementation")
    assert implementation["cites"] == sorted([kenya.pk, germany.pk])
    rows = {row[0]: row[1] for row in implementation["rows"]}
    assert rows["Reports counted"] == 2
    assert rows["Reports expected"] == 4
    staff = next(
        figure
        for figure in content["languages"]["en"]["chapters"]["target-10"]["figures"]
        if "t-staff" in figure["key"]
    )
    assert staff["href"].startswith("/analysis/?")
    assert "question=t.staff" in staff["href"]
    assert "1000" not in str(staff["rows"]) and "999" not in str(staff["rows"])
    annex = content["languages"]["en"]["annex"]
    cited = {entry["id"]: entry for entry in annex["versions"]}
    assert set(cited) == {kenya.pk, germany.pk}
    assert cited[kenya.pk]["sha256"] == kenya.content_hash
    assert cited[kenya.pk]["reporter"] == "Kenya"
    assert cited[kenya.pk]["number"] == 1
    assert {entry["reporter"] for entry in annex["missing"]} == {"France", "United Kingdom"} or {
        entry["reporter"] for entry in annex["missing"]
    } == {"France", "United Kingdom of Great Britain and Northern Ireland"}


def test_content_is_written_in_each_language(cycle, secretariat):
    content = editions.generate_edition(edition=_edition(secretariat), by=secretariat).content
    assert set(content["languages"]) == {"en", "fr", "es"}
    assert content["languages"]["fr"]["chapters"]["target-10"]["heading"] == "Objectif 10"


def test_generation_is_deterministic(cycle, secretariat):
    edition = _edition(secretariat)
    first = editions.generate_edition(edition=edition, by=secretariat).content_hash
    assert editions.generate_edition(edition=edition, by=secretariat).content_hash == first
    # A draft's answer changes: nothing that counts changed.
    services.set_cycle_status(cycle=cycle, status="open", by=None)
    _answer(_of(cycle, "GB"), None, [("t.staff", "", 5)])
    services.set_cycle_status(cycle=cycle, status="closed", by=None)
    assert editions.generate_edition(edition=edition, by=secretariat).content_hash == first
    # France's submitted report is accepted: a new version counts.
    services.accept(submission=_of(cycle, "FR"), by=secretariat)
    assert editions.generate_edition(edition=edition, by=secretariat).content_hash != first


def test_progress_is_reported_step_by_step(cycle, secretariat):
    steps = []
    editions.generate_edition(
        edition=_edition(secretariat),
        by=secretariat,
        progress=lambda step, total, label: steps.append((step, total, label)),
    )
    assert [step for step, _total, _label in steps] == list(range(1, len(steps) + 1))
    assert steps[-1][0] == steps[-1][1]


def test_a_period_with_no_closed_cycle_says_so(cycle, secretariat):
    edition = _edition(secretariat, period_start=date(2010, 1, 1), period_end=date(2011, 1, 1))
    with pytest.raises(ValidationError) as refused:
        editions.generate_edition(edition=edition, by=secretariat)
    assert "No reporting cycle closed" in refused.value.messages[0]
    edition.refresh_from_db()
    assert edition.content_hash == ""


def test_publishing_with_chapters_in_draft_is_refused_with_their_list(cycle, secretariat):
    edition = editions.generate_edition(edition=_edition(secretariat), by=secretariat)
    _ready(edition, secretariat)
    for key in ("target-3", "goal-2"):
        editions.edit_chapter(
            chapter=edition.chapters.get(key=key), by=secretariat, status=ChapterStatus.DRAFT
        )
    editions.move_edition(edition=edition, status=EditionStatus.REVIEW, by=secretariat)
    with pytest.raises(ValidationError) as refused:
        editions.publish_edition(edition=edition, by=secretariat)
    assert refused.value.messages == ["These chapters are still in draft: Target 3, Goal 2."]
    edition.refresh_from_db()
    assert edition.status == EditionStatus.REVIEW and edition.frozen is None


def test_publishing_freezes_figures_texts_and_hash(cycle, secretariat):
    edition = editions.generate_edition(edition=_edition(secretariat), by=secretariat)
    _ready(edition, secretariat)
    overview = edition.chapters.get(key="overview")
    editions.edit_chapter(
        chapter=overview,
        by=secretariat,
        text_en="<p>Most Parties reported.</p><script>alert(1)</script>",
        text_fr="La plupart des Parties ont fait rapport.",
    )
    editions.move_edition(edition=edition, status=EditionStatus.REVIEW, by=secretariat)
    published = editions.publish_edition(edition=edition, by=secretariat)
    frozen_hash = published.content_hash
    event = Event.objects.get(kind="edition.published", target_id=str(published.pk))
    assert event.data["content_hash"] == frozen_hash and event.actor == secretariat
    assert label_of(event.kind) == "Edition published"
    assert published.frozen["content_hash"] == frozen_hash
    assert published.frozen["texts"]["overview"]["en"] == "<p>Most Parties reported.</p>"
    assert published.frozen["texts"]["overview"]["fr"] == (
        "<p>La plupart des Parties ont fait rapport.</p>"
    )
    # A report accepted later changes neither the published edition nor what it reads.
    services.accept(submission=_of(cycle, "FR"), by=secretariat)
    with pytest.raises(ValidationError):
        editions.generate_edition(edition=published, by=secretariat)
    with pytest.raises(ValidationError):
        editions.edit_chapter(chapter=overview, by=secretariat, text_en="Changed")
    published.refresh_from_db()
    view = selectors.read(published, lang="en")
    assert view.content_hash == frozen_hash
    rows = {row[0]: row[1] for row in _figure(view.content, "t10-implementation")["rows"]}
    assert rows["Reports counted"] == 2
    # A new draft shows the difference, figure by figure.
    draft = editions.generate_edition(edition=_edition(secretariat), by=secretariat)
    assert draft.content_hash != frozen_hash
    changes = compare.compare(draft, published, lang="en")
    changed = {change.key: change for change in changes.changed}
    assert "t10-implementation" in changed
    assert "timeliness-instruments" in changed or "t10-gaps" in changed
    assert not changes.added and not changes.removed


def test_only_the_cms_secretariat_writes(cycle, secretariat, nfp_kenya, eurobats_officer):
    for user in (nfp_kenya, eurobats_officer):
        with pytest.raises(PermissionDenied):
            _edition(user)
    edition = _edition(secretariat)
    with pytest.raises(PermissionDenied):
        editions.generate_edition(edition=edition, by=nfp_kenya)
    with pytest.raises(PermissionDenied):
        editions.publish_edition(edition=edition, by=nfp_kenya)


def test_bad_input_is_refused_with_a_message(secretariat):
    with pytest.raises(ValidationError) as refused:
        _edition(secretariat, title="", symbol="")
    assert {"title", "symbol"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        _edition(secretariat, period_start=END, period_end=START)
    assert "period_end" in refused.value.message_dict
    edition = _edition(secretariat)
    with pytest.raises(ValidationError):
        editions.move_edition(edition=edition, status=EditionStatus.PUBLISHED, by=secretariat)
    with pytest.raises(ValidationError):
        editions.edit_chapter(chapter=edition.chapters.first(), by=secretariat, status="done")
    with pytest.raises(ValidationError) as refused:
        editions.move_edition(edition=edition, status=EditionStatus.REVIEW, by=secretariat)
        editions.publish_edition(edition=edition, by=secretariat)
    assert "Generate" in refused.value.messages[0]
    assert Chapter.objects.filter(edition=edition).count() == 22


def test_a_figure_of_parts_is_drawn_as_stacked_bars_without_its_total():
    from cmsfamily.analytics.editions.charts import figure_chart

    figure = {
        "title": "Reports per region",
        "header": ["Region", "Expected", "On time", "Late", "Missing"],
        "rows": [["Africa", 3, 1, 1, 1], ["Europe", 2, 2, 0, 0], ["All reporters", 5, 3, 1, 1]],
        "chart": True,
        "stack": [2, 3, 4],
        "total_row": True,
    }
    chart = figure_chart(figure)
    labels = {value["label"] for value in chart.spec["data"]["values"]}
    assert labels == {"Africa", "Europe"}
    assert "On time, Late, Missing" in chart.description
    assert "<svg" in chart.svg
    assert figure_chart({**figure, "chart": False}) is None
