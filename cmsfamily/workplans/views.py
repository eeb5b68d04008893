from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cmsfamily.core.jobs.views import start_and_show
from cmsfamily.core.views import (
    FilteredTableView,
    bad_query_page,
    error_page,
    form_page,
    require_perm,
    run_service,
)
from cmsfamily.workplans import jobs, outputs, selectors, services
from cmsfamily.workplans.filtersets import WorkProgrammeFilter
from cmsfamily.workplans.forms import (
    ActivityForm,
    FundingForm,
    ProgrammeForm,
    ProgressForm,
    ResourceLineForm,
)
from cmsfamily.workplans.tables import WorkProgrammeTable


class ProgrammeListView(FilteredTableView):
    table_class = WorkProgrammeTable
    filterset_class = WorkProgrammeFilter
    export_name = "work-programmes"
    page_title = gettext_lazy("Work programmes")

    def get_queryset(self):
        return selectors.programmes(self.request.user)


programme_list = ProgrammeListView.as_view()


def _programme(request, code):
    return get_object_or_404(selectors.programmes(request.user), code=code)


def _activity(request, code, number):
    return get_object_or_404(
        selectors.activity_detail(request.user), programme__code=code, number=number
    )


def _funding_form(request) -> FundingForm:
    return FundingForm(request.GET, today=timezone.localdate())


def _bad_funding_form(request, form: FundingForm, back):
    title = _("The funding cannot be shown with these settings")
    return bad_query_page(request, form, title=title, back=back)


def programme_detail(request, code):
    programme = _programme(request, code)
    funding_form = _funding_form(request)
    if not funding_form.is_valid():
        return _bad_funding_form(request, funding_form, programme.get_absolute_url())
    raw_page = request.GET.get("page", "1")
    try:
        outline = selectors.outline(request.user, programme, page=int(raw_page))
    except ValueError:
        return error_page(
            request,
            title=_("No such page"),
            message=_("This programme's outline has no page “%(page)s”.") % {"page": raw_page},
            status=404,
            back=programme.get_absolute_url(),
        )
    funding, per_activity = selectors.funding(request.user, programme, **funding_form.cleaned_data)
    for activity, _depth in outline.rows:
        activity.funding = per_activity.get(activity.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "outline": outline,
        "page_query": query.urlencode(),
        "funding": funding,
        "funding_form": funding_form,
        "aichi_targets": list(programme.aichi_targets.order_by("number")),
        "can_add_activity": request.user.has_perm("workplans.add_activity", programme),
        "can_edit": request.user.has_perm("workplans.change_workprogramme", programme),
    }
    return render(request, "workplans/programme_detail.html", context)


def _activity_page(request, activity, form, status=200):
    user = request.user
    context = {
        "activity": activity,
        "programme": activity.programme,
        "updates": list(activity.updates.all()),
        "resources": list(activity.resources.all()),
        "targets": list(activity.targets.all()),
        "derived_targets": selectors.targets_through_aichi(activity),
        "aichi_targets": list(activity.aichi_targets.all()),
        "children": list(activity.children.all()),
        "partners": list(activity.partners.all()),
        "partner_parties": list(activity.partner_parties.all()),
        "funding": selectors.activity_funding(
            user, activity, currency="EUR", on=timezone.localdate()
        ),
        "can_post": user.has_perm("workplans.post_progress", activity)
        and not activity.programme.is_closed,
        "can_edit": user.has_perm("workplans.change_activity", activity)
        and not activity.programme.is_closed,
        "form": form,
    }
    return render(request, "workplans/activity_detail.html", context, status=status)


def activity_detail(request, code, number):
    activity = _activity(request, code, number)
    return _activity_page(request, activity, ProgressForm())


