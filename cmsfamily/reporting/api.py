"""The reporting API: the question bank, templates with their structure, cycles, submissions
(scoped to who may see them), answers written through the same service and checks as the form,
the workflow, and the immutable versions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.response import Response

from cmsfamily.core.api import require
from cmsfamily.core.forms import MAX_ID
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import WORKFLOW, CycleStatus, Step, SubmissionStatus
from cmsfamily.reporting.models import (
    Answer,
    Cycle,
    Item,
    Option,
    Question,
    Section,
    Submission,
    SubmissionVersion,
    Template,
)


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["value", "label", "label_en", "label_fr", "label_es"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "code",
            "kind",
            "text",
            "text_en",
            "text_fr",
            "text_es",
            "help_text",
            "unit",
            "min_value",
            "max_value",
            "max_length",
            "pattern",
            "allow_many",
            "columns",
            "is_draft_text",
            "options",
            "targets",
        ]


class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """The shared question bank: every question once, whichever templates use it."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = QuestionSerializer
    filterset_fields = ["kind", "is_draft_text"]
    search_fields = ["code", "text"]
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9][a-z0-9_.-]*"

    def get_queryset(self):
        return (
            Question.objects.visible_to(self.request.user)
            .prefetch_related(
                Prefetch("options", queryset=Option.objects.order_by("order")), "targets"
            )
            .order_by("code")
        )


class ItemSerializer(serializers.ModelSerializer):
    question = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Item
        fields = ["number", "question", "required", "show_if", "require_if"]


class SectionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="number", read_only=True)  # type: ignore[assignment]
    items = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = [
            "id",
            "number",
            "parent",
            "title",
            "intro",
            "loop",
            "loop_items",
            "loop_programme",
            "items",
        ]

    def get_items(self, section) -> list[dict]:
        return list(ItemSerializer(self.context["items"].get(section.pk, []), many=True).data)


class TemplateSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Template
        fields = ["slug", "title", "instrument", "reporter_kind", "description", "versions"]

    def get_versions(self, template) -> list[dict]:
        return [
            {"number": v.number, "status": v.status, "frozen_at": v.frozen_at}
            for v in template.versions.all()
        ]


class StructureQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("A version number; the latest version you may see without it."),
    )


class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Report templates. `GET /api/report-templates/{slug}/structure/?version=N` gives the
    sections and questions of a version (the latest one you may see by default)."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = TemplateSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Template.objects.visible_to(self.request.user)
            .select_related("instrument")
            .prefetch_related("versions")
            .order_by("slug")
        )

    @extend_schema(parameters=[StructureQuerySerializer], responses=SectionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def structure(self, request, slug=None):
        template = self.get_object()
        versions = template.versions.all()
        if not request.user.has_perm("reporting.change_template", template):
            versions = versions.filter(status="frozen")
        # An empty parameter is absent, as it is for every filter.
        query = StructureQuerySerializer(data={k: v for k, v in request.query_params.items() if v})
        query.is_valid(raise_exception=True)
        number = query.validated_data.get("version")
        version = (
            get_object_or_404(versions, number=number)
            if number is not None
            else versions.order_by("-number").first()
        )
        if version is None:
            return Response([])
        structure = selectors.structure(version)
        items = {node.section.pk: node.items for node in structure.nodes}
        sections = [node.section for node in structure.nodes]
        return Response(SectionSerializer(sections, many=True, context={"items": items}).data)


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


class EditSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=80)
    loop_key = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    value = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "The answer. A number is a JSON number or text with a dot before the decimals and "
            "no thousands separator (1234.5): “1,234” is refused, as it means different numbers "
            "in different languages."
        ),
    )
    base_revision = serializers.IntegerField(min_value=0)


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code")

    class Meta:
        model = Answer
        fields = ["question", "loop_key", "value", "revision", "updated_at", "carried_from"]


class AnswerErrorSerializer(serializers.Serializer):
    """What is wrong with one edit: its question and loop item where the edit names them."""

    question = serializers.CharField(allow_null=True)
    loop_key = serializers.CharField(allow_blank=True)
    messages = serializers.ListField(child=serializers.CharField())


def _messages(errors) -> list[str]:
    """DRF's or Django's errors by field as flat messages, each prefixed with its field."""
    if isinstance(errors, dict):
        return [
            message if field in ("non_field_errors", "__all__") else f"{field}: {message}"
            for field, value in errors.items()
            for message in _messages(value)
        ]
    if isinstance(errors, list):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def _edit_errors(data, errors) -> list[tuple[str | None, str, list[str]]]:
    """The edits' structural errors (by the edit's index), each beside the question it names."""
    if "non_field_errors" in errors:  # not a list of edits at all
        return [(None, "", _messages(errors))]
    problems = []
    for index, row_errors in errors.items():
        row = data[index] if isinstance(index, int) and index < len(data) else None
        question = row.get("question") if isinstance(row, dict) else None
        key = row.get("loop_key") if isinstance(row, dict) else ""
        problems.append(
            (
                question if isinstance(question, str) else None,
                key if isinstance(key, str) else "",
                _messages(row_errors),
            )
        )
    return problems


