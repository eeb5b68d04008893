"""Starting and retrying jobs: every write of the jobs, each one transaction with its event."""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.core.jobs import kinds
from cmsfamily.core.jobs.models import LIVE, Job, JobStatus
from cmsfamily.core.services import record_event


def job_key(kind: str, key) -> str:
    """The hash a job is found by: its kind and what it renders (any JSON-able value)."""
    text = json.dumps([kind, key], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _require_reader(kind_name: str, by, params: dict) -> kinds.JobKind:
    kind = kinds.get(kind_name)
    if kind is None or not kind.may_read(by, params):
        raise PermissionDenied(_("You may not do this."))
    return kind


def _enqueue(job: Job) -> None:
    # Imported here: the task module loads the Tasks backend, which needs the apps ready.
    from cmsfamily.core.jobs.tasks import run_job

    result = run_job.enqueue(str(job.pk), job.attempts)
    # The task that runs this attempt, so that `recovery` can tell a claimed task that never ran.
    Job.objects.filter(pk=job.pk, attempts=job.attempts, task_id="").update(task_id=result.id)


def start_job(*, kind: str, key, by, params: dict, title: str) -> Job:
    """The job that renders `key` for `kind`: the live one with the same key when there is one
    (identical requests share the job and its file), else a new one, queued. `by` must be
    allowed to read what it renders (the kind's rule); they are added to its requesters."""
    _require_reader(kind, by, params)
    digest = job_key(kind, key)
    with transaction.atomic():
        job = Job.objects.filter(key=digest, status__in=LIVE).first()
        if job is None:
            try:
                with transaction.atomic():
                    job = Job.objects.create(
                        kind=kind,
                        key=digest,
                        params=params,
                        title=str(title)[:300],
                        language=get_language() or "en",
                        started_by=by if by.is_authenticated else None,
                    )
            except IntegrityError:  # someone started the same job at this very moment
                job = Job.objects.get(key=digest, status__in=LIVE)
            else:
                record_event(kind="job.started", target=job, actor=by, job_kind=kind)
                _enqueue(job)
        if by.is_authenticated:
            job.requested_by.add(by)
    job.refresh_from_db()  # a task run at once (the immediate backend) has moved it on
    return job


def retry_job(*, job: Job, by) -> Job:
    """A failed job queued again; any other job is left as it is (a retry of a done job is a
    no-op). Should an identical job have been started since, that one is the answer."""
    _require_reader(job.kind, by, job.params)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.FAILED:
            return job
        live = Job.objects.filter(key=job.key, status__in=LIVE).first()
        if live is not None:
            if by.is_authenticated:
                live.requested_by.add(by)
            return live
        job.status = JobStatus.QUEUED
        job.attempts += 1
        job.error = ""
        job.step = job.steps = 0
        job.step_label = ""
        job.started_at = job.finished_at = job.heartbeat_at = None
        job.task_id = ""
        job.save()
        record_event(kind="job.retried", target=job, actor=by, job_kind=job.kind)
        _enqueue(job)
    job.refresh_from_db()
    return job


def requeue(*, job: Job, reason: str) -> bool:
    """A job whose worker died queued again as a new attempt (`recovery`), or failed with
    `reason` once it has had JOBS_MAX_ATTEMPTS. By the platform itself, no rule to ask. Two
    workers starting at once requeue it once: the attempt read must still be the current one."""
    from django.conf import settings

    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job.pk)
        if current.attempts != job.attempts or current.status not in (
            JobStatus.QUEUED,
            JobStatus.RUNNING,
        ):
            return False
        job = current
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            job.status, job.error, job.finished_at = JobStatus.FAILED, reason, timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            record_event(kind="job.abandoned", target=job, attempts=job.attempts)
            return False
        job.status = JobStatus.QUEUED
        job.attempts += 1
        job.heartbeat_at = None
        job.task_id = ""
        job.save(update_fields=["status", "attempts", "heartbeat_at", "task_id"])
        record_event(kind="job.requeued", target=job, attempts=job.attempts)
        _enqueue(job)
    return True
