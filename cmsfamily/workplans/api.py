"""Serializers and viewsets of the work programmes' open API. Routers live in cmsfamily.api."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cmsfamily.core.api import require
from cmsfamily.core.filtersets import IntegerFilter
from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.directory.models import Organisation, Party
from cmsfamily.strategy.models import AichiTarget, Target
from cmsfamily.workplans import selectors, services
from cmsfamily.workplans.choices import UpdateKind, UpdateStatus
from cmsfamily.workplans.models import (
    NUMBER_PATTERN,
    Activity,
    ProgressUpdate,
    ResourceLine,
    WorkProgramme,
)
from cmsfamily.workplans.services import ACTIVITY_FIELDS, ACTIVITY_RELATIONS


def _organisations():
    return serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), allow_null=True, required=False
    )


class WorkProgrammeSerializer(serializers.ModelSerializer):
    """`title` is in the language asked for (Accept-Language); write title_en, title_fr, title_es."""

    owner = _organisations()
    partner = _organisations()
    activity_count = serializers.IntegerField(read_only=True)
    aichi_targets = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=AichiTarget.objects.all(), required=False
    )

    class Meta:
        model = WorkProgramme
        fields = [
            "code",
            "title",
            *(f"title_{language}" for language in LANGUAGES),
            "kind",
            "owner",
            "partner",
            "start",
            "end",
            "status",
            "aichi_targets",
            "activity_count",
            "source",
        ]
        read_only_fields = ["title"]
        extra_kwargs = {"title_en": {"required": True, "allow_blank": False}}
        validators: list = []  # the service reports a taken code in the user's language


class ActivitySerializer(serializers.ModelSerializer):
    """`programme` (its code) and `parent` (a number in it) are set when the activity is created;
    `title` and `description` are in the language asked for; write the _en, _fr and _es fields."""

    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=WorkProgramme.objects.all()
    )
    parent = serializers.CharField(  # type: ignore[assignment]
        source="parent.number", default=None, allow_null=True, required=False
    )
    lead = _organisations()
    partners = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Organisation.objects.all(), required=False
    )
    partner_parties = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Party.objects.all(), required=False
    )
    targets = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Target.objects.all(), required=False
    )
    aichi_targets = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=AichiTarget.objects.all(), required=False
    )
    number = serializers.RegexField(
        NUMBER_PATTERN,
        max_length=20,
        error_messages={"invalid": _("Use numbers separated by dots, e.g. 1.2.")},
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "programme",
            "number",
            "parent",
            "title",
            "description",
            *ACTIVITY_FIELDS,
            *ACTIVITY_RELATIONS,
        ]
        read_only_fields = ["title", "description"]
        extra_kwargs = {"title_en": {"required": True, "allow_blank": False}}
        validators: list = []  # the service reports a duplicate number in the user's language


class ResourceLineSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    programme = serializers.CharField(source="activity.programme.code", read_only=True)
    activity_number = serializers.CharField(source="activity.number", read_only=True)

    class Meta:
        model = ResourceLine
        fields = [
            "id",
            "activity",
            "programme",
            "activity_number",
            "description",
            "type",
            "used_or_needed",
            "amount",
            "currency",
            "secured",
            "budget_line",
            "source",
        ]
        read_only_fields = ["source"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    programme = serializers.CharField(source="activity.programme.code", read_only=True)
    activity_number = serializers.CharField(source="activity.number", read_only=True)
    kind = serializers.ChoiceField(choices=UpdateKind.choices)
    status = serializers.ChoiceField(choices=UpdateStatus.choices, default=UpdateStatus.UNKNOWN)
    # The name only: an author's e-mail address is not published.
    author = serializers.CharField(
        source="author.full_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "activity",
            "programme",
            "activity_number",
            "kind",
            "date",
            "text",
            "status",
            "author",
            "source",
        ]
        read_only_fields = ["source"]


class ActivityFilterSet(filters.FilterSet):
    programme = filters.CharFilter(field_name="programme__code")

    class Meta:
        model = Activity
        fields = ["programme"]


class ProgressUpdateFilterSet(filters.FilterSet):
    activity = IntegerFilter(field_name="activity_id", label=_("Activity id"))
    programme = filters.CharFilter(field_name="activity__programme__code")

    class Meta:
        model = ProgressUpdate
        fields = ["activity", "programme"]


class WriteThroughServices:
    """create and partial_update call the app's services: one transaction, history and event."""

    def _saved(self, make, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self._reread(make())).data, status=code)

    def _reread(self, record):
        return self.get_queryset().get(pk=record.pk)


