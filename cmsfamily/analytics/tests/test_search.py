"""Search across the Family (/search/): each source read through its app's rule of who sees what
(a hostile probe per persona: a unique word planted in a draft answer, an accepted but unpublished
report, a draft programme, an unpublished contribution, a contact and a hidden person), the
highlighting (escaped first), the filters, bad input and a query count that does not grow with
the results. Runs on SQLite (letters) and PostgreSQL (full text)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cmsfamily.contributions.models import Contribution
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.directory.models import Party, Person
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.models import ProgressUpdate
from cmsfamily.workplans.tests.factories import activity, programme

URL = "/search/"
pytestmark = pytest.mark.django_db


REQUIRED = [("t.obstacles", "birds", "no"), ("t.obstacles", "aquatic-mammals", "no")]


def _answer(submission, answers):
    answers = [*REQUIRED, *answers]
    result = services.save_answers(
        submission=submission,
        edits=[Edit(code, key, value, 0) for code, key, value in answers],
        by=None,
    )
    assert result.ok, result.errors


def _contribution(party_code, description, *, publish, validated=True):
    return Contribution.objects.create(
        contributor_party=Party.objects.get(code=party_code),
        kind="money",
        description=description,
        amount=Decimal("1000"),
        currency="USD",
        start=datetime.date(2024, 1, 1),
        status="received",
        publish=publish,
        value=Decimal("1000"),
        value_currency="USD",
        base_value=Decimal("1000"),
        validated_at=timezone.now() if validated else None,
    )


@pytest.fixture
def family(db, secretariat):
    """One unique word in each place; the word says where it is and whether it may be found."""
    cycle = open_cycle(build_template()[1], parties=("KE", "DE", "SN"))
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    _answer(
        kenya,
        [
            ("t.departments", "", "Ministry of zephyrpublished affairs"),
            ("t.narrative", "", "<p>Wetlands <script>alert(1)</script> zephyrscript restored.</p>"),
        ],
    )
    services.submit(submission=kenya, by=None)
    services.accept(submission=kenya, by=secretariat)
    services.publish(submission=kenya, by=secretariat)
    # Kenya then drafts again: the draft is no version and is never found.
    kenya.refresh_from_db()
    senegal = Submission.objects.get(cycle=cycle, party__code="SN")
    _answer(senegal, [("t.departments", "", "Office of marmotaccepted")])
    services.submit(submission=senegal, by=None)
    services.accept(submission=senegal, by=secretariat)
    germany = Submission.objects.get(cycle=cycle, party__code="DE")
    _answer(germany, [("t.departments", "", "Referat quokkadraft")])

    public = programme("search-public")
    shared = activity(public, "1", title="Ibexpublished corridors", description="Fences removed.")
    ProgressUpdate.objects.create(
        activity=shared, kind="progress", text="Two ibexprogress surveys done."
    )
    hidden = programme("search-draft", status=ProgrammeStatus.DRAFT)
    activity(hidden, "1", title="Ocelotdraft plans")

    _contribution("KE", "Grant wombatpublic for wetlands", publish=True)
    _contribution("DE", "Grant lynxhidden not to be published", publish=False)
    _contribution("KE", "Grant dingounvalidated", publish=True, validated=False)

    Person.objects.filter(user__email="nfp@kenya.example").update(
        phone="tapirphone", address="tapiraddress", email="tapirmail@kenya.example"
    )
    Person.objects.create(given_name="Gnuhidden", family_name="Nobody", email="x@y.example")
    return cycle


def _found(client, word, **params) -> bool:
    response = client.get(URL, {"q": word, **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["total"] > 0


PROBES = {
    # word: the personas who may find it
    "zephyrpublished": "all",
    "ibexpublished": "all",
    "ibexprogress": "all",
    "wombatpublic": "all",
    "quokkadraft": set(),
    "tapirphone": set(),
    "tapiraddress": set(),
    "tapirmail": set(),
    "dingounvalidated": {"secretariat", "nfp_kenya"},
    "marmotaccepted": {"secretariat"},
    "ocelotdraft": {"secretariat"},
    "lynxhidden": {"secretariat", "nfp_germany"},
    "gnuhidden": {"secretariat"},
}


@pytest.mark.parametrize(
    ("persona", "_status"),
    matrix(
        anonymous=200,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=200,
    ),
)
def test_each_persona_finds_only_what_it_may_open(client_as, request, family, persona, _status):
    client = client_for(client_as, request, persona)
    for word, allowed in PROBES.items():
        expected = allowed == "all" or persona in allowed
        assert _found(client, word) is expected, (persona, word)


def test_an_answer_leads_to_its_version_at_the_question_highlighted_and_escaped(client, family):
    response = client.get(URL, {"q": "zephyrscript"})
    page = response.content.decode()
    kenya = Submission.objects.get(cycle=family, party__code="KE")
    assert reverse("reporting:version-detail", args=[kenya.pk, 1]) + "#q-t-narrative" in page
    assert "<mark>zephyrscript</mark>" in page
    assert "<script>alert" not in page
    hit = response.context["page"][0]
    assert hit.title == "Kenya — I.2 Describe the cooperation."
    assert "v1" in hit.context


def test_a_name_is_highlighted_and_contacts_are_never_shown(client, family):
    response = client.get(URL, {"q": "Kenya", "kind": "people"})
    page = response.content.decode()
    assert response.context["total"] >= 1
    assert "tapir" not in page
    assert "<mark>Kenya</mark>" in page


def test_the_filters_narrow_the_results(client, family):
    assert _found(client, "wombatpublic", kind="contributions")
    assert not _found(client, "wombatpublic", kind="answers")
    assert _found(client, "zephyrpublished", region="africa")
    assert not _found(client, "zephyrpublished", region="europe")
    assert _found(client, "zephyrpublished", instrument="cms")
    assert not _found(client, "zephyrpublished", instrument="eurobats")
    assert not _found(client, "ibexpublished", region="africa")  # an activity has no region


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "k"}, "Type at least 2 characters."),
        ({"q": "k" * 201}, "Type at most 200 characters."),
        ({"q": "Kenya\x00"}, "Null characters are not allowed."),
        ({"q": "Kenya", "kind": "secrets"}, "Select a valid choice."),
        ({"q": "Kenya", "instrument": "nope"}, "Select a valid choice."),
        ({"q": "Kenya", "region": "atlantis"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_400_that_says_why(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query", ['"unbalanced', "--", "or or", "- -x", "%_%", "a' OR 1=1 --", "<b>x</b>", "éè", "k:*"]
)
def test_odd_queries_never_fail(client, family, query):
    assert client.get(URL, {"q": query}).status_code == 200


def test_no_query_and_no_match(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Type at least two characters" in response.content.decode()
    response = client.get(URL, {"q": "zzzzzzqq"})
    assert response.context["total"] == 0
    assert "Nothing found" in response.content.decode()


def test_the_page_is_french_in_french(client, family):
    response = client.get(URL, {"q": "zephyrpublished"}, HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert '<html lang="fr">' in page  # the new strings are French once the catalogue is merged
    assert "<mark>zephyrpublished</mark>" in page


def _activities(count):
    shared = programme(f"bulk-{count}")
    for number in range(1, count + 1):
        activity(shared, str(number), title=f"Bulkword survey {number}")


def test_pages_and_a_query_count_that_does_not_grow_with_the_results(client, family):
    _activities(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"q": "bulkword"}).context["total"] == 3
    _activities(40)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "bulkword"})
    assert response.context["total"] == 43
    assert len(many) == len(few)
    page_two = client.get(URL, {"q": "bulkword", "page": "2"})
    assert page_two.context["page"].number == 2
    assert "page=3" in page_two.content.decode()
    assert client.get(URL, {"q": "bulkword", "page": "abc"}).status_code == 200


def test_every_kind_costs_a_bounded_number_of_queries(
    client, family, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        client.get(URL, {"q": "grant"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgresql_stems_words_and_reads_websearch_syntax(client, family):
    assert _found(client, "restoring zephyrscript")  # "restored", stemmed
    assert _found(client, "ibexprogress survey")  # "surveys"
    assert not _found(client, "zephyrscript -wetlands")
    assert _found(client, '"ibexprogress surveys" or nothingatall')


def test_the_query_count_does_not_grow_with_the_reporters_found(client, db, secretariat):
    cycle = open_cycle(build_template(slug="bulk-report")[1], parties=("KE", "DE", "FR", "IT"))

    def publish(code):
        submission = Submission.objects.get(cycle=cycle, party__code=code)
        _answer(submission, [("t.departments", "", f"Bulkanswer office of {code}")])
        services.submit(submission=submission, by=None)
        services.accept(submission=submission, by=secretariat)
        services.publish(submission=submission, by=secretariat)

    publish("KE")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"q": "bulkanswer"}).context["total"] == 1
    for code in ("DE", "FR", "IT"):
        publish(code)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, {"q": "bulkanswer"}).context["total"] == 4
    assert len(many) == len(few)
    print(f"\nqueries for a search over every source: {len(many)}")
