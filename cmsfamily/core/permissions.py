"""The API's permission classes. Kept apart from the viewsets: the settings name the default, and
importing viewsets while the settings load would be circular."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission, IsAuthenticatedOrReadOnly


class DenyByDefault(BasePermission):
    """The API's default: an endpoint that does not say who may use it refuses everyone."""

    message = _("This endpoint is not open.")

    def has_permission(self, request, view):
        return False


# Reads for everyone, from querysets scoped with `visible_to(user)`; writes for signed-in users
# only, and each write then asks its named rule (`require`), and its service asks again. DRF's own
# class under the name of what it means here (drf-spectacular then documents the anonymous reads).
ReadScopedWriteByRule = IsAuthenticatedOrReadOnly
