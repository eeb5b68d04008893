"""Documents the platform renders: a page as PDF, through WeasyPrint, offline."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage


class PdfUnavailable(Exception):
    """WeasyPrint cannot be loaded here (usually: the Pango library is not installed)."""


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The page as PDF through WeasyPrint, reading only this project's static files.

    Nothing is fetched over the network: stylesheets and images under STATIC_URL are read from
    disk (so no running server is needed), every other URL is refused.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: WeasyPrint is there, Pango is not
        raise PdfUnavailable(str(error)) from error
    return weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=StaticFiles(base_url)
    ).write_pdf()


class StaticFiles:
    def __init__(self, base_url: str):
        self.prefix = urljoin(base_url, settings.STATIC_URL)

    def __call__(self, url: str, *args, **kwargs):
        if not url.startswith(self.prefix):
            raise ValueError(f"Only static files are read into a PDF, not {url}")
        name = unquote(urlsplit(url).path[len(urlsplit(self.prefix).path) :])
        path = finders.find(name)
        if not path and staticfiles_storage.exists(name):  # collected (and hashed) in production
            path = staticfiles_storage.path(name)
        if not path:
            raise ValueError(f"No static file {name}")
        body = Path(path).read_bytes()
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        try:
            from weasyprint.urls import URLFetcherResponse
        except ImportError:  # WeasyPrint < 68 takes a dict
            return {"string": body, "mime_type": mime_type, "redirected_url": url}
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})
