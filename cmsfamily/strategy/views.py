from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cmsfamily.core import spreadsheets
from cmsfamily.core.selectors import events_for, history_rows
from cmsfamily.core.views import (
    bad_query_page,
    error_page,
    form_page,
    require_perm,
    run_service,
)
from cmsfamily.strategy import selectors, services
from cmsfamily.strategy.choices import MappingKind
from cmsfamily.strategy.forms import (
    GoalForm,
    GoalQueryForm,
    IndicatorForm,
    MappingForm,
    PlanForm,
    TargetForm,
)
from cmsfamily.strategy.models import MAPPINGS, Goal, Indicator, Target

MATRIX_KINDS = (MappingKind.AICHI, MappingKind.GBF)
XLSX = spreadsheets.XLSX_TYPE


def _plan(request, code):
    return get_object_or_404(selectors.plans(request.user), code=code)


def _target(request, code, number):
    return get_object_or_404(
        selectors.targets(request.user).prefetch_related("indicators"),
        plan__code=code,
        number=number,
    )


def plan_list(request):
    return render(
        request,
        "strategy/plan_list.html",
        {
            "plans": selectors.plans(request.user),
            "can_add": request.user.has_perm("strategy.add_strategicplan"),
        },
    )


def plan_detail(request, code):
    plan = _plan(request, code)
    user = request.user
    goals = list(selectors.goals_with_targets(user, plan))
    return render(
        request,
        "strategy/plan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "can_edit": user.has_perm("strategy.change_strategicplan", plan),
            "can_add_goal": user.has_perm("strategy.add_goal", plan),
            "can_edit_goal": user.has_perm("strategy.change_goal", plan),
            "can_add_target": bool(goals) and user.has_perm("strategy.add_target", plan),
            "can_view_history": user.has_perm("strategy.view_history", plan),
        },
    )