def _answer_errors(problems) -> Response:
    """Every 400 of `answers/` has one shape: `errors`, a list of {question, loop_key, messages}."""
    return Response(
        {
            "errors": [
                {"question": code, "loop_key": key, "messages": messages}
                for code, key, messages in problems
            ]
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionVersion
        fields = ["number", "submitted_at", "content_hash", "language", "snapshot"]


class ReturnSerializer(serializers.Serializer):
    # min_length puts the refusal of an empty note in the schema (allow_blank=False does not).
    note = serializers.CharField(min_length=1, max_length=5000)


def _open(submission) -> None:
    """Say why a report of a closed cycle refuses every change, rather than a bare 403."""
    if submission.cycle.status == CycleStatus.CLOSED:
        raise PermissionDenied(services.CYCLE_CLOSED)


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
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

    def _readable_codes(self, request, submission) -> set[str]:
        """The draft's questions the caller may read: the same rule as the page and the workbook."""
        codes = selectors.report_state(submission, request.user).readable_codes
        if not codes:
            raise PermissionDenied(
                _("Only the reporter and its contributors read the draft answers.")
            )
        return codes

    @extend_schema(methods=["get"], responses=AnswerSerializer(many=True))
    @extend_schema(
        methods=["post"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Up to 80 characters of your choosing, new for each write (e.g. a UUID). "
                    "Sent again with the same write (after a lost answer), it is answered as "
                    "the first time instead of with a conflict."
                ),
            )
        ],
        request=EditSerializer(many=True),
        responses={
            200: inline_serializer(
                "Saved", {"saved": serializers.ListField(child=serializers.DictField())}
            ),
            400: inline_serializer("AnswerErrors", {"errors": AnswerErrorSerializer(many=True)}),
            409: inline_serializer(
                "Conflicts", {"conflicts": serializers.ListField(child=serializers.DictField())}
            ),
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def answers(self, request, pk=None):
        submission = self.get_object()
        codes = self._readable_codes(request, submission)
        if request.method == "GET":
            rows = (
                Answer.objects.filter(submission=submission, question__code__in=codes)
                .select_related("question")
                .order_by("question__code", "loop_key")
            )
            return Response(AnswerSerializer(rows, many=True).data)
        _open(submission)
        require(
            request, "reporting.edit_submission", submission, _("This report cannot be edited now.")
        )
        try:
            data = request.data
        except ParseError as error:
            return _answer_errors([(None, "", [str(error.detail)])])
        serializer = EditSerializer(data=data, many=True)
        if not serializer.is_valid():
            return _answer_errors(_edit_errors(data, serializer.errors))
        edits = [
            services.Edit(
                row["question"], row.get("loop_key") or "", row["value"], row["base_revision"]
            )
            for row in serializer.validated_data
        ]
        try:
            result = services.save_answers(
                submission=submission,
                edits=edits,
                by=request.user,
                language=get_language() or "en",
                write_key=request.headers.get("Idempotency-Key", "").strip(),
            )
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            return _answer_errors([(None, "", _messages(detail))])
        if result.errors:
            return _answer_errors(
                [(code, key, messages) for (code, key), messages in result.errors.items()]
            )
        if result.conflicts:
            return Response(
                {
                    "conflicts": [
                        {
                            "question": c.code,
                            "loop_key": c.key,
                            "yours": c.yours,
                            "theirs": c.theirs,
                            "their_revision": c.their_revision,
                            "by": c.by,
                            "at": c.at,
                        }
                        for c in result.conflicts
                    ]
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            {
                "saved": [
                    {"question": code, "loop_key": key, "revision": revision}
                    for (code, key), revision in result.saved.items()
                ]
            }
        )

    def _act(self, request, step: Step, service, **extra):
        """A step of the workflow table (`choices.WORKFLOW`), asked by its rule."""
        submission = self.get_object()
        if step.needs_open_cycle:
            _open(submission)
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

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        submission = self.get_object()
        if not request.user.has_perm("reporting.view_versions", submission):
            raise PermissionDenied(
                _("The submitted versions are for the reporter and the reviewers.")
            )
        versions = selectors.readable_versions(submission, request.user).order_by("number")
        return Response(VersionSerializer(versions, many=True).data)
