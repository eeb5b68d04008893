"""The report analyzer (/analysis/): what counts for whom, the figures of each kind of question,
the answers behind a figure, the downloads, bad input and what the page costs in queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmsfamily.analytics.analysis import number_figures
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.directory.models import Instrument
from cmsfamily.reporting import services
from cmsfamily.reporting.choices import QuestionKind
from cmsfamily.reporting.models import Answer, Question, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

URL = "/analysis/"
OTHERS = ["FR", "GB", "IT", "ES", "SN", "GH"]
KENYA = [
    ("t.departments", "", '=HYPERLINK("http://x.example")'),
    ("t.staff", "", 12),
    ("t.priority", "", "high"),
    ("t.threats", "", ["bycatch", "habitat"]),
    ("t.adopted", "", "2020-05-01"),
    ("t.obstacles", "birds", "yes"),
    ("t.actions", "birds", "<p>Power lines insulated.</p>"),
    ("t.obstacles", "aquatic-mammals", "no"),
]
GERMANY = [
    ("t.departments", "", "Umweltministerium"),
    ("t.staff", "", 20),
    ("t.priority", "", "low"),
    ("t.threats", "", ["bycatch"]),
    ("t.adopted", "", "2022-01-31"),
    ("t.obstacles", "birds", "yes"),
    ("t.actions", "birds", "<p>Nets marked.</p>"),
    ("t.obstacles", "aquatic-mammals", "yes"),
    ("t.actions", "aquatic-mammals", "<p>Dams opened.</p>"),
]


def _of(cycle, code) -> Submission:
    return Submission.objects.get(cycle=cycle, party__code=code)


def _answer(submission, by, answers):
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


def _accept(submission, by, answers):
    _answer(submission, None, answers)
    services.submit(submission=submission, by=None)
    services.accept(submission=submission, by=by)
    return submission


def _publish(submission, by, answers):
    _accept(submission, by, answers)
    services.publish(submission=submission, by=by)
    return submission


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1], parties=("KE", "DE", *OTHERS))


@pytest.fixture
def reports(cycle, secretariat):
    """Kenya published, Germany accepted, France submitted, Great Britain a draft: each of the
    last two with figures far off, which no one may ever see counted."""
    _publish(_of(cycle, "KE"), secretariat, KENYA)
    _accept(_of(cycle, "DE"), secretariat, GERMANY)
    france = _of(cycle, "FR")
    _answer(france, None, [*GERMANY, ("t.staff", "", 1000)])
    services.submit(submission=france, by=None)
    _answer(_of(cycle, "GB"), None, [("t.staff", "", 999), ("t.priority", "", "low")])
    return cycle


def _query(cycle, **extra) -> str:
    params = {"cycle": cycle.slug, "section": "", **extra}
    return "&".join(f"{k}={v}" for k, v in params.items() if v != "")


def _page(client, query, status=200):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def _table(response, code, key=""):
    tables = response.context["analysis"].tables
    return next(t for t in tables if t.shared.code == code and t.key == key)


def _cells(table) -> dict[str, list]:
    return {row.label: [cell.value for cell in row.cells] for row in table.rows}


# --- what counts, for whom ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "counted"),
    matrix(
        anonymous=["Kenya"],
        nfp_kenya=["Kenya"],
        nfp_germany=["Kenya"],  # its own accepted report is not published yet
        birdlife_fp=["Kenya"],
        secretariat=["Germany", "Kenya"],
        eurobats_officer=["Kenya"],  # does not keep the CMS cycle
    ),
)
def test_the_public_counts_published_reports_the_secretariat_accepted_ones_too(
    client_as, request, persona, counted, reports
):
    client = client_for(client_as, request, persona)
    response = _page(client, _query(reports, question="t.staff"))
    analysis = response.context["analysis"]
    assert sorted(str(r.reporter) for r in analysis.reports) == counted
    missing = {str(s.reporter) for s in analysis.reporters.missing}
    assert "France" in missing and "United Kingdom" not in {
        str(r.reporter) for r in analysis.reports
    }
    assert len(missing) == 8 - len(counted)
    staff = _cells(_table(response, "t.staff"))["All"]
    expected_sum = 12 if counted == ["Kenya"] else 32
    assert staff[0] == len(counted) and staff[1] == expected_sum
    page = response.content.decode()
    assert f"{len(counted)} report" in page


@pytest.mark.parametrize("persona", ["anonymous", "nfp_germany", "secretariat"])
def test_a_draft_answer_changes_no_figure_anyone_sees(client_as, request, persona, reports):
    client = client_for(client_as, request, persona)
    query = _query(reports, section=_section_of(reports, "t.staff"))
    before = _results(_page(client, query))
    # Germany's accepted report cannot change; Great Britain and Italy draft, France is submitted.
    _answer(_of(reports, "GB"), None, [("t.staff", "", 5), ("t.priority", "", "high")])
    _answer(_of(reports, "IT"), None, [("t.staff", "", 7), ("t.threats", "", ["turbines"])])
    after = _results(_page(client, query))
    assert "Reports answering" in after
    assert after == before


def _results(response) -> str:
    """The figures and their lists, without the page's per-request tokens."""
    page = response.content.decode()
    return page[page.index('id="results"') : page.index("</main>")]


