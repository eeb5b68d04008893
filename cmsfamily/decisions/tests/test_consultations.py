import datetime
import io

import docx
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cmsfamily.core.testing import LOGIN, cms_secretariat_only, everyone, matrix, status_of
from cmsfamily.decisions import selectors, services
from cmsfamily.decisions.models import Comment, Consultation, DraftParagraph
from cmsfamily.decisions.tests.drafts_data import SEED_004_NOTE, note_docx, note_markdown
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(secretariat):
    return services.open_consultation(
        title="Concept note towards a Strategic Plan",
        content=note_docx(),
        file_name="concept-note.docx",
        deadline=timezone.now() + datetime.timedelta(days=30),
        visibility="commenters",
        all_nfps=True,
        organisations=[Organisation.objects.get(slug="birdlife")],
        by=secretariat,
    )


def paragraph(consultation, number, version=1):
    return DraftParagraph.objects.get(
        version__consultation=consultation, version__number=version, number=number
    )


def test_only_the_secretariat_opens_and_a_bad_draft_saves_nothing(secretariat, nfp_kenya):
    deadline = timezone.now() + datetime.timedelta(days=3)
    common = {"title": "T", "deadline": deadline, "visibility": "secretariat", "all_nfps": True}
    with pytest.raises(PermissionDenied):
        services.open_consultation(content=note_docx(), file_name="a.docx", by=nfp_kenya, **common)
    with pytest.raises(ValidationError):
        services.open_consultation(content=b"junk", file_name="a.docx", by=secretariat, **common)
    with pytest.raises(ValidationError):
        services.open_consultation(
            content=note_docx(),
            file_name="a.docx",
            by=secretariat,
            **{**common, "deadline": timezone.now() - datetime.timedelta(days=1)},
        )
    with pytest.raises(ValidationError):
        services.open_consultation(
            content=note_docx(),
            file_name="a.docx",
            by=secretariat,
            **{**common, "all_nfps": False},
        )
    assert not Consultation.objects.exists()
    made = services.open_consultation(
        content=note_markdown(), file_name="a.md", by=secretariat, **common
    )
    assert made.versions.get().paragraphs.filter(kind="heading").count() == 3


def test_comments_and_the_refusals(consultation, nfp_kenya, birdlife_fp, eurobats_officer, wwf_fp):
    first = paragraph(consultation, "1")
    services.comment(paragraph=first, kind="general", text="Mention the regions.", by=nfp_kenya)
    proposal = services.comment(
        paragraph=paragraph(consultation, "3"),
        kind="proposal",
        proposed_text="To focus on the issue and on the CMS instruments;",
        by=birdlife_fp,
    )
    assert proposal.on_behalf == ""
    for outsider in (eurobats_officer, wwf_fp):
        with pytest.raises(PermissionDenied):
            services.comment(paragraph=first, kind="general", text="x", by=outsider)
    with pytest.raises(ValidationError):  # a proposal needs its text
        services.comment(paragraph=first, kind="proposal", text="x", by=nfp_kenya)
    with pytest.raises(ValidationError):
        services.comment(paragraph=first, kind="general", text="  ", by=nfp_kenya)
    consultation.deadline = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    with pytest.raises(ValidationError) as late:
        services.comment(paragraph=first, kind="general", text="late", by=nfp_kenya)
    assert late.value.code == "after_deadline"
    assert Comment.objects.count() == 2


