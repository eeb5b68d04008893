"""The API's permission classes. Kept apart from the viewsets: the settings name the default, and
importing viewsets while the settings load would be circular."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class DenyByDefault(BasePermission):
    """The API's default: an endpoint that does not say who may use it refuses everyone."""

    message = _("This endpoint is not open.")

    def has_permission(self, request, view):
        return False


class ReadScopedWriteByRule(BasePermission):
    """Reads for everyone, from querysets scoped with `visible_to(user)`; writes for signed-in
    users only, and each write then asks its named rule (`require`) and its service asks again."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )
