"""The public page of a published report: the answers of its published version, section by
section, and the version history; versions returned and never published stay with the reporter
and the Secretariat on every page, file and API; loop items in the order of the form."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.models import Answer, Submission, SubmissionVersion
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

FIRST = [
    ("t.departments", "", "Secret first draft department"),
    ("t.obstacles", "birds", "no"),
    ("t.obstacles", "aquatic-mammals", "no"),
]
SECOND = [
    ("t.departments", "", "Ministry of Environment"),
    ("t.staff", "", 12),
    ("t.obstacles", "birds", "yes"),
    ("t.actions", "birds", "<p>Power lines insulated.</p>"),
    ("t.obstacles", "aquatic-mammals", "no"),
]


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1])


def _kenya(cycle) -> Submission:
    return Submission.objects.get(cycle=cycle, party__code="KE")


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


@pytest.fixture
def published(cycle, nfp_kenya, secretariat):
    """Kenya's report: version 1 returned, version 2 accepted and published."""
    kenya = _kenya(cycle)
    _answer(kenya, nfp_kenya, FIRST)
    services.submit(submission=kenya, by=nfp_kenya)
    services.return_submission(submission=kenya, by=secretariat, note="Name the ministry.")
    _answer(kenya, nfp_kenya, SECOND)
    services.submit(submission=kenya, by=nfp_kenya)
    services.accept(submission=kenya, by=secretariat)
    services.publish(submission=kenya, by=secretariat)
    return Submission.objects.get(pk=kenya.pk)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_anonymous_reads_the_published_answers_under_their_questions(
    published, client_as, anonymous
):
    response = client_as(anonymous).get(published.get_absolute_url())
    assert response.status_code == 200
    page = _text(response)
    assert "The published report" in page
    assert "Which departments are involved?" in page
    assert "Ministry of Environment" in page
    assert "Power lines insulated." in page
    # Each answer under its question: the question's number and text come just before it.
    assert re.search(r"Which departments are involved\?</dt> <dd>Ministry of Environment", page)
    # The loop item's label heads its answers.
    assert page.index("<strong>Birds</strong>") < page.index("Power lines insulated.")
    # The returned version is neither shown nor linked.
    assert "Secret first draft department" not in page
    assert reverse("reporting:version-detail", args=[published.pk, 1]) not in page
    assert reverse("reporting:version-detail", args=[published.pk, 2]) in page
    # The history gives the published date and no note of the return.
    assert timezone.localtime(published.published_at).strftime("%Y-%m-%d %H:%M") in page
    assert "Name the ministry." not in page


def test_reporter_and_secretariat_still_read_every_version(
    published, client_as, nfp_kenya, secretariat
):
    for user in (nfp_kenya, secretariat):
        client = client_as(user)
        page = _text(client.get(published.get_absolute_url()))
        assert reverse("reporting:version-detail", args=[published.pk, 1]) in page
        response = client.get(reverse("reporting:version-detail", args=[published.pk, 1]))
        assert response.status_code == 200
        assert "Secret first draft department" in _text(response)
        versions = client.get(f"/api/submissions/{published.pk}/versions/").json()
        assert [version["number"] for version in versions] == [1, 2]
        client.logout()


def _version_urls(submission, number):
    return [
        reverse("reporting:version-detail", args=[submission.pk, number]),
        reverse("reporting:version-print", args=[submission.pk, number]),
        reverse("reporting:version-json", args=[submission.pk, number]),
        reverse("reporting:version-xlsx", args=[submission.pk, number]),
        reverse("reporting:answer-file", args=[submission.pk, "t.evidence"])
        + f"?version={number}&key=",
        reverse("reporting:diff", args=[submission.pk]) + f"?older={number}&newer=2",
    ]


@pytest.mark.parametrize("who", ["anonymous", "nfp_germany"])
def test_a_returned_never_published_version_is_not_found(published, client_as, request, who):
    client = client_as(request.getfixturevalue(who))
    for url in _version_urls(published, 1):
        assert client.get(url).status_code == 404, url
    # The published version is everyone's.
    assert client.get(_version_urls(published, 2)[0]).status_code == 200
    assert client.get(_version_urls(published, 2)[2]).status_code == 200
    api = client.get(f"/api/submissions/{published.pk}/").json()
    assert api["versions"] == [2]
    assert api["review_note"] == ""
    versions = client.get(f"/api/submissions/{published.pk}/versions/").json()
    assert [version["number"] for version in versions] == [2]
    assert "Secret first draft department" not in str(versions)


def test_the_cycle_export_holds_the_published_version(published, client_as, secretariat):
    rows = client_as(secretariat).get(f"{published.cycle.get_absolute_url()}export.json").json()
    values = {row["value"] for row in rows["rows"] if row["reporter_code"] == "KE"}
    assert "Ministry of Environment" in values
    assert "Secret first draft department" not in values


