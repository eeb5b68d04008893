"""Every question has one label wherever it is named (the problems panel, a section page's
errors, the workbook, the API): its number, else its section's number and its place there, else
its first words. Imported texts keep harmless inline markup, shown as such on pages and removed
where only plain text fits."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cmsfamily.core.templatetags.core_tags import plain, rich
from cmsfamily.core.text import clean_html, plain_text
from cmsfamily.reporting import exchange, exports, selectors, services, workbook
from cmsfamily.reporting.choices import QuestionKind
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle, question
from cmsfamily.reporting.xlsform import from_xlsform

pytestmark = pytest.mark.django_db

COLUMNS = [{"key": "name", "kind": "short_text", "label": {"en": "Name"}}]
COMPLETE = [
    services.Edit("t.departments", "", "Ministry", 0),
    services.Edit("t.obstacles", "birds", "no", 0),
    services.Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


def _unnumbered(version):
    """Section V with a numbered question, then two unnumbered ones (the second a table), and
    an unnumbered section holding one unnumbered question, whose text has markup, and a choice
    whose option has markup."""
    numbered = services.add_section(version=version, number="V", title_en="Numbered", by=None)
    loose = services.add_section(
        version=version, number="", title_en="<i>Loose</i> questions", by=None
    )
    add = services.add_item
    add(
        section=numbered,
        question=question("l.first", QuestionKind.YES_NO, "First"),
        number="1",
        by=None,
    )
    add(
        section=numbered,
        question=question(
            "l.count", QuestionKind.INTEGER, "How many sites", help_text_en="<i>Count</i> them"
        ),
        number="",
        by=None,
        required=True,
    )
    add(
        section=numbered,
        question=question("l.table", QuestionKind.TABLE, "Sites", columns=COLUMNS),
        number="",
        by=None,
    )
    text = "Does your country <i>protect</i> migratory birds along their flyways?"
    add(
        section=loose,
        question=question("l.words", QuestionKind.SHORT_TEXT, text),
        number="",
        by=None,
        required=True,
    )
    choice = question(
        "l.choice",
        QuestionKind.SINGLE_CHOICE,
        "Say <i>Yes</i> or no",
        options=[
            {"value": "yes", "label": {"en": "<i>Yes</i>"}},
            {"value": "no", "label": {"en": "No"}},
        ],
    )
    add(section=loose, question=choice, number="", by=None)
    add(
        section=loose,
        question=question("l.table2", QuestionKind.TABLE, "More sites", columns=COLUMNS),
        number="",
        by=None,
    )


@pytest.fixture
def report():
    _template, version = build_template()
    _unnumbered(version)
    return Submission.objects.get(cycle=open_cycle(version), party__code="KE")


def _labels(submission):
    structure = selectors.structure(submission.cycle.version)
    return {
        code: selectors.item_name(structure, item) for code, item in structure.items_by_code.items()
    }


def test_each_question_has_one_label(report):
    labels = _labels(report)
    assert labels["l.first"] == "V.1"
    assert labels["l.count"] == "V, question 2"
    assert labels["l.table"] == "V, question 3"
    assert labels["l.words"] == "Does your country protect migratory birds…"
    assert labels["l.choice"] == "Say Yes or no"
    assert len(set(labels.values())) == len(labels)


def test_the_problems_panel_and_a_refused_submit_name_unnumbered_questions(
    client_as, nfp_kenya, report
):
    page = client_as(nfp_kenya).get(report.get_absolute_url()).content.decode()
    assert "V, question 2</a>: This question needs an answer." in page
    assert "Does your country protect migratory birds…</a>: This question needs an answer." in page
    assert " · " not in page.split('id="problems"')[1].split("</section>")[0]
    with pytest.raises(Exception) as refused:
        services.submit(submission=report, by=nfp_kenya)
    assert "V, question 2 This question needs an answer." in refused.value.messages


def test_a_refused_value_on_the_section_page_is_named_by_its_label(client_as, nfp_kenya, report):
    section = report.cycle.version.sections.get(number="V")
    url = reverse("reporting:section", args=[report.pk, section.pk])
    data = {"l.count@#present": "1", "l.count@#rev": "0", "l.count@": "many"}
    page = client_as(nfp_kenya).post(url, data).content.decode()
    problems = page.split('id="form-problems"')[1].split("</div>")[0]
    assert "V, question 2</a>:" in problems
    loose = report.cycle.version.sections.get(number="")
    url = reverse("reporting:section", args=[report.pk, loose.pk])
    data = {"l.choice@#present": "1", "l.choice@#rev": "0", "l.choice@": "maybe"}
    page = client_as(nfp_kenya).post(url, data).content.decode()
    problems = page.split('id="form-problems"')[1].split("</div>")[0]
    assert "Say Yes or no</a>:" in problems


def test_the_api_errors_carry_the_label(client_as, nfp_kenya, report):
    response = client_as(nfp_kenya).post(
        f"/api/submissions/{report.pk}/answers/",
        [
            {"question": "l.count", "value": "many", "base_revision": 0},
            {"question": "l.choice", "value": "maybe", "base_revision": 0},
            {"question": "other.template", "value": "x", "base_revision": 0},
        ],
        content_type="application/json",
    )
    assert response.status_code == 400
    labels = {e["question"]: e["label"] for e in response.json()["errors"]}
    assert labels["l.count"] == "V, question 2"
    assert labels["l.choice"] == "Say Yes or no"
    assert labels["other.template"] is None
    assert set(response.json()["errors"][0]) == {
        "question",
        "label",
        "loop_key",
        "messages",
        "codes",
    }


def test_the_workbook_names_table_sheets_by_label_without_markup(nfp_kenya, report):
    book = load_workbook(io.BytesIO(workbook.draft_workbook(report, nfp_kenya, "en")))
    names = book.sheetnames
    assert "Table V, question 3" in names
    assert "Table More sites" in names
    assert "Loose questions" in names
    assert len({name.casefold() for name in names}) == len(names)
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\<>")
    loose = book["Loose questions"]
    texts = [cell.value for row in loose.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Say Yes or no" in texts
    assert not any(
        "<i>" in text
        for sheet in book
        for row in sheet.iter_rows()
        for text in [c.value for c in row]
        if isinstance(text, str)
    )


def test_markup_is_italic_on_the_page_and_plain_in_the_csv(client_as, nfp_kenya, report):
    loose = report.cycle.version.sections.get(number="")
    page = (
        client_as(nfp_kenya)
        .get(reverse("reporting:section", args=[report.pk, loose.pk]))
        .content.decode()
    )
    assert "Say <i>Yes</i> or no" in page
    assert "> <i>Yes</i></label>" in page
    assert "&lt;i&gt;" not in page
    numbered = report.cycle.version.sections.get(number="V")
    page = (
        client_as(nfp_kenya)
        .get(reverse("reporting:section", args=[report.pk, numbered.pk]))
        .content.decode()
    )
    assert "<i>Count</i> them" in page
    edits = [
        *COMPLETE,
        services.Edit("l.count", "", "3", 0),
        services.Edit("l.words", "", "Yes", 0),
        services.Edit("l.choice", "", "yes", 0),
    ]
    assert services.save_answers(submission=report, edits=edits, by=nfp_kenya).ok
    services.submit(submission=report, by=nfp_kenya)
    csv = "".join(exports.csv_lines(exports.cycle_rows(report.cycle)))
    assert "Say Yes or no" in csv
    assert "<i>" not in csv


def test_imported_texts_are_sanitised(report):
    data = exchange.export_version(report.cycle.version)
    data["template"]["slug"] = "imported"
    for definition in data["questions"]:
        if definition["code"] == "l.first":
            definition["code"] = "l.imported"
            definition["text"] = {"en": "Hello <i>there</i><script>alert(1)</script>"}
    for section in data["sections"]:
        for item in section["items"]:
            if item["question"] == "l.first":
                item["question"] = "l.imported"
        if section["number"] == "V":
            section["title"] = {"en": "<b onclick='x()'>Bold</b><script>alert(2)</script>"}
    version = exchange.import_template(data, by=None)
    structure = selectors.structure(version)
    item = structure.items_by_code["l.imported"]
    assert item.question.text == "Hello <i>there</i>"
    assert version.sections.get(number="V").title == "<b>Bold</b>"


def test_the_sanitiser_and_the_plain_text():
    assert clean_html("<i>Yes</i><script>x()</script>") == "<i>Yes</i>"
    assert clean_html("plain & simple") == "plain & simple"
    assert plain_text("<i>Yes</i> &amp; no<script>x()</script>") == "Yes & no"
    assert plain_text("a < b") == "a < b"


def test_a_bare_angle_bracket_is_text_not_markup():
    assert clean_html("< 5,000 by much") == "< 5,000 by much"
    assert clean_html("< 5,000 <script>x()</script>") == "&lt; 5,000 "
    assert rich("< 5,000") == "&lt; 5,000"
    assert rich("Hi <script>x()</script><i>there</i>") == "Hi <i>there</i>"
    assert plain("Hi <script>x()</script><i>there</i>") == "Hi there"


def test_an_xlsform_label_with_a_script_is_imported_without_it(secretariat):
    book = Workbook()
    book.active.title = "survey"
    for row in [
        ["type", "name", "label::English (en)"],
        ["begin group", "general", "<b>General</b>"],
        ["select_one yn", "has_plan", "Is there a <i>plan</i>?<script>alert(1)</script>"],
        ["end group"],
    ]:
        book.active.append(row)
    choices = book.create_sheet("choices")
    for row in [
        ["list_name", "name", "label::English (en)"],
        ["yn", "yes", "<i>Yes</i><img src=x onerror=alert(2)>"],
        ["yn", "no", "No"],
    ]:
        choices.append(row)
    settings = book.create_sheet("settings")
    for row in [["form_title", "form_id"], ["Plans", "plans"]]:
        settings.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data, problems = from_xlsform(buffer.getvalue(), name="plans.xlsx", instrument="cms")
    version = exchange.import_template(data, by=secretariat)
    item = selectors.structure(version).items_by_code["has_plan"]
    assert item.question.text == "Is there a <i>plan</i>?"
    assert [str(option.label) for option in item.question.options.all()] == [
        "<i>Yes</i>",
        "No",
    ]
