"""French and Spanish are complete (issue 14): the main pages, read in French and in Spanish by each
persona, show no English interface word; and the catalogues have no empty or fuzzy entry.

The crawl reads each page's visible text (text nodes outside scripts and styles, and the
placeholder, title, aria-label and alt attributes and submit buttons' values) and looks for a list of
English interface words, matched as whole words and with their case. Text that the page marks as
another language (`lang="en"` on a report's answers shown as submitted, the language switcher's
own names of the languages) is content and is left out, as are identifiers in `<code>`.

To add a page: add its URL name (and its arguments, from the `keys` fixture) to `PAGES` under each
persona that opens it. A page that a persona cannot open (not 200) fails the test: the list says
what each persona reads.
"""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.db.models import CharField, TextField
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cmsfamily.accounts.models import User
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Appointment, Instrument, Organisation, Party, Person
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.choices import ExpectedReporters
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.species.models import Taxon
from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
    TargetAichiLink,
    TargetGbfLink,
    TargetSdgLink,
)
from conftest import PERSONAS

# English words of the interface that French and Spanish never use, as whole words with their
# case. ("Total", "Parties", "Page", "Date", "Source", "Version", "Menu" and "No" are French or
# Spanish words too, so they are not listed.)
ENGLISH_WORDS = [
    "Save",
    "Submit",
    "Search",
    "Filter",
    "Status",
    "status",
    "confirmed",
    "nominated",
    "Deadline",
    "deadline",
    "Sign in",
    "Sign out",
    "high",
    "medium",
    "short-term",
    "medium-term",
    "Download",
    "Export",
    "Name",
    "Region",
    "Reports",
    "reports",
    "Africa",
    "Oceania",
    "North America",
    "English",
    "French",
    "Spanish",
    "Submitted",
    "Returned",
    "Accepted",
    "Published",
    "Draft",
    "Previous",
    "Next",
    "Cancel",
    "Edit",
    "Back",
    "History",
    "Skip to main content",
    "Accept",
    "Publish",
    "Return",
    "Review",
    "queue",
    "due",
    "overdue",
    "days left",
    "Nominations",
    "drafting",
    "Drafting",
    "All",
    "Any",
    "Uploads",
]
ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")(?![\w-])")

# Content, not interface, that may contain a listed word: the names of the records (instruments'
# official names such as "MOU concerning ... the Atlantic Coast of Africa", organisations' names,
# which the reference data gives in English only) are read from the database by `content`; add
# here only other proper names, saying why.
ALLOWED: list[str] = []

NOT_FOUND = "/no-such-page/"  # read as a 404, not a 200

