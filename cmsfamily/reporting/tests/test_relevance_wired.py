"""Relevance on the server is transitive: a hidden question hides every question whose condition
reads it, however deep; answers of questions that are not relevant stay in the draft but are never
required, checked, counted or part of a submitted version."""

import pytest
from django.utils import timezone

from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.models import Answer, Question, Submission
from cmsfamily.reporting.testing import add_chain_section, build_template, open_cycle

pytestmark = pytest.mark.django_db

CHAIN = {
    "c.root": "yes",
    "c.one": "yes",
    "c.two": "yes",
    "c.three": "deep answer",
    "c.because": "because",
    "c.fishing": "nets",
}


@pytest.fixture
def chained():
    """Section IV: root → one → two → three, a chain of three conditions; a required-when on
    a question of the chain; a question shown when either of two boxes of a multiple choice is
    ticked."""
    _template, version = build_template()
    add_chain_section(version)
    cycle = open_cycle(version)
    return Submission.objects.get(cycle=cycle, party__code="KE")


def _answer(submission, values):
    questions = {q.code: q for q in Question.objects.filter(code__in=[c for c, _k in values])}
    for (code, key), value in values.items():
        Answer.objects.update_or_create(
            submission=submission,
            question=questions[code],
            loop_key=key,
            defaults={"value": value},
        )


def _state(submission):
    structure = selectors.structure(submission.cycle.version)
    loops = selectors.loop_items(structure, submission)
    values = selectors.answer_values(submission)
    return structure, loops, values


def test_a_hidden_root_hides_the_whole_chain_and_none_of_it_is_submitted(chained, nfp_kenya):
    _answer(chained, {(code, ""): value for code, value in CHAIN.items()})
    _answer(chained, {("t.departments", ""): "Environment", ("t.obstacles", "birds"): "no"})
    _answer(chained, {("t.obstacles", "aquatic-mammals"): "no", ("c.root", ""): "no"})
    structure, loops, values = _state(chained)
    relevant = selectors.relevance(structure, values, loops)
    items = structure.items_by_code
    assert relevant.shown(items["c.root"], "")
    for code in ("c.one", "c.two", "c.three"):
        assert not relevant.shown(items[code], ""), code
    # the answers stay in the draft: switching back shows them again
    assert values[("c.three", "")] == "deep answer"
    version = services.submit(submission=chained, by=nfp_kenya)
    answers = version.snapshot["answers"]
    assert "c.root" in answers
    assert not {"c.one", "c.two", "c.three", "c.fishing"} & set(answers)
    assert Answer.objects.filter(submission=chained, question__code="c.three").exists()


def test_a_condition_on_a_question_that_is_not_shown_does_not_hold(chained):
    """c.one's answer is "yes", but c.one is hidden: c.two stays hidden however c.one reads."""
    _answer(chained, {("c.root", ""): "no", ("c.one", ""): "yes", ("c.two", ""): "yes"})
    structure, loops, values = _state(chained)
    relevant = selectors.relevance(structure, values, loops)
    assert not relevant.shown(structure.items_by_code["c.two"], "")
    _answer(chained, {("c.root", ""): "yes"})
    structure, loops, values = _state(chained)
    relevant = selectors.relevance(structure, values, loops)
    assert relevant.shown(structure.items_by_code["c.three"], "")


def test_a_required_when_on_a_hidden_question_is_not_required(chained):
    _answer(chained, {("c.root", ""): "yes", ("c.one", ""): "yes", ("c.two", ""): "no"})
    structure, loops, values = _state(chained)
    item = structure.items_by_code["c.because"]
    assert selectors.relevance(structure, values, loops).required(item, "")
    assert any(p.item == item for p in selectors.problems(structure, chained, values, loops))
    # c.two is hidden once c.one is no: its "no" no longer makes c.because required
    _answer(chained, {("c.one", ""): "no"})
    structure, loops, values = _state(chained)
    assert not selectors.relevance(structure, values, loops).required(item, "")
    assert not any(p.item == item for p in selectors.problems(structure, chained, values, loops))


