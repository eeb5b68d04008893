"""A request for a renderer outside of one: the pages' templates (and the rules they ask) read
the user, the language and the site's address from it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest


def site_url() -> str:
    """The site's address ending in "/": what a PDF's relative links resolve against (only the
    static files are read, from disk: core.documents)."""
    return (getattr(settings, "SITE_URL", "") or "http://127.0.0.1").rstrip("/") + "/"


def job_request(job, path: str = "/") -> HttpRequest:
    """A GET of `path` by whoever started the job, in the job's language, at the site's address."""
    site = urlsplit(site_url())
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {
        "SERVER_NAME": site.hostname or "127.0.0.1",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "HTTP_HOST": site.netloc,
        "wsgi.url_scheme": site.scheme,
    }
    request.user = job.started_by or AnonymousUser()
    request.LANGUAGE_CODE = job.language
    request.session = SessionBase()  # in memory, never saved: a renderer changes nothing
    return request
