"""Implementation per target in the browser: the index leads to a target's page, a figure there
to its answers and the version each comes from; the pages pass axe-core and fit a 390 px phone,
in English and in French."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    describe_violations,
    horizontal_overflow,
    screenshot,
)
from tests.e2e.test_analysis import _published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tagged():
    """The analyzer's published reports, their staff and priority questions tagged to Target 10."""
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Question
    from cmsfamily.strategy.models import Target

    cycle = _published()
    ten = Target.objects.get(plan__code="spms-2015-2023", number=10)
    for code in ("t.staff", "t.priority", "t.departments"):
        services.tag_question(question=Question.objects.get(code=code), targets=[ten], by=None)
    return cycle


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


def test_a_target_leads_to_its_figures_answers_and_versions(page, live_server, registry, axe):
    _tagged()
    problems = []
    response = page.goto(f"{live_server.url}/analysis/targets/")
    assert response is not None and response.status == 200
    _check(page, "targets", axe, problems)
    page.get_by_role("link", name="Target 10", exact=True).click()
    page.wait_for_url("**/analysis/targets/10/")
    main = page.locator("main")
    assert "What the reports say" in main.inner_text()
    assert "Derived through Aichi Target 11" in main.inner_text()
    page.locator("details.answers-list summary").first.click()
    _check(page, "target-10", axe, problems)
    page.locator("table.figure-table a").first.click()
    page.wait_for_url("**/analysis/answers/**")
    page.get_by_role("link", name="version 1").first.click()
    page.wait_for_url("**/versions/1/")
    page.goto(f"{live_server.url}/analysis/targets/aichi/11/")
    _check(page, "target-aichi-11", axe, problems)
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{live_server.url}/analysis/targets/10/")
    _check(page, "target-10-fr", axe, problems)
    assert not problems, "\n".join(problems)
