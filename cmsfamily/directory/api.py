"""Serializers and viewsets of the registry's open API. Routers live in cmsfamily.api."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.directory import choices, selectors, services
from cmsfamily.directory.models import (
    Appointment,
    Instrument,
    Membership,
    Organisation,
    Party,
    Person,
    Region,
)
from cmsfamily.directory.scope import scope_of


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class PartySerializer(serializers.ModelSerializer):
    region = RegionSerializer(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:party-detail", lookup_field="code")

    class Meta:
        model = Party
        fields = [
            "url",
            "code",
            "iso3",
            "name",
            "name_en",
            "name_fr",
            "name_es",
            "region",
            "entry_into_force",
            "party_number",
            "is_state",
            "note",
            "source",
        ]


class InstrumentSerializer(serializers.ModelSerializer):
    secretariat = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "code",
            "name",
            "name_en",
            "name_fr",
            "name_es",
            "kind",
            "in_effect",
            "secretariat_name",
            "secretariat",
            "taxa",
            "confidence",
            "member_count",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="code", read_only=True)
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "party", "instrument", "kind", "start", "end", "source", "note"]


class OrganisationSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "short_name",
            "name",
            "kind",
            "party",
            "website",
            "description",
            "source",
            "is_demo",
        ]


PUBLIC_PERSON_FIELDS = ("id", "honorific", "given_name", "family_name", "position", "is_demo")
PRIVATE_PERSON_FIELDS = ("email", "phone", "address", "languages")


class PublicPersonSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "honorific",
            "given_name",
            "family_name",
            "position",
            "organisation",
            "is_demo",
        ]


class FocalPointPersonSerializer(PublicPersonSerializer):
    """The person of a focal point as documented: contact fields appear only for those entitled."""

    email = serializers.EmailField(
        required=False, help_text=_("Only for the Secretariat and colleagues.")
    )
    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    languages = serializers.CharField(required=False)

    class Meta(PublicPersonSerializer.Meta):
        fields = [*PublicPersonSerializer.Meta.fields, *PRIVATE_PERSON_FIELDS]


class FocalPointSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    party = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "role",
            "party",
            "organisation",
            "instrument",
            "start",
            "end",
            "status",
            "area_of_expertise",
            "person",
            "is_demo",
        ]

    @extend_schema_field(FocalPointPersonSerializer)
    def get_person(self, appointment) -> dict:
        """Contact fields only for the Secretariat and the focal points of the same Party or organisation.

        Built as a plain dict: one nested serializer per row costs more than the rest of the page.
        """
        scope = scope_of(self.context["request"].user)
        person = appointment.person
        data = {field: getattr(person, field) for field in PUBLIC_PERSON_FIELDS}
        data["organisation"] = person.organisation.slug if person.organisation_id else None
        if appointment.status == choices.AppointmentStatus.CONFIRMED:
            # A listed focal point is current: the rule's answer without its query per row.
            private = (
                scope.cms_secretariat
                or appointment.party_id in scope.acting_parties
                or appointment.organisation_id in scope.organisations
                or appointment.person_id == scope.person_id
            )
        else:  # a nomination: whose person it names is the rule's question
            private = self.context["request"].user.has_perm("directory.view_person_private", person)
        if private:
            data.update({field: getattr(person, field) for field in PRIVATE_PERSON_FIELDS})
        return data


class NominationSerializer(serializers.Serializer):
    party = serializers.SlugRelatedField(slug_field="code", queryset=Party.objects.all())
    role = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in choices.Role if r in choices.PARTY_ROLES]
    )
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=Instrument.objects.all(), required=False, allow_null=True
    )
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField()
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    area_of_expertise = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For a Scientific Councillor: the field they bring to the Scientific Council."),
    )

    def validate(self, attrs):
        if attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError(
                {"end": _("An appointment cannot end before it starts.")}
            )
        if (
            attrs.get("area_of_expertise", "").strip()
            and attrs["role"] != choices.Role.SCIENTIFIC_COUNCILLOR
        ):
            raise serializers.ValidationError(
                {
                    "area_of_expertise": _(
                        "Only a Scientific Councillor has an area of expertise in the registry."
                    )
                }
            )
        return attrs


class PartyFilterSet(filters.FilterSet):
    region = filters.CharFilter(field_name="region__code")
    instrument = filters.CharFilter(method="member_of")

    class Meta:
        model = Party
        fields = ["region", "instrument"]

    def member_of(self, queryset, name, value):
        return queryset.filter(
            memberships__instrument__code=value, memberships__end__isnull=True
        ).distinct()


class PartyViewSet(viewsets.ReadOnlyModelViewSet):
    """The Parties to the Convention, with ISO codes, region and date of entry into force."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = PartySerializer
    lookup_field = "code"
    filterset_class = PartyFilterSet
    search_fields = ["name_en", "name_fr", "name_es", "code", "iso3"]
    ordering_fields = ["name_en", "code", "entry_into_force", "party_number"]

    def get_queryset(self):
        return selectors.parties(self.request.user).order_by("name_en")

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = InstrumentSerializer
    lookup_field = "code"
    filterset_fields = ["kind"]
    search_fields = ["name_en", "code", "taxa"]
    ordering_fields = ["code", "in_effect"]

    def get_queryset(self):
        return selectors.instruments(self.request.user).order_by("in_effect", "code")


class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = MembershipSerializer
    filterset_fields = {"party__code": ["exact"], "instrument__code": ["exact"], "kind": ["exact"]}
    ordering_fields = ["start"]

    def get_queryset(self):
        return selectors.memberships(self.request.user).order_by(
            "instrument__code", "party__name_en"
        )


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadScopedWriteByRule]
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]
    search_fields = ["short_name", "name_en"]

    def get_queryset(self):
        return selectors.organisations(self.request.user).order_by("short_name")


class FocalPointViewSet(viewsets.ReadOnlyModelViewSet):
    """Current focal points: a query over confirmed appointments. Contact details only for those entitled."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = FocalPointSerializer
    filterset_fields = {
        "party__code": ["exact"],
        "organisation__slug": ["exact"],
        "instrument__code": ["exact"],
        "role": ["exact"],
    }

    def get_queryset(self):
        return selectors.current_focal_points(self.request.user).order_by(
            "party__name_en", "role", "id"
        )


class NominationViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Propose a focal point for a Party. The NFP of that Party or the CMS Secretariat may; a secretariat confirms."""

    serializer_class = NominationSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={201: FocalPointSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not request.user.has_perm("directory.nominate_for_party", data["party"]):
            raise PermissionDenied(
                _("You may nominate focal points only for the Party you act for.")
            )
        appointment = services.nominate_contact(
            email=data["email"],
            details={field: data[field] for field in ("given_name", "family_name", "position")},
            role=data["role"],
            by=request.user,
            party=data["party"],
            instrument=data.get("instrument"),
            start=data["start"],
            end=data.get("end"),
            area_of_expertise=data.get("area_of_expertise", ""),
        )
        return Response(
            FocalPointSerializer(appointment, context={"request": request}).data, status=201
        )
