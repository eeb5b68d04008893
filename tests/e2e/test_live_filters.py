"""List pages filter as the user types (htmx), and keep working as plain forms without JavaScript."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_in_the_search_field_filters_the_party_list_in_place(page, live_server, registry):
    page.goto(f"{live_server.url}/parties/")
    expect(page.locator("#results-heading")).to_have_text("131 results")
    page.get_by_label("Search this list").fill("ken")
    expect(page.locator("#results-heading")).to_have_text("1 result")
    expect(page.locator("main table")).to_contain_text("Kenya")
    assert "q=ken" in page.url  # the address keeps the filter: it can be bookmarked and exported
    page.get_by_label("CMS region").select_option(label="Europe")
    expect(page.locator("#results-heading")).to_have_text("0 results")
    export = page.get_by_role("link", name="CSV")
    assert "q=ken" in export.get_attribute("href") and "region=europe" in export.get_attribute(
        "href"
    )


def test_the_filters_work_without_javascript(browser, live_server, registry):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/parties/")
    page.get_by_label("Search this list").fill("ken")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_have_text("1 result")
    context.close()
