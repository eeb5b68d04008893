"""Slice 1: meetings, their agenda and documents, the public page, the list, the .ics file."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cmsfamily.core import hostile
from cmsfamily.core.testing import LOGIN, cms_secretariat_only, everyone, status_of
from cmsfamily.directory.models import Instrument
from cmsfamily.meetings import services
from cmsfamily.meetings.models import Document, DocumentFile, Meeting
from cmsfamily.meetings.tests.fixtures import cop14

pytestmark = pytest.mark.django_db


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


def form_data(**changes):
    return {
        "code": "stc-70",
        "title": "70th Meeting of the Standing Committee",
        "kind": "stc",
        "instrument": Instrument.objects.get(code="cms").pk,
        "start": "2099-10-01",
        "end": "2099-10-02",
        "format": "remote",
        "venue": "",
        "connection_link": "https://meet.example/stc70",
        "working_languages": "en,fr",
        "description": "",
        **changes,
    }


def test_the_secretariat_creates_a_meeting_with_its_languages(client_as, secretariat):
    response = client_as(secretariat).post("/meetings/add/", form_data())
    assert response.status_code == 302
    meeting = Meeting.objects.get(code="stc-70")
    assert meeting.languages == ["en", "fr"] and meeting.format == "remote"
    assert response.url == "/meetings/stc-70/"


def test_a_meeting_ending_before_it_starts_is_refused_and_nothing_saved(client_as, secretariat):
    response = client_as(secretariat).post(
        "/meetings/add/", form_data(start="2099-10-05", end="2099-10-02")
    )
    assert response.status_code == 400
    assert "cannot end (2099-10-02) before it starts (2099-10-05)" in response.content.decode()
    assert not Meeting.objects.filter(code="stc-70").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"working_languages": "en,xx"}, "Give the working languages as codes"),
        ({"format": "in_person", "venue": ""}, "Give the venue of a meeting held in person."),
        (
            {"format": "in_person", "venue": "Bonn"},
            "A meeting held in person only has no connection link",
        ),
        ({"start": "not a date"}, "Enter a valid date."),
        ({"kind": "party"}, "Select a valid choice."),
    ],
)
def test_bad_meeting_input_is_refused_with_a_message(client_as, secretariat, changes, message):
    response = client_as(secretariat).post("/meetings/add/", form_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.filter(code="stc-70").exists()


def test_a_duplicate_code_is_refused(client_as, secretariat):
    cop14()
    response = client_as(secretariat).post("/meetings/add/", form_data(code="cop14"))
    assert response.status_code == 400
    assert Meeting.objects.filter(code="cop14").count() == 1


def test_an_agreement_secretariat_may_not_run_a_cms_meeting(eurobats_officer):
    with pytest.raises(PermissionDenied):
        services.create_meeting(
            by=eurobats_officer,
            **{
                **form_data(),
                "instrument": Instrument.objects.get(code="cms"),
                "start": date(2099, 10, 1),
                "end": date(2099, 10, 2),
            },
        )


@pytest.mark.parametrize("persona, status", cms_secretariat_only(anonymous=LOGIN))
def test_who_may_create_and_edit(client_as, request, persona, status):
    cop14()
    assert status_of(client_as, request, persona, "GET", "/meetings/cop14/edit/") == status
    assert status_of(client_as, request, persona, "GET", "/meetings/cop14/documents/add/") == status
    assert status_of(client_as, request, persona, "GET", "/meetings/cop14/agenda/add/") == status


@pytest.mark.parametrize("persona, status", everyone(200))
def test_the_meeting_page_list_and_calendar_are_public(client_as, request, persona, status):
    cop14()
    for url in ("/meetings/", "/meetings/cop14/", "/meetings/cop14/calendar.ics"):
        assert status_of(client_as, request, persona, "GET", url) == status


def test_the_connection_link_is_for_the_secretariat_and_attending_invitees(
    client_as, secretariat, nfp_kenya, anonymous
):
    cop14()
    browser = client_as(secretariat)
    assert "meet.example/cop14" in browser.get("/meetings/cop14/").content.decode()
    browser.logout()
    public = client_as(anonymous).get("/meetings/cop14/").content.decode()
    assert "meet.example" not in public
    assert "The connection link is shown to registered participants." in public
    assert "meet.example" not in client_as(nfp_kenya).get("/meetings/cop14/").content.decode()


def test_an_unknown_meeting_is_404(client):
    assert client.get("/meetings/cop99/").status_code == 404
    assert client.get("/meetings/cop99/calendar.ics").status_code == 404


def test_the_calendar_file_is_one_whole_day_event(client):
    cop14()
    response = client.get("/meetings/cop14/calendar.ics")
    from icalendar import Calendar

    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert response["Content-Type"].startswith("text/calendar")
    assert event.decoded("dtstart") == date(2099, 2, 12)
    assert event.decoded("dtend") == date(2099, 2, 18)  # the last day included
    assert str(event["location"]) == "Samarkand, Uzbekistan"


def test_documents_with_symbols_languages_and_revisions(client_as, secretariat, media, client):
    meeting = cop14()
    services.add_agenda_item(meeting=meeting, number="16.1", title="Budget", by=secretariat)
    browser = client_as(secretariat)
    response = browser.post(
        "/meetings/cop14/documents/add/",
        {
            "symbol": "UNEP/CMS/COP14/Doc.16.1",
            "title": "Budget",
            "agenda_item": meeting.agenda_items.get().pk,
            "language": "en",
            "upload": SimpleUploadedFile("doc.pdf", hostile.pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(symbol="UNEP/CMS/COP14/Doc.16.1")
    for language in ("en", "fr"):
        browser.post(
            f"/meetings/cop14/documents/{document.pk}/files/add/",
            {
                "language": language,
                "upload": SimpleUploadedFile("d.pdf", hostile.pdf(), "application/pdf"),
            },
        )
    assert sorted(document.files.values_list("language", "revision")) == [
        ("en", 0),
        ("en", 1),
        ("fr", 0),
    ]
    page = client.get("/meetings/cop14/").content.decode()
    assert "UNEP/CMS/COP14/Doc.16.1" in page and "Rev.1" in page and "16.1" in page
    revised = document.files.get(language="en", revision=1)
    download = client.get(f"/meetings/cop14/files/{revised.pk}/")
    assert download["Content-Disposition"].endswith('UNEP-CMS-COP14-Doc.16.1-rev1-en.pdf"')


@pytest.mark.parametrize(
    "content, message",
    [(b"<html>not a pdf</html>", "must be a PDF file"), (b"%PDF-1.4 broken", "must be a PDF file")],
)
def test_a_document_that_is_not_a_pdf_leaves_nothing_behind(
    client_as, secretariat, media, content, message
):
    cop14()
    response = client_as(secretariat).post(
        "/meetings/cop14/documents/add/",
        {
            "symbol": "UNEP/CMS/COP14/Doc.1",
            "title": "Agenda",
            "language": "en",
            "upload": SimpleUploadedFile("doc.pdf", content, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists() and not DocumentFile.objects.exists()


def test_a_too_large_document_and_a_duplicate_symbol_are_refused(secretariat, media, settings):
    meeting = cop14()
    document = services.add_document(
        meeting=meeting, symbol="UNEP/CMS/COP14/Doc.1", title="Agenda", by=secretariat
    )
    settings.MEETING_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        services.upload_document_file(
            document=document,
            language="en",
            by=secretariat,
            upload=SimpleUploadedFile("d.pdf", hostile.pdf(), "application/pdf"),
        )
    assert "the limit is 100" in str(refused.value)
    with pytest.raises(ValidationError, match="already has a document"):
        services.add_document(
            meeting=meeting, symbol="unep/cms/cop14/doc.1", title="Again", by=secretariat
        )


def test_the_list_filters_and_is_query_bounded(client, django_assert_max_num_queries):
    cms = Instrument.objects.get(code="cms")
    for number in range(12):
        services.create_meeting(
            by=None,
            code=f"stc-{number}",
            title=f"Standing Committee {number}",
            kind="stc",
            instrument=cms,
            start=date(2090 + number, 1, 1),
            end=date(2090 + number, 1, 2),
            format="remote",
            working_languages="en",
        )
    cop14()
    with django_assert_max_num_queries(8):
        response = client.get("/meetings/?kind=cop")
    page = response.content.decode()
    assert "Fourteenth Meeting" in page and "Standing Committee 3" not in page
    with django_assert_max_num_queries(8):
        assert client.get("/meetings/?per_page=5").status_code == 200
    assert client.get("/meetings/?year=-1").status_code == 400
    assert client.get("/meetings/?kind=nonsense").status_code == 400
    assert client.get("/meetings/?export=pdf").status_code == 400
    assert client.get("/meetings/?export=csv").content.count(b"\n") == 14


def test_the_api_lists_meetings_and_documents_without_the_link(client, secretariat):
    meeting = cop14()
    services.add_document(
        meeting=meeting, symbol="UNEP/CMS/COP14/Doc.1", title="Agenda", by=secretariat
    )
    meetings = client.get("/api/meetings/?kind=cop").json()
    assert meetings["results"][0]["code"] == "cop14"
    assert "connection_link" not in meetings["results"][0]
    assert client.get("/api/meetings/cop14/").status_code == 200
    documents = client.get("/api/meeting-documents/?meeting=cop14").json()
    assert documents["results"][0]["symbol"] == "UNEP/CMS/COP14/Doc.1"
    assert client.post("/api/meetings/", {}).status_code == 403
