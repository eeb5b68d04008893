"""Kinds of job for the tests of core.jobs: one that echoes (and can fail once), one that is slow
on its first attempt (the worker is killed during it)."""

import time

from cmsfamily.core.jobs import kinds

RENDERED: list[str] = []


def may_read(user, params) -> bool:
    """The public job anyone may read; another only the accounts named in it."""
    return params.get("public", False) or (
        user.is_authenticated and user.email in params.get("readers", [])
    )


def render_echo(job, progress):
    progress(1, 2, "Echoing")
    RENDERED.append(job.params["text"])
    if job.params.get("fail_first") and job.attempts == 1:
        raise kinds.JobFailed("The source could not be reached.")
    if job.params.get("crash"):
        raise RuntimeError("a bug, not for the reader")
    return kinds.JobOutput(
        content=job.params["text"].encode(), filename="echo.txt", content_type="text/plain"
    )


def render_slow(job, progress):
    progress(1, 2, "Working slowly")
    if job.attempts == 1:
        time.sleep(120)  # the test kills the worker here
    progress(2, 2, "Writing")
    return kinds.JobOutput(content=b"made once", filename="slow.txt", content_type="text/plain")


ECHO = kinds.register(kinds.JobKind(name="tests.echo", render=render_echo, may_read=may_read))
SLOW = kinds.register(kinds.JobKind(name="tests.slow", render=render_slow, may_read=may_read))
