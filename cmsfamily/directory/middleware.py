from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from cmsfamily.directory.scope import scope_of

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireSecretariatMFAMiddleware:
    """When MFA_REQUIRED_FOR_SECRETARIAT is on, Secretariat staff must set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_SECRETARIAT and self._must_enrol(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return False
        if not scope_of(user).is_secretariat:
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
