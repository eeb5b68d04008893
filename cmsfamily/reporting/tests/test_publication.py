"""Publication: a version as JSON, the public page of a cycle's reports, the Secretariat's
cycle-wide exports (XLSX, CSV, JSON), who gets what, and what they cost in queries."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cmsfamily.core.testing import LOGIN, client_for, everyone, matrix
from cmsfamily.directory.models import Party
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import CycleStatus
from cmsfamily.reporting.exports import COLUMNS
from cmsfamily.reporting.models import Answer, Cycle, Question, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

# Every answer a published report of these tests holds: 8 answered spots, 3 of them loop items.
ANSWERS = [
    ("t.departments", "", "Ministry of Environment"),
    ("t.narrative", "", "<p>Joint <em>work</em> &amp; more</p><p>Second</p>"),
    ("t.threats", "", ["bycatch", "habitat"]),
    ("t.partner-party", "", "DE"),
    ("t.staff", "", 12),
    ("t.obstacles", "birds", "yes"),
    ("t.actions", "birds", "<p>Power lines insulated.</p>"),
    ("t.obstacles", "aquatic-mammals", "no"),
]
KEYS = [key for key, _label in COLUMNS]
OTHERS = ["FR", "GB", "IT", "ES", "SN", "GH"]  # more Parties, to publish six reports


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1], parties=("KE", "DE", *OTHERS))


def _of(cycle, code) -> Submission:
    return Submission.objects.get(cycle=cycle, party__code=code)


def _answer(submission, by, answers=ANSWERS):
    seen = {
        (answer.question.code, answer.loop_key): answer.revision
        for answer in Answer.objects.filter(submission=submission).select_related("question")
    }
    result = services.save_answers(
        submission=submission,
        edits=[Edit(code, key, value, seen.get((code, key), 0)) for code, key, value in answers],
        by=by,
    )
    assert result.ok, result.errors


def _publish(submission, by):
    # The reporters of the many Parties have no account here: the platform drafts and submits
    # (by=None); the Secretariat `by` accepts and publishes.
    _answer(submission, None)
    services.submit(submission=submission, by=None)
    services.accept(submission=submission, by=by)
    services.publish(submission=submission, by=by)
    return submission


@pytest.fixture
def kenya_published(cycle, secretariat):
    return _publish(_of(cycle, "KE"), secretariat)


@pytest.fixture
def kenya_submitted(cycle, nfp_kenya):
    kenya = _of(cycle, "KE")
    _answer(kenya, nfp_kenya)
    services.submit(submission=kenya, by=nfp_kenya)
    return kenya


@pytest.fixture
def germany_draft(cycle, nfp_germany):
    germany = _of(cycle, "DE")
    _answer(germany, nfp_germany, [("t.departments", "", "Secret draft ministry")])
    return germany


def _export(client, cycle, fmt):
    return client.get(reverse("reporting:cycle-export", args=[cycle.slug, fmt]))


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the accents right
    return list(csv.reader(io.StringIO(text[1:])))


# --- the JSON of a version ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_a_submitted_versions_json_is_for_its_reporter_and_reviewers(
    client_as, request, persona, status, kenya_submitted
):
    url = reverse("reporting:version-json", args=[kenya_submitted.pk, 1])
    assert client_for(client_as, request, persona).get(url).status_code == status


@pytest.mark.parametrize("persona,status", everyone(200))
def test_a_published_versions_json_is_public(client_as, request, persona, status, kenya_published):
    url = reverse("reporting:version-json", args=[kenya_published.pk, 1])
    assert client_for(client_as, request, persona).get(url).status_code == status


def test_the_json_of_a_version_is_its_snapshot_with_what_identifies_it(client, kenya_published):
    response = client.get(reverse("reporting:version-json", args=[kenya_published.pk, 1]))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="test-cycle-KE-v1.json"'
    document = json.loads(response.content)
    version = kenya_published.versions.get()
    assert document["snapshot"] == version.snapshot
    # Anyone can check the document against its hash.
    assert selectors.content_hash(document["snapshot"]) == document["content_hash"]
    assert document["content_hash"] == version.content_hash
    assert document["cycle"] == {"slug": "test-cycle", "title": "Test cycle"}
    assert document["template"] == {"slug": "test-party-report", "version": 1}
    assert document["reporter"] == {"kind": "party", "code": "KE", "name": "Kenya"}
    assert document["version"] == 1 and document["language"] == "en"
    assert document["submitted_at"] == version.submitted_at.isoformat()
    assert "officer@cms.example" not in response.content.decode()  # who submitted stays out


def test_an_unknown_version_has_no_json(client, kenya_published):
    url = reverse("reporting:version-json", args=[kenya_published.pk, 2])
    assert client.get(url).status_code == 404


def test_the_version_page_links_its_json(client, kenya_published):
    page = client.get(reverse("reporting:version-detail", args=[kenya_published.pk, 1]))
    assert reverse("reporting:version-json", args=[kenya_published.pk, 1]) in page.content.decode()


# --- the public page of a cycle ------------------------------------------------------------------


@pytest.mark.parametrize("persona,status", everyone(200))
def test_everyone_reads_the_cycle_page(client_as, request, persona, status, kenya_published):
    response = client_for(client_as, request, persona).get(kenya_published.cycle.get_absolute_url())
    assert response.status_code == status
    page = response.content.decode()
    for url in ("version-print", "version-pdf", "version-xlsx", "version-json"):
        assert reverse(f"reporting:{url}", args=[kenya_published.pk, 1]) in page
    # Every expected reporter is listed, published or not.
    for name in ("Kenya", "Germany", "France", "Ghana"):
        assert name in page
    assert "1 of 8 expected reports has been published." in page


def test_the_public_sees_published_or_not_published_only(
    client, client_as, nfp_germany, secretariat, kenya_published, germany_draft
):
    page = client.get(kenya_published.cycle.get_absolute_url()).content.decode()
    assert "Published" in page and "Not published" in page
    for hidden in ("Draft", "Not started", "Secret draft ministry"):
        assert hidden not in page
    assert reverse("reporting:submission", args=[germany_draft.pk]) not in page
    # The PDF link names its report for screen readers.
    assert '<span class="visually-hidden"> of the report of Kenya</span>' in page
    # The reporter sees its own report's real status; the Secretariat every status.
    own = client_as(nfp_germany).get(kenya_published.cycle.get_absolute_url()).content.decode()
    assert "status-draft" in own and reverse("reporting:submission", args=[germany_draft.pk]) in own
    assert "Not started" not in own
    kept = client_as(secretariat).get(kenya_published.cycle.get_absolute_url()).content.decode()
    assert "Draft" in kept and "Not started" in kept


def test_a_submitted_report_is_not_published_for_the_public(client, kenya_submitted):
    page = client.get(kenya_submitted.cycle.get_absolute_url()).content.decode()
    assert "status-submitted" not in page and "Not published" in page
    assert reverse("reporting:version-json", args=[kenya_submitted.pk, 1]) not in page
    assert kenya_submitted.first_submitted_at.strftime("%Y-%m-%d") not in page


def test_a_cycle_with_no_published_report_says_so(client, cycle, germany_draft):
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert "No report of this cycle has been published yet." in page
    assert "0 of 8 expected reports have been published." in page


def test_a_planned_cycle_is_not_public(client, db):
    cycle = open_cycle(build_template()[1])
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PLANNED)  # not yet opened
    assert client.get(cycle.get_absolute_url()).status_code == 404


def test_reporters_are_paginated_and_sorted_by_name(client, db):
    # One-word names: their order is the same in Python and in any database collation.
    parties = Party.objects.filter(name__regex=r"^[A-Za-z]+$").order_by("code")[:60]
    names = sorted((party.name for party in parties), key=str.lower)
    assert len(names) == 60
    cycle = open_cycle(build_template()[1], parties=[party.code for party in parties])

    def listed(query) -> list[str]:
        page = client.get(cycle.get_absolute_url(), query).content.decode()
        rows = [name for name in names if f'<th scope="row">{name}</th>' in page]
        return sorted(rows, key=lambda name: page.index(f'<th scope="row">{name}</th>'))

    first = client.get(cycle.get_absolute_url()).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert listed({}) == names[:50]
    assert listed({"page": 2}) == names[50:]
    assert listed({"order": "desc"}) == names[::-1][:50]
    assert (
        'aria-sort="descending"'
        in client.get(cycle.get_absolute_url(), {"order": "desc"}).content.decode()
    )
    assert client.get(cycle.get_absolute_url(), {"page": "nonsense"}).status_code == 200


def test_accents_do_not_change_the_alphabetical_order(client, db):
    cycle = open_cycle(build_template()[1], parties=("CZ", "CI", "CU", "CR", "HR"))
    page = client.get(cycle.get_absolute_url()).content.decode()
    names = ["Costa Rica", "Côte d&#x27;Ivoire", "Croatia", "Cuba", "Czech Republic"]
    assert sorted(names, key=page.index) == names


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_the_cycle_page_costs_the_same_for_2_or_6_published_reports(
    client_as, request, persona, cycle, secretariat, django_assert_max_num_queries
):
    for code in OTHERS[:2]:
        _publish(_of(cycle, code), secretariat)
    client = client_for(client_as, request, persona)
    url = cycle.get_absolute_url()
    client.get(url)  # warm the template structure's cache
    with django_assert_max_num_queries(12):
        two = _queries(client, url)
    for code in OTHERS[2:]:
        _publish(_of(cycle, code), secretariat)
    assert "6 of 8 expected reports have been published." in client.get(url).content.decode()
    assert _queries(client, url) == two


def test_the_index_links_each_cycle_with_published_reports(client, kenya_published):
    page = client.get(reverse("reporting:index")).content.decode()
    assert f'href="{kenya_published.cycle.get_absolute_url()}#reports"' in page
    assert "1 published report" in page


# --- the Secretariat's exports -------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=403,
    ),
)
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_the_cycle_exports_are_for_the_secretariat_keeping_it(
    client_as, request, persona, status, fmt, kenya_published
):
    response = _export(client_for(client_as, request, persona), kenya_published.cycle, fmt)
    assert response.status_code == status


def test_only_those_keeping_the_cycle_see_the_export_links(
    client, client_as, nfp_kenya, secretariat, kenya_published
):
    url = reverse("reporting:cycle-export", args=[kenya_published.cycle.slug, "csv"])
    assert (
        url in client_as(secretariat).get(kenya_published.cycle.get_absolute_url()).content.decode()
    )
    assert (
        url
        not in client_as(nfp_kenya).get(kenya_published.cycle.get_absolute_url()).content.decode()
    )
    assert url not in client.get(kenya_published.cycle.get_absolute_url()).content.decode()


@pytest.mark.parametrize("fmt", ["pdf", "xml", "csv.gz", "XLSX"])
def test_an_unknown_export_format_is_not_found(client_as, secretariat, cycle, fmt):
    assert _export(client_as(secretariat), cycle, fmt).status_code == 404


def test_the_csv_has_a_row_per_reporter_question_and_loop_item(
    client_as, secretariat, kenya_published, germany_draft
):
    _publish(_of(kenya_published.cycle, "FR"), secretariat)
    response = _export(client_as(secretariat), kenya_published.cycle, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="test-cycle-reports.csv"'
    header, *rows = _csv_rows(response)
    assert header[:3] == ["Reporter code", "Reporter", "Reporter kind"]
    assert len(rows) == 2 * len(ANSWERS)  # France then Kenya; Germany's draft is not exported
    column = {name: index for index, name in enumerate(header)}
    assert [row[0] for row in rows] == ["FR"] * len(ANSWERS) + ["KE"] * len(ANSWERS)
    kenya = {(row[column["Question code"]], row[column["Loop item key"]]): row for row in rows[8:]}
    assert set(kenya) == {(code, key) for code, key, _value in ANSWERS}
    birds = kenya[("t.actions", "birds")]
    assert birds[column["Loop item"]] == "Birds" and birds[column["Section"]] == "II"
    assert birds[column["Answer"]] == "Power lines insulated."
    assert kenya[("t.obstacles", "aquatic-mammals")][column["Answer"]] == "No"
    narrative = kenya[("t.narrative", "")]
    assert narrative[column["Answer"]] == "Joint work & more\nSecond"  # no markup in a cell
    assert narrative[column["Question"]] == "Describe the cooperation."
    assert kenya[("t.threats", "")][column["Answer"]] == "By-catch; Habitat destruction"
    assert json.loads(kenya[("t.threats", "")][column["Answer as data (JSON)"]]) == [
        "bycatch",
        "habitat",
    ]
    assert kenya[("t.partner-party", "")][column["Answer"]] == "Germany"
    first = kenya[("t.departments", "")]
    assert first[column["Region"]] == "Africa" and first[column["Status"]] == "Published"
    assert first[column["Version"]] == "1"


def test_the_export_holds_the_last_submitted_version_never_the_draft(
    client_as, nfp_kenya, secretariat, kenya_submitted
):
    services.recall(submission=kenya_submitted, by=nfp_kenya)
    _answer(kenya_submitted, nfp_kenya, [("t.departments", "", "Unsent change")])
    header, *rows = _csv_rows(_export(client_as(secretariat), kenya_submitted.cycle, "csv"))
    text = json.dumps(rows)
    assert "Ministry of Environment" in text and "Unsent change" not in text
    assert {row[header.index("Status")] for row in rows} == {"Draft"}


def test_the_json_export_is_the_same_rows_as_data(client_as, secretariat, kenya_published):
    response = _export(client_as(secretariat), kenya_published.cycle, "json")
    assert response["Content-Disposition"] == 'attachment; filename="test-cycle-reports.json"'
    document = json.loads(response.content)
    assert document["cycle"]["slug"] == "test-cycle" and document["cycle"]["is_demo"] is False
    assert len(document["rows"]) == len(ANSWERS)
    assert set(document["rows"][0]) == set(document["columns"])
    staff = next(row for row in document["rows"] if row["question_code"] == "t.staff")
    assert staff["raw_value"] == 12 and staff["reporter_code"] == "KE"


def test_the_xlsx_export_opens_with_its_header(client_as, secretariat, kenya_published):
    from openpyxl import load_workbook

    response = _export(client_as(secretariat), kenya_published.cycle, "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="test-cycle-reports.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Reporter code", "Reporter") and rows[0][-1] == "Answer as data (JSON)"
    assert len(rows) == 1 + len(ANSWERS)
    assert sheet.freeze_panes == "A2"


def test_a_formula_like_answer_stays_text(client_as, nfp_kenya, secretariat, cycle):
    from openpyxl import load_workbook

    kenya = _of(cycle, "KE")
    _answer(kenya, nfp_kenya, [*ANSWERS[1:], ("t.departments", "", '=HYPERLINK("http://x")')])
    services.submit(submission=kenya, by=nfp_kenya)
    client = client_as(secretariat)
    sheet = load_workbook(io.BytesIO(_export(client, cycle, "xlsx").content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    formula = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    header, *rows = _csv_rows(_export(client, cycle, "csv"))
    assert '\'=HYPERLINK("http://x")' in [row[header.index("Answer")] for row in rows]


def test_control_characters_do_not_break_the_spreadsheets(client_as, nfp_kenya, secretariat, cycle):
    """A pasted vertical tab is valid text but cannot be in an XLSX file: it is left out there."""
    from openpyxl import load_workbook

    from cmsfamily.reporting import workbook

    kenya = _of(cycle, "KE")
    _answer(kenya, nfp_kenya, [*ANSWERS[1:], ("t.departments", "", "Ministry\x0bof Environment")])
    book = load_workbook(io.BytesIO(workbook.draft_workbook(kenya, nfp_kenya, "en")))
    assert "Ministryof Environment" in [
        c.value for row in book["I General"].iter_rows() for c in row
    ]
    services.submit(submission=kenya, by=nfp_kenya)
    response = _export(client_as(secretariat), cycle, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "Ministryof Environment" in [c.value for row in sheet.iter_rows(min_row=2) for c in row]


def test_the_export_is_in_the_readers_language(client_as, secretariat, kenya_published):
    Question.objects.filter(code="t.narrative").update(
        text_fr="Décrivez la coopération.", modified=timezone.now()
    )
    response = client_as(secretariat).get(
        reverse("reporting:cycle-export", args=[kenya_published.cycle.slug, "csv"]),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    translation.activate("en")  # the body streams after the request: still in French
    header, *rows = _csv_rows(response)
    code, question = KEYS.index("question_code"), KEYS.index("question")
    by_code = {row[code]: row for row in rows}
    assert by_code["t.narrative"][question] == "Décrivez la coopération."
    assert by_code["t.departments"][question] == "Which departments are involved?"  # no French


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_an_export_costs_the_same_for_2_or_6_reports(
    client_as, secretariat, cycle, fmt, django_assert_max_num_queries
):
    for code in OTHERS[:2]:
        _publish(_of(cycle, code), secretariat)
    client = client_as(secretariat)

    def measured() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = _export(client, cycle, fmt)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        return len(context.captured_queries), len(body)

    measured()  # warm the template structure's cache
    with django_assert_max_num_queries(10):
        two, small = measured()
    for code in OTHERS[2:]:
        _publish(_of(cycle, code), secretariat)
    six, large = measured()
    assert six == two and large > small


def test_an_empty_cycle_exports_a_header_only(client_as, secretariat, cycle, germany_draft):
    header, *rows = _csv_rows(_export(client_as(secretariat), cycle, "csv"))
    assert header[0] == "Reporter code" and rows == []