@login_required
@require_POST
def post_progress(request, code, number):
    activity = _activity(request, code, number)
    require_perm(request.user, "workplans.post_progress", activity)
    form = ProgressForm(request.POST)
    if done := run_service(
        request,
        form,
        lambda: services.post_progress(activity=activity, by=request.user, **form.cleaned_data),
        success=_("The progress update was posted."),
        then=activity,
    ):
        return done
    return _activity_page(request, activity, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def programme_add(request):
    require_perm(request.user, "workplans.add_workprogramme")
    form = ProgrammeForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.create_programme(by=request.user, **form.cleaned_data),
        success=_("The work programme was created."),
        then=lambda programme: programme,
    ):
        return done
    return form_page(
        request, form, title=_("New work programme"), back=reverse("workplans:programme-list")
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, code):
    programme = _programme(request, code)
    require_perm(request.user, "workplans.change_workprogramme", programme)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if done := run_service(
        request,
        form,
        lambda: services.update_programme(
            programme=programme,
            by=request.user,
            **{name: value for name, value in form.cleaned_data.items() if name != "code"},
        ),
        success=_("The work programme was saved."),
        then=programme,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Edit %(programme)s") % {"programme": Truncator(programme.title).words(8)},
        back=programme.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request, code):
    programme = _programme(request, code)
    require_perm(request.user, "workplans.add_activity", programme)
    form = ActivityForm(request.POST or None, programme=programme)
    if done := run_service(
        request,
        form,
        lambda: services.add_activity(programme=programme, by=request.user, **form.values()),
        success=_("The activity was added."),
        then=lambda activity: activity,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Add an activity to %(programme)s")
        % {"programme": Truncator(programme.title).words(8)},
        back=programme.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, code, number):
    activity = _activity(request, code, number)
    require_perm(request.user, "workplans.change_activity", activity)
    form = ActivityForm(request.POST or None, instance=activity, programme=activity.programme)
    if done := run_service(
        request,
        form,
        lambda: services.update_activity(activity=activity, by=request.user, **form.values()),
        success=_("The activity was saved."),
        then=lambda saved: saved,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Edit activity %(number)s") % {"number": activity.number},
        back=activity.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_add(request, code, number):
    activity = _activity(request, code, number)
    require_perm(request.user, "workplans.change_activity", activity)
    form = ResourceLineForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.add_resource_line(
            activity=activity,
            by=request.user,
            **{name: form.cleaned_data[name] for name in ResourceLineForm.Meta.fields},
        ),
        success=_("The resource line was added."),
        then=activity,
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Add a resource line to activity %(number)s") % {"number": activity.number},
            "back": activity.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


# Outputs: the progress report (HTML, PDF, DOCX), the whole programme (XLSX), the timeline.
# Whoever may read the programme may read them; a programme they may not see is a 404.


def report_context(programme, rows, *, for_pdf=False):
    """The progress report's page, and its PDF (made by a job, `workplans.jobs`)."""
    return {
        "programme": programme,
        "rows": rows,
        "generated": timezone.now(),
        "counts": {
            "activities": len(rows),
            "updates": sum(len(row.progress) + len(row.plan) for row in rows),
            "resources": sum(len(row.resources) for row in rows),
        },
        "for_pdf": for_pdf,
    }


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def progress_report(request, code):
    programme = _programme(request, code)
    rows = selectors.progress_report(request.user, programme)
    return render(request, "workplans/progress_report.html", report_context(programme, rows))


def _report_job(request, code, kind, title):
    """The PDF and the DOCX take seconds for Res. 10.9: a background job makes them, reused
    while nothing in the report changes (`jobs.report_key`); this leads to its page."""
    programme = _programme(request, code)
    rows = selectors.progress_report(request.user, programme)
    return start_and_show(
        request,
        kind=kind,
        key=jobs.report_key(programme, rows, get_language() or "en"),
        params={"programme": programme.pk},
        title=title % {"code": programme.code},
    )


def progress_report_pdf(request, code):
    return _report_job(request, code, jobs.REPORT_PDF, _("Progress report of %(code)s as PDF"))


def progress_report_docx(request, code):
    return _report_job(request, code, jobs.REPORT_DOCX, _("Progress report of %(code)s as DOCX"))


def programme_xlsx(request, code):
    programme = _programme(request, code)
    rows = selectors.progress_report(request.user, programme)
    content = outputs.programme_xlsx(programme, rows, generated=timezone.now())
    return _download(content, outputs.XLSX_TYPE, f"{programme.code}-programme.xlsx")


def programme_timeline(request, code):
    programme = _programme(request, code)
    tree = selectors.activity_tree(request.user, programme, with_parts=False)
    context = {"programme": programme, "timeline": outputs.timeline(programme, tree)}
    return render(request, "workplans/programme_timeline.html", context)
