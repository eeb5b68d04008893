"""The API of the register (public), of implementation and of consultations (scoped). Routers
live in cmsfamily.api."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.decisions import selectors, services
from cmsfamily.decisions.choices import CommentKind, ImplementationStatus
from cmsfamily.decisions.models import (
    Addressee,
    Comment,
    Consultation,
    Decision,
    DraftParagraph,
    Implementation,
    OperativeParagraph,
)
from cmsfamily.directory.models import Organisation, Party


class AddresseeSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Addressee
        fields = ["id", "kind", "instrument"]


class ParagraphSerializer(serializers.ModelSerializer):
    addressees = AddresseeSerializer(many=True, read_only=True)

    class Meta:
        model = OperativeParagraph
        fields = [
            "id",
            "number",
            "text",
            "deadline",
            "deadline_rule",
            "addressees",
            "source",
            "gaps",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)
    superseded_by = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    paragraphs = ParagraphSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "slug",
            "kind",
            "number",
            "title",
            "body",
            "instrument",
            "meeting",
            "meeting_date",
            "adopted_on",
            "status",
            "superseded_by",
            "source",
            "gaps",
            "paragraphs",
        ]


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The register of decisions, public: each with its operative paragraphs and addressees."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = DecisionSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.decisions(self.request.user).prefetch_related(
            "paragraphs__addressees__instrument"
        )


class ImplementationSerializer(serializers.ModelSerializer):
    """Write: `addressee` (an addressee's id), `party` (ISO code) for the Parties or
    `organisation` (short code) for the Partners, `status`, `note`, `noted_on`."""

    addressee = serializers.PrimaryKeyRelatedField(queryset=Addressee.objects.all())
    paragraph = serializers.IntegerField(source="addressee.paragraph_id", read_only=True)
    party = serializers.SlugRelatedField(
        slug_field="code", queryset=Party.objects.all(), required=False, allow_null=True
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=ImplementationStatus.choices)

    class Meta:
        model = Implementation
        fields = [
            "id",
            "paragraph",
            "addressee",
            "party",
            "organisation",
            "status",
            "note",
            "noted_on",
            "modified",
        ]
        read_only_fields = ["modified"]
        validators: list = []


class ImplementationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Implementation rows the user may read (the CMS Secretariat: all; an NFP: its Party's).
    POST sets a row's status (created or updated), by its implementer only."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ImplementationSerializer

    def get_queryset(self):
        return selectors.implementations(self.request.user).order_by("pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.update_implementation(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


class DraftParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = DraftParagraph
        fields = ["id", "number", "kind", "level", "text", "previous"]


class ConsultationSerializer(serializers.ModelSerializer):
    adopted_as = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    version = serializers.SerializerMethodField()
    paragraphs = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "title",
            "deadline",
            "languages",
            "visibility",
            "adopted_as",
            "version",
            "paragraphs",
        ]

    def _latest(self, consultation):
        return selectors.version(consultation, None)

    def get_version(self, consultation) -> int | None:
        latest = self._latest(consultation)
        return latest.number if latest else None

    def get_paragraphs(self, consultation) -> list:
        if self.context.get("view") is None or self.context["view"].action != "retrieve":
            return []
        latest = self._latest(consultation)
        if latest is None:
            return []
        return list(DraftParagraphSerializer(latest.paragraphs.all(), many=True).data)


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultations open to the user; the detail holds the current version's paragraphs."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ConsultationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.consultations(self.request.user)


class CommentSerializer(serializers.ModelSerializer):
    paragraph = serializers.PrimaryKeyRelatedField(queryset=DraftParagraph.objects.all())
    author = serializers.CharField(source="author.full_name", read_only=True)
    kind = serializers.ChoiceField(choices=CommentKind.choices)

    class Meta:
        model = Comment
        fields = [
            "id",
            "paragraph",
            "author",
            "on_behalf",
            "kind",
            "text",
            "proposed_text",
            "resolution",
            "reason",
            "created",
        ]
        read_only_fields = ["resolution", "reason", "created"]


class CommentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """`?consultation=<slug>`: the comments the user may read in it (all, or their own, as the
    consultation says). POST comments on a paragraph of the current version, before the
    deadline, by someone the consultation includes."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = CommentSerializer

    def get_queryset(self):
        slug = self.request.query_params.get("consultation", "")
        consultation = selectors.consultation(self.request.user, slug[:80]) if slug else None
        if consultation is None:
            return Comment.objects.none()
        return (
            selectors.comments_for(self.request.user, consultation)
            .select_related("author")
            .order_by("pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        paragraph = values.pop("paragraph")
        visible = selectors.consultation(request.user, paragraph.version.consultation.slug)
        if visible is None:
            raise NotFound()
        if not request.user.has_perm("decisions.comment", visible):
            raise PermissionDenied(_("This consultation does not include you."))
        made = services.comment(paragraph=paragraph, by=request.user, **values)
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)
