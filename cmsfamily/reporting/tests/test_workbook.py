"""The offline workbook: download, fill in, upload, preview, confirm; and every refusal."""

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services, workbook
from cmsfamily.reporting.models import Answer, LoopEntry, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

FILLED = [
    Edit("t.departments", "", "Ministry of Environment", 0),
    Edit("t.narrative", "", "First paragraph.\n\nSecond, with a line\nbreak.", 0),
    Edit("t.committee", "", "yes", 0),
    Edit("t.area-total", "", "1200.5", 0),
    Edit("t.area-protected", "", "300.25", 0),
    Edit("t.staff", "", "12", 0),
    Edit("t.share", "", "12.5", 0),
    Edit("t.adopted", "", "2022-03-01", 0),
    Edit("t.year", "", "2021", 0),
    Edit("t.priority", "", "high", 0),
    Edit("t.threats", "", ["bycatch", "turbines"], 0),
    Edit("t.website", "", "https://example.org/plan", 0),
    Edit(
        "t.projects",
        "",
        [{"name": "Flyway", "budget": "1000.5", "start": "2021-01-01"}, {"name": "Wetlands"}],
        0,
    ),
    Edit("t.partner-party", "", "DE", 0),
    Edit("t.obstacles", "birds", "yes", 0),
    Edit("t.actions", "birds", "Power lines insulated.", 0),
    Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def report(db, nfp_kenya):
    _template, version = build_template()
    submission = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    result = services.save_answers(submission=submission, edits=FILLED, by=nfp_kenya)
    assert result.ok, result.errors
    return submission


@pytest.fixture
def media(settings, tmp_path):
    """Uploads waiting for confirmation go to a temporary storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _book(data):
    return load_workbook(io.BytesIO(data))


def workbook_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def answer_cell(book, ident, column_id="v"):
    """The cell of an answer, by its hidden identifiers (row id in column A, column id in row 1)."""
    for sheet in book.worksheets:
        columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
        if column_id not in columns:
            continue
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == ident:
                return sheet.cell(row=row[0].row, column=columns[column_id])
    raise AssertionError(f"no cell {ident} / {column_id}")


def _read(data, submission, user, language="en"):
    return workbook.read(data, submission=submission, user=user, language=language)


def test_export_then_import_changes_nothing(report, nfp_kenya):
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    plan = _read(data, report, nfp_kenya)
    assert plan.errors == [] and plan.changes == []
    assert plan.unchanged == len(FILLED)


def test_every_cell_read_back_means_the_same_answer(report, nfp_kenya):
    """Not only untouched: each exported cell, read as if typed, gives the stored value back."""
    data = workbook.draft_workbook(report, nfp_kenya, "fr")
    book = _book(data)
    meta = book[workbook.META]
    for row in meta.iter_rows():
        if row[0].value == "a":
            row[4].value = "changed"  # forget every fingerprint: every cell is read and cleaned
    plan = _read(workbook_bytes(book), report, nfp_kenya, language="fr")
    assert plan.errors == []
    assert plan.changes == []
    assert plan.unchanged == len(FILLED)


def test_layout_sheets_locked_cells_lists_and_hidden_identifiers(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    assert book.sheetnames[0] == "About"
    assert book[workbook.META].sheet_state == "veryHidden"
    general = book["I General"]
    assert general.protection.sheet
    assert general.column_dimensions["A"].hidden and general.row_dimensions[1].hidden
    answer = answer_cell(book, "q|t.staff")
    assert answer.value == 12 and answer.protection.locked is False
    assert general.cell(row=answer.row, column=3).protection.locked is True  # the question
    kinds = {rule.type for rule in general.data_validations.dataValidation}
    assert {"list", "whole", "decimal", "date", "textLength"} <= kinds
    loop = book["II Appendix I species"]
    assert [loop.cell(row=r, column=1).value for r in (4, 5)] == ["k|birds", "k|aquatic-mammals"]
    assert answer_cell(book, "k|birds", "q|t.obstacles").value == "Yes"
    assert book["Table I.13"].cell(row=3, column=3).value == "Flyway"
    assert answer_cell(book, "q|t.evidence").protection.locked is True  # files stay online


def test_questions_in_the_users_language(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "fr"))
    assert answer_cell(book, "q|t.priority").value == "Haute"
    assert answer_cell(book, "q|t.committee").value == "Oui"
    assert book["À propos"] if "À propos" in book.sheetnames else book["About"]


def test_a_filled_workbook_previews_then_saves(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, "q|t.staff").value = 15
    answer_cell(book, "q|t.priority").value = "Low"
    answer_cell(book, "k|aquatic-mammals", "q|t.obstacles").value = "Yes"
    answer_cell(book, "k|aquatic-mammals", "q|t.actions").value = "Nets removed."
    table = book["Table I.13"]
    table.cell(row=5, column=3).value = "New project"
    table.cell(row=5, column=4).value = 25
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    assert plan.errors == []
    changes = {(c.code, c.key): (c.old, c.new) for c in plan.changes}
    assert changes[("t.staff", "")] == (12, 15)
    assert changes[("t.priority", "")] == ("high", "low")
    assert changes[("t.obstacles", "aquatic-mammals")] == ("no", "yes")
    assert changes[("t.projects", "")][1][-1] == {"name": "New project", "budget": "25"}
    assert len(changes) == 5
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 12
    result = workbook.apply(plan, submission=report, user=nfp_kenya)
    assert result.ok
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 15


def test_errors_by_sheet_and_cell_and_nothing_written(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    staff = answer_cell(book, "q|t.staff")
    staff.value = "twelve"
    adopted = answer_cell(book, "q|t.adopted")
    adopted.value = "01/03/2022"
    priority = answer_cell(book, "q|t.priority")
    priority.value = "Urgent"
    answer_cell(book, "q|t.departments").value = "Changed, but the workbook has errors"
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    where = {(e.sheet, e.cell): e.message for e in plan.errors}
    assert where[("I General", staff.coordinate)] == "Enter a whole number."
    assert "YYYY-MM-DD" in where[("I General", adopted.coordinate)]
    assert where[("I General", priority.coordinate)] == "Choose one of the options offered."
    assert plan.changes == []


def test_errors_in_the_users_language(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "fr"))
    answer_cell(book, "q|t.staff").value = "douze"
    from django.utils import translation

    with translation.override("fr"):
        plan = _read(workbook_bytes(book), report, nfp_kenya, language="fr")
    assert plan.errors[0].message == "Saisissez un nombre entier."


def test_a_deleted_identifier_and_a_duplicated_row(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    staff = answer_cell(book, "q|t.staff")
    general = staff.parent
    general.cell(row=staff.row, column=1).value = None
    staff.value = 20
    loop = book["II Appendix I species"]
    loop.cell(row=6, column=1).value = "k|birds"  # a copied row
    loop.cell(row=6, column=2).value = "Birds"
    loop.cell(row=6, column=3).value = "No"
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    messages = " ".join(e.message for e in plan.errors)
    assert "lost its hidden identifier" in messages
    assert "appears twice" in messages
    assert {e.cell for e in plan.errors} == {staff.coordinate, "C6"}


def test_reordered_and_renamed_sheets_and_rows_still_import(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    general = book["I General"]
    general.title = "Renamed"
    book.move_sheet("Renamed", offset=2)
    general.move_range("A3:E4", rows=40)  # two rows moved far down
    answer_cell(book, "q|t.narrative").value = "Rewritten."
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    assert plan.errors == []
    assert [(c.code, c.new) for c in plan.changes] == [("t.narrative", "<p>Rewritten.</p>")]


def test_conflict_since_the_download(report, nfp_kenya):
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    staff = Answer.objects.get(submission=report, question__code="t.staff")
    assert services.save_answers(
        submission=report, edits=[Edit("t.staff", "", "30", staff.revision)], by=nfp_kenya
    ).ok
    book = _book(data)
    answer_cell(book, "q|t.staff").value = 40
    answer_cell(book, "q|t.year").value = 2020
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    [conflict] = plan.conflicts
    assert (conflict.code, conflict.old, conflict.new) == ("t.staff", 30, 40)
    # Theirs is kept unless the user chooses theirs: the other change is written.
    assert workbook.apply(plan, submission=report, user=nfp_kenya).ok
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 30
    assert Answer.objects.get(submission=report, question__code="t.year").value == 2020


def test_conflict_kept_mine(report, nfp_kenya):
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    staff = Answer.objects.get(submission=report, question__code="t.staff")
    services.save_answers(
        submission=report, edits=[Edit("t.staff", "", "30", staff.revision)], by=nfp_kenya
    )
    book = _book(data)
    answer_cell(book, "q|t.staff").value = 40
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    assert workbook.apply(plan, submission=report, user=nfp_kenya, keep_mine=["t.staff@"]).ok
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 40


def test_the_same_value_saved_online_after_the_preview_is_a_conflict(report, nfp_kenya):
    """The preview planned 12 -> 15 from revision 1; someone saves 15 online before the plan is
    written: the plan's write is from an old revision, so it is a conflict (the page then shows
    the preview again), not a change acknowledged that someone else made."""
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, "q|t.staff").value = 15
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    staff = Answer.objects.get(submission=report, question__code="t.staff")
    assert services.save_answers(
        submission=report, edits=[Edit("t.staff", "", 15, staff.revision)], by=nfp_kenya
    ).ok
    result = workbook.apply(plan, submission=report, user=nfp_kenya)
    assert not result.ok and not result.saved
    [conflict] = result.conflicts
    assert (conflict.yours, conflict.theirs, conflict.their_revision) == (15, 15, 2)
    assert Answer.objects.get(pk=staff.pk).revision == 2


def test_an_unchanged_cell_never_overwrites_a_change_made_online(report, nfp_kenya):
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    staff = Answer.objects.get(submission=report, question__code="t.staff")
    services.save_answers(
        submission=report, edits=[Edit("t.staff", "", "30", staff.revision)], by=nfp_kenya
    )
    plan = _read(data, report, nfp_kenya)
    assert plan.changes == []


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"name,value\nstaff,12\n", "report.csv", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "report.xls", "97-2003"),
        (_zip({"hello.txt": b"hi"}), "report.xlsx", "not an Excel workbook"),
        (
            _zip({"xl/workbook.xml": b"<x/>", "xl/vbaProject.bin": b"macro"}),
            "report.xlsx",
            "macros",
        ),
        (b"", "report.xlsm", "macros"),
        (_zip({"xl/workbook.xml": b"<x/>" + b" " * (30 * 2**20)}), "bomb.xlsx", "unpacks"),
        (_zip({"xl/workbook.xml": b"not xml", "[Content_Types].xml": b"x"}), "a.xlsx", "damaged"),
    ],
    ids=["csv", "xls", "zip", "macros", "xlsm", "zip-bomb", "corrupt"],
)
def test_files_refused_before_reading(report, nfp_kenya, data, name, message):
    with pytest.raises(workbook.WorkbookRefused) as refused:
        workbook.read(data, submission=report, user=nfp_kenya, language="en", name=name)
    assert message in refused.value.messages[0]


def _recompressed(data: bytes, compression) -> bytes:
    """The same workbook with its parts compressed otherwise (Excel never writes bzip2)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for member in source.infolist():
            archive.writestr(member.filename, source.read(member))
    return buffer.getvalue()


