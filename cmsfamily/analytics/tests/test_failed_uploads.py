"""Refused uploads are recorded (who, when, which upload, for whom, the file's name and size, the
reasons shown) and listed in the Secretariat's review queue; a Party's are seen by its own focal
points and the Secretariat, never by another Party or Partner. The file itself is never kept."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cmsfamily.contributions.tests.test_donors_and_upload import ledger_workbook, staff_days_row
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import UploadKind
from cmsfamily.directory.models import FailedUpload, Instrument, Organisation, Party
from cmsfamily.reporting import services, workbook
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db
CONTRIBUTIONS_URL = "/contributions/upload/"


@pytest.fixture
def report(db, nfp_kenya):
    _template, version = build_template()
    submission = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    edits = [Edit("t.departments", "", "Ministry of Environment", 0)]
    assert services.save_answers(submission=submission, edits=edits, by=nfp_kenya).ok
    return submission


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _upload(client, report, data, name="report.xlsx"):
    return client.post(
        reverse("reporting:workbook-upload", args=[report.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=workbook.CONTENT_TYPE)},
    )


def _kenya_failure(**overrides):
    values = {
        "by": None,
        "kind": UploadKind.REPORT_WORKBOOK,
        "file_name": "kenya.xlsx",
        "size": 2048,
        "reasons": ["This file is not an Excel workbook."],
        "party": Party.objects.get(code="KE"),
        "instrument": Instrument.objects.get(code="cms"),
        "subject": "Kenya — Test cycle",
        "link": "/reporting/submissions/1/",
    }
    values.update(overrides)
    return registry.record_failed_upload(**values)


# --- recording --------------------------------------------------------------------------------


def test_a_refused_workbook_is_recorded_with_its_reasons(client, report, nfp_kenya, media):
    client.force_login(nfp_kenya)
    response = _upload(client, report, b"just text", "notes from Nairobi.txt")
    # The page says what it said before.
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    shown = response.context["form"].errors["file"]
    failed = FailedUpload.objects.get()
    assert failed.kind == UploadKind.REPORT_WORKBOOK
    assert failed.user == nfp_kenya
    assert failed.party.code == "KE" and failed.organisation is None
    assert failed.instrument.code == "cms"
    assert failed.file_name == "notes from Nairobi.txt"
    assert failed.size == len(b"just text")
    assert failed.reasons == list(shown)
    assert failed.link == report.get_absolute_url()
    # Nothing of the file is kept.
    assert not any(media.rglob("*.txt"))


def test_a_workbook_with_cell_errors_is_recorded_by_cell(client, report, nfp_kenya, media):
    from openpyxl import load_workbook

    from cmsfamily.reporting.tests.test_workbook import answer_cell, workbook_bytes

    client.force_login(nfp_kenya)
    book = load_workbook(__import__("io").BytesIO(workbook.draft_workbook(report, nfp_kenya, "en")))
    cell = answer_cell(book, "q|t.staff")
    cell.value = "many"
    response = _upload(client, report, workbook_bytes(book))
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    failed = FailedUpload.objects.get()
    assert len(failed.reasons) == 1
    assert cell.coordinate in failed.reasons[0] and "Enter a whole number." in failed.reasons[0]


def test_an_accepted_upload_records_nothing(client, report, nfp_kenya, media):
    from openpyxl import load_workbook

    from cmsfamily.reporting.tests.test_workbook import answer_cell, workbook_bytes

    client.force_login(nfp_kenya)
    unchanged = _upload(client, report, workbook.draft_workbook(report, nfp_kenya, "en"))
    assert unchanged.status_code == 302
    book = load_workbook(__import__("io").BytesIO(workbook.draft_workbook(report, nfp_kenya, "en")))
    answer_cell(book, "q|t.staff").value = 14
    assert _upload(client, report, workbook_bytes(book)).status_code == 200
    assert not FailedUpload.objects.exists()


def test_a_refused_post_twice_gives_two_records_and_no_error(client, report, nfp_kenya, media):
    client.force_login(nfp_kenya)
    for _attempt in range(2):
        response = _upload(client, report, b"PK\x03\x04broken")
        assert response.status_code == 400
    assert FailedUpload.objects.count() == 2


def test_a_post_without_a_file_records_nothing(client, report, nfp_kenya):
    client.force_login(nfp_kenya)
    response = client.post(reverse("reporting:workbook-upload", args=[report.pk]), {})
    assert response.status_code == 400
    assert not FailedUpload.objects.exists()


def test_a_refused_contributions_workbook_is_recorded(client, birdlife_fp, media):
    client.force_login(birdlife_fp)
    birdlife = Organisation.objects.get(slug="birdlife")
    bad = staff_days_row(5)
    bad[0] = "gift"  # not a kind of contribution
    response = client.post(
        CONTRIBUTIONS_URL,
        {"organisation": birdlife.pk, "workbook": ledger_workbook([bad]), "confirm": "no"},
    )
    assert response.status_code == 400
    assert "Choose one of" in response.content.decode()
    failed = FailedUpload.objects.get()
    assert failed.kind == UploadKind.CONTRIBUTIONS
    assert failed.user == birdlife_fp and failed.organisation == birdlife
    assert failed.party is None and failed.file_name == "year.xlsx" and failed.size > 0
    assert len(failed.reasons) == 1 and "Choose one of" in failed.reasons[0]
    assert "row 2" in failed.reasons[0]
    assert failed.link == CONTRIBUTIONS_URL


def test_an_accepted_contributions_workbook_records_nothing(client, birdlife_fp, media):
    client.force_login(birdlife_fp)
    birdlife = Organisation.objects.get(slug="birdlife")
    response = client.post(
        CONTRIBUTIONS_URL,
        {
            "organisation": birdlife.pk,
            "workbook": ledger_workbook([staff_days_row(5)]),
            "confirm": "no",
        },
    )
    assert response.status_code == 200
    assert not FailedUpload.objects.exists()


def test_a_contributions_file_that_is_not_a_workbook_is_recorded(client, birdlife_fp, media):
    client.force_login(birdlife_fp)
    birdlife = Organisation.objects.get(slug="birdlife")
    for _attempt in range(2):
        response = client.post(
            CONTRIBUTIONS_URL,
            {
                "organisation": birdlife.pk,
                "workbook": SimpleUploadedFile("year.xlsx", b"not a workbook"),
            },
        )
        assert response.status_code == 400
    assert FailedUpload.objects.filter(organisation=birdlife).count() == 2


def test_reasons_are_shortened():
    failed = _kenya_failure(
        reasons=[f"Problem {n}: " + "x" * 500 for n in range(15)], file_name="a" * 400
    )
    failed.refresh_from_db()
    assert len(failed.reasons) == registry.REASONS_KEPT + 1
    assert failed.reasons[-1] == "… and 5 more."
    assert all(len(reason) <= registry.REASON_LENGTH for reason in failed.reasons)
    assert len(failed.file_name) == 255


# --- who sees them ----------------------------------------------------------------------------


def test_kenyas_failed_upload_is_seen_by_kenya_and_the_secretariat_only(
    secretariat, nfp_kenya, nfp_germany, birdlife_fp, eurobats_officer, anonymous
):
    failed = _kenya_failure(by=nfp_kenya)
    for user, sees in (
        (secretariat, True),
        (nfp_kenya, True),
        (nfp_germany, False),
        (birdlife_fp, False),
        (eurobats_officer, False),  # a CMS report: not EUROBATS's
        (anonymous, False),
    ):
        assert FailedUpload.objects.visible_to(user).filter(pk=failed.pk).exists() is sees, user
        assert user.has_perm("directory.view_failedupload", failed) is sees, user


def test_an_agreement_secretariat_sees_the_uploads_of_its_instrument(eurobats_officer, nfp_kenya):
    failed = _kenya_failure(instrument=Instrument.objects.get(code="eurobats"))
    assert FailedUpload.objects.visible_to(eurobats_officer).filter(pk=failed.pk).exists()
    assert eurobats_officer.has_perm("directory.view_failedupload", failed)


def test_a_partners_failed_upload_is_not_seen_by_another_partner(birdlife_fp, wwf_fp, nfp_kenya):
    failed = _kenya_failure(
        kind=UploadKind.CONTRIBUTIONS,
        party=None,
        instrument=None,
        organisation=Organisation.objects.get(slug="birdlife"),
    )
    assert birdlife_fp.has_perm("directory.view_failedupload", failed)
    assert not wwf_fp.has_perm("directory.view_failedupload", failed)
    assert not nfp_kenya.has_perm("directory.view_failedupload", failed)
    assert not FailedUpload.objects.visible_to(wwf_fp).exists()


# --- the review queue -------------------------------------------------------------------------


def _queue(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_queue_lists_failed_uploads_newest_first(
    client_as, secretariat, nfp_kenya, nfp_germany, django_assert_max_num_queries
):
    old = _kenya_failure(by=nfp_kenya, file_name="last-year.xlsx")
    FailedUpload.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    for number in range(12):
        _kenya_failure(by=nfp_kenya, file_name=f"kenya-{number:02}.xlsx")
    client = client_as(secretariat)
    with django_assert_max_num_queries(30):
        html = _queue(client)
    queue = html.split('id="failed-uploads-heading"')[1]
    assert "Uploads that failed" in html
    assert "kenya-11.xlsx" in queue and "kenya-02.xlsx" in queue
    assert queue.index("kenya-11.xlsx") < queue.index("kenya-10.xlsx")
    assert "kenya-01.xlsx" not in queue  # the ten newest are shown
    assert "last-year.xlsx" not in queue  # more than 30 days ago
    assert "12 uploads failed in the last 30 days" in queue
    assert "This file is not an Excel workbook." in queue
    assert "Report workbook: Kenya — Test cycle" in queue
    assert 'href="/reporting/submissions/1/"' in queue
    assert str(nfp_kenya) in queue
    assert "2.0\xa0KB" in queue or "2.0 KB" in queue


def test_the_review_queue_says_when_nothing_failed(client_as, secretariat):
    html = _queue(client_as(secretariat))
    assert "No upload has failed in the last 30 days." in html


def test_another_party_never_sees_kenyas_failed_upload(client_as, nfp_germany, birdlife_fp):
    _kenya_failure(file_name="kenya-secret.xlsx")
    for user in (nfp_germany, birdlife_fp):
        assert "kenya-secret.xlsx" not in _queue(client_as(user))


def test_the_review_queue_in_french(client_as, secretariat):
    _kenya_failure(file_name="kenya.xlsx")
    response = client_as(secretariat).get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "kenya.xlsx" in response.content.decode()


def test_a_refused_species_table_is_recorded_for_the_cms_secretariat(
    client, secretariat, eurobats_officer, nfp_kenya, media
):
    client.force_login(secretariat)
    bad = b"scientific_name,rank\nPhyseter,x\n"
    response = client.post(
        "/species/import/", {"table": SimpleUploadedFile("whales.csv", bad, "text/csv")}
    )
    assert response.status_code == 400
    shown = [problem.message for problem in response.context["problems"]]
    failed = FailedUpload.objects.get()
    assert failed.kind == UploadKind.SPECIES and failed.file_name == "whales.csv"
    assert failed.size == len(bad) and failed.link == "/species/import/"
    assert len(failed.reasons) == len(shown)
    assert all(any(message in reason for reason in failed.reasons) for message in shown)
    assert FailedUpload.objects.visible_to(secretariat).count() == 1
    assert not FailedUpload.objects.visible_to(eurobats_officer).exists()
    assert not FailedUpload.objects.visible_to(nfp_kenya).exists()


def test_the_uploader_sees_their_own_failed_uploads_on_their_start_page(
    client_as, nfp_kenya, nfp_germany, django_assert_max_num_queries
):
    _kenya_failure(by=nfp_kenya, file_name="kenya-own.xlsx")
    client = client_as(nfp_kenya)
    with django_assert_max_num_queries(30):
        html = _queue(client)
    own = html.split('id="own-failed-uploads-heading"')[1]
    assert "kenya-own.xlsx" in own and "This file is not an Excel workbook." in own
    assert 'id="own-failed-uploads-heading"' not in _queue(client_as(nfp_germany))
