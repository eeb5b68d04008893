"""A job's page as a reader sees it: it follows the job without reloading (htmx), announces the
change (aria-live), offers the file once made, and says why it failed with a Retry button."""

import pytest
from django.core.files.base import ContentFile

from cmsfamily.core.jobs.models import Job, JobStatus
from cmsfamily.core.tests import jobs_kinds  # noqa: F401  (registers the tests' kinds of job)
from conftest import PERSONAS
from tests.e2e.helpers import screenshots

pytestmark = pytest.mark.e2e


def _job(**fields):
    from cmsfamily.accounts.models import User

    kenya = User.objects.get(email=PERSONAS["nfp_kenya"][0])
    job = Job.objects.create(
        kind="tests.echo",
        key=fields.pop("key"),
        params={"text": "t", "readers": [kenya.email]},
        title="Res. 10.9 progress report as PDF",
        language="en",
        **fields,
    )
    job.requested_by.add(kenya)
    return job


def test_the_job_page_follows_the_job_until_its_file_is_ready(
    page, live_server, registry, login, axe, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = str(tmp_path)
    job = _job(key="a" * 64, status=JobStatus.RUNNING, step=1, steps=2, step_label="Laying out")
    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    status = page.locator(".job-live")
    expect(status).to_contain_text("Step 1 of 2: Laying out")
    assert axe(page) == []
    screenshots(page, "job-running")
    job.result.save("res-10-9-progress-report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    job.filename, job.content_type = "res-10-9-progress-report.pdf", "application/pdf"
    job.status, job.step = JobStatus.DONE, 2
    job.save()
    # No reload: the page asks for its status every 2 s and shows the download link.
    expect(status).to_contain_text("The file is ready.", timeout=10_000)
    link = page.get_by_role("link", name="Download res-10-9-progress-report.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "res-10-9-progress-report.pdf"
    screenshots(page, "job-done")


def test_a_failed_job_says_why_in_french(page, live_server, registry, login, axe):
    from playwright.sync_api import expect

    job = _job(key="b" * 64, status=JobStatus.FAILED, error="Le serveur ne peut pas faire de PDF.")
    login(page, live_server, "nfp_kenya")
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("alert")).to_contain_text("Le serveur ne peut pas faire de PDF.")
    assert axe(page) == []
    screenshots(page, "job-failed-fr")
