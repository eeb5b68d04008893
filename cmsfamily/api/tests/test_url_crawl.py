"""Every URL pattern of the site, called with real keys and with hostile ones, with hostile query
parameters, anonymously and as the personas: nothing answers 500.

The path parameters are filled with the keys of real objects (the reference data and a report
submitted in a test cycle), so that the views get past their lookups and read their query
parameters; then with values a converter accepts but no object has ("²" for a string, numbers
beyond any column). All failures are collected and reported together.
"""

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from cmsfamily.accounts.models import User
from cmsfamily.contributions.tests.ledger_data import entry, seed_rules
from cmsfamily.core.jobs.services import start_job
from cmsfamily.directory.models import Appointment, Instrument, Person
from cmsfamily.meetings import services as meetings
from cmsfamily.meetings.tests.fixtures import cop14
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.models import Item, Section, Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.workplans.models import Activity
from conftest import PERSONAS

pytestmark = pytest.mark.django_db

# Django's admin is Django's; the API's `.json` suffixes are the same views as without.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PARAMETERS = {"format"}

# Generated documents and the schema take seconds each; they read no filters.
HEAVY = {
    "api-schema",
    "api-docs",
    "api-redoc",
    "workplans:progress-report-pdf",
    "workplans:progress-report-docx",
    "workplans:programme-xlsx",
    "reporting:version-pdf",
    "species:table-csv",
}

HOSTILE_PATH = {
    "int": ["0", "2147483648", "99999999999999999999"],
    "str": ["²", "x" * 300, "-1"],
}

# Every query parameter a view or a filter reads (grep request.GET / query_params and the GET
# forms' fields), each with values that int(), dates, choices and lookups refuse.
HOSTILE_QUERIES = [
    {
        "page": "²",
        "year": "-1",
        "version": "²",
        "goal": "²",
        "activity": "²",
        "sort": "x",
        "order": "x",
        "ordering": "x",
        "older": "²",
        "newer": "-1",
        "key": "²",
        "q": "x\x00",
        "search": "x\x00",
        "on": "2024-13-45",
        "currency": "²",
        "by": "x",
        "then_by": "x",
        "kind": "x",
        "status": "x",
        "party": "²",
        "organisation": "²",
        "instrument": "²",
        "region": "²",
        "programme": "²",
        "plan": "²",
        "validated": "x",
        "group": "x",
        "appendix": "x",
        "rank": "x",
        "country": "²",
        "is_draft_text": "x",
        "next": "//evil.example/",
    },
    {
        "page": "99999999999999999999",
        "year": "99999",
        "version": "99999999999",
        "goal": "-0",
        "activity": "0",
        "older": "99999999999",
        "newer": "1e400",
        "on": "0000-00-00",
        "currency": "",
        "per_page": "-1",
        "target__number": "1e400",
        "party__code": "x" * 300,
    },
    {"year": "-0", "export": "csv", "kind": "x", "page": "-1"},
]


