"""Implementation per Strategic Plan target as JSON (`/api/analysis/targets/` and
`/api/analysis/targets/<number>/`): the same rollups, tables and figures as the pages
(`targets.py` builds them once), over the versions that count for the caller (published ones for
everyone, accepted ones too for the secretariat that keeps a cycle), each figure citing the
versions it rests on (reporter, cycle, version number, content hash)."""

from decimal import Decimal

from django.http import Http404
from django.urls import reverse as url_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cmsfamily.analytics import api as analysis_api
from cmsfamily.analytics import targets as rollup
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.core.text import plain_text
from cmsfamily.reporting import selectors as reporting


def plain(cell):
    """A table cell as JSON: a number stays a number, an amount its exact decimal text."""
    if isinstance(cell, Decimal):
        return str(cell)
    if cell is None or isinstance(cell, int | float):
        return cell
    return plain_text(str(cell))


def sheet_json(sheet: rollup.Sheet) -> dict:
    """A table of the page, its header and rows as the page's downloads hold them."""
    return {
        "key": sheet.key,
        "title": str(sheet.title),
        "header": [str(name) for name in sheet.header],
        "rows": [[plain(cell) for cell in row] for row in sheet.export_rows()],
    }


def _target(request, row: rollup.Rollup) -> dict:
    target = row.target
    return {
        "number": target.number,
        "text": plain_text(target.text),
        "url": request.build_absolute_uri(url_path("analytics:target", args=[target.number])),
        "aichi": [each.number for each in row.aichi],
        "gbf": [each.number for each in row.gbf],
    }


def _figures(request, row: rollup.Rollup) -> dict:
    """What the reports say of one target: counts, the versions counted, the missing reports."""
    return {
        "questions": row.codes,
        "cycles": [cycle.slug for cycle in row.cycles],
        "accepted_counted_in": [
            cycle.slug for cycle in row.cycles if reporting.counts_accepted(request.user, cycle)
        ],
        "reports_counted": len(row.reports),
        "reports_expected": row.expected,
        "reporters_answering": len(row.answering),
        "activities_direct": row.direct_activities,
        "activities_derived": row.derived_activities,
        "contributions_usd": str(rollup.money(row.value)),
        "versions": [analysis_api.cite(report, request) for report in row.reports],
        "answering": [analysis_api.cite(report, request) for report in row.answering],
        "missing": [
            {"reporter": str(submission.reporter), "cycle": submission.cycle.slug}
            for submission in row.missing
        ],
    }


ROLLUP: dict[str, serializers.Field] = {
    "target": serializers.DictField(),
    "questions": serializers.ListField(child=serializers.CharField()),
    "cycles": serializers.ListField(child=serializers.CharField()),
    "accepted_counted_in": serializers.ListField(child=serializers.CharField()),
    "reports_counted": serializers.IntegerField(),
    "reports_expected": serializers.IntegerField(),
    "reporters_answering": serializers.IntegerField(),
    "activities_direct": serializers.IntegerField(),
    "activities_derived": serializers.IntegerField(),
    "contributions_usd": serializers.CharField(),
    "versions": serializers.ListField(child=serializers.DictField()),
    "answering": serializers.ListField(child=serializers.DictField()),
    "missing": serializers.ListField(child=serializers.DictField()),
}
INDEX_RESPONSE = inline_serializer("TargetRollups", ROLLUP, many=True)
TARGET_RESPONSE = inline_serializer(
    "TargetImplementation",
    {
        **ROLLUP,
        "figures": serializers.ListField(child=serializers.DictField()),
        "tables": serializers.ListField(child=serializers.DictField()),
    },
)


class TargetsView(APIView):
    """The targets of the Strategic Plan for Migratory Species, each rolled up as on
    `/analysis/targets/`: its tagged questions, the reports counted and expected, the reporters
    answering, the activities serving it and their contributions, with the versions counted."""

    permission_classes = [ReadScopedWriteByRule]

    @extend_schema(responses=INDEX_RESPONSE)
    def get(self, request):
        targets = rollup.plan_targets(request.user)
        result = rollup.rollups(request.user, targets)
        return Response(
            [{"target": _target(request, row), **_figures(request, row)} for row in result.rows]
        )


class TargetView(APIView):
    """One target as on `/analysis/targets/<number>/`: its rollup, each tagged question's figures
    (every cell with the address of its answers and their versions), the activities serving it,
    the contributions by kind and contributor, and the coverage per cycle."""

    permission_classes = [ReadScopedWriteByRule]

    @extend_schema(responses=TARGET_RESPONSE)
    def get(self, request, number: int):
        targets = rollup.plan_targets(request.user)
        chosen = next((each for each in targets if each.number == number), None)
        if chosen is None:
            raise Http404(
                _("The Strategic Plan for Migratory Species has no target %(number)s.")
                % {"number": number}
            )
        result = rollup.rollups(request.user, [chosen], with_progress=True, with_answers=True)
        row = result.rows[0]
        answers = reverse("api:analysis-answers", request=request)
        drawn = rollup.figures(result, row, answers_url=answers)
        sheets = [
            rollup.activity_sheet(row),
            rollup.contribution_sheet(row),
            rollup.coverage_sheet(row),
        ]
        return Response(
            {
                "target": _target(request, row),
                **_figures(request, row),
                "figures": [
                    {
                        "question": figure.shared.code,
                        "cycles": [cycle.slug for cycle in figure.cycles],
                        "by": figure.by,
                        "tables": [analysis_api.table_json(table) for table in figure.tables],
                    }
                    for figure in drawn
                ],
                "tables": [sheet_json(sheet) for sheet in sheets],
            }
        )
