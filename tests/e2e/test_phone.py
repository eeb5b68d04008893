"""A 390 x 844 phone: the first screen shows the page, not the header; the menu folds behind a
button that works with the keyboard; wide tables scroll with their name column in view."""

import pytest
from playwright.sync_api import expect

import conftest as root_conftest
from tests.e2e.helpers import DESKTOP, MOBILE, describe_violations, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOLD = MOBILE["height"] // 2  # the heading in the upper half of the first screen


def _heading_top(page) -> float:
    return page.locator("main h1").first.bounding_box()["y"]


def _as_demo_persona(page, live_server, login):
    """The demo banner shows for demo accounts, as in `make run`: the tallest header there is."""
    from cmsfamily.accounts.models import User

    User.objects.filter(email=root_conftest.PERSONAS["nfp_kenya"][0]).update(is_demo=True)
    login(page, live_server, "nfp_kenya")
    expect(page.locator(".demo-banner")).to_be_attached()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "demo-nfp"])
def test_the_first_screen_of_a_phone_shows_the_page_with_the_menu_closed(
    page, live_server, registry, login, axe, signed_in
):
    if signed_in:
        _as_demo_persona(page, live_server, login)
    page.set_viewport_size(MOBILE)
    for path in ("/", "/parties/", "/reports/"):
        page.goto(f"{live_server.url}{path}")
        menu = page.locator("details.site-menu")
        expect(menu).not_to_have_attribute("open", "")
        expect(menu.locator("summary")).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
        expect(page.locator("main h1").first).to_be_in_viewport()
        assert _heading_top(page) < FOLD, f"{path}: the heading starts at {_heading_top(page)} px"
        violations = axe(page)
        assert not violations, f"{path}:\n{describe_violations(violations)}"
    screenshot(page, f"phone-first-screen-{'demo' if signed_in else 'anonymous'}-390")


def test_the_phone_menu_opens_and_closes_with_the_keyboard(page, live_server, registry, axe):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/parties/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    summary = page.locator("details.site-menu > summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_text("Menu")
    page.keyboard.press("Enter")
    expect(page.locator("details.site-menu")).to_have_attribute("open", "")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Instruments")).to_be_in_viewport()
    expect(page.get_by_role("searchbox")).to_be_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshot(page, "phone-menu-open-390")
    page.keyboard.press("Tab")  # into the menu, in the order it is shown: the search first
    expect(page.get_by_role("searchbox")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("details.site-menu")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Space")
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="Instruments").click()
    expect(page).to_have_url(f"{live_server.url}/instruments/")


def test_a_wide_screen_shows_the_menu_without_its_button(page, live_server, registry):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/parties/")
    expect(page.locator("details.site-menu > summary")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Instruments")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_be_visible()
    assert _heading_top(page) < 250
    # Narrowed to a phone, the menu folds; widened again, it is back.
    page.set_viewport_size(MOBILE)
    expect(nav).to_be_hidden()
    page.set_viewport_size(DESKTOP)
    expect(nav).to_be_visible()


def test_a_wide_table_scrolls_with_its_name_column_in_view_and_dates_on_one_line(
    page, live_server, registry
):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/parties/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "the Parties table fits: no test"
    wrap.evaluate("w => { w.scrollLeft = 250; }")
    page.wait_for_function("document.querySelector('.table-wrap').scrollLeft >= 200")
    box = wrap.bounding_box()
    name = page.locator(".table-wrap tbody tr:first-child > :first-child").first
    assert abs(name.bounding_box()["x"] - box["x"]) < 2, "the name column scrolled out of view"
    expect(name).to_contain_text("Afghanistan")
    # No name is cut: each cell of the first column shows all of its text.
    clipped = page.evaluate(
        """[...document.querySelectorAll('.table-wrap tbody tr > :first-child')]
           .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim())"""
    )
    assert not clipped, clipped
    # Dates never wrap: every date of the table is one line high.
    broken = page.evaluate(
        """[...document.querySelectorAll('.data-table time')]
           .filter(t => t.getClientRects().length > 1).map(t => t.textContent)"""
    )
    assert page.locator(".data-table time").count() > 10
    assert not broken, broken
    screenshot(page, "phone-parties-scrolled-390")
