"""The gap matrix (/analysis/gaps/): each cell's status from the options' stated meanings, what
counts for whom, the cell's answers and versions, the map, the downloads, bad input and the cost
in queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmsfamily.analytics import gaps as gap
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.directory.models import Party
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Answer, Question, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.strategy.models import Target
from cmsfamily.strategy.reference import PLAN_CODE

URL = "/analysis/gaps/"
CELL = "/analysis/gaps/cell/"
YES_NO = {"yes": "implementation", "no": "none", "na": "not_applicable"}
PARTIES = ("KE", "DE", "FR", "GB", "IT", "SN", "GH")
REQUIRED = [  # what the test form requires before submitting
    ("t.departments", "", "Ministry"),
    ("t.obstacles", "birds", "no"),
    ("t.obstacles", "aquatic-mammals", "no"),
]


def _target(number):
    return Target.objects.get(plan__code=PLAN_CODE, number=number)


def _answer(submission, answers):
    seen = {
        (a.question.code, a.loop_key): a.revision
        for a in Answer.objects.filter(submission=submission).select_related("question")
    }
    result = services.save_answers(
        submission=submission,
        edits=[
            Edit(code, key, value, seen.get((code, key), 0))
            for code, key, value in [*REQUIRED, *answers]
        ],
        by=None,
    )
    assert result.ok, result.errors


def _of(cycle, code):
    return Submission.objects.get(cycle=cycle, party__code=code)


def _accept(cycle, code, answers, by):
    submission = _of(cycle, code)
    _answer(submission, answers)
    services.submit(submission=submission, by=None)
    services.accept(submission=submission, by=by)
    return submission


def _publish(cycle, code, answers, by):
    submission = _accept(cycle, code, answers, by)
    services.publish(submission=submission, by=by)
    return submission


@pytest.fixture
def cycle(db):
    """The test form's yes/no committee question tagged with target 3, its meanings stated once
    the cycle uses it (a meaning may change then); its single-choice priority tagged with target
    5 and no meaning."""
    version = build_template()[1]
    services.update_question(
        question=Question.objects.get(code="t.committee"), by=None, targets=[_target(3)]
    )
    services.update_question(
        question=Question.objects.get(code="t.priority"), by=None, targets=[_target(5)]
    )
    cycle = open_cycle(version, parties=PARTIES)
    services.set_meanings(
        question=Question.objects.get(code="t.committee"), meanings=YES_NO, by=None
    )
    return cycle


@pytest.fixture
def reports(cycle, secretariat):
    """Kenya yes (published), Germany no (accepted only), Italy not applicable (published),
    Senegal a priority only (published), France yes submitted, Great Britain yes as a draft."""
    _publish(cycle, "KE", [("t.committee", "", "yes")], secretariat)
    _accept(cycle, "DE", [("t.committee", "", "no")], secretariat)
    _publish(cycle, "IT", [("t.committee", "", "na")], secretariat)
    _publish(cycle, "SN", [("t.priority", "", "high")], secretariat)
    france = _of(cycle, "FR")
    _answer(france, [("t.committee", "", "yes")])
    services.submit(submission=france, by=None)
    _answer(_of(cycle, "GB"), [("t.committee", "", "yes")])
    return cycle


def _page(client, query="", status=200, url=URL):
    response = client.get(f"{url}?{query}")
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def _row(response, kind="parties", number=3) -> dict[str, str]:
    found = response.context["gaps"].matrices[kind]
    for target, cells in found.rows:
        if target.number == number:
            return {c.key: cell.status for c, cell in zip(found.columns, cells, strict=True)}
    raise AssertionError(number)


@pytest.mark.parametrize(
    ("persona", "germany"),
    matrix(
        anonymous=gap.NOT_REPORTED,
        nfp_kenya=gap.NOT_REPORTED,
        nfp_germany=gap.NOT_REPORTED,  # its own accepted report is not published yet
        birdlife_fp=gap.NOT_REPORTED,
        wwf_fp=gap.NOT_REPORTED,
        secretariat=gap.NONE,  # keeps the cycle: the accepted version counts
        eurobats_officer=gap.NOT_REPORTED,
        nominated_kenya=gap.NOT_REPORTED,
        ended_nfp_germany=gap.NOT_REPORTED,
        contributor_kenya=gap.NOT_REPORTED,
    ),
)
def test_each_cell_reads_the_meanings_of_the_counted_answers(
    client_as, request, persona, germany, reports
):
    client = client_for(client_as, request, persona)
    row = _row(_page(client, f"cycle={reports.slug}&target=3"))
    assert row["party:KE"] == gap.IMPLEMENTATION
    assert row["party:DE"] == germany
    assert row["party:IT"] == gap.NOT_APPLICABLE
    assert row["party:SN"] == gap.NOT_REPORTED  # answered another question only
    assert row["party:FR"] == gap.NOT_REPORTED  # submitted, not accepted
    assert row["party:GB"] == gap.NOT_REPORTED  # a draft changes no figure
    assert row["party:GH"] == gap.NOT_REPORTED
    assert row["party:AU"] == gap.NOT_EXPECTED  # no report expected in this cycle


def test_an_option_with_no_meaning_is_shown_as_such_never_guessed(client, reports):
    response = _page(client, f"cycle={reports.slug}&target=5")
    row = _row(response, number=5)
    assert row["party:SN"] == gap.MEANING_NOT_SET
    assert row["party:KE"] == gap.NOT_REPORTED
    assert _row(response, number=1)["party:KE"] == gap.NOT_ASKED  # nothing tagged with 1
    page = response.content.decode()
    assert "meaning not set" in page and "t.priority" in page


def test_the_cell_links_to_its_answer_and_the_version_it_comes_from(client, reports):
    kenya = _of(reports, "KE")
    page = _page(client, f"cycle={reports.slug}&target=3").content.decode()
    link = f"{CELL}?cycle={reports.slug}&amp;target=3&amp;reporter=party%3AKE"
    assert link in page
    cell = _page(client, f"cycle={reports.slug}&target=3&reporter=party:KE", url=CELL)
    text = cell.content.decode()
    version = kenya.versions.get()
    assert reverse("reporting:version-detail", args=[kenya.pk, version.number]) in text
    assert version.content_hash[:12] in text
    assert "Reported implementation" in text and "Is there a national committee?" in text


def test_the_counts_per_region_add_up_to_the_parties(client, reports):
    gaps = _page(client, f"cycle={reports.slug}&target=3").context["gaps"]
    counts = dict(zip(gap.STATUSES, gaps.region_counts()[-1][1], strict=True))
    assert counts[gap.IMPLEMENTATION] == 1  # Kenya
    assert counts[gap.NOT_APPLICABLE] == 1  # Italy
    assert counts[gap.NOT_REPORTED] == 5  # Germany (not published), France, UK, Senegal, Ghana
    assert counts[gap.NOT_EXPECTED] == Party.objects.count() - len(PARTIES)
    africa = next(row for name, row in gaps.region_counts() if name == "Africa")
    assert africa[0] == 1 and sum(africa) == Party.objects.filter(region__name="Africa").count()


def test_the_map_colours_the_parties_and_lists_those_it_cannot_draw(client, reports):
    response = _page(client, f"cycle={reports.slug}&target=3")
    page = response.content.decode()
    assert 'class="gap-implementation"><title>Kenya: Reported implementation</title>' in page
    unplaced = [column.label for column, _cell in response.context["map"].unplaced]
    assert "European Union" in unplaced and "Kenya" not in unplaced
    assert "<script" not in page.split('<figure class="gap-map">')[1].split("</figure>")[0]


def test_the_csv_says_what_the_page_says(client, reports):
    response = _page(client, f"cycle={reports.slug}&target=3")
    parties = response.context["gaps"].matrices["parties"]
    download = _page(client, f"cycle={reports.slug}&table=parties&export=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Target", *(c.label for c in parties.columns)]
    kenya = rows[0].index("Kenya")
    assert rows[3][0] == "Target 3" and rows[3][kenya] == "Reported implementation"
    xlsx = _page(client, f"cycle={reports.slug}&table=partners&export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("target=99", "Target"),
        ("target=ten", "Target"),
        ("region=atlantis", "Region"),
        ("instrument=nowhere", "Party reports to"),
        ("cycle=no-such-cycle", "Cycles"),
        ("export=pdf", "“pdf” is not an export format"),
        ("export=csv&table=species", "No table “species”"),
    ],
)
def test_bad_input_is_a_400_that_names_the_problem(client, reports, query, named):
    response = _page(client, query, status=400)
    assert named in response.content.decode()


def test_an_unknown_reporter_of_a_cell_is_a_400(client, reports):
    response = _page(client, "target=3&reporter=party:ZZ", status=400, url=CELL)
    assert "“party:ZZ”" in response.content.decode()
    _page(client, "target=99&reporter=party:KE", status=400, url=CELL)


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as context:
        _page(client, query)
    return len(context.captured_queries)


def test_the_queries_do_not_grow_with_reporters_or_targets(client_as, secretariat, reports):
    client = client_as(secretariat)
    before = _queries(client, f"cycle={reports.slug}&target=3")
    for code in ("GH", "GB", "FR"):
        submission = _of(reports, code)
        if submission.status == "draft" or code == "GH":
            _answer(submission, [("t.committee", "", "no"), ("t.priority", "", "low")])
            services.submit(submission=submission, by=None)
        services.accept(submission=submission, by=secretariat)
    Question.objects.get(code="t.threats").targets.add(*(_target(n) for n in (7, 8, 9)))
    after = _queries(client, f"cycle={reports.slug}&target=3")
    assert after == before, (before, after)


def test_the_page_stays_within_its_query_bound(client, reports, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        _page(client, f"cycle={reports.slug}&target=3")
    with django_assert_max_num_queries(20):
        _page(client, f"cycle={reports.slug}&target=3&reporter=party:KE", url=CELL)


def test_with_no_cycle_chosen_the_newest_of_each_template_counts(client, reports):
    gaps = _page(client, "").context["gaps"]
    assert reports in gaps.cycles and gaps.target.number == 1


def test_a_french_page_says_it_in_french(client, reports):
    response = client.get(f"{URL}?cycle={reports.slug}&target=3", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200


def _small_form(slug, instrument, reporter_kind):
    """A one-question form of another instrument or reporter kind asking the bank's committee
    question (the bank is shared: its tag and meanings come along)."""
    from cmsfamily.directory.models import Instrument

    template = services.create_template(
        slug=slug,
        instrument=Instrument.objects.get(code=instrument),
        reporter_kind=reporter_kind,
        by=None,
        title_en=slug,
    )
    version = template.versions.get()
    section = services.add_section(version=version, number="I", title_en="General", by=None)
    services.add_item(section=section, question=_question_of("t.committee"), number="1", by=None)
    return version


def _question_of(code):
    return Question.objects.get(code=code)


def _publish_organisation(cycle, slug, answer, by):
    submission = Submission.objects.get(cycle=cycle, organisation__slug=slug)
    result = services.save_answers(
        submission=submission, edits=[Edit("t.committee", "", answer, 0)], by=None
    )
    assert result.ok, result.errors
    services.submit(submission=submission, by=None)
    services.accept(submission=submission, by=by)
    services.publish(submission=submission, by=by)


def test_agreements_and_partners_have_their_own_matrices(client, reports, secretariat):
    from cmsfamily.directory.models import Organisation

    agreements = open_cycle(
        _small_form("eurobats-report", "eurobats", "agreement"),
        slug="agreement-reports",
        parties=(),
        organisations=("eurobats-secretariat",),
    )
    partners = open_cycle(
        _small_form("partner-report", "cms", "partner"),
        slug="partner-reports",
        parties=(),
        organisations=("birdlife", "wwf"),
    )
    _publish_organisation(agreements, "eurobats-secretariat", "no", secretariat)
    _publish_organisation(partners, "birdlife", "yes", secretariat)
    Organisation.objects.filter(slug="wwf").update(short_name='=HYPERLINK("http://x.example")')
    query = f"cycle={reports.slug}&cycle={agreements.slug}&cycle={partners.slug}&target=3"
    response = _page(client, query)
    assert _row(response, "instruments")["instrument:eurobats"] == gap.NONE
    assert _row(response, "instruments")["instrument:aewa"] == gap.NOT_EXPECTED
    assert _row(response, "partners")["partner:birdlife"] == gap.IMPLEMENTATION
    assert _row(response, "partners")["partner:wwf"] == gap.NOT_REPORTED
    assert _row(response)["party:KE"] == gap.IMPLEMENTATION
    cell = _page(client, f"{query}&reporter=partner:birdlife", url=CELL).content.decode()
    assert "Reported implementation" in cell and "I.1" in cell
    download = _page(client, f"{query}&table=partners&export=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in download  # the formula guard of every download


def test_the_region_and_instrument_narrow_the_parties(client, reports):
    from cmsfamily.directory.models import Region

    africa = Region.objects.get(name="Africa")
    response = _page(client, f"cycle={reports.slug}&target=3&region={africa.code}")
    keys = set(_row(response))
    assert "party:KE" in keys and "party:DE" not in keys
    assert len(keys) == Party.objects.filter(region=africa).count()
    # Party reports to the Convention: its cycle stays.
    response = _page(client, f"cycle={reports.slug}&target=3&instrument=cms")
    assert _row(response)["party:KE"] == gap.IMPLEMENTATION


def test_a_party_that_was_not_a_member_then_is_not_expected_not_a_member(client, reports):
    """Ghana (expected) and Australia (not asked) joined after the cycle opened; Senegal left
    before; Kenya's and Germany's memberships hold. "Not a member" is neither "not reported"
    nor "not expected", is counted apart, and has no cell page to open."""
    from datetime import date

    from cmsfamily.directory.models import Membership

    cms = Membership.objects.filter(instrument__code="cms")
    cms.filter(party__code__in=("GH", "AU")).update(start=date(2025, 6, 1))
    cms.filter(party__code="SN").update(start=date(2000, 1, 1), end=date(2020, 1, 1))
    response = _page(client, f"cycle={reports.slug}&target=3")
    row = _row(response)
    assert row["party:GH"] == row["party:AU"] == gap.NOT_MEMBER
    assert row["party:SN"] == gap.NOT_REPORTED  # a counted report is read, whatever the registry
    assert row["party:FR"] == gap.NOT_REPORTED and row["party:KE"] == gap.IMPLEMENTATION
    assert row["party:CH"] == gap.NOT_EXPECTED  # a member the cycle did not ask
    page = response.content.decode()
    assert "Not expected (not a member)" in page
    gaps = response.context["gaps"]
    counts = dict(zip(gap.STATUSES, gaps.region_counts()[-1][1], strict=True))
    assert counts[gap.NOT_MEMBER] == 2 and counts[gap.NOT_REPORTED] == 4
    ghana = next(c for col, c in gaps.target_cells() if col.key == "party:GH")
    assert ghana.href == ""
    assert 'class="gap-not_member"><title>Ghana: Not expected (not a member)</title>' in page


def test_a_registry_with_no_members_of_the_instrument_calls_no_one_a_non_member(client, reports):
    from cmsfamily.directory.models import Membership

    Membership.objects.filter(instrument__code="cms").delete()
    row = _row(_page(client, f"cycle={reports.slug}&target=3"))
    assert gap.NOT_MEMBER not in row.values()
    assert row["party:GH"] == gap.NOT_REPORTED
