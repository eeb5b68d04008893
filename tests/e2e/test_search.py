"""Search across the Family in the browser: the header's box leads to the search page, whose
results are a list with headings and marked words, a count read out by screen readers, and a
filter by kind; it passes axe-core and fits a 390 px phone, in English and in French."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, MOBILE, describe_violations, horizontal_overflow, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _family():
    """A published Kenyan answer, a published activity with progress and a public contribution,
    each about wetlands (test data, not CMS's)."""
    from django.utils import timezone

    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.contributions.models import Contribution
    from cmsfamily.directory.models import Party
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.reporting.testing import build_template, open_cycle
    from cmsfamily.workplans.models import ProgressUpdate
    from cmsfamily.workplans.tests.factories import activity, programme

    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    cycle = open_cycle(build_template()[1], parties=("KE",))
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    answers = [
        ("t.departments", "", "Fisheries"),
        ("t.obstacles", "birds", "no"),
        ("t.obstacles", "aquatic-mammals", "no"),
        ("t.narrative", "", "<p>Two coastal wetlands restored with the fisheries department.</p>"),
    ]
    result = services.save_answers(
        submission=kenya, edits=[Edit(c, k, v, 0) for c, k, v in answers], by=None
    )
    assert result.ok, result.errors
    services.submit(submission=kenya, by=None)
    services.accept(submission=kenya, by=officer)
    services.publish(submission=kenya, by=officer)
    shared = programme("search-demo", title="Test programme (synthetic)")
    one = activity(shared, "1", title="Restore stopover wetlands along the flyway")
    ProgressUpdate.objects.create(
        activity=one, kind="progress", text="Three wetlands surveyed; one restored (synthetic)."
    )
    Contribution.objects.create(
        contributor_party=Party.objects.get(code="KE"),
        kind="money",
        description="Grant for wetlands monitoring (synthetic)",
        amount=Decimal("5000"),
        currency="USD",
        start=dt.date(2024, 1, 1),
        status="received",
        publish=True,
        value=Decimal("5000"),
        value_currency="USD",
        base_value=Decimal("5000"),
        validated_at=timezone.now(),
    )


def _check(page, name, axe, problems):
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


def test_a_visitor_searches_from_the_header_and_filters(page, live_server, registry, axe):
    _family()
    problems = []
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/")
    page.locator("#site-search-q").fill("wetlands")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/search/?q=wetlands")
    main = page.locator("main")
    expect(main.get_by_role("status")).to_contain_text("matches for “wetlands”")
    headings = main.locator(".search-results h3")
    assert headings.count() >= 4
    assert main.locator("mark").count() >= 4
    assert "Kenya — I.2" in main.inner_text()
    _check(page, "search-wetlands", axe, problems)

    main.get_by_label("Kind of result").select_option("contributions")
    main.get_by_role("button", name="Search", exact=True).click()
    expect(main.get_by_role("status")).to_contain_text("1 match")

    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{live_server.url}/search/?q=wetlands")
    _check(page, "search-wetlands-fr", axe, problems)
    page.goto(f"{live_server.url}/search/?q=w")
    expect(page.locator(".error-summary")).to_be_visible()
    _check(page, "search-too-short", axe, problems)
    assert not problems, "\n".join(problems)
