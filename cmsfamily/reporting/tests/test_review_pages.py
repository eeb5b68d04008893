"""The review as a reviewer expects it (issue 14): the answers with their comments on the report's
page, Accept and Publish confirmed first, a Return form that names the report, a draft's progress
(never its answers) for the Secretariat, and read-only sections once a report is sent."""

import re

import pytest
from django.urls import reverse

from cmsfamily.core.testing import LOGIN, client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.choices import SubmissionStatus
from cmsfamily.reporting.models import ReviewComment, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

COMPLETE = [
    Edit("t.departments", "", "Ministry of Environment", 0),
    Edit("t.obstacles", "birds", "no", 0),
    Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1])


@pytest.fixture
def draft(cycle, nfp_kenya):
    submission = Submission.objects.get(cycle=cycle, party__code="KE")
    assert services.save_answers(submission=submission, edits=COMPLETE, by=nfp_kenya).ok
    return submission


@pytest.fixture
def submitted(draft, nfp_kenya):
    services.submit(submission=draft, by=nfp_kenya)
    return draft


@pytest.fixture
def accepted(submitted, secretariat):
    services.accept(submission=submitted, by=secretariat)
    return submitted


def general(submission):
    return submission.cycle.version.sections.get(number="I")


def action(submission, name):
    return reverse("reporting:submission-action", args=[submission.pk, name])


# --- the reviewer reads the answers, with the comments beside them --------------------------------


def test_the_reviewer_reads_the_submitted_answers_with_comments_beside_them(
    client_as, secretariat, submitted, django_assert_max_num_queries
):
    services.comment(
        submission=submitted, code="t.departments", by=secretariat, text="Name the ministry."
    )
    client = client_as(secretariat)
    with django_assert_max_num_queries(40):
        page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Answers of version 1" in page
    answer = page.index("Ministry of Environment")
    comment = page.index("Name the ministry.")
    assert answer < comment  # beside the answer it concerns
    assert "Comment on this answer" in page
    assert 'name="back" value="report"' in page


