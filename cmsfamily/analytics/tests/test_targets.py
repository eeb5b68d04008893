"""Implementation per Strategic Plan target (/analysis/targets/): the index of the 16 targets, a
target's page (its questions' figures, the activities serving it, their contributions and the
coverage), the pages per Aichi and GBF target, what counts for whom, downloads, bad input and what
the pages cost in queries."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.contributions.tests.ledger_data import entry, seed_rules
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Question
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.strategy import services as strategy
from cmsfamily.strategy.models import Target
from cmsfamily.workplans import services as workplans
from cmsfamily.workplans.models import Activity

from .test_analysis import GERMANY, KENYA, _accept, _answer, _of, _publish

URL = "/analysis/targets/"
TEN = f"{URL}10/"
OTHERS = ["FR", "GB", "IT", "ES", "SN", "GH"]
TAGGED = ["t.departments", "t.staff", "t.priority", "t.obstacles"]
JWP = "cbd-cms-jwp-2012-2014"  # its programme names Aichi Targets 5, 9, 11 and 12
BIRDLIFE = "BirdLife International / Royal Society for the Protection of Birds"


def _target(number) -> Target:
    return Target.objects.get(plan__code="spms-2015-2023", number=number)


@pytest.fixture
def cycle(db):
    cycle = open_cycle(build_template()[1], parties=("KE", "DE", *OTHERS))
    for code in TAGGED:  # the questions are frozen by now: tags may still be added
        services.tag_question(
            question=Question.objects.get(code=code), targets=[_target(10)], by=None
        )
    return cycle


@pytest.fixture
def reports(cycle, secretariat):
    """Kenya published, Germany accepted, France submitted and Great Britain a draft, with
    figures far off that no one may ever see counted."""
    _publish(_of(cycle, "KE"), secretariat, KENYA)
    _accept(_of(cycle, "DE"), secretariat, GERMANY)
    france = _of(cycle, "FR")
    _answer(france, None, [*GERMANY, ("t.staff", "", 1000)])
    services.submit(submission=france, by=None)
    _answer(_of(cycle, "GB"), None, [("t.staff", "", 999), ("t.priority", "", "low")])
    return cycle


@pytest.fixture
def work(db, secretariat):
    """Activity 1 of Resolution 10.9 linked to Target 10 directly, with progress; BirdLife's
    staff time to it (published), Kenya's money to the target directly (published), Germany's
    (not published) and an entry not validated yet."""
    activity = Activity.objects.get(programme__code="res-10-9", number="1")
    workplans.update_activity(activity=activity, by=secretariat, targets=[_target(10)])
    workplans.post_progress(
        activity=activity,
        by=secretariat,
        kind="progress",
        text="Gap analysis circulated to the Parties.",
        date=date(2024, 2, 1),
    )
    seed_rules(secretariat)
    entry(secretariat, activity=activity, validated_by=secretariat)  # 20 days × US$300
    entry(
        secretariat,
        party="KE",
        kind="money",
        days=None,
        amount=Decimal(1500),
        currency="USD",
        target=_target(10),
        validated_by=secretariat,
    )
    entry(
        secretariat,
        party="DE",
        kind="money",
        days=None,
        amount=Decimal(700),
        currency="USD",
        target=_target(10),
        publish=False,
        validated_by=secretariat,
    )
    entry(secretariat, activity=activity, days=Decimal(99))  # not validated: never counted
    return activity


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def _main(response) -> str:
    """The page's content, without its per-request tokens."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _row(response, number):
    return response.context["result"].get(number)


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- the index -----------------------------------------------------------------------------------


def test_the_index_rolls_up_each_of_the_16_targets(client, secretariat, reports, work):
    client.force_login(secretariat)
    response = _get(client, URL)
    rows = response.context["result"].rows
    assert [row.number for row in rows] == list(range(1, 17))
    ten = _row(response, 10)
    assert ten.codes == sorted(TAGGED)
    assert (len(ten.reports), ten.expected, len(ten.answering)) == (2, 8, 2)
    assert ten.direct_activities == 1
    assert ten.derived_activities == Activity.objects.filter(programme__code=JWP).count()
    assert ten.value == Decimal(6000 + 1500 + 700)
    nine = _row(response, 9)  # no question, no Aichi mapping, no activity
    assert (nine.codes, nine.expected, nine.activities, nine.value) == ([], 0, [], 0)
    page = response.content.decode()
    assert 'href="/analysis/targets/10/"' in page
    assert 'href="/analysis/targets/aichi/11/"' in page


