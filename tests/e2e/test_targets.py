"""Implementation per target in the browser: the index leads to a target's page, a figure there
to its answers and the version each comes from; the pages pass axe-core and fit a 390 px phone,
in English and in French."""

import pytest

from tests.e2e.helpers import to_french
from tests.e2e.test_analysis import _published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tagged(published):
    """The analyzer's published reports, their staff and priority questions tagged to Target 10."""
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Question
    from cmsfamily.strategy.models import Target

    cycle = _published(published)
    ten = Target.objects.get(plan__code="spms-2015-2023", number=10)
    for code in ("t.staff", "t.priority", "t.departments"):
        services.tag_question(question=Question.objects.get(code=code), targets=[ten], by=None)
    return cycle


def test_a_target_leads_to_its_figures_answers_and_versions(page, live_server, published, look):
    _tagged(published)
    response = page.goto(f"{live_server.url}/analysis/targets/")
    assert response is not None and response.status == 200
    look(page, "targets")
    page.get_by_role("link", name="Target 10", exact=True).click()
    page.wait_for_url("**/analysis/targets/10/")
    main = page.locator("main")
    assert "What the reports say" in main.inner_text()
    assert "Derived through Aichi Target 11" in main.inner_text()
    page.locator("details.answers-list summary").first.click()
    look(page, "target-10")
    page.locator("table.figure-table a").first.click()
    page.wait_for_url("**/analysis/answers/**")
    page.get_by_role("link", name="version 1").first.click()
    page.wait_for_url("**/versions/1/")
    page.goto(f"{live_server.url}/analysis/targets/aichi/11/")
    look(page, "target-aichi-11")
    to_french(page)
    page.goto(f"{live_server.url}/analysis/targets/10/")
    look(page, "target-10-fr")
    assert not look.problems, "\n".join(look.problems)
