"""Indicators over time in the browser: the Secretariat enters a value on an indicator's page
("1,234" read in English), sees it in the table and the line chart; the pages pass axe-core and
fit a 390 px phone, one in French."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, MOBILE, describe_violations, horizontal_overflow, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _indicator():
    """A synthetic indicator of target 1 with two Family values entered."""
    from cmsfamily.strategy import services
    from cmsfamily.strategy.choices import Measure, Scope
    from cmsfamily.strategy.models import Target

    indicator = services.create_indicator(
        target=Target.objects.get(plan__code="spms-2015-2023", number=1),
        by=None,
        code="1.1",
        name_en="Awareness campaigns held (synthetic demo indicator)",
        measure=Measure.COUNT,
    )
    for year, value in ((2016, 400), (2019, 900)):
        services.set_indicator_value(
            indicator=indicator, year=year, scope=Scope.FAMILY, value=Decimal(value), by=None
        )
    return indicator


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


def test_the_secretariat_enters_a_value_and_sees_it_charted(
    page, live_server, registry, login, axe
):
    indicator = _indicator()
    problems = []
    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/analysis/indicators/")
    page.get_by_role("link", name="1.1 Awareness campaigns").click()
    expect(page.locator("figure.chart svg").first).to_be_visible()
    form = page.locator("form.form")
    form.get_by_label("Year").fill("2022")
    form.get_by_label("Of").select_option("family")
    form.get_by_label("Value").fill("1,234")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("The value is saved.")
    assert "1,234" in page.locator("main table").inner_text()
    assert page.url.endswith(f"/analysis/indicators/{indicator.pk}/")
    _check(page, "indicator", axe, problems)
    page.goto(f"{live_server.url}/analysis/indicators/")
    _check(page, "indicators", axe, problems)
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{live_server.url}/analysis/indicators/{indicator.pk}/")
    assert "1 234" in page.locator("main table").inner_text().replace("\u202f", " ").replace(
        "\u00a0", " "
    )
    _check(page, "indicator-fr", axe, problems)
    assert not problems, "\n".join(problems)
