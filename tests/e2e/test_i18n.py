"""The interface in French: chosen with the language switcher in the header."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import MOBILE, horizontal_overflow, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_french_interface_shows_allemagne(page, live_server, registry):
    page.goto(f"{live_server.url}/")
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.goto(f"{live_server.url}/parties/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("form.lang select")).to_have_value("fr")
    table = page.locator("main table")
    expect(table.get_by_role("link", name="Allemagne", exact=True)).to_be_visible()
    expect(table).not_to_contain_text("Germany")
    screenshots(page, "fr-parties")

    page.goto(f"{live_server.url}/parties/de/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Allemagne")
    screenshots(page, "fr-party-de")

    # French names are often longer: the pages must still fit a phone.
    page.set_viewport_size(MOBILE)
    for path in ("/parties/", "/parties/de/"):
        page.goto(f"{live_server.url}{path}")
        assert horizontal_overflow(page, MOBILE["width"]) == 0, path