def test_the_public_index_counts_published_reports_and_entries_only(client, reports, work):
    ten = _row(_get(client, URL), 10)
    assert [str(r.reporter) for r in ten.reports] == ["Kenya"]
    assert ten.value == Decimal(6000 + 1500)


def test_the_index_downloads_as_csv_and_xlsx(client, reports, work):
    rows = _csv(_get(client, f"{URL}?table=targets&export=csv"))
    assert rows[0][:3] == ["Target", "Tagged questions", "Reports counted"]
    assert rows[10] == ["Target 10", "4", "1", "8", "1", "1", "30", "7500.00"]
    response = _get(client, f"{URL}?table=targets&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[11]][:2] == ["Target 10", 4]


# --- a target's page -----------------------------------------------------------------------------


def _figure(response, code):
    return next(f for f in response.context["figures"] if f.shared.code == code)


def _cells(table) -> dict[str, list]:
    return {row.label: [cell.value for cell in row.cells] for row in table.rows}


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
def test_the_questions_figures_count_what_the_analyzer_counts(
    client_as, request, persona, counted, reports
):
    client = client_for(client_as, request, persona)
    response = _get(client, TEN)
    row = response.context["row"]
    assert sorted(str(r.reporter) for r in row.reports) == counted
    staff = _cells(_figure(response, "t.staff").tables[0])["All"]
    assert staff[0] == len(counted) and staff[1] == (12 if counted == ["Kenya"] else 32)
    priority = _cells(_figure(response, "t.priority").tables[0])
    assert priority["Reports answering"][0] == len(counted)
    obstacles = _figure(response, "t.obstacles")
    assert {t.key for t in obstacles.tables} == {"birds", "aquatic-mammals"}  # per loop item
    codes = [figure.shared.code for figure in response.context["figures"]]
    assert codes == ["t.departments", "t.staff", "t.priority", "t.obstacles"]  # the form's order
    assert {str(s.reporter) for s in row.missing} >= {"France", "United Kingdom"}


def test_a_choice_figure_has_its_bar_chart_beside_its_table(client, reports):
    response = _get(client, TEN)
    priority = _figure(response, "t.priority").tables[0]
    assert priority.chart is not None and "<svg" in str(priority.chart.svg)
    assert _figure(response, "t.staff").tables[0].chart is None  # numbers: the table only
    page = response.content.decode()
    assert 'data-chart-spec="q-t-priority--chart"' in page and page.count("charts.js") == 1


def test_a_draft_or_submitted_answer_changes_no_figure(client, secretariat, reports):
    client.force_login(secretariat)
    before = _main(_get(client, TEN))
    _answer(_of(reports, "IT"), None, [("t.staff", "", 7), ("t.priority", "", "high")])
    assert "Reports answering" in before
    assert _main(_get(client, TEN)) == before


def test_each_figure_links_to_its_answers_and_their_versions(client, secretariat, reports):
    client.force_login(secretariat)
    response = _get(client, TEN)
    table = _figure(response, "t.priority").tables[0]
    high = next(row for row in table.rows if row.label == "High")
    href = high.cells[0].href
    assert href.startswith("/analysis/answers/?cycle=test-cycle&question=t.priority")
    answers = _get(client, href)
    rows = list(answers.context["drill"].rows())
    assert [str(answer.report.reporter) for answer, _text in rows] == ["Kenya"]
    assert "version 1" in answers.content.decode()


def test_the_activities_are_linked_directly_or_derived_through_aichi(client, reports, work):
    response = _get(client, TEN)
    sheet = response.context["sheets"]["activities"]
    rows = sheet.export_rows()
    direct = next(r for r in rows if r[1] == "res-10-9")
    assert direct[0] == str(work) and direct[2:] == [
        "Linked directly",
        work.get_status_display(),
        "Gap analysis circulated to the Parties.",
        "2024-02-01",
        Decimal("6000.00"),
    ]
    derived = [r for r in rows if r[1] == JWP]
    assert derived and all(
        r[2] == "Derived through Aichi Target 11 (its programme’s)" for r in derived
    )
    page = response.content.decode()
    assert "Derived through Aichi Target 11" in page and work.get_absolute_url() in page


def test_an_activity_with_its_own_aichi_target_says_which(client, secretariat, db):
    activity = Activity.objects.get(programme__code="res-10-9", number="2")
    aichi = _target(7).aichi_links.get(global_target__number=9).global_target
    workplans.update_activity(activity=activity, by=secretariat, aichi_targets=[aichi])
    rows = _get(client, f"{URL}7/").context["sheets"]["activities"].export_rows()
    own = next(r for r in rows if r[1] == "res-10-9")
    assert own[2] == "Derived through Aichi Target 9"


def test_the_contributions_by_kind_and_contributor(client, secretariat, reports, work):
    public = _get(client, TEN).context["sheets"]["contributions"].export_rows()
    assert public == [
        ["Money", "Kenya", 1, Decimal("1500.00")],
        ["Staff time", BIRDLIFE, 1, Decimal("6000.00")],
        ["All", "", 2, Decimal("7500.00")],
    ]
    client.force_login(secretariat)
    officer = _get(client, TEN).context["sheets"]["contributions"].export_rows()
    assert ["Money", "Germany", 1, Decimal("700.00")] in officer
    assert officer[-1] == ["All", "", 3, Decimal("8200.00")]
    french = client.get(TEN, HTTP_ACCEPT_LANGUAGE="fr").context["sheets"]["contributions"]
    assert "Allemagne" in [row[1] for row in french.export_rows()]  # named in the reader's language


def test_the_coverage_counts_reporters_answering_out_of_those_expected(client, reports):
    response = _get(client, TEN)
    assert response.context["sheets"]["coverage"].export_rows() == [["Test cycle", 8, 1, 1]]
    page = response.content.decode()
    assert "1 / 8" in page and "7 expected reports not counted" in page


def test_the_official_text_in_english_says_so_where_no_other_is_recorded(client, db):
    english = _get(client, TEN).content.decode()
    assert 'lang="en"' not in english.split("<main", 1)[1]
    french = client.get(TEN, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<blockquote class="target-text" lang="en">' in french


def test_a_target_without_questions_or_work_says_so(client, db):
    page = _get(client, f"{URL}9/").content.decode()
    assert "No report question is tagged with this target." in page
    assert "No activity is linked to this target" in page
    assert "No contribution to this work is recorded." in page


@pytest.mark.parametrize("table", ["activities", "contributions", "coverage", "q-t-departments-"])
def test_each_table_downloads_through_the_formula_guard(client, reports, work, table):
    rows = _csv(_get(client, f"{TEN}?table={table}&export=csv"))
    assert len(rows) > 1
    response = _get(client, f"{TEN}?table={table}&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    if table == "q-t-departments-":
        assert rows[1] == ["Kenya", '\'=HYPERLINK("http://x.example")']


def test_the_page_links_each_tables_downloads(client, reports, work):
    page = _get(client, TEN).content.decode()
    for table in ("activities", "contributions", "coverage", "q-t-staff-"):
        assert f"?table={table}&amp;export=csv" in page


# --- the global targets --------------------------------------------------------------------------


def test_an_aichi_target_lists_the_targets_mapped_and_adds_them_up(client, reports, work):
    response = _get(client, f"{URL}aichi/11/")
    rows = response.context["sheet"].export_rows()
    assert [r[0] for r in rows] == ["Target 10", "All mapped targets, each counted once"]
    assert rows[0][1:] == rows[1][1:]
    assert "Protected areas" in response.content.decode() or response.context["found"].short_title


def test_a_global_target_adds_shared_work_once(client, secretariat, reports, work):
    """Aichi 5, 9 and 12 are mapped to Targets 5, 7 and 8: all three inherit the JWP activities,
    which the union counts once."""
    response = _get(client, f"{URL}aichi/9/")
    assert [r[0] for r in response.context["sheet"].export_rows()][:-1] == ["Target 7"]
    strategy.add_mapping(
        target=_target(10), kind="gbf", number=3, confidence="high", source="test", by=secretariat
    )
    strategy.add_mapping(
        target=_target(8), kind="gbf", number=3, confidence="medium", source="test", by=secretariat
    )
    response = _get(client, f"{URL}gbf/3/")
    rows = response.context["sheet"].export_rows()
    assert [r[0] for r in rows] == [
        "Target 8",
        "Target 10",
        "All mapped targets, each counted once",
    ]
    jwp = Activity.objects.filter(programme__code=JWP).count()
    assert rows[0][6] == rows[1][6] == rows[2][6] == jwp
    assert rows[2][5] == 1 and rows[2][1] == 4


def test_a_global_target_no_target_maps_to_says_so(client, db):
    page = _get(client, f"{URL}gbf/1/").content.decode()
    assert "No target of the Strategic Plan for Migratory Species is mapped to GBF 1." in page


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "named"),
    [
        (f"{URL}17/", "has no target 17"),
        (f"{URL}0/", "has no target 0"),
        (f"{URL}99999999999999999999/", "has no target 99999999999999999999"),
        (f"{URL}aichi/21/", "no Aichi Biodiversity Target 21"),
        (f"{URL}aichi/0/", "no Aichi Biodiversity Target 0"),
        (f"{URL}gbf/24/", "no target 24 of the Kunming-Montreal"),
        (f"{URL}gbf/99999999999999999999/", "no target 99999999999999999999"),
    ],
)
def test_an_unknown_target_is_a_404_page_that_names_it(client, db, url, named):
    assert named in _get(client, url, status=404).content.decode()


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("export=pdf&table=activities", "“pdf” is not an export format"),
        ("export=csv&table=nope", "No table “nope” on this page"),
        ("export=csv", "No table “” on this page"),
    ],
)
@pytest.mark.parametrize("url", [URL, TEN, f"{URL}aichi/11/"])
def test_a_bad_download_is_a_400_that_names_it(client, db, url, query, named):
    assert named in _get(client, f"{url}?{query}", status=400).content.decode()


