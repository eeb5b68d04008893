"""The pages of implementation per Strategic Plan target: the index of the plan's targets, one
target's page, and the targets an Aichi or GBF target maps to. Each table downloads as CSV or
XLSX (`?export=csv&table=<key>`); the reads are `targets.py`'s."""

from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.analytics import targets as rollup
from cmsfamily.analytics.analysis import Table
from cmsfamily.core.views import EXPORT_FORMATS, error_page, spreadsheet_response
from cmsfamily.reporting import selectors as reporting


def _url(target) -> str:
    return reverse("analytics:target", args=[target.number])


def _refuse(request: HttpRequest, message: str, *, status: int = 400):
    title = _("No such target") if status == 404 else _("The table cannot be drawn")
    return error_page(
        request, title=title, message=message, status=status, back=reverse("analytics:targets")
    )


def _download(request: HttpRequest, tables: dict, *, name: str):
    """The table `?table=` names, as `?export=` asks; a 400 naming what is wrong, or None when
    no download is asked."""
    export_format = request.GET.get("export")
    if export_format is None:
        return None
    if export_format not in EXPORT_FORMATS:
        return _refuse(
            request,
            _("“%(format)s” is not an export format. Choose CSV or XLSX.")
            % {"format": export_format},
        )
    key = request.GET.get("table", "")
    table = tables.get(key)
    if table is None:
        return _refuse(request, _("No table “%(table)s” on this page.") % {"table": key})
    header = [str(each) for each in table.header]
    return spreadsheet_response(
        export_format, header, table.export_rows(), name=f"{name}-{key}", title=key[:31]
    )


def index(request):
    """The sixteen targets, each with its questions, reports, activities and contributions."""
    targets = rollup.plan_targets(request.user)
    result = rollup.rollups(request.user, targets)
    sheet = rollup.index_sheet(result, url_of=_url)
    refused = _download(request, {sheet.key: sheet}, name="targets")
    if refused:
        return refused
    return render(
        request,
        "analytics/targets.html",
        {
            "result": result,
            "sheet": sheet,
            "aichi": _globals(targets, "aichi_links"),
            "gbf": _globals(targets, "gbf_links"),
        },
    )


def _globals(targets, related: str) -> list:
    """The global targets the plan's targets map to, once each, in number order."""
    found = {link.global_target for target in targets for link in getattr(target, related).all()}
    return sorted(found, key=lambda each: each.number)


def target(request, number: int):
    """One target: its questions' figures, the activities serving it, their contributions and
    the coverage of the reports."""
    targets = rollup.plan_targets(request.user)
    chosen = next((each for each in targets if each.number == number), None)
    if chosen is None:
        return _refuse(
            request,
            _("The Strategic Plan for Migratory Species has no target %(number)s.")
            % {"number": number},
            status=404,
        )
    result = rollup.rollups(request.user, [chosen], with_progress=True, with_answers=True)
    row = result.rows[0]
    figures = rollup.figures(result, row, answers_url=reverse("analytics:answers"))
    sheets = [
        rollup.activity_sheet(row),
        rollup.contribution_sheet(row),
        rollup.coverage_sheet(row),
    ]
    tables: dict[str, rollup.Sheet | Table] = {sheet.key: sheet for sheet in sheets}
    tables.update({table.anchor: table for figure in figures for table in figure.tables})
    refused = _download(request, tables, name=f"target-{number}")
    if refused:
        return refused
    charted = rollup.draw_charts(figures)
    return render(
        request,
        "analytics/target.html",
        {
            "result": result,
            "row": row,
            "figures": figures,
            "charted": charted,
            "sheets": {sheet.key: sheet for sheet in sheets},
            "kept": [c for c in row.cycles if reporting.counts_accepted(request.user, c)],
            # The official text, where none is recorded in the reader's language, is English.
            "text_in_english": not getattr(chosen, f"text_{get_language()}", ""),
        },
    )


def global_target(request, kind: str, number: int):
    """The plan's targets an Aichi or GBF target maps to, each rolled up, and their union."""
    found = rollup.global_target(kind, number)
    if found is None:
        message = (
            _("There is no Aichi Biodiversity Target %(number)s.")
            if kind == "aichi"
            else _(
                "There is no target %(number)s of the Kunming-Montreal Global Biodiversity Framework."
            )
        )
        return _refuse(request, message % {"number": number}, status=404)
    targets = rollup.plan_targets(request.user)
    chosen = rollup.mapped(targets, kind, found)
    result = rollup.rollups(request.user, chosen)
    sheet = rollup.index_sheet(result, url_of=_url)
    total = rollup.union(result.rows, result.reporters)
    if chosen:
        sheet.rows.append(
            [
                _("All mapped targets, each counted once"),
                total.codes,
                total.reports,
                total.expected,
                total.answering,
                total.direct,
                total.derived,
                total.value,
            ]
        )
    refused = _download(request, {sheet.key: sheet}, name=f"{kind}-{number}")
    if refused:
        return refused
    links = {
        link.target_id: link
        for target in chosen
        for link in getattr(target, f"{kind}_links").all()
        if link.global_target_id == found.pk
    }
    return render(
        request,
        "analytics/target_global.html",
        {
            "kind": kind,
            "found": found,
            "result": result,
            "sheet": sheet,
            "total": total,
            "links": [links[target.pk] for target in chosen],
        },
    )
