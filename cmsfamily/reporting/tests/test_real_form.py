"""Issue 16's "done when", the import half: the real questionnaire of another treaty (the fifth
national report of the Cartagena Protocol on Biosafety; data/README.md) imports from its XLSForm
and from the template JSON it exports, the same structure and conditions both ways."""

from django.urls import reverse

from cmsfamily.core.text import clean_html
from cmsfamily.reporting.exchange import export_version, import_template
from cmsfamily.reporting.models import Item, Submission
from cmsfamily.reporting.testing import open_cycle
from cmsfamily.reporting.tests.real_form import SLUG, import_from_xlsform, read_xlsform, shape

# 221 questions of the BCH form and 65 boxes its options open ("Please specify"): 286, in 25
# sections. 122 are shown under a condition (57 by the BCH's enabling rules, 65 boxes): 28 hang
# on a question that is itself conditional (chains up to 3 deep), 17 read a multiple choice, 4 read
# any of several questions, 12 are gated on a question being answered ("${q} != ''": the BCH
# enables nothing while its source is unanswered). The form has no "not answered" gate.
COUNTS = {
    "questions": 286,
    "sections": 25,
    "required": 148,
    "constraints": 4,
}
SHAPE = {
    "conditional": 122,
    "chained": 28,
    "deepest": 3,
    "multiple_choice": 17,
    "answered_gates": 12,
    "any_of": 4,
}


def _counts(data):
    items = [i for s in data["sections"] for i in s["items"]]
    return {
        "questions": len(data["questions"]),
        "sections": len(data["sections"]),
        "required": sum(1 for i in items if i["required"]),
        "constraints": sum(1 for i in items if i.get("constraint")),
    }


def test_the_real_form_reads_whole_from_its_xlsform():
    data, problems = read_xlsform()
    assert _counts(data) == COUNTS
    assert shape(data["sections"]) == SHAPE
    # Nothing is left out, nothing said: its four exclusive-option constraints are "valid when".
    assert problems == []
    items = {i["question"]: i for s in data["sections"] for i in s["items"]}
    # BCH enabling rules (one on any answer, one on a multiple choice), a box an option opens,
    # an "any of" function
    assert items["q012"]["show_if"] == "${q011} = 'true'"
    assert items["q012_adq"]["show_if"] == "${q012} != ''"
    assert items["q027_b"]["show_if"] == "selected(${q027}, '6dd1b161-4cdb-4900-bd31-dbb97e86b2ae')"
    assert items["q016_opt2"]["show_if"] == "${q016} = 'true.some'"
    assert items["q082"]["show_if"] == (
        "${q079} = 'true' or ${q079} = 'true.some' or ${q080} = 'true' "
        "or ${q080} = 'true.some' or ${q081} = 'true' or ${q081} = 'true.some'"
    )


def test_the_real_form_imports_from_xlsform_and_from_its_json_the_same(db, secretariat):
    version = import_from_xlsform(secretariat)
    exported = export_version(version)
    assert _counts(exported) == COUNTS
    assert shape(exported["sections"]) == SHAPE
    items = Item.objects.filter(section__version=version)
    assert items.exclude(shown_when="").count() == SHAPE["conditional"]
    assert items.exclude(valid_when="").count() == COUNTS["constraints"]

    # The JSON it exports, imported as a new template, gives the same structure and conditions.
    exported["template"]["slug"] = f"{SLUG}-from-json"
    again = export_version(import_template(exported, by=secretariat))
    assert again["template"]["slug"] == f"{SLUG}-from-json"
    for part in ("questions", "sections", "rules"):
        assert again[part] == exported[part], part
    # and they are the XLSForm's own, its markup sanitised (two footnotes' links lose their
    # target='_blank'; one has a stray "<a " in the source)
    data, _problems = read_xlsform()
    for question in data["questions"]:
        for name in ("text", "help_text"):
            question[name] = {k: clean_html(v) for k, v in question[name].items()}
    assert exported["questions"] == sorted(data["questions"], key=lambda q: q["code"])
    assert [
        (s["number"], s["parent"], [(i["question"], i["show_if"]) for i in s["items"]])
        for s in exported["sections"]
    ] == [
        (s["number"], s["parent"], [(i["question"], i["show_if"]) for i in s["items"]])
        for s in data["sections"]
    ]


def test_a_required_question_hidden_when_the_page_is_drawn_carries_its_marker(
    db, secretariat, nfp_kenya, client
):
    """1.12 (required, shown when 1.11 is Yes) is drawn hidden: the "(required)" marker must be
    in it all the same, for the page to show it the moment 1.11 turns Yes (the browser run of this
    form found it missing)."""
    from lxml import html

    version = import_from_xlsform(secretariat)
    cycle = open_cycle(version, parties=("KE",))
    submission = Submission.objects.get(cycle=cycle, party__code="KE")
    section = version.sections.get(items__question__code="q012")
    client.force_login(nfp_kenya)
    page = client.get(reverse("reporting:section", args=[submission.pk, section.pk]))
    (question,) = html.fromstring(page.content).xpath('//div[@data-code="q012"]')
    assert question.get("hidden") is not None
    markers = question.xpath('.//span[contains(@class, "required")]')
    assert [marker.text_content() for marker in markers] == ["(required)"]
