"""XLSForm in and out (issue 16, item 7): a template version as an XLSForm workbook, for ODK,
KoboToolbox or SurveyCTO users, and a template imported from one. The conversion is
``reporting.xlsform``; the import itself is ``exchange.import_template``'s, as for a JSON file."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.core import uploads
from cmsfamily.core.spreadsheets import XLSX_TYPE
from cmsfamily.core.views import require_perm
from cmsfamily.reporting import exchange, selectors, workbook, xlsform
from cmsfamily.reporting.forms import XLSFormImportForm
from cmsfamily.reporting.models import Template
from cmsfamily.reporting.views import workbook as workbook_views
from cmsfamily.reporting.views.common import template_for, template_version_for


def template_xlsform(request, slug, number):
    """Who may read the version's JSON may read its XLSForm: a frozen version is public, a draft
    is seen by who keeps the template."""
    template = template_for(request, slug)
    version = template_version_for(template, number)
    if not version.is_frozen and not request.user.has_perm("reporting.change_template", template):
        raise Http404
    response = HttpResponse(xlsform.to_xlsform(version), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{slug}-v{number}-xlsform.xlsx"
    )
    return response


PENDING = "reporting/xlsforms/pending/"
SALT = "reporting.xlsform-import"
TOKEN_AGE = 24 * 3600


@login_required
def template_import_xlsform(request):
    """An XLSForm in two steps: the upload is read and shown (what will be created, what the
    template cannot keep, by sheet and row) and kept server-side, under a signed token; the
    confirmation imports it, once, as the JSON file would be."""
    require_perm(request.user, "reporting.add_template")
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = XLSFormImportForm(
        request.POST or None,
        request.FILES or None,
        instruments=selectors.template_instruments(request.user),
    )
    if request.method != "POST" or not form.is_valid():
        return _page(request, form, problems=[])
    upload = form.cleaned_data["file"]
    # The upload gate looks at the file as it was received (its size first), before anything
    # of it is read into memory: what is kept for the confirmation is within its limit.
    try:
        uploads.check_workbook(upload, workbook.limits(), name=upload.name or "")
    except uploads.UploadRefused as refused:
        return _page(request, form, problems=list(refused.messages))
    upload.seek(0)
    content = upload.read()
    choice = {
        "instrument": form.cleaned_data["instrument"].code,
        "reporter_kind": form.cleaned_data["reporter_kind"],
    }
    data, not_kept = xlsform.from_xlsform(content, name=upload.name or "", **choice)
    if not data:
        return _page(request, form, problems=not_kept)
    _check_instrument(request, data)
    workbook_views.sweep(PENDING)  # the same token age as the offline workbook's uploads
    stored = default_storage.save(f"{PENDING}{uuid.uuid4().hex}.xlsx", ContentFile(content))
    token = signing.dumps(
        {"u": request.user.pk, "f": stored, "n": upload.name or "", **choice},
        salt=SALT,
        compress=True,
    )
    return _page(request, form, problems=[], not_kept=not_kept, preview=_preview(data), token=token)


def _check_instrument(request, data: dict) -> None:
    """The workbook's settings may name another instrument: the user must keep its templates."""
    instrument = selectors.instrument_by_code(data["template"]["instrument"])
    if instrument is not None:
        require_perm(request.user, "reporting.change_template", Template(instrument=instrument))


def _preview(data: dict) -> dict:
    items = [item for section in data["sections"] for item in section["items"]]
    titles = data["template"]["title"] or {}
    return {
        "slug": data["template"]["slug"],
        "title": titles.get(get_language() or "") or next(iter(titles.values()), ""),
        "sections": len(data["sections"]),
        "questions": len(items),
        "conditional": sum(1 for item in items if item.get("show_if"))
        + sum(1 for section in data["sections"] if section.get("show_if")),
    }


def _pending(request) -> dict:
    try:
        token = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:
        return {}
    if (
        not isinstance(token, dict)
        or token.get("u") != request.user.pk
        or not str(token.get("f", "")).startswith(PENDING)
        or not default_storage.exists(token["f"])
    ):
        return {}
    return token


def _confirm(request):
    form = XLSFormImportForm(instruments=selectors.template_instruments(request.user))
    token = _pending(request)
    # One confirmation per upload, however often the button is pressed: the first claims it.
    if not token or not cache.add(f"{SALT}:{token['f']}", True, TOKEN_AGE):
        return _page(
            request,
            form,
            problems=[
                _(
                    "This upload is no longer waiting for confirmation (it was imported, "
                    "cancelled, or is more than a day old). Upload the workbook again."
                )
            ],
        )
    with default_storage.open(token["f"], "rb") as stored:
        content = stored.read()
    default_storage.delete(token["f"])
    if "cancel" in request.POST:
        messages.info(request, _("The import was cancelled; nothing was imported."))
        return redirect("reporting:template-list")
    data, not_kept = xlsform.from_xlsform(
        content,
        name=token["n"],
        instrument=token["instrument"],
        reporter_kind=token["reporter_kind"],
    )
    problems: list[str] = []
    version = None
    if not data:
        problems, not_kept = not_kept, []
    else:
        _check_instrument(request, data)
        try:
            version = exchange.import_template(data, by=request.user)
        except exchange.ImportErrors as error:
            problems = error.messages
    return _page(request, form, problems=problems, not_kept=not_kept, version=version)


def _page(request, form, *, problems, not_kept=(), version=None, preview=None, token=""):
    failed = request.method == "POST" and version is None and not preview
    return render(
        request,
        "reporting/template_import_xlsform.html",
        {
            "form": form,
            "problems": problems,
            "not_kept": list(not_kept),
            "version": version,
            "preview": preview,
            "token": token,
        },
        status=400 if failed else 200,
    )
