"""Issue 16's "done when", the import half: the real questionnaire of another treaty (the fifth
national report of the Cartagena Protocol on Biosafety; data/README.md) imports from its XLSForm
and from the template JSON it exports, the same structure and conditions both ways."""

from django.urls import reverse

from cmsfamily.core.testing import download_through_job
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


# --- the genetic diversity form: a question that is not shown counts as not answered -----------

POPULATIONS = {
    ("popsize_data", ""): "yes",
    ("n_extant_populations", ""): 3,
    ("name_pop1", ""): "Lake Naivasha",
    ("name_pop2", ""): "Lake Nakuru",
    ("name_pop3", ""): "Lake Baringo",
    # typed before the count went down: kept in the draft, never in a version
    ("name_pop4", ""): "zqstalefour",
    ("kobo_tabular", ""): "tabular",
}


def test_the_population_groups_open_when_kobo_or_table_is_not_asked(
    db, secretariat, nfp_kenya, client
):
    """CCGenetics' form asks "Kobo or a table?" (kobo_tabular) only for more than 25 populations,
    and opens the population groups 5.1-5.25 when it is "kobo" or not answered
    (``${kobo_tabular} = '' and ${n_extant_populations} >= 1``). With 3 populations it is not
    shown, so it counts as not answered, even holding an old "tabular": 5.1-5.3 open, for the
    page, completion, the words of what is left out and every part of a version."""
    import csv
    import io

    from django.utils import timezone
    from lxml import html
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from cmsfamily.reporting import selectors
    from cmsfamily.reporting.models import Answer, Question
    from cmsfamily.reporting.tests.real_form import GENETIC_DIVERSITY
    from cmsfamily.reporting.workbook.writer import version_workbook

    version = import_from_xlsform(secretariat, GENETIC_DIVERSITY)
    cycle = open_cycle(version, parties=("KE",))
    submission = Submission.objects.get(cycle=cycle, party__code="KE")
    questions = {q.code: q for q in Question.objects.filter(code__in=[c for c, _k in POPULATIONS])}
    for (code, key), value in POPULATIONS.items():
        Answer.objects.create(
            submission=submission, question=questions[code], loop_key=key, value=value
        )
    structure = selectors.structure(version)
    loops = selectors.loop_items(structure, submission)
    values = selectors.answer_values(submission)
    relevant = selectors.relevance(structure, values, loops)
    groups = {node.section.number: node for node in structure.nodes}
    items = structure.items_by_code

    assert not relevant.shown(items["kobo_tabular"], "")
    opened = [
        n for n in groups if n.startswith("5.") and relevant.section_shown(groups[n].section, "")
    ]
    assert opened == ["5.1", "5.2", "5.3"]
    assert [relevant.shown(items[f"name_pop{i}"], "") for i in (1, 2, 3, 4)] == [
        True,
        True,
        True,
        False,
    ]
    # over 25 populations the question is shown: "tabular" closes the groups, no answer opens them
    many = {**values, ("n_extant_populations", ""): 30}
    assert not selectors.relevance(structure, many, loops).section_shown(groups["5.1"].section, "")
    del many[("kobo_tabular", "")]
    assert selectors.relevance(structure, many, loops).section_shown(groups["5.25"].section, "")

    # completion counts the open groups' questions; the closed ones expect nothing
    done = selectors.completion(structure, values, loops)
    assert done[groups["5.1"].section.pk][0] == 1 and done[groups["5.1"].section.pk][1] > 1
    assert done[groups["5.4"].section.pk] == (0, 0)

    # what is left out, and why, in words: the old "tabular" and the fourth population
    left = selectors.not_included(structure, values, loops, POPULATIONS)
    assert set(left) == {("kobo_tabular", ""), ("name_pop4", "")}
    assert left[("name_pop4", "")].section == "5.4"
    assert "is not answered and" in left[("name_pop4", "")].condition
    assert "is more than 25" in left[("kobo_tabular", "")].condition

    # the page draws 5.2 open and 5.4 closed
    client.force_login(nfp_kenya)
    for number, name, hidden in (("5.2", "name_pop2", False), ("5.4", "name_pop4", True)):
        page = client.get(
            reverse("reporting:section", args=[submission.pk, groups[number].section.pk])
        )
        (question,) = html.fromstring(page.content).xpath(f'//div[@data-code="{name}"]')
        assert (question.get("hidden") is not None) is hidden, number

    # a version holds the three populations and nothing hidden (as submit takes it, after its
    # checks, which the answers to the form's other required questions would pass)
    content = selectors.snapshot(structure, submission, values, loops)
    assert {code for code in content["answers"] if code.startswith("name_pop")} == {
        "name_pop1",
        "name_pop2",
        "name_pop3",
    }
    assert "kobo_tabular" not in content["answers"]
    submitted = submission.versions.create(
        number=1,
        snapshot=content,
        content_hash=selectors.content_hash(content),
        submitted_by=nfp_kenya,
        submitted_at=timezone.now(),
        language="en",
    )
    Submission.objects.filter(pk=submission.pk).update(
        status="submitted", submitted_at=submitted.submitted_at
    )
    texts = {
        "json": client.get(
            reverse("reporting:version-json", args=[submission.pk, 1])
        ).content.decode(),
        "pdf": " ".join(
            page.extract_text() or ""
            for page in PdfReader(
                io.BytesIO(
                    download_through_job(
                        client, reverse("reporting:version-pdf", args=[submission.pk, 1])
                    ).content
                )
            ).pages
        ),
        "xlsx": " ".join(
            str(cell.value)
            for sheet in load_workbook(io.BytesIO(version_workbook(submitted))).worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ),
    }
    for kind, text in texts.items():
        assert "Lake Baringo" in text, kind
        assert "zqstalefour" not in text, kind
    client.force_login(secretariat)
    export = client.get(reverse("reporting:cycle-export", args=[cycle.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    codes = {row["Question code"] for row in rows}
    assert {"name_pop1", "name_pop2", "name_pop3"} <= codes
    assert not {"name_pop4", "kobo_tabular"} & codes
