"""The report analyzer as JSON (`/api/analysis/`): the same query, the same figures and the same
answers as the page (`analysis.py` builds them once), so a figure read here is the figure shown.

The query is the page's (`cycle`, `section`, `words`, `question`, `region`, `kind`, `by`); an
unknown code is a 400 naming the parameter. Which reports count is reporting's rule, as on the
page: published versions for everyone, accepted ones too for the secretariat that keeps a cycle.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cmsfamily.analytics import analysis as analyzer
from cmsfamily.analytics import duties
from cmsfamily.core.permissions import ReadScopedWriteByRule

QUERY = [
    OpenApiParameter("cycle", str, many=True, description="Code of a reporting cycle; repeat it."),
    OpenApiParameter("question", str, many=True, description="Code of a bank question; repeat."),
    OpenApiParameter("section", str, description="A section of the first cycle's form (its id)."),
    OpenApiParameter("words", str, description="Words the questions contain."),
    OpenApiParameter("region", str, description="Code of a region: its Parties only."),
    OpenApiParameter("kind", str, enum=[analyzer.PARTY, analyzer.ORGANISATION]),
    OpenApiParameter("by", str, enum=["cycle", "region", "kind"], description="Breakdown."),
]
FIGURE = [
    OpenApiParameter("question", str, required=True, description="The question of the figure."),
    OpenApiParameter("key", str, description="The loop item, for a repeated question."),
    OpenApiParameter("option", str, description="The option counted, for a choice."),
    OpenApiParameter("group", str, description="The group of the breakdown."),
]
OWN = {"question", "key", "option", "group"}


def _form(request) -> analyzer.AnalysisForm:
    form = analyzer.AnalysisForm(request.query_params, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form


def _json(value):
    """A figure as JSON: a count stays a number, a sum or median its exact decimal text (a float
    would round it), the rest as plain text."""
    if value is None or isinstance(value, int):
        return value
    return str(analyzer.plain_value(value))


def cite(report, request=None) -> dict:
    """The version a figure rests on: its reporter, cycle, number and content hash (and its
    page, when the request is given)."""
    version = report.version
    cited = {
        "reporter": str(report.reporter),
        "cycle": report.cycle.slug,
        "submission": report.submission.pk,
        "number": version.number,
        "content_hash": version.content_hash,
        "submitted_at": version.submitted_at,
    }
    if request is not None:
        cited["url"] = request.build_absolute_uri(report.url)
    return cited


def table_json(table: analyzer.Table) -> dict:
    """One question's figures (one loop item), each cell with the address of its answers."""
    return {
        "question": table.shared.code,
        "number": table.shared.item.number,
        "text": analyzer.plain_value(table.title),
        "key": table.key,
        "loop_label": table.loop_label,
        "kind": table.kind,
        "answered": table.answered,
        "header": [str(name) for name in table.header],
        "rows": [
            {
                "label": analyzer.plain_value(row.label),
                "cells": [
                    {"value": _json(cell.value), "answers": cell.href or None} for cell in row.cells
                ],
            }
            for row in table.rows
        ],
    }


def _counted(result: analyzer.Analysis) -> dict:
    return {
        "cycles": [cycle.slug for cycle in result.cycles],
        "accepted_counted_in": [cycle.slug for cycle in result.kept_cycles],
        "reports_counted": len(result.reports),
        "missing": [str(submission.reporter) for submission in result.reporters.missing],
    }


ANALYSIS_RESPONSE = inline_serializer(
    "Analysis",
    {
        "cycles": serializers.ListField(child=serializers.CharField()),
        "accepted_counted_in": serializers.ListField(child=serializers.CharField()),
        "reports_counted": serializers.IntegerField(),
        "missing": serializers.ListField(child=serializers.CharField()),
        "more_questions": serializers.IntegerField(),
        "tables": serializers.ListField(child=serializers.DictField()),
    },
)
ANSWERS_RESPONSE = inline_serializer(
    "AnalysisAnswers",
    {
        "question": serializers.CharField(),
        "key": serializers.CharField(),
        "option": serializers.CharField(),
        "group": serializers.CharField(),
        "answers": serializers.ListField(child=serializers.DictField()),
    },
)


