"""Absolute addresses for emails: the configured site, else the address the request came to,
so that a link printed by `make run` on another port leads back to the same server."""

from contextvars import ContextVar

from django.conf import settings

_origin: ContextVar[str] = ContextVar("request_origin", default="")


def absolute_url(path: str) -> str:
    """`path` on the site: `SITE_URL` when it is set (production, where the address must not
    depend on a request's Host); else the scheme, host and port the current request came to;
    else (a management command) `LOCAL_SITE_URL`, the local server's port."""
    base = settings.SITE_URL or _origin.get() or settings.LOCAL_SITE_URL
    return f"{base.rstrip('/')}{path}"


class RequestOriginMiddleware:
    """Remembers where the current request came to (its Host is checked by ALLOWED_HOSTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _origin.set(request.build_absolute_uri("/"))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
