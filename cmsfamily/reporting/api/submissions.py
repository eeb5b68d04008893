"""The API of reporting cycles and of submissions with their workflow (submit, recall, accept,
return, publish); the answers and versions of a submission are in `answers`."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cmsfamily.core.api import require
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.reporting import services
from cmsfamily.reporting.api.answers import AnswersMixin, VersionsMixin, require_open
from cmsfamily.reporting.choices import WORKFLOW, Step, SubmissionStatus
from cmsfamily.reporting.models import Cycle, Submission, SubmissionVersion


class CycleSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="version.template.slug", read_only=True)
    template_version = serializers.IntegerField(source="version.number", read_only=True)
    instrument = serializers.CharField(source="version.template.instrument.code", read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "slug",
            "title",
            "template",
            "template_version",
            "instrument",
            "period_start",
            "period_end",
            "opens_on",
            "deadline",
            "deadline_rule",
            "status",
            "expected",
        ]


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = CycleSerializer
    lookup_field = "slug"
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            Cycle.objects.visible_to(self.request.user)
            .select_related("version__template__instrument")
            .order_by("-deadline", "slug")
        )


class SubmissionSerializer(serializers.ModelSerializer):
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # A Party's report has no organisation, a Partner's no Party.
    party = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "cycle",
            "party",
            "organisation",
            "status",
            "language",
            "first_submitted_at",
            "submitted_at",
            "accepted_at",
            "published_at",
            "review_note",
            "versions",
        ]

    def _reads_all_versions(self, submission) -> bool:
        request = self.context.get("request")
        return request is not None and request.user.has_perm(
            "reporting.view_all_versions", submission
        )

    def get_versions(self, submission) -> list[int]:
        """The versions the caller may read (`selectors.readable_versions`), from the prefetch."""
        numbers = [version.number for version in submission.versions.all()]
        if self._reads_all_versions(submission):
            return numbers
        return numbers[-1:] if submission.status == SubmissionStatus.PUBLISHED else []

    def to_representation(self, submission):
        data = super().to_representation(submission)
        if not self._reads_all_versions(submission):
            # The note says why a version was returned: it belongs with the versions not public.
            data["review_note"] = ""
        return data


class ReturnSerializer(serializers.Serializer):
    # min_length puts the refusal of an empty note in the schema (allow_blank=False does not).
    note = serializers.CharField(min_length=1, max_length=5000)


class SubmissionViewSet(AnswersMixin, VersionsMixin, viewsets.ReadOnlyModelViewSet):
    """Reports: a reporter sees its own in every state, the instrument's secretariat those
    submitted, everyone those published. Answers are read and written under `answers/`; a write
    is checked entirely and saved entirely, or refused (400 with the errors by question, 409 with
    the conflicts when `base_revision` is not an answer's current revision, whatever the value
    sent). Send an `Idempotency-Key` header with each write to be able to retry it safely."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = SubmissionSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            Submission.objects.visible_to(self.request.user)
            .select_related("cycle__version__template", "party", "organisation")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=SubmissionVersion.objects.only(
                        "id", "number", "submission_id"
                    ).order_by("number"),
                )
            )
            .order_by("cycle__slug", "pk")
        )

    def _act(self, request, step: Step, service, **extra):
        """A step of the workflow table (`choices.WORKFLOW`), asked by its rule."""
        submission = self.get_object()
        if step.needs_open_cycle:
            require_open(submission)
        require(request, step.permission, submission)
        service(submission=submission, by=request.user, **extra)
        submission.refresh_from_db()
        return Response(self.get_serializer(submission).data)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, WORKFLOW["submit"], services.submit)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        return self._act(request, WORKFLOW["recall"], services.recall)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, WORKFLOW["accept"], services.accept)

    @extend_schema(request=ReturnSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._act(
            request,
            WORKFLOW["return"],
            services.return_submission,
            note=serializer.validated_data["note"],
        )

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._act(request, WORKFLOW["publish"], services.publish)
