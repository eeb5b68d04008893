"""The gap matrix in the browser: a Secretariat officer goes from the matrix to one Party's cell,
to the answer and the version it came from; the pages pass axe-core and fit a 390 px phone, in
English and in French."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    sign_in,
    to_french,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _reported(published):
    """The test form's yes/no committee question tagged with target 3 (yes: implementation,
    no: none, n/a: not applicable); Kenya says yes, Germany no, Italy n/a, all published."""
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Question
    from cmsfamily.strategy.models import Target

    cycle = published(
        {
            code: [("t.committee", "", answer)]
            for code, answer in (("KE", "yes"), ("DE", "no"), ("IT", "na"))
        },
        parties=("KE", "DE", "IT", "FR", "SN"),
    )
    committee = Question.objects.get(code="t.committee")
    services.tag_question(
        question=committee,
        targets=[Target.objects.get(plan__code="spms-2015-2023", number=3)],
        by=None,
    )
    services.set_meanings(
        question=committee,
        meanings={"yes": "implementation", "no": "none", "na": "not_applicable"},
        by=None,
    )
    return cycle


def test_from_the_matrix_to_a_cell_to_the_version(page, live_server, published, look):
    cycle = _reported(published)
    sign_in(page, live_server, "secretariat")
    response = page.goto(f"{live_server.url}/analysis/gaps/?cycle={cycle.slug}&target=3")
    assert response is not None and response.status == 200
    main = page.locator("main")
    assert "Questions read for this target" in main.inner_text()
    look(page, "gaps")
    page.locator("#matrix-parties tr.chosen a[title='Reported implementation']").first.click()
    page.wait_for_url("**/analysis/gaps/cell/**")
    expect(page.locator("h1")).to_contain_text("Kenya")
    look(page, "gaps-cell")
    page.get_by_role("link", name="version 1").first.click()
    page.wait_for_url("**/versions/1/")
    to_french(page)
    page.goto(f"{live_server.url}/analysis/gaps/?cycle={cycle.slug}&target=3")
    look(page, "gaps-fr")
    assert not look.problems, "\n".join(look.problems)
