"""The pages of the State of the CMS Family report (`/state-of-the-family/`): the editions, an
edition in HTML, and in PDF and DOCX (made by background jobs) in the page's language, the Secretariat's pages (a new edition,
generating its figures, a chapter's texts, its status, publishing) and a draft compared with the
last published edition. Reads are `selectors`', writes `services`'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cmsfamily.analytics.editions import compare as comparing
from cmsfamily.analytics.editions import jobs, selectors, services
from cmsfamily.analytics.editions.charts import cached_chart
from cmsfamily.analytics.editions.forms import ChapterForm, EditionForm, MoveForm
from cmsfamily.core.jobs.views import start_and_show
from cmsfamily.core.views import error_page, form_page, require_perm, run_service

MANAGE = "analytics.manage_editions"


def _edition(request, pk: int):
    edition = selectors.edition(request.user, pk)
    if edition is None:
        raise Http404(_("No such edition."))
    return edition


def _refused(request, edition, error: ValidationError):
    return error_page(
        request,
        title=_("The edition was not changed"),
        message=" ".join(error.messages),
        status=400,
        back=edition.get_absolute_url(),
    )


def index(request):
    editions = list(selectors.editions(request.user))
    return render(request, "analytics/editions/index.html", {"editions": editions})


@login_required
@require_http_methods(["GET", "POST"])
def add(request):
    require_perm(request.user, MANAGE)
    form = EditionForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.create_edition(by=request.user, **form.cleaned_data),
        success=_("The edition was created. Generate its figures from the reports."),
        then=lambda edition: edition.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("New edition of the State of the CMS Family"),
        back=reverse("editions:index"),
        intro=_(
            "The edition covers the closed reporting cycles whose deadline falls in its period. "
            "Its chapters follow the goals and targets of the Strategic Plan for Migratory "
            "Species."
        ),
    )


def edition_context(request, edition, *, for_pdf: bool = False) -> dict:
    view = selectors.read(edition)
    annexed = {entry["id"]: entry for entry in view.annex.get("versions", [])}
    chapters = []
    charted = False
    for chapter in view.chapters:
        figures = []
        for figure in chapter.figures:
            chart = cached_chart(figure)
            charted |= chart is not None
            cited = [annexed[pk] for pk in figure["cites"] if pk in annexed]
            figures.append((figure, chart, cited))
        chapters.append((chapter, figures))
    return {
        "edition": edition,
        "view": view,
        "chapters": chapters,
        "charted": charted,
        "for_pdf": for_pdf,
        "manages": request.user.has_perm(MANAGE),
        "cycles": view.content.get("cycles", []),
        "last_published": selectors.last_published(before=edition)
        if not edition.is_published
        else None,
    }


def edition(request, pk: int):
    edition = _edition(request, pk)
    return render(request, "analytics/editions/edition.html", edition_context(request, edition))


def _download(request, pk: int, *, kind: str, title):
    edition = _edition(request, pk)
    return start_and_show(
        request,
        kind=kind,
        key=jobs.edition_key(edition, get_language() or "en"),
        params={"edition": edition.pk},
        title=title % {"edition": edition.title},
    )


def edition_pdf(request, pk: int):
    """The edition as PDF, made by a background job (it takes a while): leads to the job's page."""
    return _download(request, pk, kind=jobs.EDITION_PDF, title=_("PDF of %(edition)s"))


def edition_docx(request, pk: int):
    return _download(request, pk, kind=jobs.EDITION_DOCX, title=_("DOCX of %(edition)s"))


@login_required
@require_POST
def generate(request, pk: int):
    """Generating reads every report of the period (it takes a while): a background job, whose
    page follows it step by step and links back to the edition."""
    edition = _edition(request, pk)
    require_perm(request.user, MANAGE)
    if edition.is_published:
        return _refused(
            request, edition, ValidationError(_("This edition is published: it no longer changes."))
        )
    return start_and_show(
        request,
        kind=jobs.EDITION_GENERATE,
        key=jobs.generate_key(edition),
        params={"edition": edition.pk},
        title=_("Generating the figures of %(edition)s") % {"edition": edition.title},
    )


@login_required
@require_POST
def move(request, pk: int):
    edition = _edition(request, pk)
    require_perm(request.user, MANAGE)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, edition, ValidationError(_("Choose draft or in review.")))
    try:
        services.move_edition(edition=edition, status=form.cleaned_data["status"], by=request.user)
    except ValidationError as error:
        return _refused(request, edition, error)
    messages.success(request, _("The edition's status was changed."))
    return redirect(edition)


@login_required
@require_POST
def publish(request, pk: int):
    edition = _edition(request, pk)
    require_perm(request.user, MANAGE)
    try:
        services.publish_edition(edition=edition, by=request.user)
    except ValidationError as error:
        return _refused(request, edition, error)
    messages.success(request, _("The edition is published: its figures and texts are frozen."))
    return redirect(edition)


@login_required
@require_http_methods(["GET", "POST"])
def chapter(request, pk: int, key: str):
    edition = _edition(request, pk)
    require_perm(request.user, MANAGE)
    found = edition.chapters.filter(key=key).first()
    if found is None:
        raise Http404(_("No such chapter."))
    if edition.is_published:
        return _refused(
            request, edition, ValidationError(_("This edition is published: it no longer changes."))
        )
    initial = {"status": found.status, **{name: getattr(found, name) for name in TEXTS}}
    form = ChapterForm(request.POST or None, initial=initial)
    if done := run_service(
        request,
        form,
        lambda: services.edit_chapter(chapter=found, by=request.user, **form.cleaned_data),
        success=_("The chapter was saved."),
        then=f"{edition.get_absolute_url()}#chapter-{found.key}",
    ):
        return done
    return form_page(
        request,
        form,
        title=_("%(chapter)s — %(edition)s")
        % {"chapter": selectors.heading(found), "edition": edition.title},
        back=f"{edition.get_absolute_url()}#chapter-{found.key}",
        intro=_(
            "Write around the generated figures; the figures themselves are never typed. "
            "Paragraphs, lists, bold and italic are kept; other markup is removed."
        ),
    )


TEXTS = ("text_en", "text_fr", "text_es")


def compare(request, pk: int):
    edition = _edition(request, pk)
    require_perm(request.user, MANAGE)
    published = selectors.last_published(before=edition)
    if published is None or not edition.content:
        return error_page(
            request,
            title=_("Nothing to compare"),
            message=_("No edition has been published yet to compare this one with.")
            if published is None
            else _("Generate this edition's figures before comparing it."),
            status=400,
            back=edition.get_absolute_url(),
        )
    changes = comparing.compare(edition, published, lang=selectors.language())
    return render(request, "analytics/editions/compare.html", {"changes": changes})
