"""Jobs of a worker that died. django-tasks' database worker leaves a task it was running in
"running" for ever when its process is killed; a job whose heartbeat stopped for
JOBS_STALE_SECONDS is queued again as a new attempt by the next worker to start (`jobs_worker`),
and the orphaned task is closed as failed so nothing runs it twice."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cmsfamily.core.jobs import services
from cmsfamily.core.jobs.models import Job, JobStatus


def _is_database_task(task_id: str) -> bool:
    """Task ids of the database backend are UUIDs (other backends name theirs otherwise)."""
    try:
        uuid.UUID(task_id)
    except ValueError:
        return False
    return True


def stale_jobs(now=None):
    """Running jobs whose worker stopped beating, and queued jobs whose task a worker claimed
    and never ran (it died between claiming and starting)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    claimed = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    lost = Job.objects.filter(
        Q(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
        | Q(
            status=JobStatus.QUEUED,
            task_id__in=[str(pk) for pk in claimed.values_list("id", flat=True)],
        )
    )
    return lost


def recover(now=None) -> int:
    """Queue again every stale job; returns how many were queued again."""
    requeued = 0
    for job in stale_jobs(now):
        with override(job.language):
            reason = _("The file could not be made: the work stopped %(count)s times.") % {
                "count": job.attempts
            }
        old_task = job.task_id
        if services.requeue(job=job, reason=reason):
            requeued += 1
        if _is_database_task(old_task):
            DBTaskResult.objects.filter(id=old_task, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="cmsfamily.core.jobs.recovery.WorkerLost",
                traceback="The worker running this task stopped; its job was queued again.",
            )
    return requeued