def test_parts_compressed_as_excel_never_does_are_refused(report, nfp_kenya):
    data = _recompressed(workbook.draft_workbook(report, nfp_kenya, "en"), zipfile.ZIP_BZIP2)
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(data, report, nfp_kenya)
    assert "compressed in a way" in refused.value.messages[0]


def test_too_much_shared_text(report, nfp_kenya, monkeypatch):
    monkeypatch.setattr(workbook.reader, "MAX_SHARED_STRINGS", 10)
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            archive.writestr(member.filename, source.read(member))
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "x" * 100 + "</sst>")
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(buffer.getvalue(), report, nfp_kenya)
    assert "unpacks to far more" in refused.value.messages[0]


def test_too_many_sheets(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    for number in range(workbook.EXTRA_SHEETS + 1):
        book.create_sheet(f"Notes {number}")
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(workbook_bytes(book), report, nfp_kenya)
    assert "sheets; the report's has" in refused.value.messages[0]


def test_a_far_away_cell_costs_nothing_and_changes_nothing(report, nfp_kenya):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    book["I General"]["XFD1048576"] = "far away"
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    assert (plan.errors, plan.changes) == ([], [])


def test_truncated_file(report, nfp_kenya):
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(data[: len(data) // 2], report, nfp_kenya)
    assert "damaged or incomplete" in refused.value.messages[0]


def test_too_large(report, nfp_kenya, settings):
    settings.REPORTING_WORKBOOK_MAX_BYTES = 1000
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(workbook.draft_workbook(report, nfp_kenya, "en"), report, nfp_kenya)
    assert "at most" in refused.value.messages[0]


def test_not_from_this_platform(report, nfp_kenya):
    from openpyxl import Workbook

    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(workbook_bytes(Workbook()), report, nfp_kenya)
    assert "not downloaded from this platform" in refused.value.messages[0]


def test_another_reporters_workbook(report, nfp_kenya, nfp_germany):
    germany = Submission.objects.get(cycle=report.cycle, party__code="DE")
    data = workbook.draft_workbook(germany, nfp_germany, "en")
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(data, report, nfp_kenya)
    assert "report of DE, not of Kenya" in refused.value.messages[0]


def test_another_template_version(report, nfp_kenya, secretariat):
    data = workbook.draft_workbook(report, nfp_kenya, "en")
    v2 = services.new_version(template=report.cycle.version.template, by=secretariat)
    cycle = services.create_cycle(
        slug="next",
        version=v2,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2026, 12, 31),
        opens_on=dt.date(2027, 1, 1),
        deadline=dt.date(2027, 4, 30),
        expected="chosen",
        parties=[report.party],
        title_en="Next cycle",
        by=secretariat,
    )
    later = Submission.objects.get(cycle=cycle)
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(data, later, nfp_kenya)
    assert "uses version 2" in refused.value.messages[0]


def test_a_submitted_versions_copy_is_for_reading(report, nfp_kenya):
    services.save_answers(
        submission=report,
        edits=[Edit("t.obstacles", "aquatic-mammals", "no", 1)],
        by=nfp_kenya,
    )
    version = services.submit(submission=report, by=nfp_kenya)
    data = workbook.version_workbook(version)
    book = _book(data)
    assert answer_cell(book, "q|t.staff").protection.locked is True
    services.recall(submission=report, by=nfp_kenya)
    with pytest.raises(workbook.WorkbookRefused) as refused:
        _read(data, report, nfp_kenya)
    assert "for reading" in refused.value.messages[0]


def test_blank_template_fills_a_report(report, nfp_kenya):
    data = workbook.blank_workbook(report.cycle.version, "en")
    book = _book(data)
    answer_cell(book, "q|t.year").value = 2019
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    assert plan.errors == []
    [change] = plan.changes
    assert (change.code, change.old, change.new, change.conflict) == ("t.year", 2021, 2019, True)


def test_a_contributor_changes_only_their_sections(report, nfp_kenya, nfp_germany):
    """Another person's changes to sections not assigned to them are refused at the cell."""
    general = report.cycle.version.sections.get(number="I")
    species = report.cycle.version.sections.get(number="II")
    services.assign_section(submission=report, section=species, user=nfp_germany, by=nfp_kenya)
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, "q|t.staff").value = 99
    plan = _read(workbook_bytes(book), report, nfp_germany)
    assert [e.message for e in plan.errors] == [
        f"You may not change section {general.number}: it is not assigned to you, or the "
        "report is no longer a draft."
    ]
    own = _book(workbook.draft_workbook(report, nfp_germany, "en"))
    assert "I General" not in own.sheetnames


def test_reporter_added_loop_items_are_rows(report, nfp_kenya):
    services.add_loop_entry(
        submission=report,
        section=report.cycle.version.sections.get(number="III"),
        label="Lake Naivasha",
        by=nfp_kenya,
    )
    entry = LoopEntry.objects.get(submission=report)
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, f"k|{entry.key}", "q|t.site-area").value = 1500
    plan = _read(workbook_bytes(book), report, nfp_kenya)
    assert [(c.key, c.new, c.loop_label) for c in plan.changes] == [
        (entry.key, "1500", "Lake Naivasha")
    ]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_workbook_saved_by_libreoffice(report, nfp_kenya, tmp_path):
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, "q|t.staff").value = 21
    source = tmp_path / "in" / "report.xlsx"
    source.parent.mkdir()
    source.write_bytes(workbook_bytes(book))
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    plan = _read((tmp_path / "out" / "report.xlsx").read_bytes(), report, nfp_kenya)
    assert plan.errors == []
    assert [(c.code, c.new) for c in plan.changes] == [("t.staff", 21)]


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reporting:workbook", "reporting:workbook-upload"])
@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=302,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=404,
        eurobats_officer=404,
    ),
)
def test_who_works_offline(client_as, request, persona, status, report, name):
    response = client_for(client_as, request, persona).get(reverse(name, args=[report.pk]))
    assert response.status_code == status
    if status == 200 and name == "reporting:workbook":
        assert response["Content-Type"] == workbook.CONTENT_TYPE
        assert 'filename="test-cycle-KE-en.xlsx"' in response["Content-Disposition"]


