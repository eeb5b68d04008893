"""The pages of the State of the CMS Family report (/state-of-the-family/): who reads and writes
which page and download, the edition in HTML, PDF and DOCX, the Secretariat's pages, bad input
and what the list costs in queries."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from cmsfamily.analytics.editions import services as editions
from cmsfamily.analytics.models import ChapterStatus, Edition, EditionStatus
from cmsfamily.core.jobs.models import Job, JobStatus
from cmsfamily.core.testing import (
    LOGIN,
    PERSONAS,
    client_for,
    cms_secretariat_only,
    download_through_job,
    matrix,
)
from cmsfamily.reporting import services

from .test_editions import END, START, _of, _ready
from .test_editions import cycle as cycle  # noqa: F401 - the fixture

URL = "/state-of-the-family/"


def _new(secretariat, title="State of the CMS Family 2024"):
    return editions.create_edition(
        title=title,
        symbol="UNEP/CMS/COP15/Doc.24",
        period_start=START,
        period_end=END,
        by=secretariat,
    )


@pytest.fixture
def published(cycle, secretariat):  # noqa: F811
    edition = editions.generate_edition(edition=_new(secretariat), by=secretariat)
    _ready(edition, secretariat)
    editions.edit_chapter(
        chapter=edition.chapters.get(key="overview"),
        by=secretariat,
        text_en="<p>Most Parties <b>reported</b>.</p>",
        text_fr="<p>La plupart des Parties ont fait rapport.</p>",
    )
    editions.move_edition(edition=edition, status=EditionStatus.REVIEW, by=secretariat)
    return editions.publish_edition(edition=edition, by=secretariat)


@pytest.fixture
def draft(db, secretariat):
    return _new(secretariat, title="Draft edition")


# --- who reads what ----------------------------------------------------------------------------


def test_everyone_reads_the_published_editions_and_their_downloads(
    client_as, request, published, draft
):
    """One edition generated for every persona (generating is the slow part)."""
    for persona in PERSONAS:
        client = client_for(client_as, request, persona)
        listing = client.get(URL)
        assert listing.status_code == 200, persona
        assert published.title in listing.content.decode()
        assert (draft.title in listing.content.decode()) == (persona == "secretariat"), persona
        page = client.get(f"{URL}{published.pk}/")
        assert page.status_code == 200, persona
        assert published.content_hash in page.content.decode()
        docx = download_through_job(client, f"{URL}{published.pk}/edition.docx")
        assert docx.status_code == 200, persona
        assert docx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=404, others=404))
def test_a_draft_edition_is_the_secretariats_alone(client_as, request, persona, expected, draft):
    client = client_for(client_as, request, persona)
    assert client.get(f"{URL}{draft.pk}/").status_code == expected
    assert download_through_job(client, f"{URL}{draft.pk}/edition.docx").status_code == expected


def _signed_in(user):
    other = Client()
    other.force_login(user)
    return other


@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "birdlife_fp"])
def test_who_may_not_read_a_draft_sees_nothing_of_its_files(
    client_as, request, persona, secretariat, draft
):
    """Starting its PDF or DOCX job is a 404; so is the job's page, even had they been among
    its requesters (the rule is asked again on the page and at the download)."""
    client = client_for(client_as, request, persona)
    assert client.get(f"{URL}{draft.pk}/edition.pdf").status_code == 404
    assert client.get(f"{URL}{draft.pk}/edition.docx").status_code == 404
    started = _signed_in(secretariat).get(f"{URL}{draft.pk}/edition.docx")
    job = Job.objects.get(pk=started["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == JobStatus.DONE
    if persona == "anonymous":
        session = client.session
        session["jobs"] = [str(job.pk)]
        session.save()
        job.requested_by.clear()
        Job.objects.filter(pk=job.pk).update(started_by=None)
    else:
        job.requested_by.add(request.getfixturevalue(persona))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "birdlife_fp", "eurobats_officer"])
def test_only_the_secretariat_follows_a_generating_job(
    client_as,
    request,
    persona,
    secretariat,
    draft,
    cycle,  # noqa: F811
):
    """Who may not generate gets nothing from its job's page, even among its requesters."""
    started = _signed_in(secretariat).post(f"{URL}{draft.pk}/generate/")
    job = Job.objects.get(pk=started["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == JobStatus.DONE
    draft.refresh_from_db()
    assert draft.generated_at is not None
    # Generating again is another job (the reports may have changed since).
    again = _signed_in(secretariat).post(f"{URL}{draft.pk}/generate/")
    assert again["Location"] != started["Location"]
    client = client_for(client_as, request, persona)
    if persona != "anonymous":
        job.requested_by.add(request.getfixturevalue(persona))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


def test_identical_requests_share_the_job_and_a_changed_draft_makes_another(
    client_as, secretariat, nfp_kenya, published, draft
):
    client = client_as(secretariat)
    first = client.get(f"{URL}{published.pk}/edition.docx")["Location"]
    assert client.get(f"{URL}{published.pk}/edition.docx")["Location"] == first
    # The public reads the published edition's file the Secretariat's request made.
    assert _signed_in(nfp_kenya).get(f"{URL}{published.pk}/edition.docx")["Location"] == first
    # Another language is another file.
    french = client.get(f"{URL}{published.pk}/edition.docx", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 302 and french["Location"] != first
    # The PDF is another job.
    assert client.get(f"{URL}{published.pk}/edition.pdf")["Location"] != first
    # A draft whose texts change gets a new file.
    before = client.get(f"{URL}{draft.pk}/edition.docx")["Location"]
    editions.edit_chapter(
        chapter=draft.chapters.get(key="overview"), by=secretariat, text_en="<p>New words.</p>"
    )
    assert client.get(f"{URL}{draft.pk}/edition.docx")["Location"] != before


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_only_the_secretariat_opens_the_form_of_a_new_edition(
    client_as, request, persona, expected
):
    assert client_for(client_as, request, persona).get(f"{URL}add/").status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_only_the_secretariat_edits_a_chapter(client_as, request, persona, expected, draft):
    response = client_for(client_as, request, persona).get(f"{URL}{draft.pk}/chapters/target-10/")
    assert response.status_code == expected


WRITES = {
    "anonymous": LOGIN,
    "nfp_kenya": 403,
    "nfp_germany": 403,
    "birdlife_fp": 403,
    "secretariat": 400,  # published already: refused with the reason
    "eurobats_officer": 403,
}


def test_only_the_secretariat_moves_or_publishes(client_as, request, published):
    for persona, expected in WRITES.items():
        client = client_for(client_as, request, persona)
        for action in ("generate", "publish"):
            assert client.post(f"{URL}{published.pk}/{action}/").status_code == expected, persona
        moved = client.post(f"{URL}{published.pk}/status/", {"status": "draft"})
        assert moved.status_code == expected, persona
    published.refresh_from_db()
    assert published.status == EditionStatus.PUBLISHED


@pytest.mark.parametrize(
    ("persona", "expected"),
    # The secretariat is told there is nothing to compare with yet (no edition is published).
    cms_secretariat_only(anonymous=404, others=404, allowed=400),
)
def test_only_the_secretariat_compares_a_draft(client_as, request, persona, expected, draft):
    response = client_for(client_as, request, persona).get(f"{URL}{draft.pk}/compare/")
    assert response.status_code == expected


# --- the Secretariat's walk ----------------------------------------------------------------------


def test_the_secretariat_creates_generates_writes_and_publishes(
    client_as,
    secretariat,
    cycle,  # noqa: F811
):
    client = client_as(secretariat)
    response = client.post(
        f"{URL}add/",
        {
            "title": "State of the CMS Family 2024",
            "symbol": "UNEP/CMS/COP15/Doc.24",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        },
    )
    edition = Edition.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{edition.pk}/"
    generating = client.post(f"{URL}{edition.pk}/generate/")
    assert generating.status_code == 302 and "/jobs/" in generating["Location"]
    edition.refresh_from_db()
    assert edition.content_hash
    job_page = client.get(generating["Location"]).content.decode()
    assert "The file is ready." in job_page and "Back to the edition" in job_page
    assert client.get(f"{URL}{edition.pk}/generate/").status_code == 405
    response = client.post(
        f"{URL}{edition.pk}/chapters/target-10/",
        {
            "text_en": "<p>Half the Parties <em>act</em>.</p><img src=x onerror=alert(1)>",
            "text_fr": "",
            "text_es": "",
            "status": "ready",
        },
    )
    assert response.status_code == 302
    chapter = edition.chapters.get(key="target-10")
    assert chapter.text_en == "<p>Half the Parties <em>act</em>.</p>"
    assert chapter.history.count() == 2
    assert client.post(f"{URL}{edition.pk}/status/", {"status": "review"}).status_code == 302
    refused = client.post(f"{URL}{edition.pk}/publish/")
    assert refused.status_code == 400
    assert "These chapters are still in draft: The CMS Family at a glance, Goal 1" in (
        refused.content.decode()
    )
    _ready(edition, secretariat)
    assert client.post(f"{URL}{edition.pk}/publish/").status_code == 302
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED
    page = client.get(f"{URL}{edition.pk}/").content.decode()
    assert "Half the Parties <em>act</em>." in page and "onerror" not in page
    assert "/analysis/?" in page  # a figure leads to its answers


def test_a_published_edition_reads_in_the_pages_language(client, published):
    page = client.get(f"{URL}{published.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "Objectif 10" in text
    assert "La plupart des Parties ont fait rapport." in text
    assert "Most Parties" not in text


def test_a_report_accepted_later_leaves_the_published_page_alone(
    client,
    secretariat,
    cycle,
    published,  # noqa: F811
):
    before = client.get(f"{URL}{published.pk}/").content.decode()
    services.accept(submission=_of(cycle, "FR"), by=secretariat)
    after = client.get(f"{URL}{published.pk}/").content.decode()
    assert published.content_hash in after
    assert before.count("<tr") == after.count("<tr")


def test_a_new_draft_is_compared_with_the_published_edition(
    client_as,
    secretariat,
    cycle,
    published,  # noqa: F811
):
    services.accept(submission=_of(cycle, "FR"), by=secretariat)
    draft = editions.generate_edition(edition=_new(secretariat, "Next"), by=secretariat)
    client = client_as(secretariat)
    page = client.get(f"{URL}{draft.pk}/compare/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "What the reports say on Target 10" in text
    assert "Reports counted" in text


def test_the_pdf_has_the_symbol_on_its_cover(client, published):
    pytest.importorskip("weasyprint")
    response = download_through_job(client, f"{URL}{published.pk}/edition.pdf")
    if b"Pango" in response.content:
        pytest.skip("Pango is not installed")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_docx_has_real_headings(client, published):
    import docx

    response = download_through_job(client, f"{URL}{published.pk}/edition.docx")
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "The CMS Family at a glance"
    assert "Target 10" in headings
    assert document.paragraphs[0].text == "UNEP/CMS/COP15/Doc.24"


# --- bad input ---------------------------------------------------------------------------------


def test_bad_input_gets_a_clear_message(client_as, secretariat, draft):
    client = client_as(secretariat)
    for pk in ("999999", "2147483648", "99999999999999999999"):
        assert client.get(f"{URL}{pk}/").status_code == 404
        assert client.get(f"{URL}{pk}/edition.pdf").status_code == 404
    assert client.get(f"{URL}{draft.pk}/chapters/{'x' * 300}/").status_code == 404
    assert client.get(f"{URL}{draft.pk}/chapters/target-99/").status_code == 404
    response = client.post(
        f"{URL}add/",
        {"title": "", "symbol": "X", "period_start": "2024-13-01", "period_end": "2023-01-01"},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert "Enter a valid date." in response.content.decode()
    backwards = client.post(
        f"{URL}add/",
        {"title": "T", "symbol": "X", "period_start": "2024-01-01", "period_end": "2023-01-01"},
    )
    assert "The end of the period comes before its start." in backwards.content.decode()
    # Generating is a job: with no cycle to read, it fails and its page says why.
    no_cycle = client.post(f"{URL}{draft.pk}/generate/")
    assert no_cycle.status_code == 302 and "/jobs/" in no_cycle["Location"]
    failed = client.get(no_cycle["Location"])
    assert "No reporting cycle closed" in failed.content.decode()
    assert f'href="{URL}{draft.pk}/"' in failed.content.decode()
    bad_move = client.post(f"{URL}{draft.pk}/status/", {"status": "published"})
    assert bad_move.status_code == 400
    bad_status = client.post(
        f"{URL}{draft.pk}/chapters/overview/",
        {"text_en": "", "text_fr": "", "text_es": "", "status": "done"},
    )
    assert bad_status.status_code == 400
    assert draft.chapters.get(key="overview").status == ChapterStatus.DRAFT
    assert client.get(f"{URL}{draft.pk}/compare/").status_code == 400
    assert Edition.objects.count() == 1


def test_the_list_costs_a_fixed_number_of_queries(
    client, secretariat, published, django_assert_max_num_queries
):
    for number in range(5):
        _new(secretariat, title=f"Edition {number}")
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_a_job_with_broken_parameters_is_nobodys(secretariat, draft):
    from cmsfamily.analytics.editions.jobs import may_generate, may_read_edition

    for params in ({}, {"edition": "x"}, {"edition": None}, {"edition": 99999999999999999999}):
        assert not may_read_edition(secretariat, params)
        assert not may_generate(secretariat, params)
    assert may_read_edition(secretariat, {"edition": draft.pk})
    assert may_generate(secretariat, {"edition": draft.pk})