class AnalysisView(APIView):
    """The figures of the chosen questions over the reports that count for the caller, each
    figure with the address of the answers behind it."""

    permission_classes = [ReadScopedWriteByRule]

    @extend_schema(parameters=QUERY, responses=ANALYSIS_RESPONSE)
    def get(self, request):
        form = _form(request)
        result = analyzer.analyse(form)
        query = [
            (name, value)
            for name, values in request.query_params.lists()
            if name not in OWN | {"format"}
            for value in values
        ]
        analyzer.link_figures(result, reverse("api:analysis-answers", request=request), query)
        tables = [table_json(table) for table in result.tables]
        return Response(
            {**_counted(result), "more_questions": result.more_questions, "tables": tables}
        )


class AnalysisAnswersView(APIView):
    """The counted answers behind one figure, each with the version it comes from (reporter,
    cycle, version number, content hash)."""

    permission_classes = [ReadScopedWriteByRule]

    @extend_schema(parameters=[*QUERY, *FIGURE], responses=ANSWERS_RESPONSE)
    def get(self, request):
        form = _form(request)
        code = request.query_params.get("question", "")
        shared = next((s for s in form.shared if s.code == code), None)
        if shared is None:
            raise ValidationError(
                {
                    "question": ValidationError(
                        _("The chosen cycles share no question “%(code)s”.") % {"code": code},
                        code="invalid_choice",
                    )
                }
            )
        result = analyzer.analyse(form, with_tables=False, codes=[shared.code])
        found = analyzer.drill(
            result,
            shared,
            key=request.query_params.get("key", ""),
            option=request.query_params.get("option", ""),
            group=request.query_params.get("group", analyzer.ALL),
        )
        return Response(
            {
                "question": code,
                "key": found.key,
                "option": found.option,
                "group": found.group,
                **_counted(result),
                "answers": [
                    {
                        "answer": answer.value,
                        "reads": analyzer.plain_value(text),
                        "version": cite(answer.report),
                    }
                    for answer, text in found.rows()
                ],
            }
        )


DUTIES_RESPONSE = inline_serializer(
    "PartyDuties",
    {
        "party": serializers.DictField(),
        "duties": serializers.ListField(child=serializers.DictField()),
    },
    many=True,
)


class DutiesView(APIView):
    """The duties of Parties (seed 000), each with its state, evidence and dates, as on
    `/analysis/duties/`: every Party for the CMS Secretariat, the caller's own Party for its
    NFP or alternate, with the next step of each duty not met."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="Code of a CMS region."),
            OpenApiParameter("duty", str, enum=list(duties.TRACKED), description="Not met."),
            OpenApiParameter("party", str, description="ISO code of a Party."),
        ],
        responses=DUTIES_RESPONSE,
    )
    def get(self, request):
        if not request.user.has_perm("analytics.view_duties"):
            raise PermissionDenied(_("The duties are for the Secretariat and each Party's NFP."))
        form = duties.DutiesForm(request.query_params, parties=duties.parties_for(request.user))
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        rows = form.rows(request.user, today=timezone.localdate())
        return Response([_duties(request, row) for row in rows])


def _duties(request, row) -> dict:
    party = row.party
    return {
        "party": {"code": party.code, "name": party.name, "region": str(party.region)},
        "duties": [
            {
                "duty": cell.duty,
                "label": cell.label,
                "state": cell.state,
                "state_label": cell.state_label,
                "summary": cell.summary,
                "details": cell.details,
                "evidence": [
                    {
                        "label": evidence.label,
                        "url": request.build_absolute_uri(evidence.url) if evidence.url else None,
                        "on": evidence.on,
                    }
                    for evidence in cell.evidence
                ],
                "next_step": cell.next_step if row.next_steps_shown and cell.open else "",
            }
            for cell in row.cells
        ],
    }