def test_several_boxes_ticked_keep_the_dependent_question_shown(chained):
    structure = selectors.structure(chained.cycle.version)
    fishing = structure.items_by_code["c.fishing"]
    for ticked in (["bycatch"], ["habitat", "bycatch"], ["bycatch", "habitat", "turbines"]):
        values = {("t.threats", ""): ticked}
        assert selectors.relevance(structure, values, {}).shown(fishing, ""), ticked
    assert not selectors.relevance(structure, {("t.threats", ""): ["habitat"]}, {}).shown(
        fishing, ""
    )


def test_completion_counts_relevant_questions_only(chained):
    structure, loops, values = _state(chained)
    section = structure.items_by_code["c.root"].section_id
    # root, because: shown; one, two, three hidden; fishing and both hidden (no threats)
    assert selectors.completion(structure, values, loops)[section] == (0, 2)
    _answer(chained, {("c.root", ""): "yes", ("c.one", ""): "yes"})
    structure, loops, values = _state(chained)
    assert selectors.completion(structure, values, loops)[section] == (2, 4)


def test_a_section_condition_hides_all_it_holds(db, secretariat):
    from cmsfamily.reporting.exchange import export_version, import_template

    data = export_version(build_template()[1])
    data["template"]["slug"] = "section-condition"
    data["sections"][2]["show_if"] = "${t.committee} = 'yes'"
    version = import_template(data, by=secretariat)
    structure = selectors.structure(version)
    area = structure.items_by_code["t.site-area"]
    loops = {area.section_id: [selectors.LoopItem("site-1", "Site 1")]}
    values = {("t.site-area", "site-1"): "12"}
    relevant = selectors.relevance(structure, values, loops)
    assert not relevant.shown(area, "site-1")
    assert relevant.kept(values) == {}
    values[("t.committee", "")] = "yes"
    assert selectors.relevance(structure, values, loops).shown(area, "site-1")


def test_an_older_version_holding_an_orphan_answer_never_shows_it(chained):
    """A version taken before relevance was transitive may hold c.three under a hidden c.one:
    its print view, its answers and the cycle export leave it out."""
    from cmsfamily.reporting.exports import cycle_rows

    structure = selectors.structure(chained.cycle.version)
    content = {
        "answers": {"c.root": {"": "no"}, "c.one": {"": "yes"}, "c.three": {"": "orphan"}},
        "loop_items": {},
    }
    printed = {
        item.question.code: value
        for section in selectors.printed(structure, content)
        for item, value in section.rows
    }
    assert printed["c.root"] == "no" and "c.three" not in printed and "c.one" not in printed
    rows = [
        row.item.question.code
        for _node, answers in selectors.version_answers(structure, content, {})
        for row in answers
    ]
    assert "c.root" in rows and "c.three" not in rows
    version = chained.versions.model(
        submission=chained,
        number=1,
        snapshot=content,
        content_hash="x",
        language="en",
        submitted_at=timezone.now(),
    )
    codes = [row["question_code"] for row in cycle_rows(chained.cycle, [version])]
    assert codes == ["c.root"]


def test_the_section_page_sends_the_nodes_and_the_answers_conditions_read(chained):
    _answer(chained, {("c.root", ""): "yes", ("t.departments", ""): "Environment"})
    structure, loops, values = _state(chained)
    node = structure.node(structure.items_by_code["c.because"].section_id)
    sent = selectors.page_conditions(structure, node, values, loops)
    ids = [entry["id"] for entry in sent["nodes"]]
    assert "c.three" in ids and "t.site-area" in ids
    assert sent["values"] == [["c.root", "", "yes"]]  # no condition reads t.departments
    assert set(sent["required"]) == {"c.because"}
    species = next(entry for entry in sent["nodes"] if entry["loop_keys"])
    assert species["loop_keys"] == ["birds", "aquatic-mammals"]


def test_the_section_page_says_which_answers_will_not_be_included_and_why(
    chained, client_as, nfp_kenya
):
    _answer(chained, {("c.root", ""): "no", ("c.one", ""): "yes", ("c.three", ""): "typed"})
    structure, loops, values = _state(chained)
    node = structure.node(structure.items_by_code["c.one"].section_id)
    out = selectors.left_out(structure, node, values, loops)
    assert [(o.item.question.code, o.name, o.condition) for o in out] == [
        ("c.one", "IV.2", "IV.1 is Yes"),
        ("c.three", "IV.4", "IV.3 is Yes"),
    ]
    page = client_as(nfp_kenya).get(
        f"/reports/submissions/{chained.pk}/sections/{node.section.pk}/"
    )
    text = page.content.decode()
    assert (
        "Your answer to IV.2 will not be included in the report: IV.2 is shown only when"
        " IV.1 is Yes." in text
    )
    assert 'id="conditions-data" type="application/json"' in text


