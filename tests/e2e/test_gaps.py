"""The gap matrix in the browser: a Secretariat officer goes from the matrix to one Party's cell,
to the answer and the version it came from; the pages pass axe-core and fit a 390 px phone, in
English and in French."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    describe_violations,
    horizontal_overflow,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _reported():
    """A test form whose yes/no committee question is tagged with target 3 (yes: implementation,
    no: none, n/a: not applicable); Kenya says yes, Germany no, Italy n/a, all published."""
    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Question, Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.reporting.testing import build_template, open_cycle
    from cmsfamily.strategy.models import Target

    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    version = build_template()[1]
    committee = Question.objects.get(code="t.committee")
    services.update_question(
        question=committee,
        by=None,
        targets=[Target.objects.get(plan__code="spms-2015-2023", number=3)],
    )
    cycle = open_cycle(version, parties=("KE", "DE", "IT", "FR", "SN"))
    services.set_meanings(
        question=committee,
        meanings={"yes": "implementation", "no": "none", "na": "not_applicable"},
        by=None,
    )
    for code, answer in (("KE", "yes"), ("DE", "no"), ("IT", "na")):
        report = Submission.objects.get(cycle=cycle, party__code=code)
        edits = [
            Edit("t.departments", "", "Ministry of Environment", 0),
            Edit("t.committee", "", answer, 0),
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


def test_from_the_matrix_to_a_cell_to_the_version(page, live_server, registry, axe):
    cycle = _reported()
    sign_in(page, live_server, "secretariat")
    problems = []
    response = page.goto(f"{live_server.url}/analysis/gaps/?cycle={cycle.slug}&target=3")
    assert response is not None and response.status == 200
    main = page.locator("main")
    assert "Questions read for this target" in main.inner_text()
    _check(page, "gaps", axe, problems)
    page.locator("#matrix-parties tr.chosen a[title='Reported implementation']").first.click()
    page.wait_for_url("**/analysis/gaps/cell/**")
    expect(page.locator("h1")).to_contain_text("Kenya")
    _check(page, "gaps-cell", axe, problems)
    page.get_by_role("link", name="version 1").first.click()
    page.wait_for_url("**/versions/1/")
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{live_server.url}/analysis/gaps/?cycle={cycle.slug}&target=3")
    _check(page, "gaps-fr", axe, problems)
    assert not problems, "\n".join(problems)