def test_a_comment_made_on_the_reports_page_comes_back_to_it(client_as, secretariat, submitted):
    response = client_as(secretariat).post(
        reverse("reporting:comment-add", args=[submitted.pk, 1]),
        {"code": "t.departments", "key": "", "text": "Which ministry?", "back": "report"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(submitted.get_absolute_url() + "#")
    assert ReviewComment.objects.filter(submission=submitted, text="Which ministry?").exists()


def test_the_reporter_of_an_accepted_report_reads_its_answers_without_a_save_button(
    client_as, nfp_kenya, accepted
):
    page = client_as(nfp_kenya).get(accepted.get_absolute_url()).content.decode()
    assert "Ministry of Environment" in page
    assert "Save the section" not in page and 'name="t.departments@"' not in page


# --- Accept and Publish are confirmed; a second click does nothing --------------------------------


def test_accept_asks_first_then_accepts_once(
    client_as, secretariat, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_as(secretariat)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert f'href="{action(submitted, "accept")}"' in page  # a link to the question, not a POST
    asked = client.get(action(submitted, "accept"))
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Accept the report of Kenya for Test cycle?" in text
    assert '<form method="post"' in text and "Accept the report of Kenya</button>" in text
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED  # asking changed nothing
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(action(submitted, "accept"))
        second = client.post(action(submitted, "accept"), follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "The report was already accepted." in second.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.ACCEPTED
    assert [m.subject for m in mailoutbox] == [  # one, not two
        "Your report was accepted / Votre rapport a été accepté / Su informe ha sido aceptado"
    ]


def test_publish_asks_first_then_publishes_once(client_as, secretariat, accepted):
    client = client_as(secretariat)
    asked = client.get(action(accepted, "publish")).content.decode()
    assert "Publish the report of Kenya for Test cycle?" in asked
    assert client.post(action(accepted, "publish")).status_code == 302
    again = client.post(action(accepted, "publish"), follow=True)
    assert again.status_code == 200 and "already published" in again.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == SubmissionStatus.PUBLISHED


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_only_the_secretariat_is_asked_to_accept(client_as, request, persona, status, submitted):
    response = client_for(client_as, request, persona).get(action(submitted, "accept"))
    assert response.status_code == status


def test_another_partys_nfp_cannot_accept_and_nothing_breaks(
    client_as, nfp_germany, nfp_kenya, submitted
):
    assert client_as(nfp_germany).post(action(submitted, "accept")).status_code == 404
    assert client_as(nfp_kenya).post(action(submitted, "accept")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


def test_an_action_in_the_wrong_state_is_refused_not_a_500(client_as, secretariat, submitted):
    client = client_as(secretariat)
    assert client.get(action(submitted, "publish")).status_code == 403  # not accepted yet
    assert client.post(action(submitted, "publish")).status_code == 403
    assert client.get(action(submitted, "submit")).status_code == 405  # only POSTed
    assert client.put(action(submitted, "accept")).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


# --- the Return form names the report and its button says what it does ----------------------------


def test_the_return_form_names_the_report(client_as, secretariat, submitted):
    client = client_as(secretariat)
    page = client.get(reverse("reporting:return", args=[submitted.pk])).content.decode()
    assert "Return the report of Kenya for Test cycle" in page
    assert re.search(r"<button[^>]*>Return the report to Kenya</button>", page)
    refused = client.post(reverse("reporting:return", args=[submitted.pk]), {"note": "  "})
    assert refused.status_code == 400
    assert "Return the report to Kenya" in refused.content.decode()
    url = reverse("reporting:return", args=[submitted.pk])
    assert client.post(url, {"note": "Add the staff."}).status_code == 302
    again = client.post(url, {"note": "Add the staff."}, follow=True)
    assert again.status_code == 200 and "already returned" in again.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.RETURNED


def test_another_partys_nfp_cannot_return(client_as, nfp_germany, nfp_kenya, submitted):
    url = reverse("reporting:return", args=[submitted.pk])
    assert client_as(nfp_germany).post(url, {"note": "x"}).status_code == 404
    assert client_as(nfp_kenya).post(url, {"note": "x"}).status_code == 403


# --- the cycle page links each reporter; a draft shows its progress, never its answers --------------


def test_the_cycle_page_links_the_secretariat_to_every_reporter(
    client_as, secretariat, draft, django_assert_max_num_queries
):
    client = client_as(secretariat)
    with django_assert_max_num_queries(30):
        page = client.get(draft.cycle.get_absolute_url()).content.decode()
    assert f'href="{draft.get_absolute_url()}"' in page
    germany = Submission.objects.get(cycle=draft.cycle, party__code="DE")
    assert f'href="{germany.get_absolute_url()}"' in page


def test_the_public_and_other_parties_get_no_link_to_a_draft(client_as, nfp_germany, draft):
    page = client_as(nfp_germany).get(draft.cycle.get_absolute_url()).content.decode()
    assert f'href="{draft.get_absolute_url()}"' not in page


def test_the_secretariat_sees_a_drafts_progress_not_its_answers(client_as, secretariat, draft):
    response = client_as(secretariat).get(draft.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"Kenya is still drafting: \d+ of \d+ questions answered", page)
    assert "the report is submitted" in page
    assert "Ministry of Environment" not in page
    germany = Submission.objects.get(cycle=draft.cycle, party__code="DE")
    untouched = client_as(secretariat).get(germany.get_absolute_url()).content.decode()
    assert "Germany has not started its report yet." in untouched


def test_a_recalled_report_shows_its_progress_and_last_version_to_the_secretariat(
    client_as, secretariat, nfp_kenya, submitted
):
    services.recall(submission=submitted, by=nfp_kenya)
    services.save_answers(
        submission=submitted,
        edits=[Edit("t.departments", "", "A secret new draft", 1)],
        by=nfp_kenya,
    )
    page = client_as(secretariat).get(submitted.get_absolute_url()).content.decode()
    assert "Kenya is still drafting" in page
    assert "Ministry of Environment" in page  # the submitted version 1
    assert "A secret new draft" not in page


def test_the_draft_sections_stay_closed_to_the_secretariat(client_as, secretariat, draft):
    url = reverse("reporting:section", args=[draft.pk, general(draft).pk])
    assert client_as(secretariat).get(url).status_code == 404


# --- a sent report's sections are read-only pages ---------------------------------------------------


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
def test_a_submitted_reports_section_is_read_only(client_as, request, persona, status, submitted):
    url = reverse("reporting:section", args=[submitted.pk, general(submitted).pk])
    response = client_for(client_as, request, persona).get(url)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Ministry of Environment" in page
        assert "Save the section" not in page
        assert "<textarea" not in page and 'name="t.departments@"' not in page


def test_an_accepted_and_a_published_reports_sections_are_read_only(
    client_as, nfp_kenya, secretariat, anonymous, accepted
):
    url = reverse("reporting:section", args=[accepted.pk, general(accepted).pk])
    page = client_as(nfp_kenya).get(url)
    assert page.status_code == 200 and "Save the section" not in page.content.decode()
    services.publish(submission=accepted, by=secretariat)
    public = client_as(anonymous).get(url)
    assert public.status_code == 200 and "Ministry of Environment" in public.content.decode()
    assert "Save the section" not in public.content.decode()


def test_a_save_sent_to_a_submitted_report_is_refused_with_its_reason(
    client_as, nfp_kenya, secretariat, submitted
):
    url = reverse("reporting:section", args=[submitted.pk, general(submitted).pk])
    data = {"t.staff@#present": "1", "t.staff@#rev": "0", "t.staff@": "4"}
    refused = client_as(nfp_kenya).post(url, data)
    assert refused.status_code == 409 and "can no longer be changed" in refused.content.decode()
    autosave = client_as(nfp_kenya).post(url, data, headers={"HX-Request": "true"})
    assert autosave.status_code == 200 and "can no longer be changed" in autosave.content.decode()
    assert client_as(secretariat).post(url, data).status_code == 403
    assert not submitted.answers.filter(question__code="t.staff").exists()


# --- a returned report points its reporter to the comments beside the answers ---------------------


def test_a_returned_report_links_its_reporter_to_the_secretariats_comments(
    client_as, secretariat, nfp_kenya, submitted
):
    services.comment(submission=submitted, code="t.departments", by=secretariat, text="Which one?")
    services.return_submission(submission=submitted, by=secretariat, note="See the comment.")
    page = client_as(nfp_kenya).get(submitted.get_absolute_url()).content.decode()
    version = reverse("reporting:version-detail", args=[submitted.pk, 1])
    panel = re.search(r'<div class="panel" role="note">.*?</div>', page, re.S)
    assert panel, page
    assert re.search(
        rf'<a href="{version}">Read the Secretariat(’|&#x27;|\')s comment beside your answers',
        panel.group(0),
    ), panel.group(0)
    assert "Which one?" in client_as(nfp_kenya).get(version).content.decode()


def test_a_returned_report_without_comments_shows_no_link_to_them(
    client_as, secretariat, nfp_kenya, submitted
):
    services.return_submission(submission=submitted, by=secretariat, note="Add the staff.")
    page = client_as(nfp_kenya).get(submitted.get_absolute_url()).content.decode()
    assert "Add the staff." in page
    assert "comment beside your answers" not in page