def _patterns(resolver=None, namespace=None, names=()):
    """(reverse name, path parameter names) of every named URL pattern, recursively."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern.pattern, RoutePattern):
            own = tuple(pattern.pattern.converters)
        else:
            own = tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            if inner not in SKIPPED_NAMESPACES:
                yield from _patterns(pattern, inner, names + own)
        elif isinstance(pattern, URLPattern) and pattern.name:
            parameters = names + own
            if not SKIPPED_PARAMETERS & set(parameters):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, parameters


def _reverse(name, values):
    try:
        return reverse(name, kwargs=values)
    except NoReverseMatch:  # a value the converter refuses: that URL cannot be asked for
        return None


@pytest.fixture
def objects(nfp_kenya, secretariat):
    """Real keys of every kind a URL names, with a report submitted so that versions exist."""
    template, version = build_template()
    cycle = open_cycle(version)
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    reporting.save_answers(
        submission=kenya,
        edits=[
            reporting.Edit("t.departments", "", "Ministry", 0),
            reporting.Edit("t.obstacles", "birds", "no", 0),
            reporting.Edit("t.obstacles", "aquatic-mammals", "no", 0),
        ],
        by=nfp_kenya,
    )
    reporting.submit(submission=kenya, by=nfp_kenya)
    seed_rules(secretariat)
    contribution = entry(secretariat)
    activity = Activity.objects.select_related("programme").order_by("pk").first()
    section = Section.objects.filter(version=version).order_by("pk").first()
    item = Item.objects.filter(section__version=version).order_by("pk").first()
    meeting = cop14()
    meetings.invite(
        meeting=meeting,
        deadline=dt.date(2099, 1, 15),
        by=secretariat,
        partners=True,
        instrument=Instrument.objects.get(code="cms"),
    )
    invitation = meeting.invitations.get(party__code="KE")
    delegate = meetings.name_delegate(
        meeting=meeting,
        party=invitation.party,
        role="head",
        given_name="Amina",
        family_name="Odhiambo",
        by=nfp_kenya,
    )
    ids = [
        kenya.pk,
        contribution.pk,
        activity.pk,
        Person.objects.get(user=nfp_kenya).pk,
        Appointment.objects.order_by("pk").first().pk,
        1,
        invitation.pk,
        # a background job (core.jobs) the secretariat asked for: the job pages' uuid
        start_job(
            kind="workplans.progress-report-docx",
            key=["crawl"],
            by=secretariat,
            params={"programme": activity.programme.pk},
            title="Progress report",
        ).pk,
    ]
    return {
        "pk": ids,
        "id": ids,
        "object_id": ids,
        "code": ["KE", "cms", "spms-2015-2023", activity.programme.code, "t.departments", "cop14"],
        "delegate_pk": [delegate.pk],
        "slug": ["birdlife", template.slug, cycle.slug],
        "number": [1, activity.number, 2],
        "section_id": [section.pk],
        "item_id": [item.pk],
        "assignment_id": [1],
        "key": ["birds"],
        "kind": ["aichi", "gbf"],
        "token": ["x"],
    }


def _real_urls(name, parameters, objects):
    """The URL with real keys, in lockstep (the first of each, the second of each, ...)."""
    rounds = max((len(objects.get(p, ["x"])) for p in parameters), default=1)
    for index in range(rounds):
        values = {
            p: (objects.get(p, ["x"]))[index % len(objects.get(p, ["x"]))] for p in parameters
        }
        url = _reverse(name, values)
        if url:
            yield url


def _hostile_urls(name, parameters):
    for kind in ("int", "str"):
        for value in HOSTILE_PATH[kind]:
            url = _reverse(name, dict.fromkeys(parameters, value))
            if url:
                yield url


def test_no_url_answers_500(objects):
    personas = ["anonymous", "secretariat", "nfp_kenya", "birdlife_fp"]
    clients = {}
    for persona in personas:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(User.objects.get(email=PERSONAS[persona][0]))
        clients[persona] = client

    failures = []
    calls = 0

    def get(persona, url, query=None):
        nonlocal calls
        calls += 1
        response = clients[persona].get(url, query or {})
        # 503 is a deliberate answer: the IATI file says its publisher is not configured.
        if response.status_code >= 500 and response.status_code != 503:
            failures.append((persona, response.status_code, url, query))
        return response.status_code

    for name, parameters in _patterns():
        # The first URL with real keys that the secretariat (who sees most) may open.
        candidates = list(_real_urls(name, parameters, objects)) if parameters else [reverse(name)]
        working = next((url for url in candidates if get("secretariat", url) < 400), None)
        assert candidates, f"no real keys for {name} {parameters}: add them to `objects`"
        url = working or candidates[0]
        if name in HEAVY:  # seconds each: the hostile query once, by the one who may read it
            get("secretariat", url, HOSTILE_QUERIES[0])
        else:
            for persona, query in itertools.product(personas, HOSTILE_QUERIES):
                get(persona, url, query)
        for url in itertools.islice(_hostile_urls(name, parameters), 2):
            for persona in personas:
                get(persona, url)

    assert calls > 3000  # the crawl reached the URLs, it did not stop early
    assert failures == [], "\n".join(f"{p} {s} {u} {q}" for p, s, u, q in failures)