def _section_of(cycle, code) -> str:
    from cmsfamily.reporting import selectors

    shared = selectors.shared_questions([cycle])
    return str(next(s.section.pk for s in shared if s.code == code))


# --- the figures of each kind --------------------------------------------------------------------


def test_choices_count_and_share_each_option(client, secretariat, reports):
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.priority&question=t.threats"))
    priority = _cells(_table(response, "t.priority"))
    assert priority["High"] == [1, "50 %"]
    assert priority["Low"] == [1, "50 %"]
    assert priority["Reports answering"] == [2, "100 %"]
    threats = _cells(_table(response, "t.threats"))
    assert threats["By-catch"] == [2, "100 %"]
    assert threats["Habitat destruction"] == [1, "50 %"]
    assert threats["Wind turbines"] == [0, "0 %"]


def test_numbers_give_n_sum_median_quartiles_min_max(client, secretariat, reports):
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.staff"))
    assert _table(response, "t.staff").header[1:] == [
        "Reports",
        "Sum",
        "Median",
        "First quartile",
        "Third quartile",
        "Minimum",
        "Maximum",
    ]
    assert _cells(_table(response, "t.staff"))["All"] == [
        2,
        Decimal(32),
        Decimal(16),
        Decimal(14),
        Decimal(18),
        Decimal(12),
        Decimal(20),
    ]


def test_quartiles_of_one_and_of_no_number():
    assert number_figures([Decimal(5)]) == [1, 5, 5, 5, 5, 5, 5]
    assert number_figures([])[0] == 0
    assert number_figures([Decimal(n) for n in (1, 2, 3, 4, 5)])[2:5] == [3, 2, 4]


def test_dates_give_the_earliest_and_latest(client, secretariat, reports):
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.adopted"))
    assert _cells(_table(response, "t.adopted"))["All"] == [2, "2020-05-01", "2022-01-31"]


def test_texts_are_listed_with_their_reporter(client, secretariat, reports):
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.departments"))
    assert _cells(_table(response, "t.departments")) == {
        "Germany": ["Umweltministerium"],
        "Kenya": ['=HYPERLINK("http://x.example")'],
    }


def test_a_loop_question_has_figures_per_loop_item(client, secretariat, reports):
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.obstacles"))
    birds = _table(response, "t.obstacles", "birds")
    mammals = _table(response, "t.obstacles", "aquatic-mammals")
    assert birds.title.endswith("Birds") and _cells(birds)["Yes"] == [2, "100 %"]
    assert _cells(mammals)["No"] == [1, "50 %"]


def test_figures_break_down_by_region_and_filter_by_region_and_kind(client, secretariat, reports):
    client.force_login(secretariat)
    kenya, germany = _of(reports, "KE").party.region, _of(reports, "DE").party.region
    response = _page(client, _query(reports, question="t.staff", by="region"))
    rows = _cells(_table(response, "t.staff"))
    assert rows[kenya.name][:2] == [1, Decimal(12)]
    assert rows[germany.name][:2] == [1, Decimal(20)]
    response = _page(client, _query(reports, question="t.staff", region=kenya.code))
    assert [str(r.reporter) for r in response.context["analysis"].reports] == ["Kenya"]
    response = _page(client, _query(reports, question="t.staff", kind="organisation"))
    assert response.context["analysis"].reports == []
    response = _page(client, _query(reports, question="t.staff", by="kind"))
    assert _cells(_table(response, "t.staff"))["Party"][:2] == [2, Decimal(32)]


def test_words_pick_questions_and_nothing_is_drawn_before_a_choice(client, reports):
    response = _page(client, _query(reports, words="threats"))
    assert [s.code for s in response.context["analysis"].questions] == ["t.threats"]
    response = _page(client, _query(reports))
    assert response.context["analysis"].tables == []
    assert "Choose a section, words or questions" in response.content.decode()


# --- the answers behind a figure -----------------------------------------------------------------


