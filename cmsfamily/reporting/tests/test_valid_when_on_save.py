"""A "valid when" is checked when answers are saved, not only before submitting: on the section
page, through the API and from the workbook (all through ``services.save_answers``). A value that
breaks it is refused at its question with the question's message (or the condition in words) and
nothing of the save is written, as a number out of its bounds is; over the answers as they will
be after the save, and only where the question is relevant."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from cmsfamily.reporting import services, workbook
from cmsfamily.reporting.models import Answer, Item, Question, Submission
from cmsfamily.reporting.testing import add_chain_section, build_template, open_cycle

MESSAGE = {
    "en": "The protected area is part of the total.",
    "fr": "La superficie protégée fait partie du total.",
}


@pytest.fixture
def draft(db):
    _template, version = build_template()
    add_chain_section(version)
    services.set_item_conditions(
        item=Item.objects.get(section__version=version, question__code="t.area-protected"),
        by=None,
        valid_when=". <= ${t.area-total}",
        valid_message=MESSAGE,
    )
    services.set_item_conditions(
        item=Item.objects.get(section__version=version, question__code="c.three"),
        by=None,
        shown_when="${c.two} = 'yes'",
        valid_when="string-length(.) <= 5",
    )
    return Submission.objects.get(cycle=open_cycle(version), party__code="KE")


def section_url(submission, number="I"):
    section = submission.cycle.version.sections.get(number=number)
    return reverse("reporting:section", args=[submission.pk, section.pk])


def post(client, submission, answers, number="I", language="en"):
    data = {}
    for code, value in answers.items():
        data.update({f"{code}@#present": "1", f"{code}@#rev": "0", f"{code}@": value})
    return client.post(section_url(submission, number), data, HTTP_ACCEPT_LANGUAGE=language)


def stored(submission):
    return dict(Answer.objects.filter(submission=submission).values_list("question__code", "value"))


# --- the page ----------------------------------------------------------------------------------


def test_the_page_refuses_a_value_that_breaks_its_valid_when_as_it_refuses_bounds(
    client_as, nfp_kenya, draft
):
    client = client_as(nfp_kenya)
    response = post(
        client,
        draft,
        {"t.area-total": "10", "t.area-protected": "20", "t.departments": "Environment"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="err-q-t-area-protected"' in page and escape(MESSAGE["en"]) in page
    assert 'value="20"' in page  # what was typed is kept
    assert stored(draft) == {}  # the valid fields of the same post are not saved either
    # the same as a number out of its bounds: refused at its question, nothing saved
    bounds = post(client, draft, {"t.staff": "5000", "t.departments": "Environment"})
    assert bounds.status_code == 400 and stored(draft) == {}
    # the value read over the answers as they will be: a larger total in the same post
    assert post(client, draft, {"t.area-total": "30", "t.area-protected": "20"}).status_code == 302
    assert stored(draft) == {"t.area-total": "30", "t.area-protected": "20"}


def test_the_page_says_it_in_the_users_language(client_as, nfp_kenya, draft):
    response = post(
        client_as(nfp_kenya), draft, {"t.area-total": "10", "t.area-protected": "20"}, language="fr"
    )
    assert response.status_code == 400
    assert escape(MESSAGE["fr"]) in response.content.decode()


def test_without_a_message_the_condition_is_said_in_words(client_as, nfp_kenya, draft):
    client = client_as(nfp_kenya)
    answers = {"c.root": "yes", "c.one": "yes", "c.two": "yes", "c.three": "far too long"}
    response = post(client, draft, answers, number="IV")
    assert response.status_code == 400
    assert (
        "This answer must meet its condition: the length of this answer is at most 5."
        in response.content.decode()
    )
    assert stored(draft) == {}


def test_an_answer_of_a_question_that_is_not_relevant_is_not_checked(client_as, nfp_kenya, draft):
    """c.three is hidden once c.two is No (in the same post): its answer is kept in the draft,
    unchecked, as every answer of a hidden question is."""
    client = client_as(nfp_kenya)
    answers = {"c.root": "yes", "c.one": "yes", "c.two": "no", "c.three": "far too long"}
    assert post(client, draft, answers, number="IV").status_code == 302
    assert stored(draft)["c.three"] == "far too long"


def test_the_save_check_costs_no_query_when_no_edited_question_has_one(
    client_as, nfp_kenya, draft, django_assert_max_num_queries
):
    client = client_as(nfp_kenya)
    assert post(client, draft, {"t.staff": "3"}).status_code == 302
    with django_assert_max_num_queries(60) as without:
        data = {"t.staff@#present": "1", "t.staff@#rev": "1", "t.staff@": "4"}
        assert client.post(section_url(draft), data).status_code == 302
    data = {
        "t.area-total@#present": "1",
        "t.area-total@#rev": "0",
        "t.area-total@": "40",
        "t.area-protected@#present": "1",
        "t.area-protected@#rev": "0",
        "t.area-protected@": "20",
    }
    # the answers the check reads are the page's own read of the report: no query more
    with django_assert_max_num_queries(len(without.captured_queries) + 2):
        assert client.post(section_url(draft), data).status_code == 302


# --- the API ------------------------------------------------------------------------------------


def test_the_api_refuses_it_with_the_message_and_saves_nothing(client_as, nfp_kenya, draft):
    client = client_as(nfp_kenya)
    response = client.post(
        f"/api/submissions/{draft.pk}/answers/",
        [
            {"question": "t.area-total", "value": "10", "base_revision": 0},
            {"question": "t.area-protected", "value": "20", "base_revision": 0},
        ],
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [(e["question"], e["messages"]) for e in errors] == [
        ("t.area-protected", [MESSAGE["en"]])
    ], errors
    assert stored(draft) == {}
    # the total saved before, the part alone is read against it
    assert (
        client.post(
            f"/api/submissions/{draft.pk}/answers/",
            [{"question": "t.area-total", "value": "10", "base_revision": 0}],
            content_type="application/json",
        ).status_code
        == 200
    )
    response = client.post(
        f"/api/submissions/{draft.pk}/answers/",
        [{"question": "t.area-protected", "value": "11", "base_revision": 0}],
        content_type="application/json",
    )
    assert response.status_code == 400
    assert stored(draft) == {"t.area-total": "10"}


# --- the workbook ---------------------------------------------------------------------------


def test_the_workbook_refuses_it_at_its_cell(nfp_kenya, draft):
    from cmsfamily.reporting.tests.test_workbook import answer_cell, workbook_bytes

    book = load_workbook(io.BytesIO(workbook.draft_workbook(draft, nfp_kenya, "en")))
    answer_cell(book, "q|t.area-total").value = 10
    protected = answer_cell(book, "q|t.area-protected")
    protected.value = 20
    answer_cell(book, "q|t.departments").value = "Environment"
    data = workbook_bytes(book)
    plan = workbook.read(data, submission=draft, user=nfp_kenya, language="en")
    assert [(e.sheet, e.cell, e.message) for e in plan.errors] == [
        ("I General", protected.coordinate, MESSAGE["en"])
    ]
    assert plan.changes == []
    # and the service the workbook writes through refuses it too
    result = services.save_answers(
        submission=draft,
        edits=[
            services.Edit("t.area-total", "", "10", 0),
            services.Edit("t.area-protected", "", "20", 0),
        ],
        by=nfp_kenya,
    )
    assert result.errors == {("t.area-protected", ""): [MESSAGE["en"]]}
    assert stored(draft) == {}
    protected.value = 5
    plan = workbook.read(workbook_bytes(book), submission=draft, user=nfp_kenya, language="en")
    assert plan.errors == []
    assert workbook.apply(plan, submission=draft, user=nfp_kenya).ok
    assert stored(draft)["t.area-protected"] == "5"


# --- what the page sends its script --------------------------------------------------------


def _sent(client, submission, number, language="en"):
    import json
    import re

    page = client.get(section_url(submission, number), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    found = re.search(
        r'<script id="conditions-data" type="application/json">(.*?)</script>',
        page.content.decode(),
        re.S,
    )
    return json.loads(found.group(1)), page.content.decode()


def test_the_page_sends_each_valid_when_with_its_message_in_the_users_language(
    client_as, nfp_kenya, draft
):
    client = client_as(nfp_kenya)
    post(client, draft, {"t.area-total": "10"})
    sent, page = _sent(client, draft, "I", "fr")
    rule = sent["valid"]["t.area-protected"]
    assert rule["message"] == MESSAGE["fr"]
    assert rule["tree"]["op"] == "<="
    assert ["t.area-total", "", "10"] in sent["valid_values"]
    assert 'id="valid-q-t-area-protected"' in page
    sent, _page = _sent(client, draft, "IV")
    assert sent["valid"]["c.three"]["message"] == (
        "This answer must meet its condition: the length of this answer is at most 5."
    )


def test_the_page_sends_the_sentences_of_answers_left_out(client_as, nfp_kenya, draft):
    client = client_as(nfp_kenya)
    post(client, draft, {"c.root": "yes", "c.one": "yes"}, number="IV")
    sent, page = _sent(client, draft, "IV")
    out = sent["left_out"]
    assert out["questions"]["c.one"] == {
        "name": "IV.2",
        "said": "Your answer to %(question)s will not be included in the report: %(question)s "
        "is shown only when IV.1 is Yes.",
    }
    assert out["questions"]["c.root"]["said"] is None
    assert out["sections"] == []
    assert sorted(out["answered"]) == [["c.one", ""], ["c.root", ""]]
    # the list is in the page, empty and hidden, inside a polite live region
    assert '<div id="left-out-region" aria-live="polite">' in page
    assert 'id="left-out" hidden' in page


def test_a_sections_condition_is_sent_as_the_cause(client_as, nfp_kenya, db):
    _template, version = build_template(slug="with-a-section-condition")
    section = add_chain_section(version)
    services.set_section_condition(section=section, by=None, shown_when="${t.committee} = 'yes'")
    submission = Submission.objects.get(
        cycle=open_cycle(version, slug="other-cycle"), party__code="KE"
    )
    sent, _page = _sent(client_as(nfp_kenya), submission, "IV")
    [cause] = sent["left_out"]["sections"]
    assert cause["id"] == f"section:{section.pk}"
    assert cause["said"] == (
        "Your answer to %(question)s will not be included in the report: section IV is shown "
        "only when I.3 is Yes."
    )


def test_the_section_page_reads_a_bounded_number_of_queries_with_valid_whens(
    client_as, nfp_kenya, draft
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(nfp_kenya)
    post(client, draft, {"c.root": "yes", "c.one": "yes"}, number="IV")
    client.get(section_url(draft, "IV"))
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(section_url(draft, "IV"))
    questions = {q.code: q for q in Question.objects.filter(code__startswith="c.")}
    for code, value in (("c.root", "no"), ("c.two", "yes"), ("c.three", "far too long")):
        Answer.objects.update_or_create(
            submission=draft, question=questions[code], loop_key="", defaults={"value": value}
        )
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as more:
        page = client.get(section_url(draft, "IV")).content.decode()
    assert "IV.4" in page  # three answers left out, c.three's breaking its valid when
    assert 0 < len(more.captured_queries) <= len(few.captured_queries) <= 40
