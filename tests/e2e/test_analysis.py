"""The report analyzer in the browser: a figure leads to its answers and the version each comes
from; both pages pass axe-core and fit a 390 px phone, in English and in French."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    describe_violations,
    horizontal_overflow,
    screenshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _published():
    """Kenya's and Germany's reports published, with their staff and priority."""
    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.reporting.testing import build_template, open_cycle

    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    cycle = open_cycle(build_template()[1], parties=("KE", "DE", "FR"))
    for code, staff, priority in (("KE", 12, "high"), ("DE", 20, "low")):
        report = Submission.objects.get(cycle=cycle, party__code=code)
        edits = [
            Edit("t.departments", "", "Ministry of Environment", 0),
            Edit("t.staff", "", staff, 0),
            Edit("t.priority", "", priority, 0),
            Edit("t.obstacles", "birds", "no", 0),
            Edit("t.obstacles", "aquatic-mammals", "no", 0),
        ]
        assert services.save_answers(submission=report, edits=edits, by=None).ok
        services.submit(submission=report, by=None)
        services.accept(submission=report, by=officer)
        services.publish(submission=report, by=officer)
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


def test_a_figure_leads_to_its_answers_and_their_versions(page, live_server, registry, axe):
    cycle = _published()
    problems = []
    query = f"cycle={cycle.slug}&question=t.staff&question=t.priority&by=region"
    response = page.goto(f"{live_server.url}/analysis/?{query}")
    assert response is not None and response.status == 200
    main = page.locator("main")
    assert "2 reports counted" in main.inner_text()
    assert "1 expected report not counted" in main.inner_text()  # France
    _check(page, "analysis", axe, problems)
    page.get_by_role("link", name="1", exact=True).first.click()
    page.wait_for_url("**/analysis/answers/**")
    _check(page, "analysis-answers", axe, problems)
    page.get_by_role("link", name="version 1").first.click()
    page.wait_for_url("**/versions/1/")
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{live_server.url}/analysis/?{query}")
    _check(page, "analysis-fr", axe, problems)
    assert not problems, "\n".join(problems)
