"""The upload gate itself: what it lets through and what it refuses, on bytes and on files."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cmsfamily.core import hostile, uploads

LIMITS = uploads.WorkbookLimits(max_bytes=5 * 2**20, max_unpacked_bytes=20 * 2**20, max_sheets=20)


def _valid() -> bytes:
    book = Workbook()
    book.active.append(["kind", "amount"])
    book.active.append(["money", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_plain_workbook_opens_read_only_from_bytes_and_from_an_upload():
    for source in (_valid(), SimpleUploadedFile("a.xlsx", _valid())):
        book = uploads.open_workbook(source, LIMITS, name="a.xlsx")
        assert book.read_only
        assert list(book.active.iter_rows(values_only=True)) == [("kind", "amount"), ("money", 12)]
        book.close()


@pytest.mark.parametrize(
    "case", sorted(set(hostile.WORKBOOKS) - {"billion-laughs", "broken-sheet"})
)
def test_each_hostile_workbook_is_refused_before_openpyxl_reads_it(case, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read it")

    name, data = hostile.WORKBOOKS[case](_valid())
    if case != "forged-size":  # its directory lies: only reading the part finds out
        monkeypatch.setattr("openpyxl.load_workbook", never)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.open_workbook(data, LIMITS, name=name)
    expected = hostile.WORKBOOK_REFUSALS[case]
    if case == "empty":  # the form refuses an empty file before the gate; the gate too
        expected = "not an Excel workbook"
    assert expected in refused.value.messages[0]


@pytest.mark.parametrize("case", ["billion-laughs", "broken-sheet"])
def test_a_sheet_that_does_not_parse_raises_only_what_readers_catch(case):
    name, data = hostile.WORKBOOKS[case](_valid())
    with pytest.raises((uploads.UploadRefused, *uploads.READ_ERRORS)):
        book = uploads.open_workbook(data, LIMITS, name=name)
        list(book.active.iter_rows(values_only=True))


def test_the_parts_are_counted_from_the_zip_end_record_before_zipfile_lists_them(monkeypatch):
    listed = []
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lambda self: listed.append(1) or [])
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_workbook(hostile.many_parts(5000), LIMITS)
    assert "more than 1000 parts" in refused.value.messages[0] and listed == []


def test_a_part_parsed_whole_has_a_limit_of_its_own():
    styles = b"<styleSheet>" + b"<xf/>" * (LIMITS.max_part_bytes // 5) + b"</styleSheet>"
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_workbook(hostile.with_parts(_valid(), {"xl/styles.xml": styles}), LIMITS)
    assert "unpacks to far more" in refused.value.messages[0]


def test_a_real_pdf_passes_and_the_file_is_left_where_it_was():
    upload = SimpleUploadedFile("letter.pdf", hostile.pdf(2))
    upload.seek(3)
    uploads.check_pdf(upload, max_bytes=2**20)
    assert upload.tell() == 3


@pytest.mark.parametrize("case", sorted(hostile.pdfs()))
def test_what_is_not_a_pdf_that_opens_is_refused(case):
    _name, data = hostile.pdfs()[case]
    with pytest.raises(ValidationError) as refused:
        uploads.check_pdf(io.BytesIO(data), max_bytes=2**20)
    assert refused.value.code == "not_pdf"


def _encrypted(password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hostile.pdf())))
    writer.encrypt(user_password=password, owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_with_permissions_only_passes_one_that_needs_a_password_does_not():
    uploads.check_pdf(io.BytesIO(_encrypted("")), max_bytes=2**20)
    with pytest.raises(ValidationError) as refused:
        uploads.check_pdf(io.BytesIO(_encrypted("secret")), max_bytes=2**20)
    assert refused.value.code == "encrypted"


def test_a_pdf_over_the_limit_is_refused_before_it_is_parsed():
    with pytest.raises(ValidationError) as refused:
        uploads.check_pdf(io.BytesIO(hostile.pdf()), max_bytes=100)
    assert refused.value.code == "too_large"
