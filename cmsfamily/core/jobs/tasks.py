"""The one task of the Tasks API behind every job: run the job's current attempt."""

from django_tasks import TaskContext, task
from django_tasks_db import DatabaseBackend

from cmsfamily.core.jobs import runner


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str, attempt: int) -> str:
    # A worker process (the database backend) beats; a task run at once inside the request
    # (the immediate backend of the tests) needs no sign of life.
    in_worker = isinstance(context.task_result.task.get_backend(), DatabaseBackend)
    return runner.run(job_id, attempt, task_id=str(context.task_result.id), heartbeat=in_worker)