def _upload(client, report, data, name="report.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("reporting:workbook-upload", args=[report.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=workbook.CONTENT_TYPE)},
    )


def test_upload_preview_confirm_through_the_pages(client, report, nfp_kenya, media):
    client.force_login(nfp_kenya)
    page = client.get(reverse("reporting:submission", args=[report.pk])).content.decode()
    assert reverse("reporting:workbook-upload", args=[report.pk]) in page
    book = _book(client.get(reverse("reporting:workbook", args=[report.pk])).content)
    answer_cell(book, "q|t.staff").value = 14
    preview = _upload(client, report, workbook_bytes(book))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Check the changes" in text and "Staff" in text and ">14<" in text
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 12
    token = preview.context["token"]
    done = client.post(reverse("reporting:workbook-confirm", args=[report.pk]), {"token": token})
    assert done.status_code == 302
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 14
    assert not list((media / workbook_pending()).iterdir())
    again = client.post(reverse("reporting:workbook-confirm", args=[report.pk]), {"token": token})
    assert again.status_code == 400 and "no longer waiting" in again.content.decode()


def workbook_pending():
    from cmsfamily.reporting.views.workbook import PENDING

    return PENDING


def test_confirm_after_someone_saved_shows_the_preview_again(client, report, nfp_kenya, media):
    client.force_login(nfp_kenya)
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, "q|t.staff").value = 14
    token = _upload(client, report, workbook_bytes(book)).context["token"]
    staff = Answer.objects.get(submission=report, question__code="t.staff")
    services.save_answers(
        submission=report, edits=[Edit("t.staff", "", "30", staff.revision)], by=nfp_kenya
    )
    response = client.post(
        reverse("reporting:workbook-confirm", args=[report.pk]), {"token": token}
    )
    assert response.status_code == 409
    assert "keep mine" in response.content.decode()
    assert Answer.objects.get(submission=report, question__code="t.staff").value == 30


