"""Phones on slow connections: pages and static files travel compressed, hashed static files are
cached for a year, and `make run` (DEBUG off, as in production) answers the platform's own 404."""

import gzip
import re
import runpy
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

import config

pytestmark = pytest.mark.django_db

ROOT = Path(config.__file__).resolve().parent.parent
SITE_CSS = ROOT / "cmsfamily" / "core" / "static" / "core" / "site.css"


def test_pages_are_gzipped_for_a_browser_that_asks(client):
    response = client.get("/parties/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<h1" in html
    assert len(response.content) < len(html) / 3


def test_pages_are_plain_for_a_client_that_does_not_ask(client):
    response = client.get("/parties/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"<h1" in response.content


@pytest.fixture
def collected(settings, tmp_path):
    """The production storage over a copy of the site's style sheet only: collecting every app's
    static files (the API docs' bundles among them) would take minutes."""
    source = tmp_path / "source" / "core"
    source.mkdir(parents=True)
    shutil.copy(SITE_CSS, source / "site.css")
    settings.STATICFILES_DIRS = [tmp_path / "source"]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    return settings.STATIC_ROOT


def test_hashed_static_files_are_served_compressed_and_cached_for_a_year(collected):
    from django.templatetags.static import static

    url = static("core/site.css")
    assert re.fullmatch(r"/static/core/site\.[0-9a-f]{12}\.css", url), url
    client = Client()  # a new client: WhiteNoise reads the collected files when it starts
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert gzip.decompress(body) == SITE_CSS.read_bytes()


def test_make_run_serves_with_debug_off_and_collected_static_files():
    """`make run` is the demo configuration: DEBUG off (no list of every URL on a 404), and so
    the production storage, whose files collectstatic prepares first."""
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "staticfiles/staticfiles.json" in run.splitlines()[0]  # a prerequisite of run
    assert re.search(r"DJANGO_DEBUG=0 \$\(MANAGE\) runserver", run)
    collect = makefile.split("\nstaticfiles/staticfiles.json:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"DJANGO_DEBUG=0 \$\(MANAGE\) collectstatic --no-input", collect)


def test_the_demo_settings_turn_debug_off_and_use_the_manifest_storage(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.delenv("DJANGO_ENV", raising=False)
    monkeypatch.delenv("DJANGO_STATIC_MANIFEST", raising=False)
    demo = runpy.run_path(str(ROOT / "config" / "settings.py"))
    assert demo["DEBUG"] is False
    assert demo["STORAGES"]["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert "django.middleware.gzip.GZipMiddleware" in demo["MIDDLEWARE"]


def test_tests_and_debugging_use_the_plain_storage(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    monkeypatch.delenv("DJANGO_ENV", raising=False)
    monkeypatch.delenv("DJANGO_STATIC_MANIFEST", raising=False)
    debugging = runpy.run_path(str(ROOT / "config" / "settings.py"))
    assert debugging["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")


def test_an_unknown_url_in_the_demo_configuration_answers_the_platforms_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html  # the platform's page, inside its shell
    assert "URLconf" not in html and "party-list" not in html  # not Django's list of every URL


def test_a_forbidden_page_in_the_demo_configuration_answers_the_platforms_403(
    client_as, nfp_kenya, settings
):
    settings.DEBUG = False
    response = client_as(nfp_kenya).get("/species/import/")
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()
