"""The offline workbook: download a report as an Excel file, fill it in, upload it back, see what
will change, confirm.

The uploaded file waits in storage between the preview and the confirmation (under a random
name, named by a signed token that also holds who uploaded it for which report and the revisions
the preview showed). The confirmation reads it again and writes it only if nothing changed
online since the preview; otherwise the preview is shown again with the new state.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmsfamily.core.views import error_page
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import UploadKind
from cmsfamily.reporting import display, exports, selectors, workbook
from cmsfamily.reporting.answers import Pickers
from cmsfamily.reporting.views.common import (
    refuse_if_closed,
    require_versions_readable,
    submission_for,
    template_for,
    template_version_for,
    version_for,
)

PENDING = "reporting/workbooks/pending/"
SALT = "reporting.workbook"
TOKEN_AGE = 24 * 3600


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled workbook (.xlsx)"),
        help_text=gettext_lazy(
            "The workbook downloaded from this report, filled in and saved in Excel or LibreOffice."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=workbook.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _may_work_offline(request, report: selectors.ReportState) -> None:
    """The drafters: the reporter's focal points and the contributors of assigned sections."""
    user, submission = request.user, report.submission
    if not (
        user.has_perm("reporting.edit_submission", submission)
        or user.has_perm("reporting.recall_submission", submission)
        or report.closed
    ):
        raise PermissionDenied


def template_workbook(request, slug, number):
    """A blank workbook of a template version, for whoever may read the version."""
    template = template_for(request, slug)
    version = template_version_for(template, number)
    if not version.is_frozen and not request.user.has_perm("reporting.change_template", template):
        raise PermissionDenied
    language = get_language() or "en"
    data = workbook.blank_workbook(version, language)
    return _xlsx(data, f"{slug}-v{number}-blank-{language}.xlsx")


@login_required
def download(request, pk):
    submission = submission_for(request, pk)
    report = selectors.report_state(submission, request.user)
    _may_work_offline(request, report)
    language = get_language() or "en"
    data = workbook.draft_workbook(submission, request.user, language, report=report)
    return _xlsx(
        data, f"{submission.cycle.slug}-{exports.reporter_code(submission)}-{language}.xlsx"
    )


def version_workbook(request, pk, number):
    """A submitted version as a locked workbook, in the language it was submitted in."""
    submission = submission_for(request, pk)
    require_versions_readable(request, submission)
    version = version_for(request, submission, number)
    data = workbook.version_workbook(version)
    return _xlsx(
        data, f"{submission.cycle.slug}-{exports.reporter_code(submission)}-v{version.number}.xlsx"
    )


def _display(changes, structure) -> list[dict]:
    names = Pickers()
    rows = []
    for change in changes:
        question = structure.items_by_code[change.code].question
        rows.append(
            {
                "change": change,
                "old": display.text(question, change.old, names=names),
                "new": display.text(question, change.new, names=names),
            }
        )
    return rows


def _preview(request, submission, plan, token, *, status=200, again=False):
    structure = selectors.structure(submission.cycle.version)
    return render(
        request,
        "reporting/workbook_preview.html",
        {
            "submission": submission,
            "rows": _display(plan.changes, structure),
            "plan": plan,
            "token": token,
            "again": again,
        },
        status=status,
    )


def _record_refusal(request, submission, upload, reasons, *, file_name=None, size=None) -> None:
    """Note the refused workbook for the Secretariat's review queue (never the file itself)."""
    registry.record_failed_upload(
        by=request.user,
        kind=UploadKind.REPORT_WORKBOOK,
        file=upload,
        file_name=file_name,
        size=size,
        reasons=reasons,
        party=submission.party,
        organisation=submission.organisation,
        instrument=submission.cycle.version.template.instrument,
        subject=f"{submission.reporter} — {submission.cycle.title}",
        link=submission.get_absolute_url(),
    )


def _refused(request, submission, form, message):
    _record_refusal(request, submission, form.cleaned_data.get("file"), [message])
    form.add_error("file", message)
    return render(
        request,
        "reporting/workbook_upload.html",
        {"submission": submission, "form": form, "errors": []},
        status=400,
    )


