"""What the browser tests share: the browser's settings, signing in and out, axe-core, screenshots."""

import re
from pathlib import Path

import conftest as root_conftest

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; no browser is ever downloaded
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 10_000


def sign_in(page, live_server, persona_key: str):
    """Sign in as one of the root conftest's personas through the real django-allauth form."""
    from playwright.sync_api import expect

    email = root_conftest.PERSONAS[persona_key][0]
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(root_conftest.PASSWORD)
    page.get_by_role("button", name=re.compile(r"^Sign in$", re.IGNORECASE)).click()
    expect(page.locator(".site-header .who")).to_contain_text(email)


def sign_out(page):
    """Sign out with the button in the site header."""
    from playwright.sync_api import expect

    header = page.locator(".site-header")
    button = header.get_by_role("button", name="Sign out")
    if not button.is_visible():  # on a phone it is in the folded menu
        header.locator("details.site-menu > summary").click()
    button.click()
    expect(header.locator('a[href^="/accounts/login/"]').first).to_be_attached()


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    """Run the vendored axe-core on the page; return its serious and critical violations.

    `exclude`: CSS selectors of parts not to check (third-party widgets we cannot change).
    """
    # Evaluated through the DevTools protocol: an injected <script> would be refused by the
    # site's Content-Security-Policy, as any inline script is.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude or []]}
    result = page.evaluate(
        "async (context) => await axe.run(context, {resultTypes: ['violations']})", context
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def watch_csp_violations(page) -> list[str]:
    """The console messages in which Chromium refuses something under the Content-Security-Policy."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'])}: {node['html'][:160]}")
    return "\n".join(lines)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/NAME.png (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshots(page, name: str) -> list[Path]:
    """Screenshots at 1280 px and at 390 px (NAME-1280.png, NAME-390.png); the page stays at 1280."""
    paths = [screenshot(page, f"{name}-1280")]
    page.set_viewport_size(MOBILE)
    paths.append(screenshot(page, f"{name}-390"))
    page.set_viewport_size(DESKTOP)
    return paths


def horizontal_overflow(page, width: int, tolerance: int = 2) -> int:
    """How many pixels the document is wider than a viewport of `width` (0 when it fits)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return max(0, scroll_width - width - tolerance)


def to_french(page):
    """Switch the interface to French with the header's language form."""
    from playwright.sync_api import expect

    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
