"""XLSForm in and out (issue 16, item 7): a template version as an XLSForm workbook, for ODK,
KoboToolbox or SurveyCTO users, and a template imported from one. The conversion is
``reporting.xlsform``; the import itself is ``exchange.import_template``'s, as for a JSON file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from cmsfamily.core import uploads
from cmsfamily.core.spreadsheets import XLSX_TYPE
from cmsfamily.core.views import require_perm
from cmsfamily.reporting import exchange, selectors, workbook, xlsform
from cmsfamily.reporting.forms import XLSFormImportForm
from cmsfamily.reporting.models import Template
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


@login_required
def template_import_xlsform(request):
    """An XLSForm read into a template and imported as the JSON file would be; the page lists
    what the workbook holds that the template does not keep, whether or not it was imported."""
    require_perm(request.user, "reporting.add_template")
    form = XLSFormImportForm(
        request.POST or None,
        request.FILES or None,
        instruments=selectors.template_instruments(request.user),
    )
    problems: list[str] = []
    not_kept: list[str] = []
    version = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The upload gate looks at the file as it was received (its size first), before
        # anything of it is read into memory.
        try:
            uploads.check_workbook(upload, workbook.limits(), name=upload.name or "")
        except uploads.UploadRefused as refused:
            return _page(request, form, problems=list(refused.messages))
        upload.seek(0)
        data, not_kept = xlsform.from_xlsform(
            upload.read(),
            name=upload.name or "",
            instrument=form.cleaned_data["instrument"].code,
            reporter_kind=form.cleaned_data["reporter_kind"],
        )
        if not data:
            problems, not_kept = not_kept, []
        else:
            # The workbook's settings may name another instrument: the user must keep its templates.
            instrument = selectors.instrument_by_code(data["template"]["instrument"])
            if instrument is not None:
                require_perm(
                    request.user, "reporting.change_template", Template(instrument=instrument)
                )
            try:
                version = exchange.import_template(data, by=request.user)
            except exchange.ImportErrors as error:
                problems = error.messages
    return _page(request, form, problems=problems, not_kept=not_kept, version=version)


def _page(request, form, *, problems, not_kept=(), version=None):
    failed = request.method == "POST" and version is None
    return render(
        request,
        "reporting/template_import_xlsform.html",
        {"form": form, "problems": problems, "not_kept": list(not_kept), "version": version},
        status=400 if failed else 200,
    )