# Pages each persona reads, as (URL name, arguments from the `keys` fixture, query string).
PUBLIC = [
    # The start page: for Kenya's NFP with a report due, one returned with a note, one recalled
    # and a nomination; for the Secretariat with its review queue; for BirdLife its desk.
    ("home", {}, ""),
    ("search", {}, "q=kenya"),
    ("directory:party-list", {}, ""),
    ("directory:party-list", {}, "region=africa"),
    ("directory:party-detail", {"code": "KE"}, ""),
    ("directory:instrument-list", {}, ""),
    ("directory:instrument-detail", {"code": "cms"}, ""),
    ("directory:organisation-list", {}, ""),
    ("directory:organisation-detail", {"slug": "birdlife"}, ""),
    ("species:taxon-list", {}, ""),
    ("strategy:plan-list", {}, ""),
    ("strategy:plan-detail", {"code": "spms-2015-2023"}, ""),
    ("strategy:target-detail", {"code": "spms-2015-2023", "number": 1}, ""),
    ("workplans:programme-list", {}, ""),
    ("workplans:programme-detail", {"code": "res-10-9"}, ""),
    ("workplans:programme-timeline", {"code": "res-10-9"}, ""),
    ("reporting:index", {}, ""),
    ("contributions:list", {}, ""),
    ("contributions:donors", {}, ""),
    # The public page of a published report, its version and its print view.
    ("reporting:submission", {"pk": "published"}, ""),
    ("reporting:version-detail", {"pk": "published", "number": 1}, ""),
    ("reporting:version-print", {"pk": "published", "number": 1}, ""),
    # The filter forms with their "All …" and "Any …" choices, as sent.
    ("directory:party-list", {}, "region=&instrument="),
    ("workplans:programme-list", {}, "instrument=&status="),
    ("contributions:list", {}, "kind=&status="),
    # The page of an address that does not exist.
    (NOT_FOUND, {}, ""),
]
REPORTER = [
    ("reporting:submission", {"pk": "kenya"}, ""),
    ("reporting:version-detail", {"pk": "kenya", "number": 1}, ""),
    ("reporting:version-print", {"pk": "kenya", "number": 1}, ""),
]
PAGES = {
    "anonymous": [*PUBLIC, ("account_login", {}, "")],
    "nfp_kenya": [
        *PUBLIC,
        *REPORTER,
        ("reporting:section", {"pk": "kenya", "section_id": "general"}, ""),
        ("reporting:section", {"pk": "kenya", "section_id": "species"}, ""),
        ("contributions:assessed", {}, ""),
        # The recalled report, a draft again: its overview and the drafting form of a section.
        ("reporting:submission", {"pk": "recalled"}, ""),
        ("reporting:section", {"pk": "recalled", "section_id": "general"}, ""),
        ("reporting:section", {"pk": "recalled", "section_id": "species"}, ""),
        ("reporting:workbook-upload", {"pk": "recalled"}, ""),
        ("reporting:submission", {"pk": "returned"}, ""),
    ],
    "secretariat": [
        *PUBLIC,
        *REPORTER,
        ("reporting:template-list", {}, ""),
        ("reporting:cycle", {"slug": "cycle"}, ""),
        ("reporting:timeliness", {}, ""),
        ("directory:person-list", {}, ""),
        ("directory:appointment-pending", {}, ""),
        ("directory:circular", {}, ""),
        ("contributions:rule-list", {}, ""),
        ("contributions:totals", {}, ""),
        ("contributions:scenario", {}, ""),
        ("directory:appointment-detail", {"pk": "appointment"}, ""),
        ("directory:appointment-history", {"pk": "appointment"}, ""),
        ("directory:party-detail", {"code": "DE"}, ""),
        ("workplans:activity-detail", {"code": "res-10-9", "number": "1"}, ""),
        ("strategy:matrix", {"code": "spms-2015-2023"}, ""),
        # The review: the report with its answers and comment forms, Accept, Return, Publish.
        ("reporting:submission-action", {"pk": "kenya", "action": "accept"}, ""),
        ("reporting:return", {"pk": "kenya"}, ""),
        ("reporting:submission-action", {"pk": "accepted", "action": "publish"}, ""),
        ("reporting:submission", {"pk": "accepted"}, ""),
        # The progress of a report still drafting.
        ("reporting:submission", {"pk": "birdlife_report"}, ""),
        ("reporting:submission", {"pk": "returned"}, ""),
        ("reporting:cycle", {"slug": "second_cycle"}, ""),
    ],
    "birdlife_fp": [
        *PUBLIC,
        ("reporting:submission", {"pk": "birdlife_report"}, ""),
        ("contributions:organisation", {"slug": "birdlife"}, ""),
    ],
}


class VisibleText(HTMLParser):
    """The words a reader sees or hears, without the parts marked as another language."""

    SKIPPED = {"script", "style", "code", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack = []  # (tag, hidden) of the open elements
        self.texts = []

    @property
    def hidden(self):
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = (attrs.get("lang") or self.language)[:2] != self.language
        hidden = tag in self.SKIPPED or other_language
        if not (self.hidden or hidden):
            for name in ("placeholder", "title", "aria-label", "alt"):
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag in ("input", "button") and attrs.get("type") in ("submit", "button"):
                self.texts.append(attrs.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def english_words(html: str, language: str, content=()) -> list[tuple[str, str]]:
    parser = VisibleText(language)
    parser.feed(html)
    allowed = sorted({*ALLOWED, *content}, key=len, reverse=True)  # longest names first
    found = []
    for text in parser.texts:
        shown = text
        if not ENGLISH.search(text):
            continue
        for name in allowed:
            if name in text:
                text = text.replace(name, "")
        if text.endswith("…"):  # a name cut short ("Goal 1: Address the … relevant…")
            for name in allowed:
                start = text.find(name[:20])
                if start >= 0 and name.startswith(text[start:-1]):
                    text = text[:start]
                    break
        found += [(match.group(1), shown[:120]) for match in ENGLISH.finditer(text)]
    return found


# Records whose texts are content in the language of their source (official names and texts,
# species' common names, the sources' notes): every text field of theirs is left out of the crawl.
CONTENT_MODELS = [
    Instrument,
    Organisation,
    Taxon,
    StrategicPlan,
    Goal,
    Target,
    AichiTarget,
    SustainableDevelopmentGoal,
    GbfTarget,
    TargetAichiLink,
    TargetSdgLink,
    TargetGbfLink,
]


@pytest.fixture
def content(db):
    names = set()
    for model in CONTENT_MODELS:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (CharField, TextField)) and not f.choices
        ]
        for row in model.objects.values_list(*fields):
            names.update(value for value in row if value and ENGLISH.search(value))
    return names