def test_each_figure_links_to_its_answers_and_their_versions(client, secretariat, reports):
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.threats"))
    table = _table(response, "t.threats")
    habitat = next(row for row in table.rows if row.label == "Habitat destruction")
    href = habitat.cells[0].href
    assert href.startswith("/analysis/answers/?") and "option=habitat" in href
    drill = client.get(href)
    assert drill.status_code == 200
    rows = list(drill.context["drill"].rows())
    assert [str(answer.report.reporter) for answer, _text in rows] == ["Kenya"]
    assert "Habitat destruction · All" in drill.content.decode()
    kenya = _of(reports, "KE")
    version = kenya.versions.get()
    page = drill.content.decode()
    assert reverse("reporting:version-detail", args=[kenya.pk, version.number]) in page
    assert version.content_hash[:12] in page
    # The count of reports answering leads to both.
    answering = table.rows[-1].cells[0].href
    assert len(list(client.get(answering).context["drill"].rows())) == 2


def test_the_public_never_reaches_an_accepted_answer_through_the_answers_page(client, reports):
    response = client.get(f"/analysis/answers/?{_query(reports)}&question=t.staff")
    assert response.status_code == 200
    assert [str(a.report.reporter) for a, _t in response.context["drill"].rows()] == ["Kenya"]
    assert "Germany" not in response.content.decode()


# --- downloads -------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_table_downloads_as_csv_and_xlsx_through_the_formula_guard(
    client, secretariat, reports
):
    client.force_login(secretariat)
    query = _query(reports, question="t.staff&question=t.departments")
    rows = _csv(client.get(f"{URL}?{query}&table=q-t-staff-&export=csv"))
    assert rows[0][:3] == ["Group", "Reports", "Sum"]
    assert rows[1][:3] == ["All", "2", "32"]
    rows = _csv(client.get(f"{URL}?{query}&table=q-t-departments-&export=csv"))
    assert ["Kenya", '\'=HYPERLINK("http://x.example")'] in rows
    xlsx = client.get(f"{URL}?{query}&table=q-t-staff-&export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    answers = _csv(client.get(f"/analysis/answers/?{query}&question=t.departments&export=csv"))
    assert answers[0] == ["Reporter", "Cycle", "Answer", "Version", "Content hash"]
    kenya = next(row for row in answers if row[0] == "Kenya")
    assert kenya[2].startswith("'=") and kenya[3] == "1"
    assert kenya[4] == _of(reports, "KE").versions.get().content_hash


def test_the_page_links_each_tables_downloads(client, reports):
    page = _page(client, _query(reports, question="t.staff")).content.decode()
    assert "table=q-t-staff-&amp;export=csv" in page


# --- several cycles ---------------------------------------------------------------------------------


@pytest.fixture
def other_cycle(db, cycle):
    """A second template asking the bank's t.staff and a question of its own."""
    template = services.create_template(
        slug="other-report",
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind="party",
        by=None,
        title_en="Other report",
    )
    version = template.versions.get()
    section = services.add_section(version=version, number="A", title_en="Staff", by=None)
    services.add_item(
        section=section, question=Question.objects.get(code="t.staff"), number="1", by=None
    )
    only = services.create_question(
        code="o.only", kind=QuestionKind.INTEGER, text_en="Only here", by=None
    )
    services.add_item(section=section, question=only, number="2", by=None)
    return open_cycle(version, slug="other-cycle", parties=("KE", "DE"))


def test_several_cycles_offer_only_their_shared_questions(
    client, secretariat, reports, other_cycle
):
    _publish(_of(other_cycle, "KE"), secretariat, [("t.staff", "", 30), ("o.only", "", 1)])
    query = f"cycle={reports.slug}&cycle={other_cycle.slug}&question=t.staff"
    response = _page(client, query)
    assert [code for code, _label in response.context["form"].fields["question"].choices] == [
        "t.staff"
    ]
    page = response.content.decode()
    assert "one shared question bank" in page
    rows = _cells(_table(response, "t.staff"))
    assert rows["All"][:2] == [2, Decimal(42)]
    assert rows["Test cycle"][:2] == [1, Decimal(12)]
    response = _page(client, f"cycle={reports.slug}&cycle={other_cycle.slug}&question=o.only", 400)
    assert "o.only" in response.content.decode()


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("cycle=no-such-cycle", "no-such-cycle"),
        ("cycle=test-cycle&question=no.such", "no.such"),
        ("cycle=test-cycle&region=atlantis", "atlantis"),
        ("cycle=test-cycle&section=999999", "999999"),
        ("cycle=test-cycle&kind=robot", "robot"),
        ("cycle=test-cycle&by=colour", "colour"),
    ],
)
def test_an_unknown_cycle_question_or_filter_is_a_400_that_names_it(client, reports, query, named):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/analysis/?cycle=test-cycle&question=t.staff&export=pdf&table=q-t-staff-",
        "/analysis/?cycle=test-cycle&question=t.staff&export=csv&table=nothing",
        "/analysis/answers/?cycle=test-cycle&question=no.such",
        "/analysis/answers/?cycle=no-such&question=t.staff",
        "/analysis/answers/?cycle=test-cycle&question=t.staff&export=doc",
    ],
)
def test_bad_downloads_and_figures_are_400_never_500(client, reports, path):
    assert client.get(path).status_code == 400