@pytest.mark.parametrize("who", ["anonymous", "nfp_germany"])
def test_a_draft_is_never_public(cycle, nfp_kenya, client_as, request, who):
    kenya = _kenya(cycle)
    _answer(kenya, nfp_kenya, SECOND)
    client = client_as(request.getfixturevalue(who))
    assert client.get(kenya.get_absolute_url()).status_code == 404
    assert client.get(f"/api/submissions/{kenya.pk}/").status_code == 404
    assert client.get(f"/api/submissions/{kenya.pk}/versions/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "nfp_germany"])
def test_a_submitted_report_is_not_public(cycle, nfp_kenya, client_as, request, who):
    kenya = _kenya(cycle)
    _answer(kenya, nfp_kenya, SECOND)
    services.submit(submission=kenya, by=nfp_kenya)
    client = client_as(request.getfixturevalue(who))
    assert client.get(kenya.get_absolute_url()).status_code == 404
    for url in _version_urls(kenya, 1):
        assert client.get(url).status_code == 404, url


def test_an_answer_to_a_hidden_question_is_not_shown(published, client_as, anonymous):
    # A version that holds an answer its condition hides (imported, or stored before the
    # condition was added): "Actions" is asked only when there are obstacles.
    version = published.versions.get(number=2)
    version.snapshot["answers"]["t.actions"]["aquatic-mammals"] = "<p>Hidden answer</p>"
    SubmissionVersion.objects.filter(pk=version.pk).update(snapshot=version.snapshot)
    client = client_as(anonymous)
    for url in (
        published.get_absolute_url(),
        reverse("reporting:version-detail", args=[published.pk, 2]),
        reverse("reporting:version-print", args=[published.pk, 2]),
    ):
        page = _text(client.get(url))
        assert "Power lines insulated." in page, url
        assert "Hidden answer" not in page, url


def test_the_public_page_costs_a_bounded_number_of_queries(
    published, client_as, anonymous, django_assert_max_num_queries
):
    client = client_as(anonymous)
    client.get(published.get_absolute_url())  # the structure is cached per process
    with django_assert_max_num_queries(12):
        assert client.get(published.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("language", "history", "loop", "heading"),
    [
        ("fr", "Versions soumises", "Oiseaux", "Le rapport publié"),
        ("es", "Versiones presentadas", "Aves", "El informe publicado"),
    ],
)
def test_the_public_page_in_french_and_spanish(
    published, client_as, anonymous, language, history, loop, heading
):
    response = client_as(anonymous).get(published.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = _text(response)
    assert f'lang="{language}"' in page
    assert history in page
    assert "Submitted versions" not in page
    # The template's loop labels in the reader's language; answers as they were given.
    assert f"<strong>{loop}</strong>" in page
    assert "<strong>Birds</strong>" not in page
    assert "Ministry of Environment" in page
    with translation.override(language):
        compiled = translation.gettext("The published report") != "The published report"
    if compiled:  # the catalogues take this branch's new words when its list is merged
        assert heading in page


# --- one order of loop items ------------------------------------------------------------------


def _labels_in(page: str, labels: list[str]) -> list[str]:
    return sorted(labels, key=page.index)


def test_loop_items_are_in_the_same_order_in_the_form_and_the_version_pages(
    published, client_as, nfp_germany
):
    # The form of the same template (Germany's draft) and Kenya's published version.
    germany = Submission.objects.get(cycle=published.cycle, party__code="DE")
    section = published.cycle.version.sections.get(number="II")
    labels = ["Birds", "Aquatic mammals"]
    # The template lists birds first; the keys sort the other way round.
    assert sorted(["birds", "aquatic-mammals"]) == ["aquatic-mammals", "birds"]
    client = client_as(nfp_germany)
    form = client.get(reverse("reporting:section", args=[germany.pk, section.pk]))
    assert form.status_code == 200
    pages = [
        _text(form),
        _text(client.get(reverse("reporting:version-detail", args=[published.pk, 2]))),
        _text(client.get(reverse("reporting:version-print", args=[published.pk, 2]))),
        _text(client.get(published.get_absolute_url())),
    ]
    for page in pages:
        assert _labels_in(page, labels) == labels


def test_ordered_loop_items_follow_the_source_then_the_version_extras(published):
    structure = selectors.structure(published.cycle.version)
    node = next(node for node in structure.nodes if node.section.number == "II")
    loops = selectors.loop_items(structure, published)
    assert [item.key for item in selectors.ordered_loop_items(node, loops)] == [
        "birds",
        "aquatic-mammals",
    ]
    content = {
        "answers": {"t.obstacles": {"zz-gone": "no", "aquatic-mammals": "no", "birds": "yes"}},
        "loop_items": {"zz-gone": "Antelopes", "birds": "Birds", "aquatic-mammals": "Aquatic"},
    }
    ordered = selectors.ordered_loop_items(node, loops, content)
    # The source's order (labels as now), then an item the source no longer has, by name.
    assert [(item.key, item.label) for item in ordered] == [
        ("birds", "Birds"),
        ("aquatic-mammals", "Aquatic mammals"),
        ("zz-gone", "Antelopes"),
    ]
    # Without an answer, an item of the source is not in the version.
    assert [item.key for item in selectors.ordered_loop_items(node, loops, {"answers": {}})] == []
