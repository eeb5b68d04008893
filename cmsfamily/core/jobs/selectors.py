"""Reading a job: only by whoever asked for it (their account, or the session of an anonymous
visitor) and may still read what it renders; anything else does not exist for them."""

from cmsfamily.core.jobs import kinds
from cmsfamily.core.jobs.models import Job

SESSION_KEY = "jobs"


def session_jobs(session) -> list[str]:
    return list(session.get(SESSION_KEY, []))


def remember_in_session(session, job: Job) -> None:
    """An anonymous visitor's jobs are theirs through their session (the last 50)."""
    ids = [i for i in session_jobs(session) if i != str(job.pk)]
    session[SESSION_KEY] = [*ids, str(job.pk)][-50:]


def job_for(user, session, pk) -> Job | None:
    """The job `pk` if `user` (or this session) asked for it and may read what it renders."""
    jobs = Job.objects.filter(pk=pk)
    if user.is_authenticated:
        job = jobs.filter(requested_by=user).first()
    elif str(pk) in session_jobs(session):
        job = jobs.filter(started_by=None).first()
    else:
        job = None
    if job is None:
        return None
    kind = kinds.get(job.kind)
    if kind is None or not kind.may_read(user, job.params):
        return None
    return job
