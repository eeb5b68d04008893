"""The gap matrix's pages: the matrix with its map and downloads, and the answers behind a cell."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cmsfamily.analytics import gaps as gap
from cmsfamily.analytics.gap_map import world_map
from cmsfamily.core.views import EXPORT_FORMATS, bad_query_page, error_page, spreadsheet_response

OWN = {"export", "table", "reporter"}  # a page's own parameters, not carried on by its links


def _refused(request, message):
    return error_page(
        request,
        title=_("The gap matrix cannot be drawn"),
        message=message,
        status=400,
        back=reverse("analytics:gaps"),
    )


def _read(request):
    form = gap.GapForm(request.GET, user=request.user)
    if not form.is_valid():
        return None, bad_query_page(
            request, form, title=_("The gap matrix cannot be drawn"), back=reverse("analytics:gaps")
        )
    if not form.targets:
        return None, _refused(request, _("No target of the Strategic Plan is loaded."))
    return form, None


def _query(request) -> list[tuple[str, str]]:
    return [
        (name, value) for name, values in request.GET.lists() if name not in OWN for value in values
    ]


def gaps(request):
    """Targets × Parties by region, × Agreements, × Partners; the chosen target's map and counts
    per region; each matrix downloads (`?export=csv&table=parties`)."""
    form, refused = _read(request)
    if refused:
        return refused
    result = gap.build(form)
    export_format = request.GET.get("export")
    if export_format is not None:
        if export_format not in EXPORT_FORMATS:
            return _refused(
                request,
                _("“%(format)s” is not an export format. Choose CSV or XLSX.")
                % {"format": export_format},
            )
        name = request.GET.get("table", gap.PARTIES)
        matrix = result.matrices.get(name)
        if matrix is None:
            return _refused(request, _("No table “%(table)s” in the gap matrix.") % {"table": name})
        return spreadsheet_response(
            export_format,
            matrix.export_header(),
            matrix.export_rows(),
            name=f"gaps-{name}",
            title=matrix.title,
        )
    query = _query(request)
    link_cells(result, query)
    return render(
        request,
        "analytics/gaps.html",
        {
            "gaps": result,
            "form": form,
            "map": world_map(result),
            "query": urlencode(query),
            "statuses": gap.STATUSES,
        },
    )


def link_cells(result: gap.Gaps, query: list[tuple[str, str]]) -> None:
    """Each cell with a reporter links to its answers, for its target (the query carried on)."""
    base = reverse("analytics:gap-cell")
    kept = [(name, value) for name, value in query if name != "target"]
    for matrix in result.matrices.values():
        for target, cells in matrix.rows:
            for column, cell in zip(matrix.columns, cells, strict=True):
                if cell.status not in gap.ABSENT:
                    pairs = [*kept, ("target", str(target.number)), ("reporter", column.key)]
                    cell.href = f"{base}?{urlencode(pairs)}"


def gap_cell(request):
    """One cell: the target's tagged questions, the counted answers to them with what their
    options mean, and the version each comes from."""
    form, refused = _read(request)
    if refused:
        return refused
    reporter = request.GET.get("reporter", "")
    result = gap.build(form)
    found = gap.find_cell(result, reporter)
    if found is None:
        return _refused(
            request,
            _("“%(reporter)s” is not a Party, Agreement or Partner of the gap matrix.")
            % {"reporter": reporter},
        )
    kind, column, cell = found
    return render(
        request,
        "analytics/gap_cell.html",
        {
            "gaps": result,
            "kind": kind,
            "column": column,
            "cell": cell,
            "explained": gap.EXPLAINED[cell.status],
            "query": urlencode(_query(request)),
        },
    )
