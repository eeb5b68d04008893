"""Each request gets an id that follows it everywhere: the response's `X-Request-ID` header, every
log line written while it runs and every domain event its services record. A proxy's id is kept
when it looks like one (nginx's `$request_id`, a UUID), so that its access log and ours meet."""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

HEADER = "X-Request-ID"
MAX_LENGTH = 64
_SANE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:-]{{0,{MAX_LENGTH - 1}}}")
_current: ContextVar[str] = ContextVar("request_id", default="")
access_log = logging.getLogger("cmsfamily.requests")


def current_request_id() -> str:
    """The id of the request being served, or "" outside one (a command, a task)."""
    return _current.get()


def sane(value: str | None) -> str | None:
    """A caller's id, if it is short and plain enough to copy into logs and the database."""
    if value and _SANE.fullmatch(value):
        return value
    return None


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that even a redirect to HTTPS carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = sane(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished): Django logs a 4xx or 5xx after
        # the middleware has returned, and that line belongs to this request too.
        _current.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        if access_log.isEnabledFor(logging.INFO):
            self.log(request, response, started)
        return response

    @staticmethod
    def log(request, response, started: float) -> None:
        # Static files never reach the authentication middleware: they have no user.
        user = getattr(request, "user", None)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )


def _forget(**kwargs) -> None:
    _current.set("")


request_finished.connect(_forget, dispatch_uid="cmsfamily.core.request_id.forget")