@login_required
def plan_history(request, code):
    plan = _plan(request, code)
    require_perm(request.user, "strategy.view_history", plan)
    return render(
        request,
        "directory/history.html",
        {
            "object": plan,
            "rows": history_rows(plan),
            "events": events_for(plan)[:100],
            "back": plan.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request):
    require_perm(request.user, "strategy.add_strategicplan")
    form = PlanForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.create_plan(
            code=form.cleaned_data["code"], by=request.user, **form.values()
        ),
        success=_("The strategic plan was created. Add its goals next."),
        then=lambda plan: plan,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("New strategic plan"),
        back=reverse("strategy:plan-list"),
        intro=_(
            "A successor plan is entered in three steps: the plan, then its goals, then its "
            "targets, each from the plan's page."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, code):
    plan = _plan(request, code)
    require_perm(request.user, "strategy.change_strategicplan", plan)
    form = PlanForm(request.POST or None, instance=plan)
    if done := run_service(
        request,
        form,
        lambda: services.update_plan(plan=plan, by=request.user, **form.values()),
        success=_("The strategic plan was saved."),
        then=plan,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Edit %(plan)s") % {"plan": plan.title},
        back=plan.get_absolute_url(),
        intro=_("Every change is kept in the plan's history."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, code, number=None):
    plan = _plan(request, code)
    if number is None:
        require_perm(request.user, "strategy.add_goal", plan)
        goal = Goal(plan=plan)
        title = _("Add a goal to %(plan)s") % {"plan": plan.title}
    else:
        goal = get_object_or_404(Goal.objects.visible_to(request.user), plan=plan, number=number)
        require_perm(request.user, "strategy.change_goal", goal)
        title = _("Edit %(goal)s of %(plan)s") % {"goal": goal, "plan": plan.title}
    form = GoalForm(request.POST or None, instance=goal)
    if done := run_service(
        request,
        form,
        lambda: (
            services.add_goal(plan=plan, by=request.user, **form.values())
            if number is None
            else services.update_goal(goal=goal, by=request.user, **form.values())
        ),
        success=_("The goal was saved."),
        then=plan,
    ):
        return done
    return form_page(
        request,
        form,
        title=title,
        back=plan.get_absolute_url(),
        intro=_("Every change is kept in the plan's history.") if number is not None else "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request, code):
    plan = _plan(request, code)
    require_perm(request.user, "strategy.add_target", plan)
    query = GoalQueryForm(request.GET)
    if not query.is_valid():
        return bad_query_page(request, query, title=_("No such goal"), back=plan.get_absolute_url())
    initial = {}
    if query.cleaned_data["goal"] is not None:
        initial["goal"] = Goal.objects.filter(plan=plan, number=query.cleaned_data["goal"]).first()
    form = TargetForm(request.POST or None, initial=initial, plan=plan)
    if done := run_service(
        request,
        form,
        lambda: services.add_target(plan=plan, by=request.user, **form.values()),
        success=_("The target was added. Map it to the global targets next."),
        then=lambda target: target,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Add a target to %(plan)s") % {"plan": plan.title},
        back=plan.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, code, number):
    target = get_object_or_404(
        Target.objects.visible_to(request.user).select_related("plan", "goal"),
        plan__code=code,
        number=number,
    )
    require_perm(request.user, "strategy.change_target", target)
    form = TargetForm(request.POST or None, instance=target, plan=target.plan)
    if done := run_service(
        request,
        form,
        lambda: services.update_target(target=target, by=request.user, **form.values()),
        success=_("The target was saved."),
        then=lambda saved: saved,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Edit %(target)s of %(plan)s") % {"target": target, "plan": target.plan.title},
        back=target.get_absolute_url(),
        intro=_(
            "Correct an official text only against the adopted document. Every earlier version "
            "is kept in the target's history."
        ),
    )


def target_detail(request, code, number):
    target = _target(request, code, number)
    user = request.user
    language = (get_language() or "en").split("-")[0]
    texts = [
        (lang, name, getattr(target, f"text_{lang}"))
        for lang, name in (("en", _("English")), ("fr", _("French")), ("es", _("Spanish")))
        if getattr(target, f"text_{lang}")
    ]
    context = {
        "target": target,
        "plan": target.plan,
        "texts": texts,
        "missing_own_language": language != "en" and not getattr(target, f"text_{language}", ""),
        "mappings": [
            (MappingKind(kind), list(getattr(target, related).all()))
            for kind, (_m, _g, related) in MAPPINGS.items()
        ],
        "indicators": list(target.indicators.all()),
        "work": selectors.work_serving(user, target),
        "can_edit_target": user.has_perm("strategy.change_target", target),
        "can_edit": user.has_perm("strategy.change_indicator"),
        "can_add_indicator": user.has_perm("strategy.add_indicator"),
        "can_map": user.has_perm("strategy.manage_mappings"),
        "can_view_history": user.has_perm("strategy.view_history", target),
    }
    return render(request, "strategy/target_detail.html", context)


@login_required
def target_history(request, code, number):
    target = _target(request, code, number)
    require_perm(request.user, "strategy.view_history", target)
    return render(
        request,
        "directory/history.html",
        {
            "object": target,
            "rows": history_rows(target),
            "events": events_for(target)[:100],
            "back": target.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, code, number, pk=None):
    target = _target(request, code, number)
    if pk is None:
        require_perm(request.user, "strategy.add_indicator")
        indicator = Indicator(target=target)
        title = _("Add an indicator to %(target)s") % {"target": target}
    else:
        indicator = get_object_or_404(
            Indicator.objects.visible_to(request.user), pk=pk, target=target
        )
        require_perm(request.user, "strategy.change_indicator", indicator)
        title = _("Edit indicator %(code)s") % {"code": indicator.code}
    form = IndicatorForm(request.POST or None, instance=indicator)

    def save():
        values = {name: form.cleaned_data[name] for name in IndicatorForm.Meta.fields}
        if pk is None:
            return services.create_indicator(target=target, by=request.user, **values)
        return services.update_indicator(indicator=indicator, by=request.user, **values)

    if done := run_service(request, form, save, success=_("The indicator was saved."), then=target):
        return done
    return form_page(request, form, title=title, back=target.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def mapping_add(request, code, number):
    target = _target(request, code, number)
    require_perm(request.user, "strategy.manage_mappings", target)
    form = MappingForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.add_mapping(target=target, by=request.user, **form.cleaned_data),
        success=lambda link: (
            _("%(target)s is now mapped to %(global)s.")
            % {"target": target, "global": link.global_target.label}
        ),
        then=target,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Map %(target)s to a global target") % {"target": target},
        back=target.get_absolute_url(),
    )


@login_required
@require_POST
def mapping_remove(request, code, number, kind, pk):
    target = _target(request, code, number)
    require_perm(request.user, "strategy.manage_mappings", target)
    if kind not in MappingKind.values:
        raise Http404
    link_model = MAPPINGS[MappingKind(kind)][0]
    link = get_object_or_404(
        link_model.objects.select_related("global_target"), pk=pk, target=target
    )
    label = link.global_target.label
    services.remove_mapping(link=link, by=request.user)
    messages.success(request, _("The mapping to %(global)s was removed.") % {"global": label})
    return redirect(target)


def matrix(request, code):
    plan = _plan(request, code)
    export_format = request.GET.get("export")
    if export_format is not None and export_format != "xlsx":
        return error_page(
            request,
            title=_("Export not available"),
            message=_("“%(format)s” is not an export format of the matrix. Choose XLSX.")
            % {"format": export_format},
            status=400,
            back=request.path,
        )
    tables = [
        (MappingKind(kind), *selectors.matrix(request.user, plan, kind)) for kind in MATRIX_KINDS
    ]
    if export_format == "xlsx":
        return _matrix_xlsx(plan, tables)
    return render(request, "strategy/matrix.html", {"plan": plan, "tables": tables})


def _matrix_xlsx(plan, tables):
    """One sheet per framework: a plan target per row, a global target per column, the confidence where linked."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind, columns, rows, _has_links in tables:
        sheet = workbook.create_sheet(title=spreadsheets.sheet_title(str(kind.label)))
        heads = spreadsheets.append(sheet, [_("Target"), *[column.label for column in columns]])
        titles = spreadsheets.append(
            sheet, [_("Short title"), *[column.short_title for column in columns]]
        )
        for target, links in rows:
            spreadsheets.append(
                sheet,
                [str(target), *[link.get_confidence_display() if link else "" for link in links]],
            )
        for cell in heads:
            cell.font = Font(bold=True)
        for cell in titles:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 14
    response = HttpResponse(spreadsheets.workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-mapping-matrix.xlsx"'
    return response
