"""The demonstration: one bank for the Party and Agreement templates, the real Partner
questionnaire (Annex C) for BirdLife, marked as demo, idempotent, and an upgrade for a database
holding the previous demonstration."""

from cmsfamily.reporting import demo, services
from cmsfamily.reporting.demo import load_reporting_demo
from cmsfamily.reporting.models import Answer, Cycle, Item, Question, Submission, Template
from cmsfamily.reporting.templates_data import UNCHANGED, load_file


def _state():
    return sorted(
        Cycle.objects.values_list("slug", "version__template__slug", "version__number", "status")
    ), sorted(Submission.objects.values_list("pk", "cycle__slug"))


def test_demo_is_marked_translated_and_loaded_once(db):
    assert load_reporting_demo() is True
    before = _state()
    assert load_reporting_demo() is False
    assert _state() == before  # a second run changes nothing
    templates = Template.objects.filter(slug__startswith="demo-")
    assert templates.count() == 2 and all(t.is_demo for t in templates)
    assert set(templates.values_list("reporter_kind", flat=True)) == {"party", "agreement"}
    assert all(
        c.is_demo and c.status == "open" for c in Cycle.objects.filter(slug__startswith="demo-")
    )
    # One question serves the Party and the Agreement templates.
    assert Item.objects.filter(question__code="demo.authority").count() == 2
    assert not Question.objects.filter(code__startswith="demo.", text_fr="").exists()
    assert not Question.objects.filter(code__startswith="demo.", text_es="").exists()


def test_birdlife_is_asked_the_partner_questionnaire(db):
    load_reporting_demo()
    report = Submission.objects.get(cycle__slug="demo-partner-reports")
    assert report.organisation.slug == "birdlife"
    version = report.cycle.version
    assert version.template.slug == "partner-questionnaire-annex-c"
    assert version.template.reporter_kind == "partner"
    asked = set(
        Item.objects.filter(section__version=version).values_list("question__code", flat=True)
    )
    assert "pq-01" in asked and not any(code.startswith("demo.") for code in asked)
    # load_report_templates, run after it by `make run`, finds the same questionnaire.
    assert load_file("partner-questionnaire-annex-c.json").action == UNCHANGED


def _previous_demo():
    """The demonstration as it was: BirdLife's cycle asked the Party questions."""
    demo.ensure_bank()
    cms = Template._meta.get_field("instrument").related_model.objects.get(code="cms")
    old = demo.ensure_template(
        "demo-partner-report", cms, "partner", ("Demonstration: Partner report to CMS", "", "")
    )
    demo.ensure_cycle("demo-partner-reports", old, demo.PARTNER_TITLES, organisations=("birdlife",))
    return Submission.objects.get(cycle__slug="demo-partner-reports")


def test_a_database_from_the_previous_demo_gets_the_partner_questionnaire(db):
    old = _previous_demo()
    Answer.objects.create(
        submission=old, question=Question.objects.get(code="demo.authority"), value="BirdLife"
    )
    assert load_reporting_demo() is True
    report = Submission.objects.get(cycle__slug="demo-partner-reports")
    assert report.cycle.version.template.slug == "partner-questionnaire-annex-c"
    assert not Submission.objects.filter(pk=old.pk).exists()  # never submitted: removed
    assert not Template.objects.filter(slug="demo-partner-report").exists()
    assert Question.objects.filter(code="demo.authority").exists()  # the bank keeps it
    before = _state()
    assert load_reporting_demo() is False
    assert _state() == before


def test_a_previous_demo_report_that_was_submitted_keeps_its_history(db, birdlife_fp):
    old = _previous_demo()
    Answer.objects.create(
        submission=old, question=Question.objects.get(code="demo.authority"), value="BirdLife"
    )
    obstacles = Question.objects.get(code="demo.obstacles")
    for group in demo.GROUPS:
        Answer.objects.create(submission=old, question=obstacles, loop_key=group["key"], value="no")
    services.submit(submission=old, by=birdlife_fp)
    assert load_reporting_demo() is True
    old.refresh_from_db()
    assert old.cycle.slug == "demo-partner-reports-before-annex-c"
    assert old.cycle.status == "closed" and old.versions.count() == 1
    report = Submission.objects.get(cycle__slug="demo-partner-reports")
    assert report.cycle.version.template.slug == "partner-questionnaire-annex-c"
    assert load_reporting_demo() is False
