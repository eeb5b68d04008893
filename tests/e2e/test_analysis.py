"""The report analyzer in the browser: a figure leads to its answers and the version each comes
from; both pages pass axe-core and fit a 390 px phone, in English and in French."""

import pytest

from tests.e2e.helpers import to_french

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _published(published):
    """Kenya's and Germany's reports published, with their staff and priority; France expected."""
    return published(
        {
            "KE": [("t.staff", "", 12), ("t.priority", "", "high")],
            "DE": [("t.staff", "", 20), ("t.priority", "", "low")],
        },
        parties=("KE", "DE", "FR"),
    )


def test_a_figure_leads_to_its_answers_and_their_versions(page, live_server, published, look):
    cycle = _published(published)
    query = f"cycle={cycle.slug}&question=t.staff&question=t.priority&by=region"
    response = page.goto(f"{live_server.url}/analysis/?{query}")
    assert response is not None and response.status == 200
    main = page.locator("main")
    assert "2 reports counted" in main.inner_text()
    assert "1 expected report not counted" in main.inner_text()  # France
    look(page, "analysis")
    page.get_by_role("link", name="1", exact=True).first.click()
    page.wait_for_url("**/analysis/answers/**")
    look(page, "analysis-answers")
    page.get_by_role("link", name="version 1").first.click()
    page.wait_for_url("**/versions/1/")
    to_french(page)
    page.goto(f"{live_server.url}/analysis/?{query}")
    look(page, "analysis-fr")
    assert not look.problems, "\n".join(look.problems)
