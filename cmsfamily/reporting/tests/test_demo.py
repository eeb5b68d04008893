"""The demonstration templates: one bank, three kinds of reporter, marked as demo, idempotent."""

from cmsfamily.reporting.demo import load_reporting_demo
from cmsfamily.reporting.models import Cycle, Item, Question, Template


def test_demo_is_marked_translated_and_loaded_once(db):
    assert load_reporting_demo() is True
    assert load_reporting_demo() is False
    templates = Template.objects.filter(slug__startswith="demo-")
    assert templates.count() == 3 and all(t.is_demo for t in templates)
    assert set(templates.values_list("reporter_kind", flat=True)) == {
        "party",
        "partner",
        "agreement",
    }
    assert all(
        c.is_demo and c.status == "open" for c in Cycle.objects.filter(slug__startswith="demo-")
    )
    # One question serves the three templates.
    assert Item.objects.filter(question__code="demo.authority").count() == 3
    assert not Question.objects.filter(code__startswith="demo.", text_fr="").exists()
    assert not Question.objects.filter(code__startswith="demo.", text_es="").exists()
