"""The slow files of reporting, made by a background job (core.jobs): a version as PDF."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cmsfamily.core.documents import PdfUnavailable, html_to_pdf
from cmsfamily.core.jobs.kinds import JobFailed, JobKind, JobOutput
from cmsfamily.core.jobs.rendering import job_request, site_url
from cmsfamily.reporting import selectors

VERSION_PDF = "reporting.version-pdf"


def may_read_version(user, params: dict) -> bool:
    """The rule of the version's pages: the report is visible, its versions readable, and this
    version one the user may read."""
    submission = selectors.submission(user, params.get("submission"))
    return (
        submission is not None
        and user.has_perm("reporting.view_versions", submission)
        and selectors.readable_version(submission, user, params.get("number")) is not None
    )


def version_pdf_key(version, language: str) -> list:
    """A version never changes: its id, its content hash and the reader's language (the page
    around the answers) say everything the PDF holds."""
    return [version.pk, version.content_hash, language]


def render_version_pdf(job, progress) -> JobOutput:
    from cmsfamily.reporting.views.versions import print_context, version_filename

    pk, number = job.params["submission"], job.params["number"]
    request = job_request(job)
    progress(1, 2, _("Reading the answers"))
    context = print_context(request, pk, number, for_pdf=True)
    html = render_to_string("reporting/version_print.html", context, request=request)
    progress(2, 2, _("Laying out the pages"))
    try:
        pdf = html_to_pdf(html, base_url=site_url())
    except PdfUnavailable as error:
        raise JobFailed(
            _(
                "Making a PDF needs the Pango library, which is not installed on this server. "
                "The report can be read as a web page and printed from it."
            )
        ) from error
    filename = version_filename(context["submission"], context["version"], "pdf")
    return JobOutput(content=pdf, filename=filename, content_type="application/pdf")


KINDS = [JobKind(name=VERSION_PDF, render=render_version_pdf, may_read=may_read_version)]