def test_upload_errors_listed_by_cell(client, report, nfp_kenya):
    client.force_login(nfp_kenya)
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    cell = answer_cell(book, "q|t.staff")
    cell.value = "many"
    response = _upload(client, report, workbook_bytes(book))
    assert response.status_code == 400
    text = response.content.decode()
    assert f"<code>{cell.coordinate}</code>" in text and "Enter a whole number." in text


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"just text", "notes.txt"), (b"PK\x03\x04broken", "report.xlsx")],
    ids=["text", "corrupt"],
)
def test_upload_refusals_are_shown_at_the_field(client, report, nfp_kenya, data, name):
    client.force_login(nfp_kenya)
    response = _upload(client, report, data, name)
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_upload_with_no_change(client, report, nfp_kenya):
    client.force_login(nfp_kenya)
    response = _upload(client, report, workbook.draft_workbook(report, nfp_kenya, "en"))
    assert response.status_code == 302


def test_forged_token(client, report, nfp_kenya):
    client.force_login(nfp_kenya)
    response = client.post(
        reverse("reporting:workbook-confirm", args=[report.pk]), {"token": "forged"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_who_downloads_a_version_workbook(client_as, request, persona, status, report, nfp_kenya):
    services.save_answers(
        submission=report, edits=[Edit("t.obstacles", "aquatic-mammals", "no", 1)], by=nfp_kenya
    )
    services.submit(submission=report, by=nfp_kenya)
    response = client_for(client_as, request, persona).get(
        reverse("reporting:version-xlsx", args=[report.pk, 1])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=200,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=200,
    ),
)
def test_who_downloads_a_blank_frozen_template(client_as, request, persona, status, report):
    version = report.cycle.version
    response = client_for(client_as, request, persona).get(
        reverse("reporting:template-workbook", args=[version.template.slug, version.number])
    )
    assert response.status_code == status


def test_query_count_of_download_does_not_grow_with_loop_items(
    report, nfp_kenya, client, django_assert_max_num_queries
):
    client.force_login(nfp_kenya)
    url = reverse("reporting:workbook", args=[report.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        client.get(url)
    section = report.cycle.version.sections.get(number="III")
    for number in range(20):
        services.add_loop_entry(
            submission=report, section=section, label=f"Site {number}", by=nfp_kenya
        )
    with django_assert_max_num_queries(30):
        client.get(url)


def test_uploads_never_confirmed_are_forgotten_after_a_day(client, report, nfp_kenya, media):
    import os
    import time

    stale = media / workbook_pending() / "old.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    client.force_login(nfp_kenya)
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer_cell(book, "q|t.staff").value = 14
    assert _upload(client, report, workbook_bytes(book)).status_code == 200
    assert not stale.exists()
    assert len(list(stale.parent.iterdir())) == 1  # the new upload waits for its confirmation


def test_sheet_names_excel_accepts():
    from cmsfamily.reporting.workbook.writer import SheetNames

    names = SheetNames("About", "_lists")
    assert names("History") == "History (2)"  # Excel keeps "History" for itself
    assert names("about") == "about (2)"
    assert names("Table: 1/2 [a]*?") == "Table 1 2 a"
    assert names("<i>" + "x" * 40 + "</i>") == "x" * 31
    assert names("x" * 40) == "x" * 27 + " (2)"
    assert names("   ") == "Sheet"


def test_an_unnumbered_question_is_named_in_the_number_column(report, nfp_kenya):
    from django.utils import timezone

    from cmsfamily.reporting.models import Item, Question

    Item.objects.filter(question__code="t.staff").update(number="")
    Question.objects.filter(code="t.staff").update(modified=timezone.now())  # a new structure
    book = _book(workbook.draft_workbook(report, nfp_kenya, "en"))
    answer = answer_cell(book, "q|t.staff")
    label = answer.parent.cell(row=answer.row, column=2).value
    assert label and label.startswith("I")  # its section and position, never blank
