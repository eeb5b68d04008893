"""The meetings' API: meetings and their documents for everyone; invitations scoped to who runs
the meeting and who is invited, answered with `POST …/reply/`. Routers live in cmsfamily.api."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cmsfamily.core.api import require
from cmsfamily.core.forms import MAX_ID
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.meetings import selectors, services
from cmsfamily.meetings.choices import DelegateRole, InviteeKind, MeetingKind, Reply
from cmsfamily.meetings.models import Delegate, Document, DocumentFile, Invitation, Meeting


class MeetingSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "code",
            "title",
            "kind",
            "instrument",
            "start",
            "end",
            "format",
            "venue",
            "working_languages",
            "description",
            "url",
        ]

    def get_url(self, meeting) -> str:
        return meeting.get_absolute_url()


class DocumentFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = ["language", "revision", "url"]

    def get_url(self, stored) -> str:
        return stored.get_absolute_url()


class DocumentSerializer(serializers.ModelSerializer):
    meeting = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agenda_item = serializers.CharField(source="agenda_item.number", default=None, read_only=True)
    files = DocumentFileSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "meeting", "symbol", "title", "agenda_item", "files"]


class MeetingFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MeetingKind.choices)
    instrument = filters.CharFilter(field_name="instrument__code")

    class Meta:
        model = Meeting
        fields = ["kind", "instrument"]


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Meetings of the CMS Family, public. `?kind=cop&instrument=cms`. The connection link of a
    remote meeting is not here: it is for registered participants, on the meeting's page."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return selectors.meetings(self.request.user)


class DocumentFilterSet(filters.FilterSet):
    meeting = filters.CharFilter(field_name="meeting__code")

    class Meta:
        model = Document
        fields = ["meeting"]


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Meeting documents with their symbols and files (each language and revision), public.
    `?meeting=cop14`."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet

    def get_queryset(self):
        return selectors.documents(self.request.user).order_by("meeting__start", "symbol")


class InvitationSerializer(serializers.ModelSerializer):
    meeting = serializers.SlugRelatedField(slug_field="code", read_only=True)
    party = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "meeting",
            "kind",
            "party",
            "organisation",
            "deadline",
            "reply",
            "forwarded_to",
            "reply_note",
            "replied_at",
            "late",
        ]


class ReplySerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Reply.choices)
    forwarded_to = serializers.CharField(max_length=250, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class InvitationFilterSet(filters.FilterSet):
    meeting = filters.CharFilter(field_name="meeting__code")
    kind = filters.ChoiceFilter(choices=InviteeKind.choices)

    class Meta:
        model = Invitation
        fields = ["meeting", "kind"]


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Invitations and their replies: the secretariat that runs the meeting sees them all, a
    Party's NFP or a Partner's focal point its own, and answers it with `POST …/reply/` (after
    the deadline the reply is accepted and marked `late`). Signed-out visitors see none."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet

    def get_queryset(self):
        return selectors.invitations(self.request.user).order_by("meeting__start", "pk")

    @extend_schema(request=ReplySerializer, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        invitation = self.get_object()
        require(
            request,
            "meetings.reply_to_invitation",
            invitation,
            message=_("Only the invited Party's or organisation's focal point replies."),
        )
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answered = services.reply(
            invitation=invitation, by=request.user, **serializer.validated_data
        )
        return Response(InvitationSerializer(answered).data)


class DelegateSerializer(serializers.ModelSerializer):
    meeting = serializers.CharField(source="invitation.meeting.code", read_only=True)
    party = serializers.CharField(source="invitation.party.code", read_only=True)
    name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = Delegate
        fields = [
            "id",
            "meeting",
            "party",
            "invitation",
            "name",
            "role",
            "funding",
            "funding_reason",
        ]
        read_only_fields = ["funding", "funding_reason"]


class NameDelegateSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    role = serializers.ChoiceField(choices=DelegateRole.choices)
    person = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DelegateFilterSet(filters.FilterSet):
    meeting = filters.CharFilter(field_name="invitation__meeting__code")
    party = filters.CharFilter(field_name="invitation__party__code")

    class Meta:
        model = Delegate
        fields = ["meeting", "party"]


class DelegateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Delegations: the secretariat that runs the meeting sees them all, a Party's NFP its own;
    the public none. `POST` names a delegate: `invitation` (the Party's), `role`, and `person`
    (an id of the registry) or `given_name` and `family_name` of a new person."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = DelegateSerializer
    filterset_class = DelegateFilterSet

    def get_queryset(self):
        return (
            Delegate.objects.visible_to(self.request.user)
            .select_related("invitation__meeting", "invitation__party", "person")
            .order_by("invitation__meeting__start", "invitation__party__name", "role", "pk")
        )

    @extend_schema(request=NameDelegateSerializer, responses={201: DelegateSerializer})
    def create(self, request, *args, **kwargs):

        serializer = NameDelegateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        invitation = selectors.invitations(request.user).filter(pk=data.pop("invitation")).first()
        if invitation is None or invitation.party_id is None:
            raise serializers.ValidationError(
                {"invitation": [_("No invitation of a Party that you may see has this number.")]}
            )
        require(
            request,
            "meetings.change_delegation",
            invitation,
            message=_("Only the invited Party's National Focal Point names its delegation."),
        )
        if "person" in data:
            person = selectors.registry_people(invitation.party).filter(pk=data["person"]).first()
            if person is None:
                raise serializers.ValidationError(
                    {"person": [_("No person of this Party's registry has this number.")]}
                )
            data["person"] = person
        delegate = services.name_delegate(
            meeting=invitation.meeting, party=invitation.party, by=request.user, **data
        )
        return Response(DelegateSerializer(delegate).data, status=status.HTTP_201_CREATED)
