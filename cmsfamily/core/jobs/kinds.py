"""What each kind of job renders and who may read it; an app registers its kinds in its
`AppConfig.ready()`, so that the worker, which loads the apps, finds them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cmsfamily.core.jobs.models import Job
    from cmsfamily.core.jobs.runner import Progress


@dataclass(frozen=True)
class JobOutput:
    content: bytes
    filename: str
    content_type: str


class JobFailed(Exception):
    """A renderer's refusal with a reason its reader understands (in the job's language)."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = str(reason)


@dataclass(frozen=True)
class JobKind:
    name: str
    # render(job, progress) -> JobOutput, run by the worker in the job's language
    render: Callable[[Job, Progress], JobOutput]
    # may_read(user, params) -> bool: asked when the job is started, on its status page and at
    # the download, so a reader who lost the right since sees nothing of it
    may_read: Callable[[Any, dict], bool]
    # back(params) -> (url, label): the page the file was asked from, linked from the job's page
    back: Callable[[dict], tuple[str, str]] | None = None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> JobKind | None:
    return _KINDS.get(name)
