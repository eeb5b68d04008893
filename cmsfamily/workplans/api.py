"""Serializers and viewsets of the work programmes' open API. Routers live in cmsfamily.api."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cmsfamily.workplans import selectors, services
from cmsfamily.workplans.choices import UpdateKind, UpdateStatus
from cmsfamily.workplans.models import Activity, ProgressUpdate, WorkProgramme
from cmsfamily.workplans.services import ACTIVITY_FIELDS


def _bad_request(error: DjangoValidationError) -> Response:
    detail = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)


class WorkProgrammeSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    activity_count = serializers.IntegerField(read_only=True)
    aichi_targets = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = WorkProgramme
        fields = [
            "code",
            "title",
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


class ActivitySerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.CharField(  # type: ignore[assignment]
        source="parent.number", read_only=True, default=None, allow_null=True
    )
    lead = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "programme",
            "number",
            "parent",
            *ACTIVITY_FIELDS,
        ]


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
    activity = filters.CharFilter(method="filter_activity", label=_("Activity id"))
    programme = filters.CharFilter(field_name="activity__programme__code")

    class Meta:
        model = ProgressUpdate
        fields = ["activity", "programme"]

    def filter_activity(self, queryset, name, value):
        # Not an id the database can hold: no update matches (never an overflow, never a 500).
        if not value.isdigit() or int(value) > 2_147_483_647:
            return queryset.none()
        return queryset.filter(activity_id=int(value))


class WorkProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Work programmes: published ones for everyone; drafts for the CMS Secretariat."""

    serializer_class = WorkProgrammeSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.programmes(self.request.user).prefetch_related("aichi_targets")


class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Activities of the programmes; `?programme=<code>` for one programme."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet

    def get_queryset(self):
        return selectors.activities(self.request.user)


class ProgressUpdateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Progress updates; `?activity=<id>` for one activity. Posted by the activity's lead or the CMS Secretariat."""

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
        try:
            update = services.post_progress(activity=activity, by=request.user, **values)
        except DjangoValidationError as error:
            return _bad_request(error)
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
