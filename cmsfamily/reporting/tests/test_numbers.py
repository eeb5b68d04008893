"""Numbers in answers are read in the language they were typed in: on the page, in the API, in
the workbook. "1,234" typed on an English page is one thousand two hundred and thirty-four."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from cmsfamily.reporting import services, workbook
from cmsfamily.reporting.models import Answer, Question, Submission
from cmsfamily.reporting.testing import build_template, open_cycle


@pytest.fixture
def draft(db, nfp_kenya):
    submission = Submission.objects.get(cycle=open_cycle(build_template()[1]), party__code="KE")
    return submission


def section_url(submission):
    section = submission.cycle.version.sections.get(number="I")
    return reverse("reporting:section", args=[submission.pk, section.pk])


def post(client, submission, language, answers, **extra):
    data = {}
    for code, value in answers.items():
        data.update({f"{code}@#present": "1", f"{code}@#rev": "0", f"{code}@": value})
    return client.post(section_url(submission), data, HTTP_ACCEPT_LANGUAGE=language, **extra)


def stored(submission, code):
    return Answer.objects.get(submission=submission, question__code=code).value


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,typed,expected",
    [
        ("en", "1,234", "1234"),
        ("en", "1.234", "1.234"),
        ("en", "1,234.5", "1234.5"),
        ("es", "1.234", "1234"),
        ("es", "1,234", "1.234"),
        ("es", "1.234,5", "1234.5"),
        ("fr", "1,234", "1.234"),
        ("fr", "1 234,5", "1234.5"),
        ("fr", "1\u202f234,5", "1234.5"),
        ("fr", "1,5", "1.5"),
    ],
)
def test_the_page_reads_a_number_in_its_language(
    client_as, nfp_kenya, draft, language, typed, expected
):
    response = post(client_as(nfp_kenya), draft, language, {"t.area-total": typed})
    assert response.status_code == 302
    assert stored(draft, "t.area-total") == expected


def test_the_page_says_how_an_ambiguous_entry_was_read(client_as, nfp_kenya, draft):
    client = client_as(nfp_kenya)
    response = post(client, draft, "en", {"t.area-total": "1,234", "t.area-protected": "12.5"})
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Question I.4: “1,234” was read as 1234, a whole number (“,” separates thousands)." in (
        notes
    )
    assert not any("12.5" in note for note in notes)  # a plain decimal needs no note
    # After saving, the box shows the stored number as the page's language writes it.
    page = client.get(section_url(draft), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'value="1\u202f234"' in page and 'value="12,5"' in page


def test_autosave_says_how_an_ambiguous_entry_was_read(client_as, nfp_kenya, draft):
    response = post(
        client_as(nfp_kenya), draft, "en", {"t.area-total": "1.234"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "“1.234” was read as 1 and 234 thousandths" in response.content.decode()
    assert stored(draft, "t.area-total") == "1.234"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_stored_number_shown_on_the_page_saves_back_to_itself(
    client_as, nfp_kenya, draft, language
):
    """What the box shows, sent back untouched (even without the unchanged-field marker), is the
    same answer: no new revision, whatever the language."""
    result = services.save_answers(
        submission=draft,
        edits=[
            services.Edit("t.area-total", "", "1234.50", 0),
            services.Edit("t.staff", "", 999, 0),
            services.Edit("t.projects", "", [{"name": "Flyway", "budget": "1.234"}], 0),
        ],
        by=nfp_kenya,
    )
    assert result.ok, result.errors
    client = client_as(nfp_kenya)
    page = client.get(section_url(draft), HTTP_ACCEPT_LANGUAGE=language)
    field = page.context["groups"][0][1]
    shown = {f.item.question.code: f for f in field}
    data = {}
    for code in ("t.area-total", "t.staff"):
        data.update({f"{code}@#present": "1", f"{code}@#rev": "1", f"{code}@": shown[code].text})
    data.update(
        {
            "t.projects@#present": "1",
            "t.projects@#rev": "1",
            "t.projects@#rows": "1",
            "t.projects@#0#name": "Flyway",
            "t.projects@#0#budget": shown["t.projects"].rows[0]["budget"],
        }
    )
    response = client.post(section_url(draft), data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    assert stored(draft, "t.area-total") == "1234.50"
    assert stored(draft, "t.staff") == 999
    assert stored(draft, "t.projects") == [{"name": "Flyway", "budget": "1.234"}]
    assert set(Answer.objects.filter(submission=draft).values_list("revision", flat=True)) == {1}


@pytest.mark.parametrize(
    "language,typed,expected",
    [("fr", "12,5 %", "12.5"), ("en", "12.5%", "12.5"), ("es", "0,5", "0.5")],
)
def test_percentages_in_the_language_of_the_page(
    client_as, nfp_kenya, draft, language, typed, expected
):
    assert post(client_as(nfp_kenya), draft, language, {"t.share": typed}).status_code == 302
    assert stored(draft, "t.share") == expected


@pytest.mark.parametrize(
    "language,typed,expected", [("en", "1,000", 1000), ("es", "1.000", 1000), ("fr", "1 000", 1000)]
)
def test_whole_numbers_with_thousands(client_as, nfp_kenya, draft, language, typed, expected):
    assert post(client_as(nfp_kenya), draft, language, {"t.staff": typed}).status_code == 302
    assert stored(draft, "t.staff") == expected


@pytest.mark.parametrize("language,typed", [("fr", "1,000"), ("en", "1.000"), ("es", "1,000")])
def test_a_whole_number_with_three_decimals_is_refused_at_its_question(
    client_as, nfp_kenya, draft, language, typed
):
    """ "1,000" staff on a French page would be 1: refused, nothing saved, said at the field."""
    response = post(client_as(nfp_kenya), draft, language, {"t.staff": typed})
    assert response.status_code == 400
    page = response.content.decode()
    from django.utils import translation

    with translation.override(language):  # said in the language of the page
        advice = translation.gettext(
            "“%(text)s” has decimals in this language (“%(mark)s” separates them): for a "
            "whole number, type it without a separator, e.g. %(example)s."
        ) % {"text": typed, "mark": typed[1], "example": "1000"}
    assert 'id="err-q-t-staff"' in page and escape(advice) in page
    assert not Answer.objects.filter(submission=draft).exists()


def test_negative_numbers_in_a_table(client_as, nfp_kenya, draft):
    data = {
        "t.projects@#present": "1",
        "t.projects@#rev": "0",
        "t.projects@#rows": "1",
        "t.projects@#0#name": "Flyway",
        "t.projects@#0#budget": "-1 234,5",
    }
    response = client_as(nfp_kenya).post(section_url(draft), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert stored(draft, "t.projects") == [{"name": "Flyway", "budget": "-1234.5"}]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("typed", ["1,2,3,4", "1..2", "12abc", "1e5", "12 34"])
def test_garbage_is_refused_at_its_question(client_as, nfp_kenya, draft, language, typed):
    response = post(client_as(nfp_kenya), draft, language, {"t.area-total": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="err-q-t-area-total"' in page
    assert {"en": "Enter a number.", "fr": "Saisissez un nombre.", "es": "Introduzca un número."}[
        language
    ] in page
    assert f'value="{typed}"' in page  # what was typed is kept, as typed
    assert not Answer.objects.filter(submission=draft).exists()


def test_an_emptied_number_is_no_answer(client_as, nfp_kenya, draft):
    client = client_as(nfp_kenya)
    assert post(client, draft, "fr", {"t.area-total": "1,5"}).status_code == 302
    data = {"t.area-total@#present": "1", "t.area-total@#rev": "1", "t.area-total@": ""}
    assert client.post(section_url(draft), data, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    assert stored(draft, "t.area-total") is None


# --- the API -----------------------------------------------------------------------------------


def api_post(client, submission, value, language="en"):
    return client.post(
        f"/api/submissions/{submission.pk}/answers/",
        [{"question": "t.area-total", "value": value, "base_revision": 0}],
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize("value", [1234.5, "1234.5", "1234.50"])
def test_the_api_takes_a_json_number_or_dot_decimal_text(client_as, nfp_kenya, draft, value):
    assert api_post(client_as(nfp_kenya), draft, value).status_code == 200
    assert Answer.objects.get(submission=draft).value in ("1234.5", "1234.50")


@pytest.mark.parametrize("value", ["1,234", "1 234,5", "1.234,5", "1,5"])
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_api_refuses_separators_whatever_the_language(
    client_as, nfp_kenya, draft, value, language
):
    response = api_post(client_as(nfp_kenya), draft, value, language)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["question"] == "t.area-total"
    assert error["messages"] and "1234.5" in error["messages"][0]  # says what to send
    assert not Answer.objects.exists()


# --- the workbook ------------------------------------------------------------------------------


def _filled(submission, user, language, cells):
    book = load_workbook(io.BytesIO(workbook.draft_workbook(submission, user, language)))
    for ident, value in cells.items():
        for sheet in book.worksheets:
            columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
            if "v" not in columns:
                continue
            for row in sheet.iter_rows(min_row=2):
                if row[0].value == ident:
                    sheet.cell(row=row[0].row, column=columns["v"]).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plan(submission, user, language, cells, upload_language=None):
    data = _filled(submission, user, language, cells)
    return workbook.read(
        data, submission=submission, user=user, language=upload_language or language
    )


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_numeric_cells_are_numbers_whatever_the_language(draft, nfp_kenya, language):
    plan = _plan(
        draft, nfp_kenya, language, {"q|t.area-total": 1234.5, "q|t.area-protected": 1.234}
    )
    assert plan.errors == []
    new = {change.code: change.new for change in plan.changes}
    assert new == {"t.area-total": "1234.5", "t.area-protected": "1.234"}


@pytest.mark.parametrize(
    "language,text,expected",
    [
        ("fr", "1 234,5", "1234.5"),
        ("es", "1.234,5", "1234.5"),
        ("en", "1,234.5", "1234.5"),
        ("es", "1234.5", "1234.5"),  # the plain form means one number in every language
    ],
)
def test_text_cells_are_read_in_the_workbooks_language(draft, nfp_kenya, language, text, expected):
    # Uploaded from an English page: the text was typed in the workbook, in its language.
    plan = _plan(draft, nfp_kenya, language, {"q|t.area-total": text}, upload_language="en")
    assert plan.errors == []
    assert [change.new for change in plan.changes] == [expected]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("text", ["1,234", "1.234"])
def test_ambiguous_text_cells_are_refused(draft, nfp_kenya, language, text):
    from django.utils import translation

    plan = _plan(draft, nfp_kenya, language, {"q|t.area-total": text})
    with translation.override(language):  # the message is in the language of the upload
        expected = translation.gettext(
            "“%(text)s” could be read two ways (is “%(mark)s” a thousands or a decimal "
            "separator?): type the number without a thousands separator."
        ) % {"text": text, "mark": text[1]}
    assert [error.message for error in plan.errors] == [expected]
    assert plan.changes == []


# --- the template builder ----------------------------------------------------------------------


def test_a_questions_bounds_are_read_in_the_language_of_the_page(client_as, secretariat, db):
    build_template()
    client = client_as(secretariat)
    edit = "/reports/questions/t.area-total/edit/"
    data = {"text_en": "Total area", "min_value": "0,5", "max_value": "1 000 000,25"}
    assert client.post(edit, data, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    question = Question.objects.get(code="t.area-total")
    assert (question.min_value, question.max_value) == (Decimal("0.5"), Decimal("1000000.25"))
    page = client.get(edit, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'value="1.000.000,25"' in page