def test_resolution_needs_a_reason_and_version_2_answers_comments(
    consultation, secretariat, nfp_kenya, birdlife_fp, client_as
):
    kenya_comment = services.comment(
        paragraph=paragraph(consultation, "3"),
        kind="proposal",
        proposed_text="To focus on the whole issue, not the CMS instruments;",
        by=nfp_kenya,
    )
    birdlife_comment = services.comment(
        paragraph=paragraph(consultation, "1"),
        kind="general",
        text="Fine as it is.",
        by=birdlife_fp,
    )
    with pytest.raises(ValidationError) as refused:
        services.resolve_comment(
            comment=kenya_comment, resolution="accepted", reason=" ", by=secretariat
        )
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    with pytest.raises(PermissionDenied):
        services.resolve_comment(
            comment=kenya_comment, resolution="accepted", reason="ok", by=nfp_kenya
        )
    services.resolve_comment(
        comment=kenya_comment, resolution="accepted", reason="Clearer.", by=secretariat
    )
    services.resolve_comment(
        comment=birdlife_comment,
        resolution="not_accepted",
        reason="No change asked.",
        by=secretariat,
    )
    blocks = [
        (
            kind,
            "To focus on the whole issue, not the CMS instruments;"
            if text.startswith("To focus")
            else text,
        )
        for kind, text in SEED_004_NOTE
    ]
    version = services.upload_version(
        consultation=consultation, content=note_docx(blocks), file_name="v2.docx", by=secretariat
    )
    changed = version.paragraphs.get(number="3")
    assert list(changed.answers.all()) == [kenya_comment]
    assert changed.previous == paragraph(consultation, "3")
    assert version.paragraphs.get(number="1").previous == paragraph(consultation, "1")
    with pytest.raises(ValidationError) as old:  # a paragraph of version 1 is closed
        services.comment(
            paragraph=paragraph(consultation, "2"), kind="general", text="x", by=nfp_kenya
        )
    assert old.value.code == "other_version"
    page = client_as(nfp_kenya).get(reverse("consultations:changes", args=[consultation.slug, 2]))
    text = page.content.decode()
    assert "<ins>whole</ins>" in text and "Answers:" in text and "Clearer" not in text
    assert "Accepted" in text


def test_compilation_downloads_as_xlsx_and_docx_formula_guarded(
    consultation, secretariat, nfp_kenya, client_as
):
    services.comment(
        paragraph=paragraph(consultation, "1"),
        kind="general",
        text='=HYPERLINK("http://evil.example","click")',
        by=nfp_kenya,
    )
    client = client_as(secretariat)
    xlsx = client.get(reverse("consultations:compilation", args=[consultation.slug, "xlsx"]))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Version" and len(rows) == 2
    comment_cell = sheet.cell(row=2, column=7)
    assert comment_cell.data_type != "f" and "HYPERLINK" in str(comment_cell.value)
    word = client.get(reverse("consultations:compilation", args=[consultation.slug, "docx"]))
    table = docx.Document(io.BytesIO(word.content)).tables[0]
    assert len(table.rows) == 2 and "HYPERLINK" in table.rows[1].cells[6].text
    assert (
        client.get(
            reverse("consultations:compilation", args=[consultation.slug, "pdf"])
        ).status_code
        == 404
    )


