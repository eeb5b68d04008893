"""What the worker runs for a job: claim the current attempt, render with progress and a
heartbeat, keep the result file or the reason it failed."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cmsfamily.core.jobs import kinds
from cmsfamily.core.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


class Progress:
    """How a renderer says where it is: `progress(2, 5, _("Drawing the charts"))`. Each report
    is also a sign of life of the worker."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, step: int, steps: int, label) -> None:
        self.job.step, self.job.steps, self.job.step_label = step, steps, str(label)[:200]
        Job.objects.filter(pk=self.job.pk, attempts=self.job.attempts).update(
            step=step, steps=steps, step_label=self.job.step_label, heartbeat_at=timezone.now()
        )


class Heartbeat(threading.Thread):
    """Touches the job every JOBS_HEARTBEAT_SECONDS while a long step (one WeasyPrint call)
    runs, so that only a job whose worker died looks stale (`recovery`)."""

    def __init__(self, job: Job):
        super().__init__(daemon=True, name=f"job-heartbeat-{job.pk}")
        self.job = job
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.JOBS_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job.pk, attempts=self.job.attempts).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connections.close_all()

    def stop(self):
        self.stopped.set()
        self.join()


def run(job_id: str, attempt: int, *, task_id: str = "", heartbeat: bool = False) -> str:
    """Run `attempt` of the job; returns what became of it. An attempt that is no longer the
    job's current one (the job was re-queued, retried or is already done) does nothing."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if (
            job is None
            or job.attempts != attempt
            or job.status
            not in (
                JobStatus.QUEUED,
                JobStatus.RUNNING,
            )
        ):
            return "skipped"
        now = timezone.now()
        job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, now, now
        job.task_id = task_id or job.task_id
        job.save(update_fields=["status", "started_at", "heartbeat_at", "task_id"])
    kind = kinds.get(job.kind)
    beat = Heartbeat(job) if heartbeat else None
    if beat:
        beat.start()
    try:
        with translation.override(job.language):
            if kind is None:
                raise kinds.JobFailed(_("This kind of file can no longer be made."))
            output = kind.render(job, Progress(job))
    except kinds.JobFailed as failure:
        return _fail(job, failure.reason)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            reason = _(
                "Something went wrong while making this file. Try again; if it fails again, "
                "tell the Secretariat."
            )
        return _fail(job, reason)
    finally:
        if beat:
            beat.stop()
    return _finish(job, output)


def _finish(job: Job, output: kinds.JobOutput) -> str:
    with transaction.atomic():
        current = Job.objects.select_for_update().filter(pk=job.pk, attempts=job.attempts).first()
        if current is None or current.status != JobStatus.RUNNING:
            return "skipped"
        current.result.save(output.filename, ContentFile(output.content), save=False)
        current.filename = output.filename
        current.content_type = output.content_type
        current.status = JobStatus.DONE
        current.step = current.steps = max(current.steps, 1)
        current.finished_at = timezone.now()
        current.save()
    return JobStatus.DONE


def _fail(job: Job, reason: str) -> str:
    Job.objects.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    return JobStatus.FAILED
