"""The slow files of work programmes, made by a background job (core.jobs): the Res. 10.9
progress report as PDF and as DOCX."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.core.documents import PdfUnavailable, html_to_pdf
from cmsfamily.core.jobs.kinds import JobFailed, JobKind, JobOutput
from cmsfamily.core.jobs.rendering import job_request, site_url
from cmsfamily.workplans import outputs, selectors

REPORT_PDF = "workplans.progress-report-pdf"
REPORT_DOCX = "workplans.progress-report-docx"


def may_read_programme(user, params: dict) -> bool:
    return selectors.programmes(user).filter(pk=params.get("programme")).exists()


def report_key(programme, rows, language: str) -> list:
    """What the report shows, as it stands: the programme and every activity, update and
    resource line in it with the time each last changed, in the reader's language. A change to
    any of them (or one added or removed) is another key, so another file."""
    return [
        language,
        [programme.pk, programme.modified],
        [
            [
                [row.activity.pk, row.activity.modified],
                [[u.pk, u.modified] for u in row.progress],
                [[u.pk, u.modified] for u in row.plan],
                [[r.pk, r.modified] for r in row.resources],
            ]
            for row in rows
        ],
    ]


def _programme_and_rows(job, progress, steps: int):
    request = job_request(job)
    programme = selectors.programmes(request.user).get(pk=job.params["programme"])
    progress(1, steps, _("Reading the activities and their progress"))
    return request, programme, selectors.progress_report(request.user, programme)


def render_report_pdf(job, progress) -> JobOutput:
    from cmsfamily.workplans.views import report_context

    request, programme, rows = _programme_and_rows(job, progress, 2)
    html = render_to_string(
        "workplans/progress_report.html",
        report_context(programme, rows, for_pdf=True),
        request=request,
    )
    progress(2, 2, _("Laying out the pages"))
    try:
        pdf = html_to_pdf(html, base_url=site_url())
    except PdfUnavailable as error:
        raise JobFailed(
            _(
                "Making a PDF needs the Pango library, which is not installed on this server. "
                "The report can be read as a web page (and printed from it) or downloaded as DOCX."
            )
        ) from error
    return JobOutput(
        content=pdf,
        filename=f"{programme.code}-progress-report.pdf",
        content_type="application/pdf",
    )


def render_report_docx(job, progress) -> JobOutput:
    _request, programme, rows = _programme_and_rows(job, progress, 2)
    progress(2, 2, _("Writing the document"))
    content = outputs.report_docx(programme, rows, generated=timezone.now())
    return JobOutput(
        content=content,
        filename=f"{programme.code}-progress-report.docx",
        content_type=outputs.DOCX_TYPE,
    )


KINDS = [
    JobKind(name=REPORT_PDF, render=render_report_pdf, may_read=may_read_programme),
    JobKind(name=REPORT_DOCX, render=render_report_docx, may_read=may_read_programme),
]
