"""The API of a draft's answers (read by who may read the draft, written through the same
service and checks as the form) and of a report's submitted versions: the actions of
`submissions.SubmissionViewSet` at `answers/` and `versions/`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.response import Response

from cmsfamily.core.api import require
from cmsfamily.core.api_errors import DEFAULT_CODE
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import CycleStatus
from cmsfamily.reporting.models import Answer, SubmissionVersion


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
    label = serializers.CharField(  # type: ignore[assignment]  # a field, not the label
        allow_null=True,
        help_text="How people name the question (its number, or its section and place, or its "
        "first words), as the report's pages and workbook do; null where no question is named.",
    )
    loop_key = serializers.CharField(allow_blank=True)
    messages = serializers.ListField(child=serializers.CharField())
    codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="The machine-readable code of each message, in the same order.",
    )


def _messages(errors) -> list[tuple[str, str]]:
    """DRF's or Django's errors by field as flat messages, each prefixed with its field and with
    its code (`invalid` where the error has none)."""
    if isinstance(errors, DjangoValidationError):
        if hasattr(errors, "error_dict"):
            return _messages(errors.error_dict)
        return [(str(next(iter(error))), error.code or DEFAULT_CODE) for error in errors.error_list]
    if isinstance(errors, dict):
        return [
            (message if field in ("non_field_errors", "__all__") else f"{field}: {message}", code)
            for field, value in errors.items()
            for message, code in _messages(value)
        ]
    if isinstance(errors, list):
        return [pair for value in errors for pair in _messages(value)]
    return [(str(errors), getattr(errors, "code", None) or DEFAULT_CODE)]


def _edit_errors(data, errors) -> list[tuple[str | None, str, list[tuple[str, str]]]]:
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


def _label(structure, code: str | None) -> str | None:
    """How the report's form names a question (its number, or where it stands), for people."""
    item = structure.items_by_code.get(code) if structure and code else None
    return selectors.item_name(structure, item) if item is not None else None


def _answer_errors(problems, structure=None) -> Response:
    """Every 400 of `answers/` has one shape: `errors`, a list of {question, label, loop_key,
    messages, codes}; ``problems`` are (question, loop key, [(message, code)]); ``structure``
    (the report's form) names each question by its label."""

    def label(code):
        return _label(structure, code)

    return Response(
        {
            "errors": [
                {
                    "question": question,
                    "label": label(question),
                    "loop_key": key,
                    "messages": [message for message, _code in pairs],
                    "codes": [code for _message, code in pairs],
                }
                for question, key, pairs in problems
            ]
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionVersion
        fields = ["number", "submitted_at", "content_hash", "language", "snapshot"]


def require_open(submission) -> None:
    """Say why a report of a closed cycle refuses every change, rather than a bare 403."""
    if submission.cycle.status == CycleStatus.CLOSED:
        raise PermissionDenied(services.CYCLE_CLOSED)


class AnswersMixin:
    """The `answers/` action of the submissions: the draft's answers, read and written."""

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
                "Saved",
                {
                    "saved": serializers.ListField(child=serializers.DictField()),
                    "not_included": serializers.ListField(
                        child=serializers.DictField(),
                        help_text=(
                            "Answers saved in the draft that a submitted version will not hold: "
                            "their question (or its section, when `section` is given) is shown "
                            "only when the condition in words holds, and it does not."
                        ),
                    ),
                },
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
        require_open(submission)
        require(
            request, "reporting.edit_submission", submission, _("This report cannot be edited now.")
        )
        try:
            data = request.data
        except ParseError as error:
            return _answer_errors([(None, "", _messages(error.detail))])
        serializer = EditSerializer(data=data, many=True)
        if not serializer.is_valid():
            return _answer_errors(
                _edit_errors(data, serializer.errors),
                selectors.structure(submission.cycle.version),
            )
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
            return _answer_errors([(None, "", _messages(error))])
        if result.errors:
            return _answer_errors(
                [
                    (code, key, [(message, DEFAULT_CODE) for message in messages])
                    for (code, key), messages in result.errors.items()
                ],
                selectors.structure(submission.cycle.version),
            )
        if result.conflicts:
            form = selectors.structure(submission.cycle.version)
            return Response(
                {
                    "conflicts": [
                        {
                            "question": c.code,
                            "label": _label(form, c.code),
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
        # Accepted into the draft, but a submitted version would leave out an answer to a
        # question that is not shown: say so, with the condition that hides it.
        report = selectors.report_state(submission, request.user)
        left_out = selectors.not_included(
            report.structure, report.values, report.loops, result.saved
        )
        return Response(
            {
                "saved": [
                    {"question": code, "loop_key": key, "revision": revision}
                    for (code, key), revision in result.saved.items()
                ],
                "not_included": [
                    {
                        "question": code,
                        "label": selectors.item_name(report.structure, out.item),
                        "loop_key": key,
                        "section": out.section,
                        "shown_only_when": out.condition,
                    }
                    for (code, key), out in left_out.items()
                ],
            }
        )


class VersionsMixin:
    """The `versions/` action of the submissions: the versions the caller may read."""

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
