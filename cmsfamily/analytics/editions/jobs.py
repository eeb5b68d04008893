"""The slow work of the State of the CMS Family, done by a background job (core.jobs): an
edition as PDF and as DOCX, in the reader's language, and generating a draft's figures (its
file a short note of what was generated)."""

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from cmsfamily.analytics.editions import documents, selectors, services
from cmsfamily.core.documents import PdfUnavailable, html_to_pdf
from cmsfamily.core.jobs.kinds import JobFailed, JobKind, JobOutput
from cmsfamily.core.jobs.rendering import job_request, site_url

EDITION_PDF = "analytics.edition-pdf"
EDITION_DOCX = "analytics.edition-docx"
EDITION_GENERATE = "analytics.edition-generate"


def may_read_edition(user, params: dict) -> bool:
    """The rule of the edition's page: the published editions for everyone, the others for the
    Secretariat alone."""
    try:
        pk = int(params["edition"])
    except (KeyError, TypeError, ValueError):
        return False
    return selectors.editions(user).filter(pk=pk).exists()


def may_generate(user, params: dict) -> bool:
    """The rule of the Generate button: the Secretariat, on an edition it reads."""
    return user.has_perm(services.MANAGE) and may_read_edition(user, params)


def back_to_edition(params: dict) -> tuple[str, str]:
    return reverse("editions:edition", args=[params["edition"]]), _("Back to the edition")


def generate_key(edition) -> list:
    """One generating at a time per edition: a second click while it runs joins it; once it has
    run, the edition's time of generation has changed, so the next click generates again."""
    return [edition.pk, edition.generated_at]


def edition_key(edition, language: str) -> list:
    """What the file shows: the edition's figures (their hash), its status and the reader's
    language. A published edition is frozen, so its file is made once and reused forever; a
    draft's chapter texts still change, so the time each last changed is part of its key."""
    key = [edition.pk, edition.status, edition.content_hash, language]
    if not edition.is_published:
        key.append([[c.pk, c.modified] for c in edition.chapters.order_by("pk")])
    return key


def _edition(job, progress, steps: int):
    request = job_request(job)
    edition = selectors.edition(request.user, job.params["edition"])
    if edition is None:
        raise JobFailed(_("This edition can no longer be read."))
    progress(1, steps, _("Reading the edition's figures and texts"))
    return request, edition


def render_edition_pdf(job, progress) -> JobOutput:
    from cmsfamily.analytics.editions.views import edition_context

    request, edition = _edition(job, progress, 2)
    html = render_to_string(
        "analytics/editions/edition.html",
        edition_context(request, edition, for_pdf=True),
        request=request,
    )
    progress(2, 2, _("Laying out the pages"))
    try:
        pdf = html_to_pdf(html, base_url=site_url())
    except PdfUnavailable as error:
        raise JobFailed(
            _(
                "Making a PDF needs the Pango library, which is not installed on this server. "
                "The edition can be read as a web page or downloaded as DOCX."
            )
        ) from error
    return JobOutput(
        content=pdf, filename=f"{documents.file_name(edition)}.pdf", content_type="application/pdf"
    )


def render_edition_docx(job, progress) -> JobOutput:
    _request, edition = _edition(job, progress, 2)
    content = documents.edition_docx(selectors.read(edition))
    progress(2, 2, _("Writing the document"))
    return JobOutput(
        content=content,
        filename=f"{documents.file_name(edition)}.docx",
        content_type=documents.DOCX_TYPE,
    )


def run_generate(job, progress) -> JobOutput:
    """Generate the draft's figures (the service, with the job's progress); the file is a note
    of what was generated, the result itself is the edition's page."""
    request, edition = _edition(job, progress, 1)
    try:
        edition = services.generate_edition(edition=edition, by=request.user, progress=progress)
    except ValidationError as error:
        raise JobFailed(" ".join(error.messages)) from error
    note = _(
        "%(title)s\nThe figures were generated from the reports as they are now.\n"
        "SHA-256 of the figures: %(hash)s\n"
    ) % {"title": edition.title, "hash": edition.content_hash}
    return JobOutput(
        content=note.encode(),
        filename=f"{documents.file_name(edition)}-figures.txt",
        content_type="text/plain; charset=utf-8",
    )


KINDS = [
    JobKind(
        name=EDITION_PDF,
        render=render_edition_pdf,
        may_read=may_read_edition,
        back=back_to_edition,
    ),
    JobKind(
        name=EDITION_DOCX,
        render=render_edition_docx,
        may_read=may_read_edition,
        back=back_to_edition,
    ),
    JobKind(
        name=EDITION_GENERATE,
        render=run_generate,
        may_read=may_generate,
        back=back_to_edition,
    ),
]
