"""The pages of a job: its status (polled with htmx, refreshed without JavaScript), its file,
and Retry; and `start_and_show`, what an app's download link calls instead of rendering."""

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cmsfamily.core.jobs import kinds, selectors, services
from cmsfamily.core.jobs.models import JobStatus


def start_and_show(request, *, kind: str, key, params: dict, title) -> HttpResponseRedirect:
    """Start (or reuse) the job that renders this download and lead to its status page."""
    job = services.start_job(kind=kind, key=key, by=request.user, params=params, title=title)
    if not request.user.is_authenticated:
        selectors.remember_in_session(request.session, job)
    return redirect("job", job.pk)


def _job(request, pk):
    job = selectors.job_for(request.user, request.session, pk)
    if job is None:
        raise Http404
    return job


def job_status(request, pk):
    job = _job(request, pk)
    kind = kinds.get(job.kind)
    back = kind.back(job.params) if kind is not None and kind.back is not None else None
    return render(
        request,
        "core/jobs/status.html",
        {
            "job": job,
            "done": job.status == JobStatus.DONE,
            "failed": job.status == JobStatus.FAILED,
            "back": back,
        },
    )


def job_download(request, pk):
    job = _job(request, pk)
    if job.status != JobStatus.DONE:
        return redirect("job", job.pk)
    try:
        handle = job.result.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    return FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=job.content_type
    )


@require_POST
def job_retry(request, pk):
    job = services.retry_job(job=_job(request, pk), by=request.user)
    if not request.user.is_authenticated:
        selectors.remember_in_session(request.session, job)
    return HttpResponseRedirect(reverse("job", args=[job.pk]))
