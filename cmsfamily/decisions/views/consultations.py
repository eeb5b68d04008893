"""Consultations on drafts: the list, opening one with its draft, the draft with its comments,
commenting, resolving, a new version and its changes, the compilation, the adoption."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cmsfamily.core.views import (
    error_page,
    require_perm,
    run_service,
    spreadsheet_response,
)
from cmsfamily.decisions import drafts, selectors, services
from cmsfamily.decisions.choices import CommentKind, Resolution
from cmsfamily.decisions.forms import (
    AdoptForm,
    CommentForm,
    ConsultationForm,
    ResolveForm,
    VersionForm,
)
from cmsfamily.decisions.models import Comment, DraftParagraph


def _consultation(request, slug):
    consultation = selectors.consultation(request.user, slug)
    if consultation is None:
        raise Http404
    return consultation


def _upload(form) -> tuple[bytes, str]:
    upload = form.cleaned_data["draft"]
    if upload.size > drafts.MAX_BYTES:
        raise ValidationError(
            {"draft": _("This file is larger than 10 MB; a draft may be at most 10 MB.")}
        )
    return upload.read(), upload.name


def consultation_list(request):
    paginator = Paginator(selectors.consultations(request.user), 50)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except Exception:  # EmptyPage, PageNotAnInteger  # noqa: BLE001
        return error_page(
            request,
            title=_("No such page"),
            message=_("This list has no such page."),
            status=404,
            back=request.path,
        )
    return render(
        request,
        "decisions/consultation_list.html",
        {
            "page": page,
            "now": timezone.now(),
            "can_open": request.user.has_perm("decisions.run_consultation"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_add(request):
    require_perm(request.user, "decisions.run_consultation")
    form = ConsultationForm(request.POST or None, request.FILES or None)

    def call():
        content, name = _upload(form)
        data = {k: v for k, v in form.cleaned_data.items() if k != "draft"}
        return services.open_consultation(content=content, file_name=name, by=request.user, **data)

    if done := run_service(
        request,
        form,
        call,
        success=_("The consultation is open."),
        then=lambda consultation: consultation.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "decisions/consultation_form.html",
        {"form": form, "title": _("Open a consultation"), "back": reverse("consultations:list")},
        status=400 if request.method == "POST" else 200,
    )


def consultation_detail(request, slug):
    consultation = _consultation(request, slug)
    raw = request.GET.get("version")
    number = int(raw) if raw and raw.isdigit() and len(raw) < 9 else None
    if raw and number is None:
        return error_page(
            request,
            title=_("No such version"),
            message=_("“%(version)s” is not a version number.") % {"version": raw[:40]},
            status=400,
            back=consultation.get_absolute_url(),
        )
    version = selectors.version(consultation, number)
    if version is None:
        raise Http404
    latest = selectors.version(consultation, None)
    is_open = timezone.now() < consultation.deadline and consultation.adopted_as_id is None
    paragraphs = selectors.paragraphs(request.user, consultation, version)
    return render(
        request,
        "decisions/consultation_detail.html",
        {
            "consultation": consultation,
            "version": version,
            "latest": latest,
            "versions": list(consultation.versions.all()),
            "paragraphs": paragraphs,
            "is_open": is_open,
            "may_comment": is_open
            and version == latest
            and request.user.has_perm("decisions.comment", consultation),
            "may_run": request.user.has_perm("decisions.run_consultation", consultation),
            "sees_all": request.user.has_perm("decisions.view_all_comments", consultation),
            # A draft of 400 paragraphs and 2,000 comments has as many small forms: the
            # template writes them from these choices, each with its own ids, rather than
            # rendering a Django form 2,400 times (bench/decisions.py).
            "comment_kinds": CommentKind.choices,
            "outcomes": Resolution.choices,
        },
    )


@login_required
@require_POST
def comment_add(request, slug, pk):
    consultation = _consultation(request, slug)
    require_perm(request.user, "decisions.comment", consultation)
    paragraph = (
        DraftParagraph.objects.select_related("version")
        .filter(version__consultation=consultation, pk=pk)
        .first()
    )
    if paragraph is None:
        raise Http404
    form = CommentForm(request.POST)
    if done := run_service(
        request,
        form,
        lambda: services.comment(paragraph=paragraph, by=request.user, **form.cleaned_data),
        success=_("Your comment is recorded."),
        then=f"{consultation.get_absolute_url()}#p-{paragraph.pk}",
    ):
        return done
    return _refused(request, consultation, form)


def _refused(request, consultation, form):
    problems = [str(e) for e in form.non_field_errors()] + [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
        if name != "__all__"
    ]
    return error_page(
        request,
        title=_("Not saved"),
        message=" ".join(problems),
        status=400,
        back=consultation.get_absolute_url(),
    )


@login_required
@require_POST
def comment_resolve(request, slug, pk):
    consultation = _consultation(request, slug)
    require_perm(request.user, "decisions.run_consultation", consultation)
    comment = (
        Comment.objects.select_related("paragraph__version__consultation")
        .filter(paragraph__version__consultation=consultation, pk=pk)
        .first()
    )
    if comment is None:
        raise Http404
    form = ResolveForm(request.POST)
    if done := run_service(
        request,
        form,
        lambda: services.resolve_comment(comment=comment, by=request.user, **form.cleaned_data),
        success=_("The comment is resolved."),
        then=f"{consultation.get_absolute_url()}?version={comment.paragraph.version.number}#c-{comment.pk}",
    ):
        return done
    return _refused(request, consultation, form)


@login_required
@require_http_methods(["GET", "POST"])
def version_add(request, slug):
    consultation = _consultation(request, slug)
    require_perm(request.user, "decisions.run_consultation", consultation)
    form = VersionForm(request.POST or None, request.FILES or None)

    def call():
        content, name = _upload(form)
        return services.upload_version(
            consultation=consultation, content=content, file_name=name, by=request.user
        )

    if done := run_service(
        request,
        form,
        call,
        success=_("The new version is uploaded."),
        then=lambda version: reverse("consultations:changes", args=[slug, version.number]),
    ):
        return done
    return render(
        request,
        "decisions/consultation_form.html",
        {
            "form": form,
            "title": _("Upload a new version"),
            "back": consultation.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


def version_changes(request, slug, number):
    consultation = _consultation(request, slug)
    version = selectors.version(consultation, number)
    if version is None or version.number < 2:
        raise Http404
    return render(
        request,
        "decisions/version_changes.html",
        {
            "consultation": consultation,
            "version": version,
            "changes": selectors.changes(request.user, consultation, version),
        },
    )


def compilation(request, slug, export_format):
    consultation = _consultation(request, slug)
    if export_format not in ("xlsx", "docx"):
        raise Http404
    header, rows = selectors.compilation_rows(request.user, consultation)
    name = f"comments-{consultation.slug}"
    if export_format == "xlsx":
        return spreadsheet_response("xlsx", header, rows, name=name, title=_("Comments"))
    return _docx(consultation, header, rows, name)


def _docx(consultation, header, rows, name):
    import docx

    document = docx.Document()
    document.add_heading(_("Compilation of comments"), level=1)
    document.add_paragraph(str(consultation.title))
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(label)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.docx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def adopt(request, slug):
    consultation = _consultation(request, slug)
    require_perm(request.user, "decisions.run_consultation", consultation)
    form = AdoptForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.adopt(consultation=consultation, by=request.user, **form.cleaned_data),
        success=_("The text is entered in the register."),
        then=lambda decision: decision.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Enter the adopted text in the register"),
            "intro": _(
                "The latest version's numbered paragraphs become the Resolution's operative "
                "paragraphs."
            ),
            "back": consultation.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )
