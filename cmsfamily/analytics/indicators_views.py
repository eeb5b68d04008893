"""The pages of indicators over time: every indicator with its latest Family value
(`/analysis/indicators/`), and one indicator's values by year and whom they are of, with a line
chart, the versions each derived figure comes from, the downloads, and the Secretariat's entry of
a value (`/analysis/indicators/<id>/`)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cmsfamily.analytics import indicators as figures
from cmsfamily.core.views import (
    EXPORT_FORMATS,
    bad_query_page,
    error_page,
    run_service,
    spreadsheet_response,
)
from cmsfamily.strategy import selectors as strategy
from cmsfamily.strategy import services


def _refused(request, message, status=400):
    return error_page(
        request,
        title=_("The indicator cannot be shown"),
        message=message,
        status=status,
        back=reverse("analytics:indicators"),
    )


def indicators(request):
    rows = figures.overview(request.user)
    return render(request, "analytics/indicators.html", {"rows": rows})


def indicator(request, key: str):
    user = request.user
    found = strategy.indicator(user, key)
    if found is None:
        return _refused(request, _("There is no indicator “%(key)s”.") % {"key": key}, status=404)
    export_format = request.GET.get("export")
    if export_format is not None and export_format not in EXPORT_FORMATS:
        return _refused(
            request,
            _("“%(format)s” is not an export format. Choose CSV or XLSX.")
            % {"format": export_format},
        )
    result = figures.series(user, found)
    if export_format is not None:
        return spreadsheet_response(
            export_format,
            [str(name) for name in result.HEADER],
            result.export_rows(),
            name=f"indicator-{found.pk}",
            title=found.code,
        )
    whom = figures.WhomForm(request.GET, series=result)
    if not whom.is_valid():
        return bad_query_page(
            request, whom, title=_("The indicator cannot be shown"), back=request.path
        )
    may_enter = user.has_perm("strategy.set_indicator_value", found)
    form = figures.ValueForm(request.POST if request.method == "POST" else None)
    if may_enter and request.method == "POST":
        done = run_service(
            request,
            form,
            lambda: services.set_indicator_value(indicator=found, by=user, **form.cleaned_data),
            success=_("The value is saved."),
            then=request.path,
        )
        if done is not None:
            return done
    elif request.method == "POST":
        return _refused(request, _("Only the CMS Secretariat enters indicator values."), 403)
    chosen = whom.cleaned_data["of"]
    result.chart = figures.line_chart(result, chosen)
    return render(
        request,
        "analytics/indicator.html",
        {
            "series": result,
            "indicator": found,
            "whom": whom,
            "chosen": chosen,
            "form": form if may_enter else None,
        },
        status=400 if request.method == "POST" else 200,
    )