HOSTILE = ["²", "x\x00", "-1", "99999999999999999999", "x" * 300, "", "'; --", "csv\n"]


def test_hostile_query_values_never_answer_500(client, secretariat, reports):
    client.raise_request_exception = False
    client.force_login(secretariat)
    for url in (URL, TEN, f"{URL}gbf/3/"):
        for name in ("export", "table", "cycle", "by"):
            for value in HOSTILE:
                response = client.get(url, {name: value})
                assert response.status_code in (200, 400), (url, name, value)


# --- cost ----------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_the_pages_cost_the_same_whatever_the_reports_activities_and_entries(
    client_as, request, persona, cycle, secretariat, work
):
    for code in ("KE", "DE"):
        _publish(_of(cycle, code), secretariat, GERMANY)
    client = client_for(client_as, request, persona)
    urls = [URL, TEN, f"{URL}aichi/11/"]
    for url in urls:
        client.get(url)  # warm the template structure's cache
    small = [_queries(client, url) for url in urls]
    assert max(small) <= 22, small  # measured: 16-17 anonymous, 19-20 secretariat
    for code in OTHERS[:4]:
        _publish(_of(cycle, code), secretariat, KENYA)
    for number in ("3", "4"):
        activity = Activity.objects.get(programme__code="res-10-9", number=number)
        workplans.update_activity(activity=activity, by=secretariat, targets=[_target(10)])
        workplans.post_progress(activity=activity, by=secretariat, kind="progress", text="Done.")
        entry(secretariat, activity=activity, validated_by=secretariat)
        entry(secretariat, organisation="wwf", activity=activity, validated_by=secretariat)
    assert len(client.get(TEN).context["row"].reports) == 6
    assert [_queries(client, url) for url in urls] == small
