"""The late rule: an open cycle takes drafts and submissions after its deadline (counted late);
once the Secretariat closes it, nothing of its reports changes through the services, the rules,
the pages, the API or the workbook, until the Secretariat reopens it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cmsfamily.reporting import selectors, services, workbook
from cmsfamily.reporting.choices import SubmissionStatus
from cmsfamily.reporting.models import (
    Answer,
    Cycle,
    LoopEntry,
    SectionAssignment,
    Submission,
)
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

CLOSED = "This cycle is closed: the report can no longer be changed."
COMPLETE = [
    Edit("t.departments", "", "Ministry of Environment", 0),
    Edit("t.staff", "", "12", 0),
    Edit("t.obstacles", "birds", "no", 0),
    Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1])  # its deadline, 30 April 2024, has passed


@pytest.fixture
def draft(cycle, nfp_kenya):
    submission = Submission.objects.get(cycle=cycle, party__code="KE")
    assert services.save_answers(submission=submission, edits=COMPLETE, by=nfp_kenya).ok
    return submission


def close(submission):
    services.set_cycle_status(
        cycle=Cycle.objects.get(pk=submission.cycle_id), status="closed", by=None
    )


def fresh(submission):
    return Submission.objects.select_related("cycle").get(pk=submission.pk)


def section(submission, number):
    return submission.cycle.version.sections.get(number=number)


def staff(submission):
    return Answer.objects.get(submission=submission, question__code="t.staff")


# --- the late rule ------------------------------------------------------------------------------


def test_an_open_cycle_past_its_deadline_takes_a_late_report(draft, nfp_kenya, client):
    client.force_login(nfp_kenya)
    response = client.post(reverse("reporting:submission-action", args=[draft.pk, "submit"]))
    assert response.status_code == 302
    assert fresh(draft).status == SubmissionStatus.SUBMITTED
    total = selectors.timeliness(draft.cycle)[-1]
    assert (total.on_time, total.late) == (0, 1)


# --- the rules ------------------------------------------------------------------------------------


def test_the_rules_refuse_every_change_once_closed(draft, nfp_kenya):
    perms = ["edit_submission", "submit_submission", "assign_sections"]
    assert all(nfp_kenya.has_perm(f"reporting.{perm}", draft) for perm in perms)
    close(draft)
    closed = fresh(draft)
    assert not any(nfp_kenya.has_perm(f"reporting.{perm}", closed) for perm in perms)


def test_a_submitted_report_of_a_closed_cycle_cannot_be_recalled(draft, nfp_kenya):
    services.submit(submission=draft, by=nfp_kenya)
    assert nfp_kenya.has_perm("reporting.recall_submission", fresh(draft))
    close(draft)
    assert not nfp_kenya.has_perm("reporting.recall_submission", fresh(draft))
    with pytest.raises(ValidationError) as refused:
        services.recall(submission=draft, by=nfp_kenya)
    assert refused.value.messages == [CLOSED]
    assert fresh(draft).status == SubmissionStatus.SUBMITTED


# --- the services -------------------------------------------------------------------------------


def _save(draft, user):
    services.save_answers(
        submission=draft, edits=[Edit("t.staff", "", "30", staff(draft).revision)], by=user
    )


def _assign(draft, user):
    services.assign_section(submission=draft, section=section(draft, "II"), user=user, by=user)


def _add_site(draft, user):
    services.add_loop_entry(
        submission=draft, section=section(draft, "III"), label="Naivasha", by=user
    )


def _confirm(draft, user):
    services.confirm_carried(submission=draft, section=section(draft, "I"), by=user)


def _submit(draft, user):
    services.submit(submission=draft, by=user)


@pytest.mark.parametrize("write", [_save, _assign, _add_site, _confirm, _submit])
def test_the_services_refuse_every_change_once_closed(draft, nfp_kenya, write):
    close(draft)  # `draft` still holds the open cycle it was read with: the services look again
    with pytest.raises(ValidationError) as refused:
        write(draft, nfp_kenya)
    assert refused.value.messages == [CLOSED]
    assert staff(draft).value == 12
    assert fresh(draft).status == SubmissionStatus.DRAFT
    assert not SectionAssignment.objects.filter(submission=draft).exists()
    assert not LoopEntry.objects.filter(submission=draft).exists()


def test_what_was_added_stays_once_closed(draft, nfp_kenya, nfp_germany):
    entry = services.add_loop_entry(
        submission=draft, section=section(draft, "III"), label="Naivasha", by=nfp_kenya
    )
    assignment = services.assign_section(
        submission=draft, section=section(draft, "II"), user=nfp_germany, by=nfp_kenya
    )
    close(draft)
    with pytest.raises(ValidationError, match="closed"):
        services.remove_loop_entry(entry=entry, by=nfp_kenya)
    with pytest.raises(ValidationError, match="closed"):
        services.unassign_section(assignment=assignment, by=nfp_kenya)
    assert LoopEntry.objects.filter(pk=entry.pk).exists()
    assert SectionAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_secretariat_reopens_and_the_reporter_drafts_again(
    draft, nfp_kenya, secretariat, client
):
    close(draft)
    url = reverse("reporting:cycle-status", args=[draft.cycle.slug])
    client.force_login(nfp_kenya)
    assert client.post(url, {"status": "open"}).status_code == 403
    assert Cycle.objects.get(pk=draft.cycle_id).status == "closed"
    client.force_login(secretariat)
    assert client.post(url, {"status": "open"}).status_code == 302
    assert Cycle.objects.get(pk=draft.cycle_id).status == "open"
    _save(fresh(draft), nfp_kenya)
    assert staff(draft).value == 30


# --- the pages ------------------------------------------------------------------------------------


def test_the_pages_say_the_cycle_is_closed_instead_of_offering_changes(draft, nfp_kenya, client):
    client.force_login(nfp_kenya)
    close(draft)
    overview = client.get(draft.get_absolute_url())
    assert overview.status_code == 200
    text = overview.content.decode()
    assert CLOSED in text
    assert "Submit the report" not in text and "Assign a section" not in text
    assert reverse("reporting:workbook-upload", args=[draft.pk]) not in text
    page = client.get(reverse("reporting:section", args=[draft.pk, section(draft, "I").pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert CLOSED in text and "Ministry of Environment" in text
    assert "Save the section" not in text
    sites = client.get(reverse("reporting:section", args=[draft.pk, section(draft, "III").pk]))
    assert "Add an item" not in sites.content.decode()


def test_the_pages_refuse_every_change_once_closed(draft, nfp_kenya, client):
    client.force_login(nfp_kenya)
    general = section(draft, "I")
    close(draft)
    attempts = [
        (
            reverse("reporting:section", args=[draft.pk, general.pk]),
            {"t.staff@": "30", "t.staff@.rev": "1"},
        ),
        (reverse("reporting:submission-action", args=[draft.pk, "submit"]), {}),
        (reverse("reporting:assign", args=[draft.pk]), {}),
        (
            reverse("reporting:loop-entry-add", args=[draft.pk, section(draft, "III").pk]),
            {"label": "Naivasha"},
        ),
        (reverse("reporting:confirm-carried", args=[draft.pk, general.pk]), {}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert CLOSED in response.content.decode(), url
    assert staff(draft).value == 12
    assert fresh(draft).status == SubmissionStatus.DRAFT
    assert not LoopEntry.objects.filter(submission=draft).exists()


def test_the_recall_button_goes_once_closed(draft, nfp_kenya, client):
    services.submit(submission=draft, by=nfp_kenya)
    client.force_login(nfp_kenya)
    assert "Recall the report" in client.get(draft.get_absolute_url()).content.decode()
    close(draft)
    assert "Recall the report" not in client.get(draft.get_absolute_url()).content.decode()
    response = client.post(reverse("reporting:submission-action", args=[draft.pk, "recall"]))
    assert response.status_code == 403 and CLOSED in response.content.decode()
    assert fresh(draft).status == SubmissionStatus.SUBMITTED


# --- the API ------------------------------------------------------------------------------------


def test_the_api_refuses_every_change_once_closed(draft, nfp_kenya, client):
    client.force_login(nfp_kenya)
    close(draft)
    answers = client.post(
        f"/api/submissions/{draft.pk}/answers/",
        [{"question": "t.staff", "value": "30", "base_revision": staff(draft).revision}],
        content_type="application/json",
    )
    assert answers.status_code == 403 and answers.json()["detail"] == CLOSED
    submit = client.post(f"/api/submissions/{draft.pk}/submit/")
    assert submit.status_code == 403 and submit.json()["detail"] == CLOSED
    assert client.get(f"/api/submissions/{draft.pk}/answers/").status_code == 200
    assert staff(draft).value == 12
    assert fresh(draft).status == SubmissionStatus.DRAFT


# --- the workbook -------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _filled(draft, user) -> bytes:
    book = load_workbook(io.BytesIO(workbook.draft_workbook(draft, user, "en")))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == 12:
                    cell.value = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, draft, data):
    return client.post(
        reverse("reporting:workbook-upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("report.xlsx", data, content_type=workbook.CONTENT_TYPE)},
    )


def test_the_workbook_is_refused_once_closed(draft, nfp_kenya, client, media):
    client.force_login(nfp_kenya)
    data = _filled(draft, nfp_kenya)
    close(draft)
    response = _upload(client, draft, data)
    assert response.status_code == 403 and CLOSED in response.content.decode()
    # The reporter still downloads what they drafted, to read it.
    assert client.get(reverse("reporting:workbook", args=[draft.pk])).status_code == 200
    assert staff(draft).value == 12


def test_a_preview_made_while_open_is_not_confirmed_once_closed(draft, nfp_kenya, client, media):
    client.force_login(nfp_kenya)
    preview = _upload(client, draft, _filled(draft, nfp_kenya))
    assert preview.status_code == 200
    close(draft)
    response = client.post(
        reverse("reporting:workbook-confirm", args=[draft.pk]), {"token": preview.context["token"]}
    )
    assert response.status_code == 403 and CLOSED in response.content.decode()
    assert staff(draft).value == 12


def test_the_autosave_of_a_page_opened_before_the_closing_says_it_did_not_save(
    draft, nfp_kenya, client
):
    client.force_login(nfp_kenya)
    close(draft)
    response = client.post(
        reverse("reporting:section", args=[draft.pk, section(draft, "I").pk]),
        {"t.staff@": "30", "t.staff@.rev": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # what htmx shows in the save status
    assert CLOSED in response.content.decode() and "saved" not in response.content.decode()
    assert staff(draft).value == 12


def test_a_contributor_still_reads_their_section_and_its_files_once_closed(
    draft, nfp_kenya, nfp_germany, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    general = section(draft, "I")
    services.assign_section(submission=draft, section=general, user=nfp_germany, by=nfp_kenya)
    client.force_login(nfp_germany)
    url = reverse("reporting:section", args=[draft.pk, general.pk])
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", "application/pdf")
    posted = client.post(
        url, {"t.evidence@#present": "1", "t.evidence@#rev": "0", "t.evidence@": letter}
    )
    assert posted.status_code == 302
    close(draft)
    page = client.get(url)
    assert page.status_code == 200 and CLOSED in page.content.decode()
    download = client.get(reverse("reporting:answer-file", args=[draft.pk, "t.evidence"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 letter"
    other = reverse("reporting:section", args=[draft.pk, section(draft, "III").pk])
    assert client.get(other).status_code == 403  # still only the sections assigned to them
