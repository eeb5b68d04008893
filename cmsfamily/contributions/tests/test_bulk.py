"""The XLSX bulk upload: every cell checked, all or nothing, duplicates reported and skipped."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook, load_workbook

from cmsfamily.contributions import bulk, services
from cmsfamily.contributions.models import Contribution
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db
HEADER = [name for name, _f, _k in bulk.COLUMNS]


@pytest.fixture
def birdlife(secretariat):
    with transaction.atomic():
        for kind, value in (("staff_time", 300), ("meeting_attendance", 365)):
            services.add_valuation_rule(
                kind=kind,
                value=Decimal(value),
                currency="USD",
                valid_from=date(2019, 1, 1),
                source="seed 003",
                by=secretariat,
            )
    return Organisation.objects.get(slug="birdlife")


def _row(**values):
    base = {
        "kind": "staff_time",
        "description": "Survey",
        "start": date(2024, 1, 10),
        "days": 5,
        "status": "spent",
    }
    base.update(values)
    return [base.get(name) for name in HEADER]


def _upload(rows, header=HEADER, name="year.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.title = bulk.SHEET
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_year_of_work_is_read_and_saved_in_one_go(birdlife, birdlife_fp):
    rows = [
        _row(),
        _row(kind="meeting_attendance", people=4, meetings=4, days=6, description="COP and StC"),
        _row(
            kind="money",
            amount="12000.50",
            currency="USD",
            days=None,
            description="Grant",
            status="received",
        ),
    ]
    upload = bulk.read(_upload(rows), organisation=birdlife)
    assert upload.ok and len(upload.rows) == 3
    saved = bulk.save(upload, by=birdlife_fp)
    assert [entry.value for entry in saved] == [
        Decimal("1500.00"),
        Decimal("35040.00"),
        Decimal("12000.50"),
    ]


def test_every_bad_cell_is_reported_with_its_address_and_nothing_is_saved(birdlife, birdlife_fp):
    rows = [
        _row(),
        _row(days=-3),
        _row(days="many"),
        _row(kind="gift"),
        _row(start="31/12/2024"),
        _row(kind="money", amount=10, currency="XOF", days=None),
        _row(start=date(2010, 1, 1)),
        _row(description=None),
    ]
    upload = bulk.read(_upload(rows), organisation=birdlife)
    cells = {problem.cell: problem.message for problem in upload.problems}
    assert set(cells) == {
        "Contributions!G3",
        "Contributions!G4",
        "Contributions!A5",
        "Contributions!C6",
        "Contributions!F7",
        "Contributions!C8",
        "Contributions!B9",
    }
    assert "is not a number" in cells["Contributions!G4"]
    assert "No exchange rate from XOF to USD" in cells["Contributions!F7"]
    assert "No valuation rule" in cells["Contributions!C8"]
    with pytest.raises(Exception, match="nothing was imported"):
        bulk.save(upload, by=birdlife_fp)
    assert not Contribution.objects.exists()


def test_a_repeated_row_and_an_entry_already_in_the_ledger_are_skipped_not_counted_twice(
    birdlife, birdlife_fp
):
    first = bulk.read(_upload([_row(), _row(description="  survey ")]), organisation=birdlife)
    assert len(first.rows) == 1 and "same contribution as row 2" in first.duplicates[0].message
    bulk.save(first, by=birdlife_fp)
    again = bulk.read(_upload([_row(), _row(days=6)]), organisation=birdlife)
    assert len(again.rows) == 1 and "Already in the ledger" in again.duplicates[0].message
    bulk.save(again, by=birdlife_fp)
    assert Contribution.objects.count() == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SimpleUploadedFile("a.xlsx", b"name,amount\nx,1\n"), "not an Excel workbook"),
        (lambda: SimpleUploadedFile("a.xlsx", b"PK\x03\x04broken"), "damaged or incomplete"),
        (lambda: _upload([], header=["kind", "amount"]), "Columns missing"),
        (lambda: SimpleUploadedFile("a.xlsx", b"x" * (bulk.MAX_BYTES + 1)), "may be at most 5 MB"),
    ],
)
def test_files_that_are_not_a_usable_workbook_are_refused(birdlife, make, message):
    upload = bulk.read(make(), organisation=birdlife)
    assert not upload.ok and message in upload.problems[0].message


def test_a_workbook_with_macros_is_refused(birdlife):
    buffer = BytesIO(_upload([_row()]).read())
    import zipfile

    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    upload = bulk.read(SimpleUploadedFile("a.xlsx", buffer.getvalue()), organisation=birdlife)
    assert not upload.ok and "macros" in upload.problems[0].message


def test_the_template_has_the_columns_and_drop_down_lists(birdlife):
    book = load_workbook(BytesIO(bulk.template(birdlife)))
    sheet = book[bulk.SHEET]
    assert [cell.value for cell in sheet[1]] == HEADER
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert any("staff_time" in formula for formula in lists)


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("fr", "12 000,50", Decimal("12000.50")),
        ("es", "12.000,50", Decimal("12000.50")),
        ("en", "12,000.50", Decimal("12000.50")),
        ("es", "12000.50", Decimal("12000.50")),  # the plain form means one number everywhere
        ("fr", 12000.5, Decimal("12000.5")),  # a number cell is a number
    ],
)
def test_amounts_typed_as_text_are_read_in_the_uploaders_language(
    birdlife, language, amount, expected
):
    row = _row(kind="money", amount=amount, currency="USD", days=None, status="received")
    upload = bulk.read(_upload([row]), organisation=birdlife, language=language)
    assert upload.ok, upload.problems
    assert upload.rows[0][1]["amount"] == expected


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("amount", ["1,234", "1.234"])
def test_an_amount_that_reads_two_ways_is_refused_at_its_cell(birdlife, language, amount):
    row = _row(kind="money", amount=amount, currency="USD", days=None, status="received")
    upload = bulk.read(_upload([row]), organisation=birdlife, language=language)
    (problem,) = upload.problems
    assert problem.cell == "Contributions!E2" and "could be read two ways" in problem.message


def test_whole_numbers_from_a_spreadsheet(birdlife):
    """A count Excel stored as 4.0 is four; "4,5" people are not a whole number."""
    row = _row(kind="meeting_attendance", people=4.0, meetings="2", days=6)
    upload = bulk.read(_upload([row]), organisation=birdlife, language="fr")
    assert upload.ok, upload.problems
    assert (upload.rows[0][1]["people"], upload.rows[0][1]["meetings"]) == (4, 2)
    row = _row(kind="meeting_attendance", people="4,5", meetings="2", days=6)
    (problem,) = bulk.read(_upload([row]), organisation=birdlife, language="fr").problems
    assert problem.cell == "Contributions!H2" and "is not a whole number" in problem.message