def test_adoption_enters_the_register_and_reaches_kenyas_nfp(
    consultation, secretariat, nfp_kenya, client_as
):
    with pytest.raises(ValidationError):
        services.adopt(
            consultation=consultation,
            number="11.2",
            meeting="COP11",
            adopted_on=None,
            addressees="99: parties",
            by=secretariat,
        )
    with pytest.raises(ValidationError):
        services.adopt(
            consultation=consultation,
            number="11.2",
            meeting="COP11",
            adopted_on=None,
            addressees="7: the moon",
            by=secretariat,
        )
    response = client_as(secretariat).post(
        reverse("consultations:adopt", args=[consultation.slug]),
        {
            "number": "11.2",
            "meeting": "COP11",
            "adopted_on": "2014-11-09",
            "addressees": "7: parties\n1: secretariat",
        },
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    decision = consultation.adopted_as
    assert decision.kind == "resolution" and decision.paragraphs.count() == 7
    assert decision.paragraphs.get(number="7").addressees.get().kind == "parties"
    duties = selectors.duties(nfp_kenya)
    assert [
        d.addressee.paragraph.number for d in duties if d.addressee.paragraph.decision == decision
    ] == ["7"]
    page = client_as(nfp_kenya).get(reverse("decisions:my-implementation"))
    assert "Organizing expert meetings" in page.content.decode()


@pytest.mark.parametrize("persona,expected", everyone(200))
def test_list_is_open_and_scoped(consultation, client_as, request, persona, expected):
    response = client_as(
        request.getfixturevalue(persona)
        if persona != "anonymous"
        else request.getfixturevalue("anonymous")
    ).get(reverse("consultations:list"))
    assert response.status_code == expected
    sees = consultation.title in response.content.decode()
    assert sees == (persona in {"nfp_kenya", "nfp_germany", "birdlife_fp", "secretariat"})


@pytest.mark.parametrize(
    "persona,expected",
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_consultation_page_and_compilation(consultation, client_as, request, persona, expected):
    url = consultation.get_absolute_url()
    assert status_of(client_as, request, persona, "GET", url) == expected
    download = reverse("consultations:compilation", args=[consultation.slug, "xlsx"])
    assert status_of(client_as, request, persona, "GET", download) == expected


@pytest.mark.parametrize("persona,expected", cms_secretariat_only(anonymous=LOGIN))
def test_secretariat_pages(consultation, client_as, request, persona, expected):
    for name in ("consultations:version-add", "consultations:adopt"):
        url = reverse(name, args=[consultation.slug])
        assert status_of(client_as, request, persona, "GET", url) == (
            404 if expected == 403 and persona == "eurobats_officer" else expected
        )
    assert status_of(client_as, request, persona, "GET", reverse("consultations:add")) == expected


def test_comment_visibility_follows_the_consultation(
    consultation, nfp_kenya, birdlife_fp, secretariat
):
    services.comment(paragraph=paragraph(consultation, "1"), kind="general", text="K", by=nfp_kenya)
    assert selectors.comments_for(birdlife_fp, consultation).count() == 1
    consultation.visibility = "secretariat"
    consultation.save()
    assert selectors.comments_for(birdlife_fp, consultation).count() == 0
    assert selectors.comments_for(nfp_kenya, consultation).count() == 1
    assert selectors.comments_for(secretariat, consultation).count() == 1


def test_pages_refuse_bad_input(consultation, client_as, secretariat, nfp_kenya, eurobats_officer):
    kenya = client_as(nfp_kenya)
    url = reverse(
        "consultations:comment", args=[consultation.slug, paragraph(consultation, "1").pk]
    )
    assert kenya.post(url, {"kind": "general", "text": ""}).status_code == 400
    assert kenya.post(url, {"kind": "shout", "text": "x"}).status_code == 400
    bad = reverse("consultations:comment", args=[consultation.slug, 2147483647])
    assert kenya.post(bad, {"kind": "general", "text": "x"}).status_code == 404
    assert kenya.get(consultation.get_absolute_url(), {"version": "x"}).status_code == 400
    assert kenya.get(consultation.get_absolute_url(), {"version": "9"}).status_code == 404
    assert kenya.post(url, {"kind": "general", "text": "ok"}).status_code == 302
    comment = Comment.objects.get()
    resolve = reverse("consultations:resolve", args=[consultation.slug, comment.pk])
    assert kenya.post(resolve, {"resolution": "accepted", "reason": "x"}).status_code == 403
    office = client_as(secretariat)
    assert office.post(resolve, {"resolution": "accepted", "reason": ""}).status_code == 400
    assert office.post(resolve, {"resolution": "maybe", "reason": "x"}).status_code == 400
    comment.refresh_from_db()
    assert comment.resolution == ""
    add = reverse("consultations:version-add", args=[consultation.slug])
    for upload in (
        SimpleUploadedFile("v2.docm", note_docx()),
        SimpleUploadedFile("v2.docx", b"not a document"),
    ):
        assert office.post(add, {"draft": upload}).status_code == 400
    assert consultation.versions.count() == 1
    good = SimpleUploadedFile("v2.md", note_markdown())
    assert office.post(add, {"draft": good}).status_code == 302


def test_open_through_the_page(client_as, secretariat):
    response = client_as(secretariat).post(
        reverse("consultations:add"),
        {
            "title": "Draft resolution",
            "draft": SimpleUploadedFile("note.docx", note_docx()),
            "deadline": "2099-01-01T12:00",
            "languages": ["en", "fr"],
            "visibility": "commenters",
            "all_nfps": "on",
        },
    )
    assert response.status_code == 302
    made = Consultation.objects.get()
    assert made.languages == ["en", "fr"] and made.versions.get().paragraphs.count() == 10


def test_consultation_page_queries_do_not_grow_with_comments(
    consultation, nfp_kenya, secretariat, client_as, django_assert_max_num_queries
):
    client = client_as(secretariat)
    url = consultation.get_absolute_url()
    services.comment(paragraph=paragraph(consultation, "1"), kind="general", text="a", by=nfp_kenya)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(2, 8):
        services.comment(
            paragraph=paragraph(consultation, str(n)),
            kind="proposal",
            proposed_text=f"New text {n}",
            by=nfp_kenya,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('class="comment"') == 7