COMPLETE = [
    reporting.Edit("t.departments", "", "Ministry", 0),
    reporting.Edit("t.obstacles", "birds", "no", 0),
    reporting.Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def keys(secretariat, nfp_kenya, nfp_germany, birdlife_fp):
    """Reports in every state, through the services:

    - the first cycle: Kenya's report submitted (under review), Germany's accepted (to publish),
      BirdLife's drafting;
    - a second cycle: Kenya's returned with a note, Germany's published (the public reads it);
    - a third cycle, due in a month: Kenya's submitted and recalled;
    - a nomination of Kenya's waiting for the Secretariat.
    """
    _template, version = build_template()
    cycle = open_cycle(version, organisations=("birdlife",))
    second = open_cycle(version, slug="second-cycle")
    third = reporting.create_cycle(
        slug="third-cycle",
        version=version,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2025, 12, 31),
        opens_on=timezone.localdate() - dt.timedelta(days=30),
        deadline=timezone.localdate() + dt.timedelta(days=30),
        expected=ExpectedReporters.CHOSEN,
        parties=list(Party.objects.filter(code="KE")),
        title_en="Third test cycle",
        by=None,
    )
    reporting.set_cycle_status(cycle=third, status="open", by=None)

    def report(of_cycle, code, by):
        submission = Submission.objects.get(cycle=of_cycle, party__code=code)
        assert reporting.save_answers(submission=submission, edits=COMPLETE, by=by).ok
        reporting.submit(submission=submission, by=by)
        return submission

    kenya = report(cycle, "KE", nfp_kenya)
    accepted = reporting.accept(submission=report(cycle, "DE", nfp_germany), by=secretariat)
    returned = reporting.return_submission(
        submission=report(second, "KE", nfp_kenya), by=secretariat, note="Give the sites."
    )
    published = report(second, "DE", nfp_germany)
    reporting.accept(submission=published, by=secretariat)
    reporting.publish(submission=published, by=secretariat)
    recalled = reporting.recall(submission=report(third, "KE", nfp_kenya), by=nfp_kenya)
    birdlife = Submission.objects.get(cycle=cycle, organisation__slug="birdlife")
    reporting.save_answers(submission=birdlife, edits=COMPLETE[:1], by=birdlife_fp)
    registry.nominate(
        person=Person.objects.create(given_name="Wanjiru", family_name="Kenyanominee"),
        role=Role.SCIENTIFIC_COUNCILLOR,
        by=None,
        party=Party.objects.get(code="KE"),
        instrument=Instrument.objects.get(code="cms"),
    )
    sections = {s.number: s.pk for s in version.sections.all()}
    return {
        "appointment": Appointment.objects.get(person__user=nfp_kenya).pk,
        "kenya": kenya.pk,
        "accepted": accepted.pk,
        "returned": returned.pk,
        "recalled": recalled.pk,
        "published": published.pk,
        "birdlife_report": birdlife.pk,
        "cycle": cycle.slug,
        "second_cycle": second.slug,
        "general": sections["I"],
        "species": sections["II"],
    }


def _url(name, arguments, query, keys):
    if name.startswith("/"):
        return name
    kwargs = {key: keys.get(value, value) for key, value in arguments.items()}
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{query}" if query else url


@pytest.mark.parametrize("persona", list(PAGES))
def test_the_main_pages_have_no_english_interface_word_in_french_and_spanish(
    persona, keys, content
):
    client = Client()
    if persona != "anonymous":
        client.force_login(User.objects.get(email=PERSONAS[persona][0]))
    failures = []
    for name, arguments, query in PAGES[persona]:
        url = _url(name, arguments, query, keys)
        for language in ("fr", "es"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            if response.status_code != (404 if name == NOT_FOUND else 200):
                failures.append(f"{language} {url}: status {response.status_code}")
                continue
            failures += [
                f"{language} {url}: {word!r} in {text!r}"
                for word, text in english_words(response.content.decode(), language, content)
            ]
    assert not failures, "\n".join(sorted(set(failures)))


def test_the_crawl_sees_english_when_it_is_there():
    """The detector itself: an English button is found, marked content and proper names are not."""
    page = (
        '<html lang="fr"><body><button type="submit">Save</button>'
        '<input type="submit" value="Sign out"><p>Région : Africa</p>'
        '<dl lang="en"><dd>Yes, with the Ministry</dd></dl><code>status</code>'
        "<p>Whale and Dolphin Conservation</p><script>var Search = 1;</script></body></html>"
    )
    assert [word for word, _text in english_words(page, "fr")] == ["Save", "Sign out", "Africa"]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_catalogues_have_no_empty_or_fuzzy_entry(language):
    path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    empty = [
        message.id
        for message in catalog
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)))
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not empty, f"untranslated in {language}: {empty[:20]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:20]}"