class WorkProgrammeViewSet(
    WriteThroughServices,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Work programmes: published ones for everyone, drafts for the CMS Secretariat (and a
    Partner's own shared programme for its focal point). Created and changed by the CMS
    Secretariat (PATCH only)."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = WorkProgrammeSerializer
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.programmes(self.request.user).prefetch_related("aichi_targets")

    def create(self, request, *args, **kwargs):
        require(
            request,
            "workplans.add_workprogramme",
            message=_("Only the CMS Secretariat creates programmes."),
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._saved(
            lambda: services.create_programme(by=request.user, **serializer.validated_data),
            status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        programme = self.get_object()
        require(
            request,
            "workplans.change_workprogramme",
            programme,
            _("Only the CMS Secretariat changes programmes."),
        )
        serializer = self.get_serializer(programme, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if values.pop("code", programme.code) != programme.code:
            return Response(
                {"code": [_("The code of a programme cannot change.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self._saved(
            lambda: services.update_programme(programme=programme, by=request.user, **values)
        )


def _parent(programme, number):
    """The parent activity named by its number in the same programme (None for a top-level one)."""
    if not number:
        return None
    parent = Activity.objects.filter(programme=programme, number=number).first()
    if parent is None:
        raise serializers.ValidationError(
            {
                "parent": [
                    _("This programme has no activity numbered %(number)s.") % {"number": number}
                ]
            }
        )
    return parent


class ActivityViewSet(
    WriteThroughServices,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Activities of the programmes; `?programme=<code>` for one programme. Added and changed
    (PATCH) by the CMS Secretariat, and by a Partner's focal point in its own shared programme."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.activities(self.request.user).prefetch_related(*ACTIVITY_RELATIONS)

    def _visible_programme(self, programme):
        if not selectors.programmes(self.request.user).filter(pk=programme.pk).exists():
            raise PermissionDenied(_("You may not change this programme."))

    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to add activities."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        programme = values.pop("programme")
        self._visible_programme(programme)
        require(
            request,
            "workplans.add_activity",
            programme,
            _("You may not add activities to this programme."),
        )
        parent = _parent(programme, values.pop("parent", {}).get("number"))
        return self._saved(
            lambda: services.add_activity(
                programme=programme, parent=parent, by=request.user, **values
            ),
            status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        require(
            request, "workplans.change_activity", activity, _("You may not change this activity.")
        )
        serializer = self.get_serializer(activity, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if values.pop("programme", activity.programme) != activity.programme:
            return Response(
                {"programme": [_("An activity cannot move to another programme.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if "parent" in values:
            values["parent"] = _parent(activity.programme, values["parent"].get("number"))
        return self._saved(
            lambda: services.update_activity(activity=activity, by=request.user, **values)
        )


class ResourceLineFilterSet(filters.FilterSet):
    programme = filters.CharFilter(field_name="activity__programme__code")
    activity = IntegerFilter(field_name="activity_id", label=_("Activity id"))

    class Meta:
        model = ResourceLine
        fields = ["programme", "activity"]


class ResourceLineViewSet(
    WriteThroughServices, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Budget lines and voluntary contributions used or needed, per activity; `?programme=<code>`.
    Added by those who may change the activity."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ResourceLineSerializer
    filterset_class = ResourceLineFilterSet

    def get_queryset(self):
        return (
            ResourceLine.objects.visible_to(self.request.user)
            .select_related("activity__programme")
            .order_by("activity__programme__code", "activity__sort_key", "pk")
        )

    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to add resource lines."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        activity = values.pop("activity")
        visible = selectors.programmes(request.user).filter(pk=activity.programme_id)
        if not visible.exists() or not request.user.has_perm("workplans.change_activity", activity):
            raise PermissionDenied(_("You may not change this activity."))
        return self._saved(
            lambda: services.add_resource_line(activity=activity, by=request.user, **values),
            status.HTTP_201_CREATED,
        )


class ProgressUpdateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Progress updates; `?activity=<id>` for one activity. Posted by the activity's lead or the CMS Secretariat."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet

    def get_queryset(self):
        return selectors.progress_updates(self.request.user)

    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to post progress."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        activity = values.pop("activity")
        visible = WorkProgramme.objects.visible_to(request.user).filter(pk=activity.programme_id)
        if not visible.exists() or not request.user.has_perm("workplans.post_progress", activity):
            raise PermissionDenied(_("You may not post progress on this activity."))
        update = services.post_progress(activity=activity, by=request.user, **values)
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
