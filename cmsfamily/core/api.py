"""What every app's API shares: the errors it documents, and the exchange-rate endpoint.
(The services' errors become 400s and 403s in cmsfamily.core.api_errors.)"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cmsfamily.core import services
from cmsfamily.core.models import ExchangeRate
from cmsfamily.core.permissions import ReadScopedWriteByRule

ERROR_SCHEMAS = {
    "ValidationErrors": {
        "type": "object",
        "description": "Each field that is wrong, with its messages; `non_field_errors` for what "
        "concerns the whole request. When a service refused the request, `codes` gives the same "
        "fields with the machine-readable code of each message, in the same order.",
        "properties": {
            "codes": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        },
        "additionalProperties": {
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
        },
    },
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}
ERROR_RESPONSES = {
    "400": ("ValidationErrors", "The request is not valid: each field that is wrong, and why."),
    "403": ("Error", "Not signed in, or not allowed to do this."),
    "404": ("Error", "No such object you may see, or no such page of results."),
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors DRF answers with,
    unless the view documents its own (the answers' 400 and 409), and every query parameter that
    is not free text says that empty means "any"."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "query" and (
                    schema.get("type") != "string" or "enum" in schema
                ):
                    # An empty parameter is no filter, as an HTML form sends it (`?kind=`).
                    parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
            responses = operation.setdefault("responses", {})
            for code, (name, description) in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    },
                )
    return result


def require(request, perm, obj=None, message=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "quote", "rate", "valid_from", "source"]
        validators: list = []  # a rate of the same day corrects the earlier one


class ExchangeRateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The dated exchange rates: read by everyone, kept by the CMS Secretariat.
    `?currency=EUR&quote=USD` to filter."""

    permission_classes = [ReadScopedWriteByRule]
    serializer_class = ExchangeRateSerializer
    filterset_fields = ["currency", "quote"]

    def get_queryset(self):
        return ExchangeRate.objects.order_by("currency", "quote", "-valid_from", "pk")

    def create(self, request, *args, **kwargs):
        require(
            request, "core.add_exchangerate", message=_("Only the CMS Secretariat keeps the rates.")
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            rate = services.set_exchange_rate(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(rate).data, status=status.HTTP_201_CREATED)
