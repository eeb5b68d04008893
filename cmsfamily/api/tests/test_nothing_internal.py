"""Nothing internal on the pages people read (issue 14): crawl the site as the public and as a few
signed-in people and fail on any text written for the project's developers: the names of its data
files, the seed documents' file names, `make run`, the brief, the data folder.

Sources are cited as documents a reader knows (symbol, title, date, paragraph); the data files
keep their own paths and notes for developers, and the pages never show them. The crawl follows
the links of each page from the start page and a few entry points, visiting a few pages of each
kind (one Party page stands for all), and reads the text a person sees or hears: the page without
its scripts and styles, with the `title`, `alt`, `aria-label` and `placeholder` texts.
"""

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client, override_settings

from cmsfamily.contributions.reference import load_seed_rules
from cmsfamily.contributions.tests.ledger_data import entry
from cmsfamily.reporting.demo import load_reporting_demo
from cmsfamily.workplans.demo import load_demo_programme
from cmsfamily.workplans.models import Activity

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(
    r"""\.csv\b|\.json\b|\.txt\b|\bseeds?/|\bseeds?\s+0\d\d|\bmake\s+run\b|\bbrief\b|\bdata/
    |res-10-9|cbd-cms-jwp|spms-2015-2023|count\ is\ ours|load_\w+""",
    re.IGNORECASE | re.VERBOSE,
)

START = [
    "/",
    "/parties/",
    "/instruments/",
    "/organisations/",
    "/species/",
    "/strategy/",
    "/workplans/",
    "/reports/",
    "/contributions/",
    "/contributions/totals/",
    "/contributions/donors/",
    "/contributions/rules/",
    "/contributions/estimates/partner-work-2019/",
    "/api/docs/",
]
# Files and generated documents, language switches, the admin, signing out: not pages to read.
NOT_A_PAGE = re.compile(
    r"^/(admin|i18n|fr|es|static|media|accounts/logout)\b|\.(csv|xlsx|pdf|docx|json|xml|zip)$|/export|/download"
)
PAGES_PER_KIND = 2
MOST_PAGES = 60
ATTRIBUTES = re.compile(r'(?:title|alt|aria-label|placeholder)="([^"]*)"')


def _readable(html: str) -> str:
    """The text a person reads or hears on the page."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    spoken = " ".join(ATTRIBUTES.findall(body))
    return unescape(re.sub(r"<[^>]+>", " ", body) + " " + spoken)


def _kind(path: str) -> str:
    """Pages of one kind: the first part of the path and how deep it is ('/parties/*')."""
    parts = [part for part in path.split("/") if part]
    return "/".join(parts[:1] + ["*"] * (len(parts) - 1))


def _crawl(client: Client, start: list[str]) -> tuple[dict[str, list[str]], int]:
    """{url: [internal text found]} for every page visited, and the number of pages read."""
    found: dict[str, list[str]] = {}
    queue, queued, per_kind, read = deque(start), set(start), {}, 0
    while queue and read < MOST_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if "html" not in response.get("Content-Type", ""):
            continue
        read += 1
        html = response.content.decode()
        text = _readable(html)
        hits = [text[max(0, m.start() - 60) : m.end() + 40] for m in INTERNAL.finditer(text)]
        if hits:
            found[url] = [" ".join(hit.split()) for hit in hits[:3]]
        for href in re.findall(r'href="([^"#]*)"', html):
            link = urlparse(urljoin(url, unescape(href)))
            path = link.path
            if link.netloc or link.query or not path.startswith("/") or NOT_A_PAGE.search(path):
                continue
            kind = _kind(path)
            if path in queued or per_kind.get(kind, 0) >= PAGES_PER_KIND:
                continue
            per_kind[kind] = per_kind.get(kind, 0) + 1
            queued.add(path)
            queue.append(path)
    return found, read


@pytest.fixture
def demo_content(secretariat):
    """The demo's own content beside the registry: the valuation rules of the 2019 estimate, the
    demo shared programme and reporting cycles, and one validated contribution to an activity."""
    load_seed_rules()
    load_demo_programme()
    load_reporting_demo()
    activity = Activity.objects.filter(programme__code="res-10-9").first()
    entry(secretariat, validated_by=secretariat, activity=activity)


@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "birdlife_fp", "secretariat"])
def test_no_page_shows_file_names_slugs_or_notes_for_developers(
    demo_content, client_as, request, persona
):
    client = client_as(request.getfixturevalue(persona))
    found, read = _crawl(client, START)
    assert read > 30  # the crawl reached the site, not only a login page
    assert not found, "\n".join(f"{url}: {hits}" for url, hits in found.items())


def test_the_pattern_catches_what_the_pages_showed_before(client):
    for text in (
        "Source: cms_parties.csv (date of entry into force)",
        "UNEP/CMS/COP11/Doc.16.1 (2014), seed 002; data/workplans/res_10_9_progress_cop11.json",
        "the 1-based first line in seeds/003_1834b27cbcf57c9c.txt",
        "Keys not in the brief's schema",
        "Demonstration data created by `make run` (load_workplans --demo)",
        "Work programmes › res-10-9",
    ):
        assert INTERNAL.search(text), text
    for text in ("Download CSV", "UNEP/CMS/Resolution 10.9 (Rev.COP12), Annex, paragraph 3"):
        assert not INTERNAL.search(text), text


def test_the_iati_file_is_linked_only_where_this_server_can_make_it(client, demo_content):
    for url in ("/contributions/totals/", "/contributions/donors/"):
        with override_settings(IATI_REPORTING_ORG_REF=""):
            assert "/contributions/iati.xml" not in client.get(url).content.decode()
        with override_settings(IATI_REPORTING_ORG_REF="XX-TEST-0001"):
            html = client.get(url).content.decode()
            assert 'href="/contributions/iati.xml"' in html
            assert client.get("/contributions/iati.xml").status_code == 200
