"""The charts of the contribution totals in the browser: the SVG drawn on the server without
JavaScript; with it, the vendored vega-embed draws the same spec again with tooltips. Both pass
axe-core and fit a 390 px phone."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

import conftest as root_conftest
from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    describe_violations,
    horizontal_overflow,
    screenshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REDRAW_MS = 800  # charts.js draws again 200 ms after a resize, for the new width

PAGES = [
    ("totals-by-kind", "/contributions/totals/?by=kind"),
    (
        "totals-by-organisation-and-year",
        "/contributions/totals/?by=contributor_organisation&then_by=year",
    ),
    ("partner-birdlife", "/contributions/organisations/birdlife/"),
]


@pytest.fixture
def ledger(registry):
    """Validated entries of BirdLife over three years and of two kinds, and one of Kenya."""
    from cmsfamily.accounts.models import User
    from cmsfamily.contributions.tests.ledger_data import entry, seed_rules

    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    seed_rules(officer)
    for year, days in ((2022, 30), (2023, 60), (2024, 90)):
        entry(officer, validated_by=officer, start=date(year, 3, 1), days=Decimal(days))
    entry(
        officer,
        validated_by=officer,
        kind="money",
        amount=Decimal(12500),
        currency="USD",
        days=None,
        start=date(2024, 6, 1),
    )
    entry(officer, validated_by=officer, party="KE", start=date(2024, 2, 1))


def _check(page, name, axe, problems):
    """axe at 1280 px, then the fit at 390 px; a screenshot at each width."""
    violations = axe(page)
    if violations:
        problems.append(f"{name} (axe):\n{describe_violations(violations)}")
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(MOBILE)
    page.wait_for_timeout(REDRAW_MS)
    overflow = horizontal_overflow(page, MOBILE["width"])
    if overflow:
        problems.append(f"{name}: {overflow}px wider than a 390 px screen")
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(REDRAW_MS)


def test_the_interactive_charts_replace_the_drawn_ones_and_pass_axe(page, live_server, ledger, axe):
    problems: list[str] = []
    for name, path in PAGES:
        page.goto(f"{live_server.url}{path}")
        figure = page.locator("figure.chart")
        expect(figure).to_have_class("chart chart-interactive")  # charts.js drew it again
        expect(figure.locator(".chart-image")).to_have_attribute("role", "img")
        expect(figure.locator(".chart-live svg")).to_be_visible()
        figure.locator(".chart-live path[role=graphics-symbol]").first.hover()
        expect(page.locator("#vg-tooltip-element")).to_contain_text("Total (USD)")
        _check(page, f"chart-{name}", axe, problems)
    assert not problems, "\n".join(problems)


def test_without_vega_the_server_drawing_stays_and_passes_axe(page, live_server, ledger, axe):
    """As on a page whose vega files did not load: the SVG drawn on the server stays."""
    page.route("**/static/vendor/vega/**", lambda route: route.abort())
    problems: list[str] = []
    for name, path in PAGES:
        page.goto(f"{live_server.url}{path}")
        figure = page.locator("figure.chart")
        expect(figure.locator(".chart-image > svg")).to_be_visible()
        expect(figure.locator("figcaption")).to_contain_text("The table below has every figure.")
        expect(figure).to_have_class("chart")
        _check(page, f"chart-{name}-no-vega", axe, problems)
    assert not problems, "\n".join(problems)


def test_without_javascript_the_pages_show_the_drawn_charts(browser, live_server, ledger):
    context = browser.new_context(viewport=MOBILE, locale="en", java_script_enabled=False)
    try:
        page = context.new_page()
        for _name, path in PAGES:
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("figure.chart .chart-image > svg")).to_be_visible()
            expect(page.locator("table.data-table").first).to_be_visible()
            assert not horizontal_overflow(page, MOBILE["width"])
    finally:
        context.close()
