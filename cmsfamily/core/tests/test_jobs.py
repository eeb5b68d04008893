"""Background jobs (core.jobs): one job per key, progress, the status page, its file, retry, who
may see what, and a job that survives the death of its worker."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cmsfamily.core.jobs import recovery, services
from cmsfamily.core.jobs.models import Job, JobStatus
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.core.tests import jobs_kinds

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    jobs_kinds.RENDERED.clear()
    return tmp_path / "media"


def start(by, text="hello", **params):
    params = {"text": text, "readers": [getattr(by, "email", "")], **params}
    return services.start_job(
        kind="tests.echo", key=[text, sorted(params)], by=by, params=params, title="Echo"
    )


def status_url(job):
    return reverse("job", args=[job.pk])


# One job per key ---------------------------------------------------------------------------------


def test_a_job_runs_and_keeps_its_file(nfp_kenya, media):
    job = start(nfp_kenya)
    assert job.status == JobStatus.DONE and job.step == job.steps == 2
    assert job.result.read() == b"hello" and job.filename == "echo.txt"
    assert job.started_by == nfp_kenya and list(job.requested_by.all()) == [nfp_kenya]
    assert job.finished_at >= job.started_at >= job.created


def test_identical_requests_reuse_the_job_and_its_file(nfp_kenya, nfp_germany, media):
    readers = [nfp_kenya.email, nfp_germany.email]
    first = start(nfp_kenya, readers=readers)
    second = start(nfp_germany, readers=readers)
    assert second.pk == first.pk and jobs_kinds.RENDERED == ["hello"]
    assert set(second.requested_by.all()) == {nfp_kenya, nfp_germany}
    assert len(list((media / "jobs").rglob("*"))) == 3  # jobs/<year>/<month>/echo.txt
    other = start(nfp_kenya, text="other")
    assert other.pk != first.pk and jobs_kinds.RENDERED == ["hello", "other"]


def test_a_job_is_only_started_for_who_may_read_what_it_renders(nfp_kenya, nfp_germany):
    with pytest.raises(PermissionDenied):
        services.start_job(
            kind="tests.echo",
            key=["x"],
            by=nfp_germany,
            params={"text": "x", "readers": [nfp_kenya.email]},
            title="Echo",
        )
    with pytest.raises(PermissionDenied):
        services.start_job(kind="no.such.kind", key=["x"], by=nfp_kenya, params={}, title="?")
    assert not Job.objects.exists()


def test_a_failed_job_keeps_its_reason_and_a_retry_runs_it_again(client_as, nfp_kenya):
    job = start(nfp_kenya, fail_first=True)
    assert job.status == JobStatus.FAILED and job.error == "The source could not be reached."
    client = client_as(nfp_kenya)
    page = client.get(status_url(job)).content.decode()
    assert "The source could not be reached." in page and "Retry" in page
    response = client.post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == status_url(job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.error == ""
    assert "Download echo.txt" in client.get(status_url(job)).content.decode()


def test_a_crash_says_something_useful_not_the_bug(nfp_kenya):
    job = start(nfp_kenya, crash=True)
    assert job.status == JobStatus.FAILED
    assert "Something went wrong while making this file" in job.error
    assert "a bug" not in job.error


def test_a_failed_job_asked_for_again_is_a_new_job(nfp_kenya):
    failed = start(nfp_kenya, fail_first=True)
    again = start(nfp_kenya, fail_first=True)
    assert again.pk != failed.pk and again.status == JobStatus.FAILED  # its own first attempt
    # Retrying the older one answers with the newer live one once there is one.
    done = services.retry_job(job=again, by=nfp_kenya)
    assert done.pk == again.pk and done.status == JobStatus.DONE
    assert services.retry_job(job=failed, by=nfp_kenya).pk == done.pk


def test_retrying_a_done_job_changes_nothing(client_as, nfp_kenya):
    job = start(nfp_kenya)
    response = client_as(nfp_kenya).post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1 and jobs_kinds.RENDERED == ["hello"]


# The status page ---------------------------------------------------------------------------------


def test_the_page_of_a_running_job_says_its_step_and_polls(client_as, nfp_kenya):
    job = Job.objects.create(
        kind="tests.echo",
        key="k" * 64,
        params={"text": "t", "readers": [nfp_kenya.email]},
        title="Echo of t",
        language="en",
        status=JobStatus.RUNNING,
        step=2,
        steps=5,
        step_label="Drawing the charts",
    )
    job.requested_by.add(nfp_kenya)
    page = client_as(nfp_kenya).get(status_url(job)).content.decode()
    assert "Step 2 of 5: Drawing the charts" in page
    assert '<progress max="5" value="2">' in page
    assert 'aria-live="polite"' in page and 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, step=0, steps=0)
    assert "Waiting for its turn" in client_as(nfp_kenya).get(status_url(job)).content.decode()


def test_the_page_of_a_done_job_stops_polling_and_offers_the_file(client_as, nfp_kenya):
    job = start(nfp_kenya)
    client = client_as(nfp_kenya)
    page = client.get(status_url(job)).content.decode()
    assert "The file is ready." in page and "hx-trigger" not in page and "refresh" not in page
    download = client.get(reverse("job-download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"hello"
    assert download["Content-Disposition"] == 'attachment; filename="echo.txt"'


def test_the_page_is_in_the_readers_language(client_as, nfp_kenya):
    job = start(nfp_kenya)
    client = client_as(nfp_kenya)
    client.cookies["django_language"] = "fr"
    page = client.get(status_url(job)).content.decode()
    # (the French of the page's own sentences comes with translations-jobs.jsonl, once merged)
    assert '<html lang="fr">' in page and "Taux de change" in page


def test_the_download_of_an_unfinished_job_leads_to_its_page(client_as, nfp_kenya):
    job = start(nfp_kenya)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    response = client_as(nfp_kenya).get(reverse("job-download", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == status_url(job)


def test_a_result_file_gone_missing_is_a_404(client_as, nfp_kenya):
    job = start(nfp_kenya)
    job.result.delete(save=False)
    assert client_as(nfp_kenya).get(reverse("job-download", args=[job.pk])).status_code == 404


def test_the_status_page_needs_few_queries(client_as, nfp_kenya, django_assert_max_num_queries):
    job = start(nfp_kenya)
    client = client_as(nfp_kenya)
    client.get(status_url(job))
    with django_assert_max_num_queries(6):
        assert client.get(status_url(job)).status_code == 200


# Who sees a job ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=404,
        eurobats_officer=404,
    ),
)
@pytest.mark.parametrize("page", ["job", "job-download"])
def test_only_who_asked_for_a_job_sees_it(client_as, request, nfp_kenya, persona, status, page):
    # Everyone may read what it renders; it is still only Kenya's job.
    job = start(nfp_kenya, public=True)
    response = client_for(client_as, request, persona).get(reverse(page, args=[job.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["anonymous", "nfp_germany", "secretariat"])
def test_someone_elses_job_cannot_be_retried(client_as, request, nfp_kenya, persona):
    job = start(nfp_kenya, fail_first=True)
    response = client_for(client_as, request, persona).post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == JobStatus.FAILED


def test_a_reader_who_lost_the_right_no_longer_sees_the_job(client_as, nfp_kenya):
    job = start(nfp_kenya)
    client = client_as(nfp_kenya)
    assert client.get(status_url(job)).status_code == 200
    Job.objects.filter(pk=job.pk).update(params={"text": "hello", "readers": []})
    assert client.get(status_url(job)).status_code == 404
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


def test_an_anonymous_visitors_job_is_theirs_through_their_session(client, rf, nfp_kenya):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from cmsfamily.core.jobs.views import start_and_show

    request = rf.get("/a-public-file.pdf")
    request.user, request.session = AnonymousUser(), SessionStore()
    params = {"text": "p", "public": True}
    response = start_and_show(request, kind="tests.echo", key=["p"], params=params, title="Echo")
    request.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert client.get(response["Location"]).status_code == 200
    assert Client().get(response["Location"]).status_code == 404  # another visitor
    assert client_for_kenya(client, nfp_kenya).get(response["Location"]).status_code == 404


def client_for_kenya(client, nfp_kenya):
    client.force_login(nfp_kenya)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b/",
        "/jobs/0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c6b/download",
        "/jobs/not-a-uuid/",
        "/jobs/12345/download",
        "/jobs/%27%3B--/",
    ],
)
def test_unknown_or_malformed_job_addresses_are_404(client_as, nfp_kenya, path):
    assert client_as(nfp_kenya).get(path).status_code == 404


def test_retry_is_a_post(client_as, nfp_kenya):
    job = start(nfp_kenya, fail_first=True)
    assert client_as(nfp_kenya).get(reverse("job-retry", args=[job.pk])).status_code == 405


# A worker that dies ------------------------------------------------------------------------------


def test_a_job_whose_worker_stopped_beating_is_queued_again_and_done_once(nfp_kenya, settings):
    job = start(nfp_kenya)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    fresh = start(nfp_kenya, text="fresh")
    Job.objects.filter(pk=fresh.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert recovery.recover() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING and fresh.attempts == 1  # its worker is alive


def test_a_job_that_keeps_killing_its_worker_is_given_up(nfp_kenya, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = start(nfp_kenya)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=2, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    assert recovery.recover() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The file could not be made: the work stopped 2 times."


def test_an_earlier_attempt_does_not_overwrite_the_current_one(nfp_kenya):
    from cmsfamily.core.jobs import runner

    job = start(nfp_kenya)
    assert runner.run(str(job.pk), 1) == "skipped"  # done already
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, attempts=3)
    assert runner.run(str(job.pk), 2) == "skipped"
    assert jobs_kinds.RENDERED == ["hello"]


def _sqlite_copy_of_the_test_database(path: Path) -> None:
    """The worker is another process: it reads a file copy of this test's database (what this
    test wrote included, uncommitted as it is), and the test reads the outcome from that file.
    (SQLite's backup API waits for ever on the open transaction; a dump reads through it.)"""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    target.executescript("\n".join(connection.connection.iterdump()))
    target.close()


def _worker(env, *args):
    code = (
        "import django; django.setup(); "
        "import cmsfamily.core.tests.jobs_kinds; "
        "from django.core.management import call_command; "
        f"call_command('jobs_worker', {', '.join(args)})"
    )
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _row(path, sql, *params):
    with sqlite3.connect(path, timeout=30) as db:
        return db.execute(sql, params).fetchone()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the worker process shares a file copy of SQLite's test database",
)
def test_a_job_survives_the_death_of_its_worker(settings, tmp_path, nfp_kenya):
    """The real worker (`manage.py jobs_worker`, django-tasks' database worker) runs the job and
    is killed in the middle of it; the next worker queues it again and it is made once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = services.start_job(
        kind="tests.slow", key=["slow"], by=nfp_kenya, params={"public": True}, title="Slow"
    )
    assert job.status == JobStatus.QUEUED and job.task_id
    database, media = tmp_path / "worker.sqlite3", tmp_path / "media"
    _sqlite_copy_of_the_test_database(database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(media),
        "JOBS_HEARTBEAT_SECONDS": "1",
        "JOBS_STALE_SECONDS": "2",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    job_row = "SELECT status, step, attempts, result FROM core_job WHERE id = ?"
    job_id = job.pk.hex
    first = _worker(env, "interval=0.2")
    try:
        deadline = time.monotonic() + 90
        while _row(database, job_row, job_id)[:2] != ("running", 1):
            assert first.poll() is None, first.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle of the job
        first.wait()
    assert _row(database, job_row, job_id)[0] == "running"
    time.sleep(3)  # its heartbeat is now older than JOBS_STALE_SECONDS
    second = _worker(env, "batch=True", "interval=0.2")
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    status, step, attempts, result = _row(database, job_row, job_id)
    assert (status, step, attempts) == ("done", 2, 2)
    files = [p for p in media.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in files] == [b"made once"] and str(files[0]).endswith(result)
    tasks = (
        sqlite3.connect(database)
        .execute("SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")
        .fetchall()
    )
    assert tasks == [("FAILED",), ("SUCCESSFUL",)]  # the lost run closed, the new one done