def test_a_planned_cycle_is_unknown_to_the_public(client, db):
    from cmsfamily.reporting.models import Cycle

    planned = open_cycle(build_template()[1], slug="planned-cycle")
    Cycle.objects.filter(pk=planned.pk).update(status="planned")
    assert client.get(f"{URL}?cycle=planned-cycle").status_code == 400


def test_the_empty_page_invites_a_choice(client, reports):
    response = _page(client, "")
    assert "Choose at least one cycle." in response.content.decode()


# --- cost -----------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_the_page_and_its_answers_cost_the_same_for_2_or_6_counted_reports(
    client_as, request, persona, cycle, secretariat
):
    for code in ("KE", "DE"):
        _publish(_of(cycle, code), secretariat, GERMANY)
    client = client_for(client_as, request, persona)
    query = _query(cycle, section=_section_of(cycle, "t.staff"), by="region")
    urls = [f"{URL}?{query}", f"/analysis/answers/?{query}&question=t.threats"]
    client.get(urls[0])  # warm the template structure's cache
    two = [_queries(client, url) for url in urls]
    assert max(two) <= 10, two
    for code in OTHERS[:4]:
        _publish(_of(cycle, code), secretariat, KENYA)
    assert len(client.get(urls[0]).context["analysis"].reports) == 6
    assert len(list(client.get(urls[1]).context["drill"].rows())) == 6
    assert [_queries(client, url) for url in urls] == two


HOSTILE_VALUES = ["²", "x\x00", "-1", "99999999999999999999", "x" * 300, "", "'; --"]
PARAMETERS = ["cycle", "section", "words", "question", "region", "kind", "by", "key"]
PARAMETERS += ["option", "group", "table", "export"]


@pytest.mark.parametrize("path", [URL, "/analysis/answers/"])
def test_hostile_query_values_never_answer_500(client, secretariat, reports, path):
    client.raise_request_exception = False
    for persona in (None, secretariat):
        if persona:
            client.force_login(persona)
        for name in PARAMETERS:
            for value in HOSTILE_VALUES:
                query = {"cycle": reports.slug, "question": "t.staff", name: value}
                status = client.get(path, query).status_code
                assert status in (200, 400), (name, value, status)


def test_a_demo_cycle_is_marked_as_demo_where_it_is_chosen(client, cycle):
    from cmsfamily.reporting.models import Cycle

    Cycle.objects.filter(pk=cycle.pk).update(is_demo=True)
    choices = dict(_page(client, "").context["form"].fields["cycle"].choices)
    assert choices[cycle.slug] == "Test cycle (demo)"


def test_the_page_says_what_counts_for_whom(client_as, eurobats_officer, secretariat, reports):
    what = {}
    for user in (eurobats_officer, secretariat):
        client = client_as(user)
        what[user] = _page(client, _query(reports, question="t.staff")).content.decode()
    assert "Counted: each reporter's published version." in what[eurobats_officer]
    assert "latest accepted or published version." in what[secretariat]


def test_an_answer_its_version_holds_to_a_hidden_question_is_never_counted(
    client, secretariat, reports
):
    """A version taken before relevance was transitive may hold an answer to a question its own
    answers hide (Kenya's actions for aquatic mammals, whose obstacles are "no"): no figure and no
    list of answers counts it, as no version page shows it."""
    from cmsfamily.reporting.models import SubmissionVersion

    version = SubmissionVersion.objects.get(submission=_of(reports, "KE"))
    version.snapshot["answers"]["t.actions"]["aquatic-mammals"] = "<p>Orphan.</p>"
    SubmissionVersion.objects.filter(pk=version.pk).update(snapshot=version.snapshot)
    client.force_login(secretariat)
    response = _page(client, _query(reports, question="t.actions"))
    mammals = _table(response, "t.actions", "aquatic-mammals")
    assert "Kenya" not in _cells(mammals)
    assert "Orphan" not in response.content.decode()
