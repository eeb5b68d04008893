from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.analytics import analysis as analyzer
from cmsfamily.analytics import charts, compare, selectors
from cmsfamily.core.views import EXPORT_FORMATS, bad_query_page, error_page, spreadsheet_response

# The parameters of a figure and of a download, left out of the query that the links carry on.
OWN_PARAMETERS = {"question", "key", "option", "group", "export", "table"}


def start(request):
    """The start page: each person's work first (a block per role they hold), then what the
    platform holds; the anonymous visitor gets the latter only."""
    page = selectors.start_page(request.user, today=timezone.localdate())
    return render(request, "analytics/start.html", {"page": page})


def _query(request) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, values in request.GET.lists()
        if name not in OWN_PARAMETERS
        for value in values
    ]


def _bad_parameter(request, message):
    return error_page(
        request,
        title=_("The analysis cannot be drawn"),
        message=message,
        status=400,
        back=reverse("analytics:analysis"),
    )


def _bad_format(request, export_format):
    return _bad_parameter(
        request,
        _("“%(format)s” is not an export format. Choose CSV or XLSX.") % {"format": export_format},
    )


def _read(request):
    form = analyzer.AnalysisForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, bad_query_page(
            request,
            form,
            title=_("The analysis cannot be drawn"),
            back=reverse("analytics:analysis"),
        )
    return form, None


def analysis(request):
    """The report analyzer: the chosen questions' figures over the reports that count for the
    user; each table downloads (`?export=csv&table=<anchor>`)."""
    form, refused = _read(request)
    if refused:
        return refused
    result = analyzer.analyse(form)
    export_format = request.GET.get("export")
    if export_format is not None:
        if export_format not in EXPORT_FORMATS:
            return _bad_format(request, export_format)
        anchor = request.GET.get("table", "")
        table = next((t for t in result.tables if t.anchor == anchor), None)
        if table is None:
            return _bad_parameter(
                request, _("No table “%(table)s” in this analysis.") % {"table": anchor}
            )
        return spreadsheet_response(
            export_format,
            [str(name) for name in table.header],
            table.export_rows(),
            name=f"analysis-{table.anchor}",
            title=table.shared.code,
        )
    query = _query(request)
    analyzer.link_figures(result, reverse("analytics:answers"), query)
    charts.draw(result)
    compare.compare(result)
    return render(
        request,
        "analytics/analysis.html",
        {"analysis": result, "form": form, "query": urlencode(query)},
    )


def answers(request):
    """The answers behind one figure: reporter, answer, and the version it comes from."""
    form, refused = _read(request)
    if refused:
        return refused
    code = request.GET.get("question", "")
    shared = next((s for s in form.shared if s.code == code), None)
    if shared is None:
        return _bad_parameter(
            request,
            _("The chosen cycles share no question “%(code)s”.") % {"code": code},
        )
    result = analyzer.analyse(form, with_tables=False, codes=[shared.code])
    found = analyzer.drill(
        result,
        shared,
        key=request.GET.get("key", ""),
        option=request.GET.get("option", ""),
        group=request.GET.get("group", analyzer.ALL),
    )
    export_format = request.GET.get("export")
    if export_format is not None:
        if export_format not in EXPORT_FORMATS:
            return _bad_format(request, export_format)
        return spreadsheet_response(
            export_format,
            [str(name) for name in found.HEADER],
            found.export_rows(),
            name=f"answers-{code}",
            title=code,
        )
    query = urlencode(_query(request))
    own = urlencode(
        [
            (name, request.GET[name])
            for name in ("question", "key", "option", "group")
            if request.GET.get(name)
        ]
    )
    return render(
        request,
        "analytics/answers.html",
        {"analysis": result, "drill": found, "query": query, "own_query": own},
    )
