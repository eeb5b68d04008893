"""The gap matrix as JSON (`/api/analysis/gaps/`): the page's query (`cycle`, `target`, `region`,
`instrument`; an unknown code is a 400 naming the parameter) and the page's matrices
(`gaps.py` builds them once): target × Party, × Agreement, × Partner, each cell with its status,
the version it was read from (reporter, cycle, version number, content hash) and the answers in
it with what their options mean."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse as url_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cmsfamily.analytics import api as analysis_api
from cmsfamily.analytics import gaps as gap
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.core.text import plain_text

QUERY = [
    OpenApiParameter("cycle", str, many=True, description="Code of a reporting cycle; repeat it."),
    OpenApiParameter("target", int, description="Number of the target the counts are for."),
    OpenApiParameter("region", str, description="Code of a region: its Parties only."),
    OpenApiParameter("instrument", str, description="Parties reporting to this instrument."),
]
GAPS_RESPONSE = inline_serializer(
    "GapMatrix",
    {
        "cycles": serializers.ListField(child=serializers.CharField()),
        "accepted_counted_in": serializers.ListField(child=serializers.CharField()),
        "target": serializers.IntegerField(allow_null=True),
        "statuses": serializers.ListField(child=serializers.DictField()),
        "questions": serializers.ListField(child=serializers.DictField()),
        "region_counts": serializers.ListField(child=serializers.DictField()),
        "matrices": serializers.DictField(),
    },
)


def _cell(request, column: gap.Column, cell: gap.Cell, href: str) -> dict:
    return {
        "reporter": column.key,
        "status": cell.status,
        "label": cell.label,
        "page": request.build_absolute_uri(href) if href else None,
        "version": analysis_api.cite(cell.report, request) if cell.report else None,
        "answers": [
            {
                "question": source.question.code,
                "number": source.number,
                "loop_item": source.loop_label,
                "reads": source.text,
                "meaning": source.meaning,
            }
            for source in cell.sources
        ],
    }


def _matrix(request, matrix: gap.Matrix, query: list[tuple[str, str]]) -> dict:
    base = url_path("analytics:gap-cell")
    kept = [(name, value) for name, value in query if name != "target"]
    rows = []
    for target, cells in matrix.rows:
        pairs = [*kept, ("target", str(target.number))]
        rows.append(
            {
                "target": target.number,
                "cells": [
                    _cell(
                        request,
                        column,
                        cell,
                        f"{base}?{urlencode([*pairs, ('reporter', column.key)])}"
                        if cell.status not in gap.ABSENT
                        else "",
                    )
                    for column, cell in zip(matrix.columns, cells, strict=True)
                ],
            }
        )
    return {
        "title": matrix.title,
        "columns": [
            {"key": c.key, "label": c.label, "region": c.group, "code": c.code}
            for c in matrix.columns
        ],
        "rows": rows,
    }


class GapsView(APIView):
    """The gap matrix of the chosen cycles (by default the newest of each form), as on
    `/analysis/gaps/`, over the versions that count for the caller; the counts per region are
    the chosen target's (by default the first)."""

    permission_classes = [ReadScopedWriteByRule]

    @extend_schema(parameters=QUERY, responses=GAPS_RESPONSE)
    def get(self, request):
        form = gap.GapForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        if not form.targets:
            raise ValidationError(
                {"target": ValidationError(_("No target of the Strategic Plan is loaded."))}
            )
        result = gap.build(form)
        query = [
            (name, value)
            for name, values in request.query_params.lists()
            if name in {"cycle", "region", "instrument"}
            for value in values
        ]
        return Response(
            {
                "cycles": [cycle.slug for cycle in result.cycles],
                "accepted_counted_in": [cycle.slug for cycle in result.kept_cycles],
                "target": result.target.number if result.target else None,
                "statuses": [
                    {"status": status, "mark": mark, "label": label, "explained": explained}
                    for status, mark, label, explained in result.legend()
                ],
                "questions": [
                    {
                        "code": question.code,
                        "text": plain_text(question.text),
                        "options": [
                            {"label": label, "meaning": meaning} for label, meaning in options
                        ],
                    }
                    for question, options in result.question_rows()
                ],
                "region_counts": [
                    {"region": name, "counts": dict(zip(gap.STATUSES, counts, strict=True))}
                    for name, counts in result.region_counts()
                ],
                "matrices": {
                    kind: _matrix(request, matrix, query)
                    for kind, matrix in result.matrices.items()
                },
            }
        )