def test_the_workbook_states_each_condition_in_words(chained):
    import io

    from openpyxl import load_workbook

    from cmsfamily.reporting.workbook.writer import blank_workbook

    book = load_workbook(io.BytesIO(blank_workbook(chained.cycle.version, "en")))
    texts = [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    ]
    assert any("Answer only if IV.3 is Yes." in text for text in texts)
    assert any("Answer only if I.11 includes By-catch." in text for text in texts)
    assert any("Required if IV.3 is No." in text for text in texts)


def test_a_valid_when_is_checked_on_relevant_answers_only(db):
    from cmsfamily.reporting.models import Item
    from cmsfamily.reporting.services.conditions import place

    _template, version = build_template()
    add_chain_section(version)
    three = Item.objects.get(section__version=version, question__code="c.three")
    assert place(version, [("c", three, "valid_when", "string-length(.) <= 5")]) == []
    three.save()
    submission = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    _answer(submission, {("c.root", ""): "yes", ("c.one", ""): "yes", ("c.two", ""): "yes"})
    _answer(submission, {("c.three", ""): "far too long"})
    structure, loops, values = _state(submission)
    found = [p.message for p in selectors.problems(structure, submission, values, loops)]
    assert "This answer must meet its condition: the length of this answer is at most 5." in found
    _answer(submission, {("c.root", ""): "no"})  # hidden: never checked
    structure, loops, values = _state(submission)
    found = [p.message for p in selectors.problems(structure, submission, values, loops)]
    assert not [message for message in found if "meet its condition" in message]


def test_a_constraint_imports_and_exports_with_its_message(db, secretariat):
    from cmsfamily.reporting.exchange import export_version, import_template

    data = export_version(build_template()[1])
    data["template"]["slug"] = "with-constraint"
    staff = data["sections"][0]["items"][5]
    assert staff["question"] == "t.staff"
    staff["constraint"] = ". <= ${t.departments}"
    with pytest.raises(Exception) as error:
        import_template(data, by=secretariat)
    assert "sections[0].items[5].constraint" in str(error.value)
    staff["constraint"] = ". >= 1 and . <= 500"
    staff["constraint_message"] = {"en": "Between 1 and 500.", "fr": "Entre 1 et 500."}
    version = import_template(data, by=secretariat)
    again = export_version(version)["sections"][0]["items"][5]
    assert again["constraint"] == ". >= 1 and . <= 500"
    assert again["constraint_message"] == {"en": "Between 1 and 500.", "fr": "Entre 1 et 500."}


def test_a_contributors_page_holds_no_answer_of_a_section_they_may_not_read(
    db, client_as, nfp_kenya, contributor_kenya
):
    """Section V, assigned to a contributor, has questions shown or required when answers of
    sections I and IV say so. The contributor may not read those sections: their page gets the
    outcome of each such condition, never the answers, and still shows and hides as the
    server does."""
    import json
    import re

    from cmsfamily.reporting import conditions
    from cmsfamily.reporting.choices import QuestionKind
    from cmsfamily.reporting.testing import question

    _template, version = build_template()
    add_chain_section(version)
    fifth = services.add_section(version=version, number="V", title_en="Assigned", by=None)
    for number, code, condition, required in [
        ("1", "v.high", "${t.priority} = 'high'", None),
        ("2", "v.root", "${c.root} = 'yes'", "${c.two} = 'no'"),
        ("3", "v.open", None, None),
    ]:
        services.add_item(
            section=fifth,
            question=question(code, QuestionKind.SHORT_TEXT, code),
            number=number,
            by=None,
            show_if=condition,
            require_if=required,
        )
    submission = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    _answer(
        submission,
        {
            ("t.priority", ""): "high",
            ("t.departments", ""): "Secret ministry",
            ("c.root", ""): "yes",
            ("c.one", ""): "yes",
            ("c.two", ""): "no",
        },
    )
    services.assign_section(
        submission=submission, section=fifth, user=contributor_kenya, by=nfp_kenya
    )
    page = client_as(contributor_kenya).get(
        f"/reports/submissions/{submission.pk}/sections/{fifth.pk}/"
    )
    assert page.status_code == 200
    sent = json.loads(
        re.search(
            r'<script id="conditions-data" type="application/json">(.*?)</script>',
            page.content.decode(),
            re.S,
        ).group(1)
    )
    codes = {code for code, _key, _value in sent["values"]}
    assert not codes & {"t.priority", "t.departments", "c.root", "c.one", "c.two"}
    assert "high" not in {value for _code, _key, value in sent["values"]}
    assert "Secret" not in page.content.decode()
    # What the page computes from what it got is what the server decided.
    table = {(code, key): value for code, key, value in sent["values"]}
    nodes = [
        conditions.Node(
            n["id"],
            n["condition"],
            n["within"],
            None if n["loop_keys"] is None else tuple(n["loop_keys"]),
        )
        for n in sent["nodes"]
    ]
    places = conditions.relevance(nodes, table)
    assert places[("v.high", "")] and places[("v.root", "")] and places[("v.open", "")]
    assert conditions.evaluate(sent["required"]["v.root"], table, "")
    # The reporter's own page, who reads every section, gets the answers themselves.
    own = client_as(nfp_kenya).get(f"/reports/submissions/{submission.pk}/sections/{fifth.pk}/")
    assert '"t.priority", "", "high"' in own.content.decode()


