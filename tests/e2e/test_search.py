"""Search across the Family in the browser: the header's box leads to the search page, whose
results are a list with headings and marked words, a count read out by screen readers, and a
filter by kind; it passes axe-core and fits a 390 px phone, in English and in French."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, to_french

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _family(published):
    """A published Kenyan answer, a published activity with progress and a public contribution,
    each about wetlands (test data, not CMS's)."""
    from django.utils import timezone

    from cmsfamily.contributions.models import Contribution
    from cmsfamily.directory.models import Party
    from cmsfamily.workplans.models import ProgressUpdate
    from cmsfamily.workplans.tests.factories import activity, programme

    published(
        {
            "KE": [
                ("t.departments", "", "Fisheries"),
                (
                    "t.narrative",
                    "",
                    "<p>Two coastal wetlands restored with the fisheries department.</p>",
                ),
            ]
        }
    )
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


def test_a_visitor_searches_from_the_header_and_filters(page, live_server, published, look):
    _family(published)
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
    look(page, "search-wetlands")

    main.get_by_label("Kind of result").select_option("contributions")
    main.get_by_role("button", name="Search", exact=True).click()
    expect(main.get_by_role("status")).to_contain_text("1 match")

    to_french(page)
    page.goto(f"{live_server.url}/search/?q=wetlands")
    look(page, "search-wetlands-fr")
    page.goto(f"{live_server.url}/search/?q=w")
    expect(page.locator(".error-summary")).to_be_visible()
    look(page, "search-too-short")
    assert not look.problems, "\n".join(look.problems)
