"""A request for a renderer outside of one: the pages' templates (and the rules they ask) read
the user, the language and the site's address from it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory


def job_request(job, path: str = "/"):
    """A GET of `path` by whoever started the job, in the job's language, at the site's address."""
    site = urlsplit(getattr(settings, "SITE_URL", "") or "http://127.0.0.1")
    request = RequestFactory(
        SERVER_NAME=site.hostname or "127.0.0.1",
        SERVER_PORT=str(site.port or (443 if site.scheme == "https" else 80)),
        **({"wsgi.url_scheme": "https"} if site.scheme == "https" else {}),
    ).get(path)
    request.user = job.started_by or AnonymousUser()
    request.LANGUAGE_CODE = job.language
    request.session = {}
    return request