@login_required
def upload(request, pk):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    if not request.user.has_perm("reporting.edit_submission", submission):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        if request.method == "POST" and request.FILES.get("file") is not None:
            _record_refusal(
                request,
                submission,
                request.FILES["file"],
                [str(message) for message in form.errors.get("file", [])],
            )
        return render(
            request,
            "reporting/workbook_upload.html",
            {"submission": submission, "form": form, "errors": []},
            status=400 if request.method == "POST" else 200,
        )
    upload = form.cleaned_data["file"]
    if upload.size > workbook.max_upload_bytes():
        return _refused(
            request,
            submission,
            form,
            _("This file is larger than %(limit)s MB, the limit for a workbook.")
            % {"limit": workbook.max_upload_bytes() // 2**20},
        )
    data = upload.read()
    language = get_language() or "en"
    try:
        plan = workbook.read(
            data, submission=submission, user=request.user, language=language, name=upload.name
        )
    except workbook.WorkbookRefused as error:
        return _refused(request, submission, form, " ".join(error.messages))
    if plan.errors:
        _record_refusal(
            request,
            submission,
            upload,
            [f"{error.sheet} {error.cell}: {error.message}" for error in plan.errors],
        )
        return render(
            request,
            "reporting/workbook_upload.html",
            {"submission": submission, "form": UploadForm(), "errors": plan.errors},
            status=400,
        )
    if not plan.changes:
        messages.info(request, _("The workbook changes nothing in this report."))
        return redirect(submission.get_absolute_url())
    sweep()
    name = default_storage.save(f"{PENDING}{uuid.uuid4().hex}.xlsx", ContentFile(data))
    return _preview(request, submission, plan, _token(request, submission, name, upload.name, plan))


def sweep(folder: str = PENDING) -> None:
    """Forget uploads never confirmed nor cancelled, once their token has expired."""
    try:
        _folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - dt.timedelta(seconds=TOKEN_AGE)
    for name in files:
        path = f"{folder}{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _token(request, submission, name: str, original: str, plan) -> str:
    """What the confirmation needs: the stored file, who for which report, and the revision of
    each answer the preview showed."""
    return signing.dumps(
        {
            "s": submission.pk,
            "u": request.user.pk,
            "f": name,
            "n": original,
            "r": {change.spot: change.current_revision for change in plan.changes},
        },
        salt=SALT,
        compress=True,
    )


def _pending(request, submission) -> dict:
    try:
        token = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:
        token = None
    if (
        not isinstance(token, dict)
        or token.get("s") != submission.pk
        or token.get("u") != request.user.pk
        or not str(token.get("f", "")).startswith(PENDING)
        or not default_storage.exists(token["f"])
    ):
        return {}
    return token


@require_POST
@login_required
def confirm(request, pk):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    if not request.user.has_perm("reporting.edit_submission", submission):
        raise PermissionDenied
    token = _pending(request, submission)
    back = submission.get_absolute_url()
    if not token:
        return error_page(
            request,
            title=_("Upload expired"),
            message=_(
                "This upload is no longer waiting for confirmation (it was confirmed, "
                "cancelled, or is more than a day old). Upload the workbook again."
            ),
            status=400,
            back=back,
        )
    if "cancel" in request.POST:
        default_storage.delete(token["f"])
        messages.info(request, _("The upload was cancelled; nothing was changed."))
        return redirect(back)
    with default_storage.open(token["f"], "rb") as stored:
        data = stored.read()
    language = get_language() or "en"
    try:
        plan = workbook.read(
            data, submission=submission, user=request.user, language=language, name=token["n"]
        )
    except workbook.WorkbookRefused as error:
        default_storage.delete(token["f"])
        _record_refusal(
            request, submission, None, error.messages, file_name=token["n"], size=len(data)
        )
        return error_page(
            request, title=_("Not saved"), message=" ".join(error.messages), status=400, back=back
        )
    seen = token.get("r", {})
    if plan.errors or any(seen.get(c.spot) != c.current_revision for c in plan.changes):
        messages.warning(
            request,
            _("Someone saved this report since the preview: check the changes again."),
        )
        token = _token(request, submission, token["f"], token["n"], plan)
        return _preview(request, submission, plan, token, status=409, again=True)
    result = workbook.apply(
        plan,
        submission=submission,
        user=request.user,
        keep_mine=request.POST.getlist("keep_mine"),
        language=language,
    )
    if not result.ok:
        plan = workbook.read(
            data, submission=submission, user=request.user, language=language, name=token["n"]
        )
        messages.warning(
            request,
            _("Someone saved this report since the preview: check the changes again."),
        )
        token = _token(request, submission, token["f"], token["n"], plan)
        return _preview(request, submission, plan, token, status=409, again=True)
    default_storage.delete(token["f"])
    kept = len(plan.conflicts) - len(
        [c for c in plan.conflicts if c.spot in request.POST.getlist("keep_mine")]
    )
    saved = len(plan.changes) - kept
    message = ngettext(
        "%(count)s answer saved from the workbook.",
        "%(count)s answers saved from the workbook.",
        saved,
    ) % {"count": saved}
    if kept:
        message += " " + ngettext(
            "%(count)s answer changed online was kept as it is.",
            "%(count)s answers changed online were kept as they are.",
            kept,
        ) % {"count": kept}
    messages.success(request, message)
    return redirect(back)
