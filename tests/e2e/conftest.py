"""Browser tests: pytest-django's live_server driven by Playwright (sync API) in Debian's Chromium.

These tests need a transactional database (the live server answers from another thread), and the
flush after each of them empties every table, including the registry the root conftest loads once
per test database. So:

* each test (re)loads what it needs through the ``registry`` fixture (root ``conftest.load_registry``);
* the browser tests run in their own pytest invocation (``make test`` runs them after the unit
  tests; ``make test-e2e`` runs them alone), so the flush never reaches a unit test.

No browser is ever downloaded: Playwright launches /usr/bin/chromium (Debian's package). Without it
the tests are skipped, unless CMS_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails them.
"""

import os

import pytest

import conftest as root_conftest
from tests.e2e.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    MOBILE,
    TIMEOUT_MS,
    axe_violations,
    describe_violations,
    horizontal_overflow,
    screenshot,
    sign_in,
    watch_csp_violations,
)

# Playwright's sync API runs an asyncio loop in the test thread, and Django would then refuse the
# ORM calls made there (loading the registry, the flush after each test). Only the test thread is
# concerned: the live server answers requests in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    """On SQLite, the browser tests use a test database in a file, not in memory.

    The live server answers a page and an autosave beacon at once, from two threads. SQLite's
    shared in-memory database locks whole tables and fails the second writer at once ("database
    table is locked"), where a file database in WAL mode makes it wait (the settings' timeout),
    as the real server does in `make run`.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("e2e-db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


def _unavailable(reason: str):
    if os.environ.get("CMS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CMS_REQUIRE_BROWSER=1: the browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package to run these")
    from playwright.sync_api import sync_playwright  # a dev dependency: missing means broken

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test: 1280 x 900, English.

    A test fails when the page broke the Content-Security-Policy (an inline script or style, an
    eval, a resource from elsewhere): what the browser refused would not work in production.
    """
    context = browser.new_context(viewport=DESKTOP, locale="en")
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    refused = watch_csp_violations(new_page)
    new_page.csp_refused = refused  # a test may remove a refusal it expects (and says why)
    yield new_page
    context.close()
    if refused:
        pytest.fail("The Content-Security-Policy refused:\n" + "\n".join(refused), pytrace=False)


@pytest.fixture
def registry(transactional_db):
    """The reference data and the five personas, reloaded when a previous test's flush emptied them."""
    from cmsfamily.accounts.models import User

    if not User.objects.filter(email=root_conftest.PERSONAS["secretariat"][0]).exists():
        root_conftest.load_registry()


@pytest.fixture
def login():
    """login(page, live_server, persona_key): sign in through the real login form."""
    return sign_in


@pytest.fixture
def axe():
    """axe(page, exclude=[selectors]) -> the serious and critical axe-core violations."""
    return axe_violations


# The test form's answers every report needs before it may be submitted.
REQUIRED_ANSWERS = [
    ("t.departments", "", "Ministry of Environment"),
    ("t.obstacles", "birds", "no"),
    ("t.obstacles", "aquatic-mammals", "no"),
]


@pytest.fixture
def published(registry):
    """published({"KE": [(code, loop key, value), ...]}, parties=(...)) -> a cycle of the test
    form (reporting.testing) expecting those Parties, with the given Parties' reports answered
    (the form's required answers added where not given), submitted, accepted and published by
    the CMS Secretariat officer. The set-up the analysis pages' browser tests share."""

    def publish(answers: dict, *, parties=None):
        from cmsfamily.accounts.models import User
        from cmsfamily.reporting import services
        from cmsfamily.reporting.models import Submission
        from cmsfamily.reporting.services import Edit
        from cmsfamily.reporting.testing import build_template, open_cycle

        officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
        cycle = open_cycle(build_template()[1], parties=tuple(parties or answers))
        for code, given in answers.items():
            report = Submission.objects.get(cycle=cycle, party__code=code)
            spots = {(question, key) for question, key, _value in given}
            edits = [
                Edit(question, key, value, 0)
                for question, key, value in [
                    *(each for each in REQUIRED_ANSWERS if each[:2] not in spots),
                    *given,
                ]
            ]
            result = services.save_answers(submission=report, edits=edits, by=None)
            assert result.ok, result.errors
            services.submit(submission=report, by=None)
            services.accept(submission=report, by=officer)
            services.publish(submission=report, by=officer)
        return cycle

    return publish


@pytest.fixture
def look(axe):
    """look(page, name): axe-core's serious violations at 1280 px, screenshots at 1280 and 390 px
    (NAME-1280.png, NAME-390.png) and whether the page is wider than a 390 px phone; what was
    wrong is kept in look.problems (a test ends with `assert not look.problems`)."""
    problems: list[str] = []

    def check(page, name: str) -> None:
        page.set_viewport_size(DESKTOP)
        violations = axe(page)
        if violations:
            problems.append(f"{name} (axe):\n{describe_violations(violations)}")
        screenshot(page, f"{name}-1280")
        page.set_viewport_size(MOBILE)
        overflow = horizontal_overflow(page, MOBILE["width"])
        if overflow:
            problems.append(f"{name}: {overflow}px wider than a 390 px screen")
        screenshot(page, f"{name}-390")
        page.set_viewport_size(DESKTOP)

    check.problems = problems  # type: ignore[attr-defined]
    return check
