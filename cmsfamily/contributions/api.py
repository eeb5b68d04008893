"""Serializers and viewsets of the ledger's open API. Routers live in cmsfamily.api."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cmsfamily.contributions import selectors, services
from cmsfamily.contributions.choices import Kind, Status
from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule
from cmsfamily.core.api import require
from cmsfamily.core.filtersets import YearFilter
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.directory.models import Instrument, Organisation, Party
from cmsfamily.strategy.models import Target
from cmsfamily.workplans.models import Activity


class ContributionSerializer(serializers.ModelSerializer):
    contributor_organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    contributor_party = serializers.SlugRelatedField(
        slug_field="code", queryset=Party.objects.all(), allow_null=True, required=False
    )
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=Instrument.objects.all(), allow_null=True, required=False
    )
    activity = serializers.PrimaryKeyRelatedField(
        queryset=Activity.objects.all(), allow_null=True, required=False
    )
    target = serializers.PrimaryKeyRelatedField(
        queryset=Target.objects.all(), allow_null=True, required=False
    )
    kind = serializers.ChoiceField(choices=Kind.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    validated = serializers.BooleanField(source="is_validated", read_only=True)
    working = serializers.CharField(read_only=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "contributor_organisation",
            "contributor_party",
            "instrument",
            "activity",
            "target",
            "kind",
            "description",
            "amount",
            "currency",
            "days",
            "people",
            "meetings",
            "start",
            "end",
            "status",
            "evidence_url",
            "publish",
            "quantity",
            "rule",
            "value",
            "value_currency",
            "base_value",
            "working",
            "validated",
            "validated_at",
            "corrects",
        ]
        read_only_fields = [
            "quantity",
            "rule",
            "value",
            "value_currency",
            "base_value",
            "validated_at",
            "corrects",
        ]


class ContributionFilterSet(filters.FilterSet):
    organisation = filters.CharFilter(field_name="contributor_organisation__slug")
    party = filters.CharFilter(field_name="contributor_party__code")
    kind = filters.ChoiceFilter(choices=Kind.choices)
    status = filters.ChoiceFilter(choices=Status.choices)
    year = YearFilter(field_name="start", lookup_expr="year", label=_("Year"))

    class Meta:
        model = Contribution
        fields = ["organisation", "party", "kind", "status", "year"]


def _may_log_for(request, values) -> None:
    """The contributor must be one the user acts for (the CMS Secretariat logs for anyone)."""
    probe = Contribution(
        contributor_organisation=values.get("contributor_organisation"),
        contributor_party=values.get("contributor_party"),
    )
    if request.user.has_perm("contributions.validate_contribution"):
        return
    if not (
        probe.contributor and request.user.has_perm("contributions.correct_contribution", probe)
    ):
        raise PermissionDenied(
            _("You may log contributions only for your own organisation or Party.")
        )


class ContributionViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The ledger. Everyone reads validated entries their contributor agreed to publish; a Partner's
    focal point (or a Party's NFP) also reads and logs its own, and changes them (PATCH) until the
    CMS Secretariat validates them (`POST …/validate/`). A validated entry is corrected with
    `POST …/correct/`, which logs a new entry replacing it in the totals."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.contributions(self.request.user)

    def _values(self, request, instance=None, partial=False):
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _respond(self, make, code=status.HTTP_200_OK):
        return Response(self.get_serializer(make()).data, status=code)

    def create(self, request, *args, **kwargs):
        require(
            request,
            "contributions.add_contribution",
            message=_("Sign in as a focal point to log contributions."),
        )
        values = self._values(request)
        _may_log_for(request, values)
        return self._respond(
            lambda: services.log_contribution(by=request.user, **values), status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        contribution = self.get_object()
        if contribution.is_validated:
            raise DjangoValidationError(
                _("A validated contribution cannot be changed; POST a correction instead."),
                code="validated",
            )
        require(
            request,
            "contributions.change_contribution",
            contribution,
            _("You may not change this contribution."),
        )
        values = self._values(request, contribution, partial=True)
        if "contributor_organisation" in values or "contributor_party" in values:
            _may_log_for(
                request,
                {
                    **{
                        "contributor_organisation": contribution.contributor_organisation,
                        "contributor_party": contribution.contributor_party,
                    },
                    **values,
                },
            )
        return self._respond(
            lambda: services.update_contribution(
                contribution=contribution, by=request.user, **values
            )
        )

    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        contribution = self.get_object()
        require(
            request,
            "contributions.validate_contribution",
            contribution,
            _("Only the CMS Secretariat validates contributions."),
        )
        return self._respond(
            lambda: services.validate_contribution(contribution=contribution, by=request.user)
        )

    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        original = self.get_object()
        require(
            request,
            "contributions.correct_contribution",
            original,
            _("You may not correct this contribution."),
        )
        values = self._values(request, original, partial=True)
        values.pop("contributor_organisation", None)
        values.pop("contributor_party", None)
        return self._respond(
            lambda: services.correct_contribution(original=original, by=request.user, **values),
            status.HTTP_201_CREATED,
        )


class ValuationRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ValuationRule
        fields = ["id", "kind", "unit", "value", "currency", "valid_from", "valid_to", "source"]


class EndRuleSerializer(serializers.Serializer):
    valid_to = serializers.DateField()


class ValuationRuleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Valuation rules (value per unit by kind, dated). Read by everyone; added by the CMS
    Secretariat; rules of one kind never overlap."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ValuationRuleSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.valuation_rules()

    def create(self, request, *args, **kwargs):
        require(
            request,
            "contributions.add_valuationrule",
            message=_("Only the CMS Secretariat keeps the valuation rules."),
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.add_valuation_rule(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndRuleSerializer, responses={200: ValuationRuleSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End a rule on `valid_to` (entries it valued keep it) so the next can start."""
        rule = self.get_object()
        require(
            request,
            "contributions.add_valuationrule",
            message=_("Only the CMS Secretariat keeps the valuation rules."),
        )
        serializer = EndRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.end_valuation_rule(rule=rule, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(rule).data)


class AssessedContributionSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="code", queryset=Party.objects.all())
    instrument = serializers.SlugRelatedField(slug_field="code", queryset=Instrument.objects.all())
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    payment_status = serializers.SerializerMethodField()

    class Meta:
        model = AssessedContribution
        fields = [
            "id",
            "party",
            "instrument",
            "year",
            "scale",
            "amount",
            "currency",
            "invoice_number",
            "invoice_date",
            "due",
            "paid",
            "payment_status",
            "source",
        ]
        validators: list = []  # setting the same Party, instrument and year again updates it

    def get_payment_status(self, row) -> str:
        return selectors.payment_status(row) if hasattr(row, "paid") else ""


class AssessedContributionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Assessed contributions with what has been paid: the CMS Secretariat sees all and sets them;
    a Party's NFP or alternate sees its own Party's. `?party=KE&year=2024`."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = AssessedContributionSerializer
    filterset_fields = {"party__code": ["exact"], "year": ["exact"], "instrument__code": ["exact"]}

    def get_queryset(self):
        return selectors.assessed(self.request.user)

    def create(self, request, *args, **kwargs):
        require(
            request,
            "contributions.manage_assessed",
            message=_("Only the CMS Secretariat sets assessed contributions."),
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessed = services.set_assessed_contribution(by=request.user, **serializer.validated_data)
        row = self.get_queryset().get(pk=assessed.pk)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)
