"""An indicator's values over time as JSON (`/api/analysis/indicators/<id>/`): the same values as
its page, entered and derived, each derived figure with the versions it comes from. Entered values
alone, and their writes, are strategy's `/api/indicator-values/`."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cmsfamily.analytics import indicators as figures
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.strategy import selectors as strategy

SERIES_RESPONSE = inline_serializer(
    "IndicatorSeries",
    {
        "indicator": serializers.DictField(),
        "questions": serializers.ListField(child=serializers.CharField()),
        "values": serializers.ListField(child=serializers.DictField()),
    },
)


class IndicatorSeriesView(APIView):
    """An indicator's values by year for the Family, a CMS region or a Party. Derived values read
    the versions that count for the caller: published ones for everyone, accepted ones too for the
    secretariat that keeps a cycle."""

    permission_classes = [ReadScopedWriteByRule]

    @extend_schema(responses=SERIES_RESPONSE)
    def get(self, request, key: str):
        found = strategy.indicator(request.user, key)
        if found is None:
            raise Http404(_("There is no indicator “%(key)s”.") % {"key": key})
        result = figures.series(request.user, found)
        return Response(
            {
                "indicator": {
                    "id": found.pk,
                    "code": found.code,
                    "name": found.name,
                    "target": found.target.number,
                    "measure": found.measure,
                    "unit": found.unit,
                },
                "questions": [question.code for question in result.questions],
                "values": [
                    {
                        "year": point.year,
                        "of": point.whom.key,
                        "label": point.whom.label,
                        "value": point.plain,
                        "source": point.source,
                        "note": point.note,
                        "versions": [
                            {
                                "reporter": source.reporter,
                                "version": source.version_id,
                                "number": source.number,
                                "content_hash": source.content_hash,
                                "url": request.build_absolute_uri(source.url),
                            }
                            for source in point.versions
                        ],
                    }
                    for point in result.points
                ],
            }
        )
