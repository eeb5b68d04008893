"""The API of the question bank and the report templates, with a version's structure."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cmsfamily.core.forms import MAX_ID
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.reporting import selectors
from cmsfamily.reporting.models import Item, Option, Question, Section, Template


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