def test_the_api_says_which_saved_answers_a_version_will_not_hold(chained, client_as, nfp_kenya):
    response = client_as(nfp_kenya).post(
        f"/api/submissions/{chained.pk}/answers/",
        [
            {"question": "c.root", "value": "no", "base_revision": 0},
            {"question": "c.one", "value": "yes", "base_revision": 0},
        ],
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert {row["question"] for row in body["saved"]} == {"c.root", "c.one"}
    assert body["not_included"] == [
        {
            "question": "c.one",
            "label": "IV.2",
            "loop_key": "",
            "section": "",
            "shown_only_when": "IV.1 is Yes",
        }
    ]
    assert Answer.objects.filter(submission=chained, question__code="c.one").exists()


def test_a_question_that_is_not_shown_counts_as_not_answered(db):
    """c.three "shown when c.two is not answered", c.because "required when c.two is not
    answered": with c.one No, c.two is not shown, so both hold whatever c.two still holds; a
    condition on c.two's value (c.three shown when c.two is Yes, before) stays unknown and hides."""
    from cmsfamily.reporting.models import Item
    from cmsfamily.reporting.services.conditions import place

    _template, version = build_template()
    add_chain_section(version)
    items = {
        item.question.code: item
        for item in Item.objects.filter(section__version=version, question__code__startswith="c.")
    }
    assert (
        place(
            version,
            [
                ("c", items["c.three"], "shown_when", "${c.two} = ''"),
                ("c", items["c.because"], "required_when", "${c.two} = ''"),
            ],
        )
        == []
    )
    items["c.three"].save()
    items["c.because"].save()
    submission = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    _answer(submission, {("c.root", ""): "yes", ("c.one", ""): "no", ("c.two", ""): "yes"})
    structure, loops, values = _state(submission)
    three, because = structure.items_by_code["c.three"], structure.items_by_code["c.because"]
    relevant = selectors.relevance(structure, values, loops)
    assert not relevant.shown(structure.items_by_code["c.two"], "")
    assert relevant.shown(three, "") and relevant.required(because, "")
    assert any(p.item == because for p in selectors.problems(structure, submission, values, loops))
    # progress expects c.three and c.because (root, one answered; two not shown)
    assert selectors.completion(structure, values, loops)[three.section_id] == (2, 4)
    # the page's script gets the same: the conditions, and c.two's answer to read
    node = structure.node(three.section_id)
    sent = selectors.page_conditions(structure, node, values, loops)
    assert sent["required"]["c.because"]["op"] == "="
    assert ["c.two", "", "yes"] in sent["values"]
    # c.one Yes: c.two is shown and answered, the gate closes
    _answer(submission, {("c.one", ""): "yes"})
    structure, loops, values = _state(submission)
    relevant = selectors.relevance(structure, values, loops)
    assert not relevant.shown(three, "") and not relevant.required(because, "")
    assert selectors.completion(structure, values, loops)[three.section_id] == (3, 4)
