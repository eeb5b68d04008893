"""Serializers and viewsets of the Strategic Plan's open API. Routers live in cmsfamily.api."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from cmsfamily.core.api import require
from cmsfamily.core.filtersets import IntegerFilter
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.directory.models import Party, Region
from cmsfamily.strategy import selectors, services
from cmsfamily.strategy.choices import Confidence, MappingKind, Scope
from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
    IndicatorValue,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
)
from cmsfamily.strategy.services import INDICATOR_FIELDS

WRITE_METHODS = ["get", "post", "patch", "head", "options"]  # PATCH only: no PUT, no DELETE
REQUIRED_ENGLISH = {"required": True, "allow_blank": False, "allow_null": False}


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


class GoalWriteSerializer(GoalSerializer):
    """A goal on its own: `plan` (its code) is set when the goal is created and never changes;
    `text` is in the language asked for; write text_en (required), text_fr and text_es."""

    plan = serializers.SlugRelatedField(slug_field="code", queryset=StrategicPlan.objects.all())

    class Meta(GoalSerializer.Meta):
        fields = ["id", "plan", *GoalSerializer.Meta.fields]
        read_only_fields = ["text"]
        extra_kwargs = {"text_en": REQUIRED_ENGLISH}
        validators: list = []  # the service reports a taken number in the user's language


class StrategicPlanSerializer(serializers.ModelSerializer):
    """`title` is in the language asked for; write title_en (required), title_fr and title_es.
    The code is given when the plan is created and never changes."""

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
        read_only_fields = ["title"]
        # The service reports a taken code in the user's language, in the words of the page.
        extra_kwargs = {"title_en": REQUIRED_ENGLISH, "code": {"validators": []}}
        validators: list = []


class TargetSerializer(serializers.ModelSerializer):
    """`plan` (its code) is set when the target is created and never changes; `goal` is the
    number of a goal of that plan. `text` is in the language asked for; write text_en
    (required), text_fr and text_es."""

    plan = serializers.SlugRelatedField(slug_field="code", queryset=StrategicPlan.objects.all())
    goal = serializers.IntegerField(source="goal.number", min_value=1)
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
        read_only_fields = ["text"]
        extra_kwargs = {"text_en": REQUIRED_ENGLISH}
        validators: list = []  # the service reports a taken number in the user's language


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


class IndicatorValueSerializer(serializers.ModelSerializer):
    """A value the Secretariat entered. Values derived from reports are computed on the indicator's
    page (`/analysis/indicators/<id>/`) and are not stored."""

    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    scope = serializers.ChoiceField(choices=Scope.choices)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    party = serializers.SlugRelatedField(
        slug_field="code", queryset=Party.objects.all(), required=False, allow_null=True
    )
    value = serializers.DecimalField(max_digits=20, decimal_places=6)
    entered_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_code",
            "year",
            "scope",
            "region",
            "party",
            "value",
            "note",
            "entered_by",
            "modified",
        ]
        read_only_fields = ["modified"]
        validators: list = []  # one value per year and scope: the service replaces it


class MappingSerializer(serializers.Serializer):
    target = serializers.PrimaryKeyRelatedField(queryset=Target.objects.all())
    kind = serializers.ChoiceField(choices=MappingKind.choices)
    number = serializers.IntegerField(min_value=1)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    source = serializers.CharField()  # type: ignore[assignment]


class TargetFilterSet(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__code")
    goal = IntegerFilter(field_name="goal__number")

    class Meta:
        model = Target
        fields = ["plan", "goal"]


class IndicatorValueFilterSet(filters.FilterSet):
    indicator = IntegerFilter(field_name="indicator")  # an id no indicator has: no values
    year = IntegerFilter(field_name="year", min_value=0, max_value=9999)
    scope = filters.ChoiceFilter(choices=Scope.choices)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "year", "scope"]


def _require_secretariat(request, perm, obj=None):
    require(request, perm, obj, _("Only the CMS Secretariat edits the Strategic Plan."))


def _plan_cannot_change(record, values) -> Response | None:
    plan = values.pop("plan", record.plan)
    if plan != record.plan:
        return Response(
            {"plan": [_("A goal or target stays in the plan it was created in.")]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return None


def _goal_of(plan, values) -> Goal:
    """The goal named by its number in the plan (the `goal` field of a target)."""
    number = values.pop("goal")["number"]
    goal = Goal.objects.filter(plan=plan, number=number).first()
    if goal is None:
        raise DjangoValidationError(
            {
                "goal": _("%(plan)s has no goal numbered %(number)s.")
                % {"plan": plan.code, "number": number}
            }
        )
    return goal


class WriteThroughServices:
    """create and partial_update (PATCH only) call the app's services: one transaction each,
    with its history and event; a service's ValidationError is a 400 naming the field."""

    def _saved(self, make, code=status.HTTP_200_OK):
        record = make()
        reread = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(reread).data, status=code)


