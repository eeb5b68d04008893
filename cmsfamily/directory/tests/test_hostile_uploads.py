"""Hostile files posted as the confirming letter of an appointment: only a PDF that opens is
stored ('%PDF-' followed by an HTML page was stored as a letter, as the check read five bytes)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmsfamily.core import hostile
from cmsfamily.directory.models import Appointment, Person
from cmsfamily.directory.tests.test_views import nomination_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media):
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize("case", sorted(hostile.pdfs()))
def test_a_nomination_with_a_letter_that_is_not_a_pdf_is_refused(client, nfp_kenya, media, case):
    name, data = hostile.pdfs()[case]
    client.force_login(nfp_kenya)
    document = SimpleUploadedFile(name, data, "application/pdf")
    response = client.post("/parties/ke/nominate/", nomination_data(document=document))
    assert response.status_code == 200  # the form again, with the error at the field
    expected = "The submitted file is empty" if case == "empty" else "must be a PDF file"
    assert expected in str(response.context["form"].errors["document"])
    assert not Person.objects.filter(email="achieng@example.org").exists()
    assert _stored(media) == []


def test_a_real_pdf_letter_is_stored(client, nfp_kenya, media):
    client.force_login(nfp_kenya)
    document = SimpleUploadedFile("letter.pdf", hostile.pdf(), "application/pdf")
    response = client.post("/parties/ke/nominate/", nomination_data(document=document))
    assert response.status_code == 302
    stored = Appointment.objects.get(person__email="achieng@example.org").document
    assert stored.read() == hostile.pdf()


def test_confirming_with_html_behind_a_pdf_header_is_refused(client, nfp_kenya, secretariat, media):
    client.force_login(nfp_kenya)
    client.post("/parties/ke/nominate/", nomination_data())
    nomination = Appointment.objects.get(person__email="achieng@example.org")
    _name, data = hostile.pdfs()["html-behind-pdf-header"]
    client.force_login(secretariat)
    response = client.post(
        f"/appointments/{nomination.pk}/confirm/",
        {"document": SimpleUploadedFile("letter.pdf", data, "application/pdf")},
    )
    assert response.status_code == 400
    assert "must be a PDF file" in str(response.context["confirm_form"].errors["document"])
    nomination.refresh_from_db()
    assert nomination.status == "nominated" and not nomination.document
    assert _stored(media) == []
