"""Serializers and viewsets of the Strategic Plan's open API. Routers live in cmsfamily.api."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cmsfamily.core.api import bad_request
from cmsfamily.strategy import selectors, services
from cmsfamily.strategy.choices import Confidence, MappingKind
from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
)
from cmsfamily.strategy.services import INDICATOR_FIELDS


class AichiTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = AichiTarget
        fields = ["number", "strategic_goal", "short_title", "short_title_en", "source"]


class SdgSerializer(serializers.ModelSerializer):
    class Meta:
        model = SustainableDevelopmentGoal
        fields = ["number", "short_title", "short_title_en", "source"]


class GbfTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = GbfTarget
        fields = ["number", "short_title", "short_title_en", "confidence", "source"]


class LinkSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="global_target.number")
    short_title = serializers.CharField(source="global_target.short_title")
    confidence = serializers.CharField()
    # The metaclass moves declared fields off the class, so "source" does not shadow Field.source.
    source = serializers.CharField()  # type: ignore[assignment]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["number", "text", "text_en", "text_fr", "text_es", "confidence", "source"]


class StrategicPlanSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = StrategicPlan
        fields = [
            "code",
            "title",
            "title_en",
            "title_fr",
            "title_es",
            "adopted_by",
            "start_year",
            "end_year",
            "is_current",
            "successor_note",
            "source",
            "goals",
        ]


class TargetSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    goal = serializers.IntegerField(source="goal.number", read_only=True)
    aichi_targets = LinkSerializer(source="aichi_links", many=True, read_only=True)
    sdgs = LinkSerializer(source="sdg_links", many=True, read_only=True)
    gbf_targets = LinkSerializer(source="gbf_links", many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "plan",
            "goal",
            "number",
            "text",
            "text_en",
            "text_fr",
            "text_es",
            "source",
            "aichi_targets",
            "sdgs",
            "gbf_targets",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(source="target.plan", slug_field="code", read_only=True)
    target_number = serializers.IntegerField(source="target.number", read_only=True)
    target = serializers.PrimaryKeyRelatedField(queryset=Target.objects.all(), write_only=True)
    name_en = serializers.CharField(max_length=300)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "target_number",
            "target",
            "name",
            *INDICATOR_FIELDS,
        ]
        read_only_fields = ["name"]
        # Duplicate codes are reported by the service, in the same words as on the page.
        validators: list = []


class MappingSerializer(serializers.Serializer):
    target = serializers.PrimaryKeyRelatedField(queryset=Target.objects.all())
    kind = serializers.ChoiceField(choices=MappingKind.choices)
    number = serializers.IntegerField(min_value=1)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    source = serializers.CharField()  # type: ignore[assignment]


class TargetFilterSet(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__code")
    goal = filters.NumberFilter(field_name="goal__number")

    class Meta:
        model = Target
        fields = ["plan", "goal"]


class StrategicPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Strategic plans with their goals."""

    serializer_class = StrategicPlanSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.plans(self.request.user).prefetch_related("goals").order_by("code")


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Targets of strategic plans, each with its mappings to Aichi Targets, SDGs and GBF targets."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet

    def get_queryset(self):
        return selectors.targets(self.request.user)


class AichiTargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AichiTargetSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.aichi_targets(self.request.user)


class SdgViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SdgSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.sdgs(self.request.user)


class GbfTargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GbfTargetSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.gbf_targets(self.request.user)


def _require_secretariat(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Only the CMS Secretariat edits the Strategic Plan."))


class IndicatorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Indicators of targets. Read by everyone; entered by the CMS Secretariat."""

    serializer_class = IndicatorSerializer
    filterset_fields = {"target__plan__code": ["exact"], "target__number": ["exact"]}

    def get_queryset(self):
        return selectors.indicators(self.request.user)

    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.add_indicator")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        target = values.pop("target")
        try:
            indicator = services.create_indicator(target=target, by=request.user, **values)
        except DjangoValidationError as error:
            return bad_request(error)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)


class MappingViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Map a target to an Aichi Target, SDG or GBF target. Only the CMS Secretariat may."""

    serializer_class = MappingSerializer

    @extend_schema(responses={201: LinkSerializer})
    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.manage_mappings")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            link = services.add_mapping(by=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            return bad_request(error)
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)
