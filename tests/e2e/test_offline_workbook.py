"""Offline reporting in the browser: Kenya's NFP downloads the report as an Excel workbook, fills
it in offline, uploads it (first with a mistake, shown by sheet and cell), reviews the changes,
confirms, submits, and downloads the PDF of the submitted version."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from tests.e2e.helpers import describe_violations, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _checked(page, axe, name):
    violations = axe(page)
    assert not violations, f"{name}:\n{describe_violations(violations)}"
    screenshots(page, f"workbook-{name}")


def _cell(book, row_id, column_id="v"):
    for sheet in book.worksheets:
        columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
        if column_id in columns:
            for row in sheet.iter_rows(min_row=2):
                if row[0].value == row_id:
                    return sheet.cell(row=row[0].row, column=columns[column_id])
    raise AssertionError(row_id)


def test_download_fill_offline_upload_review_submit_pdf(
    page, live_server, registry, login, axe, tmp_path
):
    _template, version = build_template()
    kenya = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    base = live_server.url
    login(page, live_server, "nfp_kenya")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["About", "I General", "Table I.13"]

    # Offline: the NFP fills the workbook in, with one mistake (text where a number is asked).
    _cell(book, "q|t.departments").value = "Ministry of Environment and Forestry"
    staff = _cell(book, "q|t.staff")
    staff.value = "about twelve"
    _cell(book, "q|t.committee").value = "Yes"
    _cell(book, "k|birds", "q|t.obstacles").value = "Yes"
    _cell(book, "k|birds", "q|t.actions").value = "Power lines insulated."
    _cell(book, "k|aquatic-mammals", "q|t.obstacles").value = "No"
    book.save(path)

    page.get_by_role("link", name="Upload a filled workbook").click()
    page.get_by_label("Filled workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    errors = page.locator("#workbook-error-table")
    expect(errors).to_contain_text("I General")
    expect(errors).to_contain_text(staff.coordinate)
    expect(errors).to_contain_text("Enter a whole number.")
    _checked(page, axe, "errors")
    assert not Answer.objects.filter(submission=kenya).exists()  # nothing half-saved

    staff.value = 12
    book.save(path)
    page.get_by_label("Filled workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    changes = page.locator("#workbook-changes")
    expect(changes).to_contain_text("Ministry of Environment and Forestry")
    expect(changes).to_contain_text("Power lines insulated.")
    expect(page.locator("h1")).to_contain_text("Check the changes")
    _checked(page, axe, "preview")
    page.get_by_role("button", name="Save these changes").click()
    expect(page.locator(".messages")).to_contain_text("6 answers saved from the workbook.")

    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".messages")).to_contain_text("The report was submitted.")
    page.get_by_role("link", name="Version 1").click()
    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel").click()
    copy = load_workbook(io.BytesIO(open(excel.value.path(), "rb").read()))  # noqa: SIM115
    assert _cell(copy, "q|t.staff").value == 12
    # The PDF link leads to the page of the job that makes it; its file is at the job's download.
    job_page = page.request.get(f"{base}/reports/submissions/{kenya.pk}/versions/1.pdf")
    assert job_page.status == 200 and "/jobs/" in job_page.url
    if "Pango" in job_page.text():  # no Pango on this machine: the page says so
        pytest.skip("WeasyPrint cannot run here")
    response = page.request.get(f"{job_page.url}download")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(response.body())


def test_the_real_national_report_is_usable(page, live_server, registry, login, axe):
    """The Secretariat opens a cycle on the shipped CMS national report; Kenya's NFP finds its
    Appendix I species pre-filled, adds one it reports on, and sees the draft questions marked."""
    from django.core.management import call_command

    from cmsfamily.reporting.models import Section, Template

    call_command("load_report_templates", verbosity=0)
    template = Template.objects.get(slug="cms-national-report-by-target")
    base = live_server.url
    login(page, live_server, "secretariat")
    page.goto(f"{base}/reports/templates/{template.slug}/v1/")
    expect(page.get_by_text("draft text, not official").first).to_be_visible()
    page.get_by_role("link", name="Open a reporting cycle").click()
    page.get_by_label("Code").fill("cop15-national-reports")
    page.get_by_label("Title in English").fill("National reports to COP15")
    page.get_by_label("Period covered from").fill("2023-01-01")
    page.get_by_label("Period covered until").fill("2025-12-31")
    page.get_by_label("Opens on").fill("2026-01-15")
    page.get_by_label("Or: opening date of the meeting the reports are for").fill("2026-11-23")
    page.get_by_label("Expected reporters").select_option("chosen")
    page.get_by_label("Chosen Parties").select_option(label="Kenya")
    page.get_by_role("button", name=re.compile("Open|Create|Save")).click()
    expect(page.locator("h1")).to_contain_text("National reports to COP15")
    expect(page.locator("dl.facts")).to_contain_text("2026-05-23")  # six months before
    page.get_by_role("button", name="Open the cycle").click()
    page.context.clear_cookies()

    login(page, live_server, "nfp_kenya")
    kenya = Submission.objects.get(cycle__slug="cop15-national-reports", party__code="KE")
    species = Section.objects.get(version=kenya.cycle.version, loop="range_species_i")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/sections/{species.pk}/")
    expect(page.get_by_role("group", name="Balaenoptera musculus")).to_be_visible()
    expect(page.get_by_text("draft text, not official").first).to_be_visible()
    picker = page.get_by_label(re.compile("Add a species your country reports on"))
    added = picker.locator("option").nth(1).inner_text()
    picker.select_option(index=1)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("group", name=added)).to_be_visible()
    _checked(page, axe, "national-species")
