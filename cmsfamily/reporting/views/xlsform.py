"""A template version as an XLSForm workbook (issue 16, item 7), for ODK, KoboToolbox or
SurveyCTO users, or to be read back by ``reporting.xlsform.from_xlsform``."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from cmsfamily.core.spreadsheets import XLSX_TYPE
from cmsfamily.reporting import xlsform
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
