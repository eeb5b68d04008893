"""Reporting cycles: the reporting index, a cycle's page (public once it opens) with its
reporters and, for the Secretariat keeping it, timeliness and exports; creating a cycle on a
template version, opening and closing it, and the timeliness of every cycle one keeps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.views import form_page, require_perm, run_service
from cmsfamily.reporting import exports, selectors, services
from cmsfamily.reporting.choices import SubmissionStatus
from cmsfamily.reporting.forms import CycleCreateForm
from cmsfamily.reporting.models import Cycle
from cmsfamily.reporting.views.common import template_version_to_change

LATEST_PUBLISHED = 10  # on the index; every published report is listed on its cycle's page


REPORTERS_PER_PAGE = 50


def index(request):
    """Reports the user drafts or contributes to, and the cycles they may see."""
    user = request.user
    own = selectors.own_submissions(user)
    published = selectors.latest_published(user, LATEST_PUBLISHED)
    return render(
        request,
        "reporting/index.html",
        {
            "own": own,
            "published": published,
            "published_cycles": list(selectors.published_cycles(user)),
            "cycles": list(selectors.cycles(user)),
        },
    )


def _cycle(request, slug) -> Cycle:
    cycle = selectors.cycle(request.user, slug)
    if cycle is None:
        raise Http404
    return cycle


def cycle_detail(request, slug):
    """A cycle's page, public once the cycle opens: every expected reporter with the status of its
    report and, when published, the downloads of the published version; the Secretariat keeping
    the cycle also gets the timeliness table and the cycle-wide exports.

    What a reporter's row tells depends on who reads it. The status of a report that the reader
    may not see (a draft, a submitted or returned report, an accepted one awaiting publication)
    is part of the exchange between the reporter and the Secretariat: a return says the review
    found something to change. So such a row says "not published" only, without its dates; the
    public learns which reports are out, not how the others are doing. A reporter and the
    contributors assigned a section see their own report's real status; the Secretariat keeping
    the cycle sees every report's, as it chases the missing ones."""
    cycle = _cycle(request, slug)
    user = request.user
    keeps = user.has_perm("reporting.manage_cycle", cycle)
    descending = request.GET.get("order") == "desc"
    page = Paginator(
        selectors.cycle_reporters(cycle, descending=descending), REPORTERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = list(page)
    visible = selectors.visible_submission_ids(user, [row.pk for row in rows])
    # Who keeps the cycle follows every report's progress (`reporting.view_progress`, the same
    # rule as `manage_cycle` for a cycle's reports): a draft's row opens the page that says how far
    # it has got, without its answers.
    for row in rows:
        row.cycle = cycle  # read once, with its template's instrument
    follows = user.has_perm("reporting.view_progress", rows[0]) if keeps and rows else False
    for row in rows:
        row.visible = row.pk in visible
        row.disclosed = keeps or row.visible
        row.openable = row.visible or follows
        row.published = row.status == SubmissionStatus.PUBLISHED and row.latest_version is not None
    published_count = selectors.published_count(cycle)
    return render(
        request,
        "reporting/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": rows,
            "page": page,
            "descending": descending,
            "published_count": published_count,
            "keeps": keeps,
            "export_formats": exports.FORMATS if keeps else (),
            "timeliness": selectors.timeliness(cycle) if keeps else None,
            "today": timezone.localdate(),
        },
    )


def _in_language(lines, language):
    """A streamed body is written after the view has returned: each chunk in the request's
    language, without leaving that language active between chunks."""
    iterator = iter(lines)
    while True:
        with translation.override(language):
            line = next(iterator, None)
        if line is None:
            return
        yield line


@login_required
def cycle_export(request, slug, fmt):
    """Every reporter's last submitted version of the cycle as rows, for the Secretariat keeping
    it; drafts are never exported."""
    if fmt not in exports.FORMATS:
        raise Http404
    cycle = _cycle(request, slug)
    require_perm(request.user, "reporting.manage_cycle", cycle)
    rows = exports.cycle_rows(cycle)
    filename = f"{cycle.slug}-reports.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            _in_language(exports.csv_lines(rows), get_language()),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx(rows, title=cycle.slug),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = JsonResponse(
            exports.cycle_document(cycle, rows),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def cycle_create(request, slug, number):
    version = template_version_to_change(request, slug, number)
    form = CycleCreateForm(request.POST or None)

    def create():
        data = form.cleaned_data
        deadline, rule = data["deadline"], ""
        if not deadline:
            deadline = services.deadline_before_meeting(data["meeting_opens"])
            rule = _("Six months before the meeting opening on %(date)s (Resolution 12.5).") % {
                "date": data["meeting_opens"].isoformat()
            }
        return services.create_cycle(
            slug=data["slug"],
            version=version,
            period_start=data["period_start"],
            period_end=data["period_end"],
            opens_on=data["opens_on"],
            deadline=deadline,
            deadline_rule=rule,
            expected=data["expected"],
            parties=list(data["parties"]),
            organisations=list(data["organisations"]),
            by=request.user,
            **{f"title_{lang}": data[f"title_{lang}"] for lang in LANGUAGES},
        )

    if done := run_service(
        request,
        form,
        create,
        success=lambda cycle: (
            _("The cycle was created with %(count)s reporters.")
            % {"count": selectors.reporter_count(cycle)}
        ),
        then=lambda cycle: cycle.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("New reporting cycle on %(version)s") % {"version": version},
        back=version.get_absolute_url(),
        intro=_(
            "Creating a cycle freezes this template version: later changes go into a new version."
        ),
    )


@require_POST
@login_required
def cycle_status(request, slug):
    cycle = _cycle(request, slug)
    require_perm(request.user, "reporting.manage_cycle", cycle)
    try:
        services.set_cycle_status(
            cycle=cycle, status=request.POST.get("status", ""), by=request.user
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect(cycle.get_absolute_url())


@login_required
def timeliness_overview(request):
    """Reporting and on-time rates of every cycle the user keeps, by instrument."""
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(request.user)
    if not scope.is_secretariat:
        raise PermissionDenied
    rows = selectors.timeliness_by_cycle(selectors.kept_cycles(request.user))
    return render(request, "reporting/timeliness.html", {"rows": rows})