class StrategicPlanViewSet(
    WriteThroughServices,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Strategic plans with their goals. Read by everyone; created and changed (PATCH) by the
    CMS Secretariat, e.g. to enter a successor plan."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = StrategicPlanSerializer
    http_method_names = WRITE_METHODS
    lookup_field = "code"

    def get_queryset(self):
        return selectors.plans(self.request.user).prefetch_related("goals").order_by("code")

    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.add_strategicplan")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        code = values.pop("code")
        return self._saved(
            lambda: services.create_plan(code=code, by=request.user, **values),
            status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        _require_secretariat(request, "strategy.change_strategicplan", plan)
        serializer = self.get_serializer(plan, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if values.pop("code", plan.code) != plan.code:
            return Response(
                {"code": [_("The code of a plan cannot change.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self._saved(lambda: services.update_plan(plan=plan, by=request.user, **values))


class GoalFilterSet(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__code")

    class Meta:
        model = Goal
        fields = ["plan"]


class GoalViewSet(
    WriteThroughServices,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Goals of strategic plans (`?plan=spms-2015-2023`). Read by everyone; added and changed
    (PATCH) by the CMS Secretariat."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = GoalWriteSerializer
    http_method_names = WRITE_METHODS
    filterset_class = GoalFilterSet

    def get_queryset(self):
        return selectors.goals(self.request.user)

    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.add_goal")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        plan = values.pop("plan")
        return self._saved(
            lambda: services.add_goal(plan=plan, by=request.user, **values),
            status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        _require_secretariat(request, "strategy.change_goal", goal)
        serializer = self.get_serializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        refused = _plan_cannot_change(goal, values)
        return refused or self._saved(
            lambda: services.update_goal(goal=goal, by=request.user, **values)
        )


class TargetViewSet(
    WriteThroughServices,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Targets of strategic plans, each with its mappings to Aichi Targets, SDGs and GBF targets.
    Read by everyone; added and changed (PATCH) by the CMS Secretariat."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = TargetSerializer
    http_method_names = WRITE_METHODS
    filterset_class = TargetFilterSet

    def get_queryset(self):
        return selectors.targets(self.request.user)

    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.add_target")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        plan = values.pop("plan")

        def add():
            return services.add_target(
                plan=plan, goal=_goal_of(plan, values), by=request.user, **values
            )

        return self._saved(add, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        target = self.get_object()
        _require_secretariat(request, "strategy.change_target", target)
        serializer = self.get_serializer(target, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        refused = _plan_cannot_change(target, values)
        if refused:
            return refused

        def update():
            if "goal" in values:
                values["goal"] = _goal_of(target.plan, values)
            return services.update_target(target=target, by=request.user, **values)

        return self._saved(update)


class AichiTargetViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = AichiTargetSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.aichi_targets(self.request.user)


class SdgViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = SdgSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.sdgs(self.request.user)


class GbfTargetViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = GbfTargetSerializer
    lookup_field = "number"

    def get_queryset(self):
        return selectors.gbf_targets(self.request.user)


class IndicatorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Indicators of targets. Read by everyone; entered by the CMS Secretariat."""

    permission_classes = [ReadScopedWriteByRule]
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
        indicator = services.create_indicator(target=target, by=request.user, **values)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)


class MappingViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Map a target to an Aichi Target, SDG or GBF target. Only the CMS Secretariat may."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = MappingSerializer

    @extend_schema(responses={201: LinkSerializer})
    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.manage_mappings")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.add_mapping(by=request.user, **serializer.validated_data)
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class IndicatorValueViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Values of indicators by year, for the Family, a CMS region or a Party. Read by everyone;
    entered (a POST for the same year and scope replaces the value, the history keeps it) and
    removed by the CMS Secretariat."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilterSet

    def get_queryset(self):
        return selectors.indicator_values(self.request.user).select_related(
            "indicator", "entered_by"
        )

    def create(self, request, *args, **kwargs):
        _require_secretariat(request, "strategy.set_indicator_value")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.set_indicator_value(by=request.user, **serializer.validated_data)
        reread = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(reread).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        _require_secretariat(request, "strategy.set_indicator_value", record.indicator)
        services.clear_indicator_value(record=record, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
